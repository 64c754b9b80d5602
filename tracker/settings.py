"""Settings for the Gold Card supplement tracker, read from the environment.

Every value has a safe default for the embedded run (SQLite, a filesystem broker, a private local
folder for documents, email kept on disk). Production sets the URLs in README's configuration table;
no code branches on "demo".
"""

from __future__ import annotations

import ipaddress
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

# Pure helpers (no models): they turn environment strings into the alert schedule and offsets.
from notifications.rules import parse_offsets
from notifications.schedule import sweep_entries
from tracker.embedded_key import embedded_secret_key

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

# --- Core -----------------------------------------------------------------------------------------
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

# One folder holds everything the embedded run writes: the SQLite file, documents, the broker.
DATA_DIR = Path(env.str("TRACKER_DATA_DIR", default=str(BASE_DIR / "var"))).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)

# Production is HTTPS (SECURE_SSL, which compose.yaml sets) unless TRACKER_PRODUCTION says
# otherwise; it must bring its own SECRET_KEY. The embedded run makes a random one, once, in the
# data folder (owner-only): no key known from the code signs anyone's sessions or links.
PRODUCTION = env.bool("TRACKER_PRODUCTION", default=env.bool("SECURE_SSL", default=False))
SECRET_KEY = env.str("SECRET_KEY", default="")
if PRODUCTION and (not SECRET_KEY or SECRET_KEY.startswith("django-insecure")):
    raise ImproperlyConfigured(
        "SECRET_KEY must be set in production (a long random string: README, Production)."
    )
if not SECRET_KEY:
    SECRET_KEY = embedded_secret_key(DATA_DIR)

INSTALLED_APPS = [
    "backoffice.site.TrackerAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "axes",
    "django_htmx",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "accounts",
    "cases",
    "notifications",
    "integrations",
    "intake",
    # The outer layers: pages, the REST API (no models, no templates) and the admin.
    "web",
    "backoffice",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages, exports and feeds compressed; the API's JSON stays plain (tracker/compression.py).
    "tracker.compression.TextGZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # The user's saved language (after auth), then the second factor for users who turned it on.
    "accounts.middleware.UserLanguageMiddleware",
    "accounts.middleware.RequireOTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Before the view and CSRF's check read the body (request.POST parses the whole multipart
    # form): an oversized upload is refused unread, in the reader's language and layout.
    "tracker.body_limit.RequestBodyLimitMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "tracker.urls"
WSGI_APPLICATION = "tracker.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]


# --- Database: one function chooses it -----------------------------------------------------------
def database_config() -> dict:
    """PostgreSQL (or any django-environ URL) from DATABASE_URL, else the embedded SQLite file."""
    url = env.str("DATABASE_URL", default="")
    if url:
        config = env.db_url_config(url)
        config.setdefault("CONN_MAX_AGE", env.int("DB_CONN_MAX_AGE", default=60))
        config["CONN_HEALTH_CHECKS"] = True
        if config["ENGINE"] == "django.db.backends.postgresql":
            # A hung database gives up on its own instead of holding a worker (and /healthz).
            config.setdefault("OPTIONS", {}).setdefault(
                "connect_timeout", env.int("DB_CONNECT_TIMEOUT", default=5)
            )
        return config
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": DATA_DIR / "tracker.sqlite3",
        # WAL lets the web process and the embedded worker read while one writes; the busy timeout
        # makes a writer wait for the lock instead of failing at once.
        "OPTIONS": {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        },
    }


DATABASES = {"default": database_config()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Auth -----------------------------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/accounts/login/"

# Five wrong passwords lock the login, from whatever addresses, as on the NIA platform. The lock
# is per username only: locking addresses would let one attacker behind a shared proxy (or NAT)
# lock everyone out. A password reset by email lifts it (web.account_views); guessing across many
# usernames is slowed per client address by the "login" rate limit (integrations.throttling).
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=1.0)
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
# The address axes records: ours (X-Forwarded-For only through TRUSTED_PROXIES).
AXES_CLIENT_IP_CALLABLE = "accounts.client_ip.client_ip"
# axes.W006 wants the address among the lockout parameters, against attackers rotating cookies
# or user agents; a username lock cannot be dodged that way, and the per-address side is the
# "login" rate limit, which does not lock a shared address out for an hour.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
# The lockout answer is a page that says what happened and how to get back in (429).
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
# Invitation links (signed, single use) expire after this many days.
INVITATION_MAX_AGE_DAYS = env.int("INVITATION_MAX_AGE_DAYS", default=7)
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="Gold Card tracker")

# --- Internationalisation -------------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("zh-hant", _("Traditional Chinese"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Taipei"
USE_I18N = True
USE_TZ = True

# --- Static files and documents --------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(DATA_DIR / "static")))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_ROOT = Path(env.str("DOCUMENTS_DIR", default=str(DATA_DIR / "documents")))
# No MEDIA_URL on purpose: documents are private and served only through a view that checks access.


def storages_config() -> dict:
    """Documents go to a private local folder, or to an S3-compatible bucket when one is named."""
    bucket = env.str("S3_BUCKET", default="")
    if bucket:
        default = {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": bucket,
                "endpoint_url": env.str("S3_ENDPOINT_URL", default="") or None,
                "access_key": env.str("S3_ACCESS_KEY", default="") or None,
                "secret_key": env.str("S3_SECRET_KEY", default="") or None,
                "region_name": env.str("S3_REGION", default="") or None,
                "default_acl": "private",
                "querystring_auth": True,
                "file_overwrite": False,
            },
        }
    else:
        default = {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(MEDIA_ROOT), "base_url": None},
        }
    return {
        "default": default,
        # Hashed names (app.3f2a….css) that browsers and CDNs may keep for a year (WhiteNoise
        # marks them immutable), gzip and brotli copies made once by collectstatic.
        "staticfiles": {
            "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env.bool("STATIC_MANIFEST", default=True)
            else "whitenoise.storage.CompressedStaticFilesStorage"
        },
    }


STORAGES = storages_config()

# --- Platform limits (NIA tutorial): at most 5 files of 1024 KB each, unencrypted ------------------
UPLOAD_SET_MAX_FILES = env.int("UPLOAD_SET_MAX_FILES", default=5)
# "1024 KB" is ambiguous (1,024,000 or 1,048,576 bytes): aim under 1,000,000 to keep a margin.
UPLOAD_SET_MAX_FILE_BYTES = env.int("UPLOAD_SET_MAX_FILE_BYTES", default=1_000_000)
UPLOAD_MAX_BYTES = env.int("UPLOAD_MAX_BYTES", default=50 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Hostile-file checks (cases.documents.checks): a 108-megapixel phone photo passes, a
# decompression bomb of billions of pixels or gigabytes of inflated PDF streams does not.
UPLOAD_MAX_PIXELS = env.int("UPLOAD_MAX_PIXELS", default=150_000_000)
UPLOAD_MAX_EXPANDED_BYTES = env.int("UPLOAD_MAX_EXPANDED_BYTES", default=2 * 1024**3)
UPLOAD_MAX_PAGES = env.int("UPLOAD_MAX_PAGES", default=500)
# Virus scanning of every upload: "" (off), "clamd" (ClamAV's daemon at CLAMD_URL, its
# StreamMaxLength at least UPLOAD_MAX_BYTES) or "test" (a double that finds the EICAR test file).
VIRUS_SCANNER = env.str("VIRUS_SCANNER", default="")
CLAMD_URL = env.str("CLAMD_URL", default="unix:///run/clamav/clamd.ctl")
VIRUS_SCAN_TIMEOUT = env.float("VIRUS_SCAN_TIMEOUT", default=30.0)
# Packing the upload set (a Celery task): again after every document change; a job whose
# worker went silent this long is sent again, at most PACK_MAX_ATTEMPTS times.
UPLOAD_SET_AUTO_PACK = env.bool("UPLOAD_SET_AUTO_PACK", default=True)
PACK_STALE_SECONDS = env.int("PACK_STALE_SECONDS", default=900)
PACK_MAX_ATTEMPTS = env.int("PACK_MAX_ATTEMPTS", default=3)
# Memory one packing may add to the worker (a child process under RLIMIT_AS): a job over it fails
# with "too large to pack" instead of exhausting the machine. 0 packs inside the worker, uncapped.
PACK_MEMORY_LIMIT_MB = env.int("PACK_MEMORY_LIMIT_MB", default=1024)

# --- Email ----------------------------------------------------------------------------------------
EMAIL_URL = env.str("EMAIL_URL", default="")
if EMAIL_URL:
    vars().update(env.email_url_config(EMAIL_URL))
else:
    # The embedded run keeps every email as a file in the data folder.
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = str(DATA_DIR / "sent-email")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Gold Card tracker <tracker@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Emails' Date header in TIME_ZONE (Taipei) with its offset (+0800), as people read their mail,
# instead of UTC written "-0000" (which some clients show as "unknown time zone").
EMAIL_USE_LOCALTIME = True

# --- Cache and Celery -----------------------------------------------------------------------------
REDIS_CACHE_URL = env.str("CACHE_URL", default="")
if REDIS_CACHE_URL:
    CACHES = {"default": env.cache_url_config(REDIS_CACHE_URL)}
    if "redis" in CACHES["default"]["BACKEND"].lower():
        # A cache that does not answer at once is treated as down (the rate limits then fail
        # open) rather than holding every request for the client's default wait.
        CACHES["default"].setdefault("OPTIONS", {}).update(
            socket_connect_timeout=env.float("CACHE_TIMEOUT", default=1.0),
            socket_timeout=env.float("CACHE_TIMEOUT", default=1.0),
        )
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

BROKER_DIR = DATA_DIR / "broker"
# "localhost" only silences kombu's "no hostname" warning: the folder transport has no host.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="") or "filesystem://localhost//"
if CELERY_BROKER_URL.startswith("filesystem://"):
    # kombu's filesystem transport needs no server; the short polling interval matters
    # (the default handles about 4 tasks a second).
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR / "queue"),
        "data_folder_out": str(BROKER_DIR / "queue"),
        "processed_folder": str(BROKER_DIR / "processed"),
        # Broadcast (worker control) tables; kombu's default is ./control in the working directory.
        "control_folder": str(BROKER_DIR / "control"),
        "store_processed": False,
        "polling_interval": 0.1,
    }
    # kombu does not create its folders: without them the first task sent from a fresh data
    # folder (seed_demo on an empty TRACKER_DATA_DIR, before any worker ran) fails.
    for _folder in ("queue", "processed", "control"):
        (BROKER_DIR / _folder).mkdir(parents=True, exist_ok=True)
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(DATA_DIR / "celerybeat-schedule")
# A queue name of its own lets a test worker share a Redis database without taking others' tasks.
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_TASK_DEFAULT_QUEUE", default="celery")
# The beat schedule is data: the deadline-alert sweep every five minutes unless the environment
# says otherwise (a crontab, a number of seconds, or "off"); each entry expires.
CELERY_BEAT_SCHEDULE: dict = {
    **sweep_entries(
        env.str("ALERT_SWEEP_SCHEDULE", default="*/5 * * * *"),
        expires=env.float("ALERT_SWEEP_EXPIRES", default=None),
    ),
    # Webhooks: due-soon and overdue events, lost deliveries re-queued, failing endpoints disabled.
    "webhook-sweep": {
        "task": "notifications.webhook_sweep",
        "schedule": env.float("WEBHOOK_SWEEP_SECONDS", default=300.0),
        "options": {"expires": env.float("WEBHOOK_SWEEP_SECONDS", default=300.0)},
    },
    # Packing jobs a killed worker left behind are sent again (cases.services).
    "recover-stale-pack-jobs": {
        "task": "cases.documents.recover_stale_pack_jobs",
        "schedule": env.float("PACK_RECOVER_SECONDS", default=300.0),
        "options": {"expires": env.float("PACK_RECOVER_SECONDS", default=300.0)},
    },
    # The notice mailboxes (intake): a forwarded notice becomes a supplement within one interval.
    "poll-notice-mailboxes": {
        "task": "intake.poll_mailboxes",
        "schedule": env.float("INTAKE_POLL_SECONDS", default=300.0),
        "options": {"expires": env.float("INTAKE_POLL_SECONDS", default=300.0)},
    },
}
# Mailbox passwords are stored encrypted (Fernet); the key is this when set, else derived from
# SECRET_KEY (intake.secrets).
INTAKE_ENCRYPTION_KEY = env.str("INTAKE_ENCRYPTION_KEY", default="")
INTAKE_IMAP_TIMEOUT = env.float("INTAKE_IMAP_TIMEOUT", default=30.0)
# Task modules outside an app's tasks.py (autodiscovery finds only those).

# --- Deadline alerts (notifications) -----------------------------------------------------------------
ALERT_DEFAULT_OFFSETS = parse_offsets(env.str("ALERT_DEFAULT_OFFSETS", default="14,7,3,1,0,-1"))
ALERT_ESCALATE_DAYS = env.int("ALERT_ESCALATE_DAYS", default=3)
ALERT_DIGEST_HOUR = env.int("ALERT_DIGEST_HOUR", default=8)
ALERT_CLAIM_LEASE_SECONDS = env.int("ALERT_CLAIM_LEASE_SECONDS", default=600)
ALERT_MAX_ATTEMPTS = env.int("ALERT_MAX_ATTEMPTS", default=8)
# Reminders (催件) to the applicant or HR: at most one per supplement and party in this many hours.
REMINDER_MIN_HOURS = env.int("REMINDER_MIN_HOURS", default=12)
ALERT_RETRY_BASE_SECONDS = env.int("ALERT_RETRY_BASE_SECONDS", default=60)
ALERT_RETRY_MAX_SECONDS = env.int("ALERT_RETRY_MAX_SECONDS", default=3600)
ALERT_BATCH_SIZE = env.int("ALERT_BATCH_SIZE", default=500)
ALERT_SEND_BATCH_SIZE = env.int("ALERT_SEND_BATCH_SIZE", default=50)
ALERT_LINK_MAX_AGE_DAYS = env.int("ALERT_LINK_MAX_AGE_DAYS", default=30)

# --- Outbound webhooks (notifications.webhooks) -----------------------------------------------------
# Off by default: receivers must be public https hosts. On, 127.0.0.1 (only) may receive, over http
# too: tests and local integrations.
WEBHOOK_ALLOW_LOOPBACK = env.bool("WEBHOOK_ALLOW_LOOPBACK", default=False)
# Seconds before each retry (Standard Webhooks' schedule: about 27 hours in all).
WEBHOOK_RETRY_SCHEDULE = tuple(
    env.list("WEBHOOK_RETRY_SCHEDULE", cast=int, default=[5, 300, 1800, 7200, 18000, 36000, 36000])
)
WEBHOOK_TIMEOUT_SECONDS = env.float("WEBHOOK_TIMEOUT_SECONDS", default=10.0)
# An endpoint whose deliveries keep failing this long is disabled and its admins are emailed.
WEBHOOK_DISABLE_AFTER_DAYS = env.int("WEBHOOK_DISABLE_AFTER_DAYS", default=5)
WEBHOOK_DUE_SOON_DAYS = env.int("WEBHOOK_DUE_SOON_DAYS", default=3)
# A delivery still pending this long after its time lost its task: the sweep queues it again.
WEBHOOK_STRANDED_SECONDS = env.int("WEBHOOK_STRANDED_SECONDS", default=300)
# The function that renders an event's `data` (the API's representation).
WEBHOOK_PAYLOAD_RENDERER = "api.webhook_payloads.render"

# --- REST framework -------------------------------------------------------------------------------
REST_FRAMEWORK = {
    # Token first: its challenge makes an unauthenticated call answer 401, not 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "integrations.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # Writes are JSON only, so the schema documents one body per write and a generated client
    # sends what the server reads; the upload views take multipart (their `parser_classes`).
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    # DRF's test client sends what the API reads (tests of uploads say format="multipart").
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    "DEFAULT_SCHEMA_CLASS": "api.schema.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "api.pagination.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "EXCEPTION_HANDLER": "api.errors.exception_handler",
    # DRF's own X-Forwarded-For reading is off: our throttles ask accounts.client_ip.
    "NUM_PROXIES": 0,
    "DEFAULT_THROTTLE_CLASSES": [
        "integrations.throttling.UserThrottle",
        "integrations.throttling.TokenThrottle",
        "integrations.throttling.AnonThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "user": env.str("API_THROTTLE_USER", default="240/minute"),
        "token": env.str("API_THROTTLE_TOKEN", default="120/minute"),
        "anon": env.str("API_THROTTLE_ANON", default="60/minute"),
        "login": env.str("API_THROTTLE_LOGIN", default="20/minute"),
    },
}
API_MAX_PAGE_SIZE = env.int("API_MAX_PAGE_SIZE", default=200)
API_TOKENS_PER_USER = env.int("API_TOKENS_PER_USER", default=20)
IDEMPOTENCY_TTL_HOURS = env.int("IDEMPOTENCY_TTL_HOURS", default=24)
SPECTACULAR_SETTINGS = {
    "TITLE": "Gold Card supplement tracker API",
    "DESCRIPTION": "Cases, supplement requests (補正/補件), readiness and deadlines.",
    "VERSION": "1.0.0",
    # OpenAPI 3.1: a nullable reference is {oneOf: [$ref, {type: null}]}, which client
    # generators read as "this or None" (3.0's allOf + nullable was read as never null).
    "OAS_VERSION": "3.1.0",
    "COMPONENT_SPLIT_REQUEST": True,
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    # The paths start with /api/v1, so the server is the site itself.
    "SERVERS": [{"url": SITE_URL, "description": "This tracker"}],
    # Swagger UI and Redoc from drf-spectacular-sidecar: served by us, allowed by the CSP.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SWAGGER_UI_SETTINGS": {"persistAuthorization": False, "displayOperationId": False},
    "ENUM_NAME_OVERRIDES": {
        "CaseStatusEnum": "cases.choices.CaseStatus",
        "SupplementStateEnum": "cases.choices.SupplementState",
        "ItemStateEnum": "cases.choices.ItemState",
        "ItemKindEnum": "cases.choices.ItemKind",
        "CaseKindEnum": "cases.choices.CaseKind",
        "PartyEnum": "cases.choices.Party",
        "RoleEnum": "accounts.models.Role",
        "OrganizationKindEnum": "accounts.models.OrganizationKind",
        "AttachmentKindEnum": "cases.choices.AttachmentKind",
        "WebhookEventTypeEnum": "notifications.webhooks.models.EventType",
        "NoticeOutcomeEnum": "intake.models.Outcome",
        # The supplement's keeps the name it had before the notices' outcome came (issue 13).
        "OutcomeEnum": "cases.choices.SupplementOutcome",
        "NoticeSourceEnum": "intake.models.Source",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.describe_api",
    ],
}

# --- Security -------------------------------------------------------------------------------------
SECURE_SSL = env.bool("SECURE_SSL", default=False)
SESSION_COOKIE_SECURE = SECURE_SSL
CSRF_COOKIE_SECURE = SECURE_SSL
SECURE_SSL_REDIRECT = SECURE_SSL
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000 if SECURE_SSL else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_SSL
SECURE_HSTS_PRELOAD = SECURE_SSL
# Load balancers probe /healthz over plain HTTP: answer them instead of redirecting.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
if env.bool("BEHIND_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Proxies (addresses or networks) whose X-Forwarded-For is believed (accounts.client_ip); empty:
# the header is ignored and the connecting address is the client's.
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])
for _proxy in TRUSTED_PROXIES:
    ipaddress.ip_network(_proxy, strict=False)  # a typo stops the start, not the first request
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "script-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

# --- Logging --------------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"axes": {"level": "WARNING"}, "pikepdf": {"level": "WARNING"}},
}
