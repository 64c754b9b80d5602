"""No known secret in the embedded default (issue 12, item 3): without SECRET_KEY the embedded run
makes a random key once per data folder, owner-only; production refuses to start without one."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PRINT_KEY = (
    "import django; django.setup(); from django.conf import settings; print(settings.SECRET_KEY)"
)


def run(data_dir: Path, **extra: str) -> subprocess.CompletedProcess:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("SECRET_KEY", "SECURE_SSL", "TRACKER_PRODUCTION", "DEBUG")
    }
    env.update(DJANGO_SETTINGS_MODULE="tracker.settings", TRACKER_DATA_DIR=str(data_dir), **extra)
    return subprocess.run(
        [sys.executable, "-c", PRINT_KEY],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def key_of(data_dir: Path, **extra: str) -> str:
    result = run(data_dir, **extra)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def test_embedded_key_is_random_kept_and_private(tmp_path):
    first, second = tmp_path / "one", tmp_path / "two"

    key = key_of(first)

    assert len(key) >= 50
    assert "insecure" not in key
    assert key_of(first) == key  # kept: sessions and links survive a restart
    assert key_of(second) != key  # never the same on two machines
    kept = first / "secret-key"
    assert kept.read_text().strip() == key
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600


def test_a_loosened_key_file_is_made_private_again(tmp_path):
    key = key_of(tmp_path)
    (tmp_path / "secret-key").chmod(0o644)

    assert key_of(tmp_path) == key
    assert stat.S_IMODE((tmp_path / "secret-key").stat().st_mode) == 0o600


@pytest.mark.parametrize(
    "production",
    [{"SECURE_SSL": "1"}, {"TRACKER_PRODUCTION": "1"}],
    ids=["https", "flag"],
)
def test_production_refuses_to_start_without_a_key(tmp_path, production):
    result = run(tmp_path, **production)

    assert result.returncode != 0
    assert "SECRET_KEY must be set in production" in result.stderr
    assert not (tmp_path / "secret-key").exists()
    insecure = run(tmp_path, SECRET_KEY="django-insecure-" + "x" * 60, **production)
    assert insecure.returncode != 0


def test_production_starts_with_a_key(tmp_path):
    assert key_of(tmp_path, SECURE_SSL="1", SECRET_KEY="k" * 60) == "k" * 60
