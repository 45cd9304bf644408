"""Where the database is: DATABASE_URL when set, otherwise an embedded PostgreSQL.

The embedded server comes from the `pgserver` wheel, lives in `.pgdata/` inside the project and
keeps running after the process that started it exits, so `make run`, `make test` and every
`manage.py` call reuse it (`make db-stop` stops it).
"""

import os
import sys
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url

PROJECT_DIR = Path(__file__).resolve().parent.parent
EMBEDDED_DATA_DIR = PROJECT_DIR / ".pgdata"


class DatabaseUnavailable(SystemExit):
    """Raised with a one-line message saying why the database cannot start and what to do."""


def embedded_database_url() -> str:
    import logging

    # pgserver logs every start-up step at INFO and warns when XDG_RUNTIME_DIR (where it keeps its
    # lock file) is unset; give it the folder it would fall back to anyway.
    logging.getLogger("pgserver").setLevel(logging.WARNING)
    if not os.environ.get("XDG_RUNTIME_DIR"):
        runtime = Path(f"/tmp/runtime-{os.getuid()}")  # noqa: S108 - platformdirs' own fallback
        runtime.mkdir(mode=0o700, exist_ok=True)
        runtime.chmod(0o700)
        os.environ["XDG_RUNTIME_DIR"] = str(runtime)
    try:
        import pgserver
    except ImportError:
        raise DatabaseUnavailable(
            "Embedded PostgreSQL is not installed (pip package 'pgserver'): run `make install`, "
            "or set DATABASE_URL to an existing PostgreSQL server."
        ) from None
    try:
        server = pgserver.get_server(EMBEDDED_DATA_DIR, cleanup_mode=None)
        return server.get_uri()
    except Exception as error:  # noqa: BLE001 - any failure gets the same one-line explanation
        log = EMBEDDED_DATA_DIR / "log"
        raise DatabaseUnavailable(
            f"Embedded PostgreSQL could not start in {EMBEDDED_DATA_DIR} "
            f"({type(error).__name__}: {error}); see {log}, free the folder by running `make db-stop`, "
            "or set DATABASE_URL to an existing PostgreSQL server."
        ) from None


def database_url() -> str:
    """The URL to use, starting the embedded server when DATABASE_URL is not set.

    The embedded URL is put back into the environment so child processes (gunicorn workers,
    the benchmark's load generator) connect without asking pgserver again.
    """
    url = os.environ.get("DATABASE_URL")
    if not url:
        url = embedded_database_url()
        os.environ["DATABASE_URL"] = url
    return url


# Query parameters passed on to psycopg; any others in DATABASE_URL are ignored (README).
CONNECTION_OPTIONS = ("sslmode", "sslrootcert", "connect_timeout")


def database_settings(url: str, *, conn_max_age: int) -> dict:
    """Turn a postgresql:// URL into Django's DATABASES['default'] for django-tenants."""
    # The messages never quote the URL: it may hold a password.
    scheme = urlsplit(url).scheme
    try:
        parsed = dj_database_url.parse(url, conn_max_age=conn_max_age, conn_health_checks=True)
    except dj_database_url.UnknownSchemeError:
        parsed = {}
    except dj_database_url.ParseError as error:
        sys.exit(f"DATABASE_URL cannot be read: {error}")
    if parsed.get("ENGINE") != "django.db.backends.postgresql":
        sys.exit(f"DATABASE_URL must start with postgresql://, not {scheme}://")
    query = parsed.get("OPTIONS", {})
    # dj-database-url reads numbers and true/false as such, and a repeated parameter as a list
    # (the last one wins, as in libpq).
    query = {key: str(value[-1] if isinstance(value, list) else value) for key, value in query.items()}
    name = parsed["NAME"] or "postgres"
    return {
        **parsed,
        # django-tenants' backend sets search_path to the request's tenant schema.
        "ENGINE": "tenants.db_backend",
        "NAME": name,
        # ?host= names the server (or its socket folder, as the embedded server's URL does), as libpq
        # reads it; pg_dump (tenants.schemas) and psycopg both take it from HOST.
        "HOST": query.pop("host", None) or parsed["HOST"],
        "PORT": str(parsed["PORT"]),
        "OPTIONS": {key: value for key, value in query.items() if key in CONNECTION_OPTIONS},
        # TEST_DATABASE_NAME lets two test runs share one server without dropping each other's database.
        "TEST": {"NAME": os.environ.get("TEST_DATABASE_NAME") or f"{name}_test"},
    }


def stop_embedded() -> None:
    """Stop the embedded server (`make db-stop`)."""
    if not (EMBEDDED_DATA_DIR / "postmaster.pid").exists():
        print("Embedded PostgreSQL is not running.")  # noqa: T201
        return
    from pgserver._commands import pg_ctl

    user = "pgserver" if hasattr(os, "geteuid") and os.geteuid() == 0 else None
    pg_ctl(["-w", "-m", "fast", "stop"], pgdata=EMBEDDED_DATA_DIR, user=user)
    print("Embedded PostgreSQL stopped.")  # noqa: T201
