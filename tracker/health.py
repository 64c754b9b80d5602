"""`/healthz` (contract): 200 when the database, the broker, the cache and the document storage
answer, else 503 naming the check(s) that failed; only the cache down answers 200 with status
"degraded" and the cache named, since the service keeps working without it. Anonymous callers
(load balancers) learn which part failed and nothing more; the reason, which may name hosts, goes
to the log and to staff.

Hand-written rather than django-health-check: the contract fixes our own JSON shape, the three checks
are a few lines each, and 4.8 (the last release for Python 3.11) would add an app to INSTALLED_APPS
and its own output format for no gain. Each check runs in its own thread with a deadline, so a hung
connection answers 503 within seconds instead of holding a web worker.
"""

from __future__ import annotations

import logging
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connections
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from kombu import Connection

CHECK_TIMEOUT = 3.0  # seconds each check may take, all three running at once
CONNECT_TIMEOUT = 2.0


def check_database() -> None:
    try:
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    finally:
        connections.close_all()  # this thread's own connections only


def check_broker() -> None:
    url = settings.CELERY_BROKER_URL
    options = dict(getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", None) or {})
    if url.startswith("filesystem://"):
        # The embedded broker is a set of folders: they must exist and take a file.
        keys = ("data_folder_in", "data_folder_out", "processed_folder")
        for folder in {options[key] for key in keys if options.get(key)}:
            Path(folder).mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=folder, prefix=".healthz-", suffix=".tmp"):
                pass
        return
    options.update(socket_timeout=CONNECT_TIMEOUT, socket_connect_timeout=CONNECT_TIMEOUT)
    with Connection(url, connect_timeout=CONNECT_TIMEOUT, transport_options=options) as conn:
        conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=2)


def check_storage() -> None:
    probe = b"healthz " + uuid.uuid4().hex.encode()
    name = default_storage.save(f"healthz/probe-{uuid.uuid4().hex}.txt", ContentFile(probe))
    try:
        with default_storage.open(name, "rb") as handle:
            if handle.read() != probe:
                raise OSError("read back different bytes")
    finally:
        default_storage.delete(name)


def check_cache() -> None:
    # Rate limits fail open without it (integrations.throttling): the service stays up, but an
    # operator must know.
    key = f"healthz:{uuid.uuid4().hex}"
    cache.set(key, "ok", timeout=30)
    try:
        if cache.get(key) != "ok":
            raise OSError("read back a different value")
    finally:
        cache.delete(key)


CHECKS = {
    "database": check_database,
    "broker": check_broker,
    "cache": check_cache,
    "storage": check_storage,
}

# Checks whose failure leaves the service answering (the rate limits fail open): 200, "degraded".
DEGRADED_ONLY = {"cache"}

logger = logging.getLogger(__name__)


def _reason(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or exc.__class__.__name__
    return f"error: {exc.__class__.__name__}: {text[:200]}"


def run_checks(timeout: float = CHECK_TIMEOUT) -> dict[str, str]:
    pool = ThreadPoolExecutor(max_workers=len(CHECKS), thread_name_prefix="healthz")
    try:
        futures = {name: pool.submit(check) for name, check in CHECKS.items()}
        deadline = time.monotonic() + timeout  # the checks run at once: one deadline for all
        results = {}
        for name, future in futures.items():
            try:
                future.result(timeout=max(0.0, deadline - time.monotonic()))
                results[name] = "ok"
            except FutureTimeout:
                results[name] = f"error: no answer within {timeout:g}s"
            except Exception as exc:
                results[name] = _reason(exc)
        return results
    finally:
        # A check stuck past its deadline is left to finish on its own; never wait for it here.
        pool.shutdown(wait=False, cancel_futures=True)


def _may_see_reasons(request) -> bool:
    # Only a session already loaded: with the database down, asking who the caller is would fail.
    user = getattr(request, "user", None)
    try:
        return bool(user is not None and user.is_authenticated and user.is_staff)
    except Exception:
        return False


@never_cache
@require_safe
def healthz(request):
    checks = run_checks()
    failed = [name for name, result in checks.items() if result != "ok"]
    if not failed:
        return JsonResponse({"status": "ok", "checks": checks})
    for name in failed:
        logger.warning("healthz: %s %s", name, checks[name])
    if not _may_see_reasons(request):
        # Exception texts carry hosts, ports and sometimes URLs: not for anonymous callers.
        checks = {name: "ok" if result == "ok" else "error" for name, result in checks.items()}
    if set(failed) <= DEGRADED_ONLY:
        # Still serving: a 503 would make load balancers take every instance out at once over a
        # shared cache, the outage failing open is there to avoid.
        return JsonResponse({"status": "degraded", "failed": failed, "checks": checks})
    return JsonResponse({"status": "error", "failed": failed, "checks": checks}, status=503)
