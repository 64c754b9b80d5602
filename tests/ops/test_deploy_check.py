"""`manage.py check --deploy` passes with production-like settings, and is a real check: the
embedded defaults (no HTTPS) make it warn."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

# Variables that shape security settings: dropped first so the runner's environment cannot leak in.
TRACKER_VARS = (
    "SECRET_KEY",
    "DEBUG",
    "SECURE_SSL",
    "SECURE_HSTS_SECONDS",
    "BEHIND_PROXY",
    "ALLOWED_HOSTS",
    "CSRF_TRUSTED_ORIGINS",
    "SITE_URL",
    "TRACKER_DATA_DIR",
)


def run_check(extra_env):
    env = {key: value for key, value in os.environ.items() if key not in TRACKER_VARS}
    env["DJANGO_SETTINGS_MODULE"] = "tracker.settings"
    env.update(extra_env)
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_settings_pass_check_deploy(tmp_path):
    result = run_check(
        {
            "SECRET_KEY": secrets.token_urlsafe(64),
            "DEBUG": "0",
            "SECURE_SSL": "1",
            "ALLOWED_HOSTS": "tracker.example.com",
            "TRACKER_DATA_DIR": str(tmp_path),
        }
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "WARNINGS" not in output, output


def test_embedded_defaults_warn_about_https_but_not_the_key(tmp_path):
    result = run_check({"TRACKER_DATA_DIR": str(tmp_path)})
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert "security.W008" in output, output  # no HTTPS redirect: the embedded run is plain HTTP
    # The key is the data folder's own random one (tracker.embedded_key), not a known default.
    assert "security.W009" not in output, output
