"""The embedded run's SECRET_KEY: random, made once per data folder and kept there, readable by its
owner only. A key shipped in the code would let anyone sign sessions, password-reset and alert
links for every embedded install; this one is never the same on two machines.

Production never comes here: settings refuse to start without SECRET_KEY (README).
"""

from __future__ import annotations

import os
import secrets
import time
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.core.management.utils import get_random_secret_key

FILE_NAME = "secret-key"
MIN_LENGTH = 50  # what `check --deploy` (security.W009) asks for


def _read(path: Path) -> str:
    # Several processes start at once (web, worker, beat): a key being written is waited for.
    for _attempt in range(50):
        key = path.read_text(encoding="ascii").strip()
        if key:
            break
        time.sleep(0.1)
    if len(key) < MIN_LENGTH:
        raise ImproperlyConfigured(
            f"{path} holds no usable key (under {MIN_LENGTH} characters): delete it to make a new "
            "one, or set SECRET_KEY."
        )
    if path.stat().st_mode & 0o077:
        path.chmod(0o600)  # copied in with looser permissions: owner-only again
    return key


def embedded_secret_key(data_dir: Path) -> str:
    """The data folder's key, made on first use."""
    path = data_dir / FILE_NAME
    if path.exists():
        return _read(path)
    # Written whole to a private temporary file, then linked into place: link fails if another
    # process won the race, and nobody ever reads a half-written key.
    temporary = data_dir / f".{FILE_NAME}.{os.getpid()}.{secrets.token_hex(4)}"
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="ascii") as handle:
        handle.write(get_random_secret_key() + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    try:
        os.link(temporary, path)
    except FileExistsError:
        pass
    except OSError:
        # A filesystem without hard links: a rename is atomic too, but does not refuse to
        # replace; only done when nobody has written the key meanwhile.
        if not path.exists():
            os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
    return _read(path)
