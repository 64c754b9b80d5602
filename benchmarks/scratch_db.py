"""A scratch PostgreSQL database for a benchmark: its name and URLs from DATABASE_URL's server, and
the statements that create and drop it (run on the server's `postgres` database)."""

from __future__ import annotations

import os
import sys
from urllib.parse import urlsplit, urlunsplit


def database_urls(script: str, prefix: str) -> tuple[str, str, str]:
    """(the admin URL, the scratch database's URL, its name); exits unless PostgreSQL."""
    parts = urlsplit(os.environ.get("DATABASE_URL", ""))
    if parts.scheme not in {"postgres", "postgresql", "pgsql"}:
        sys.exit(f"{script} needs DATABASE_URL=postgres://... (PostgreSQL)")
    name = f"{prefix}_{os.getpid()}"
    bench = urlunsplit(parts._replace(path=f"/{name}"))
    admin = urlunsplit(parts._replace(path="/postgres"))
    return admin, bench, name


def admin_sql(admin_url: str, statement: str) -> None:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(statement)
