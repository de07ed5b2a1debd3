"""Which engine a build runs on (NPS_TARGET), and the PostgreSQL connection of the postgres target.

Every problem with a target is one WarehouseError naming what to set, never a traceback.
"""

from __future__ import annotations

import os

from nps_warehouse.warehouse import WarehouseError

TARGETS = ("duckdb", "postgres")
PG_SETTINGS = ("NPS_PG_HOST", "NPS_PG_PORT", "NPS_PG_USER", "NPS_PG_PASSWORD", "NPS_PG_DBNAME")


def target() -> str:
    """The profile target from NPS_TARGET (default duckdb); an unknown one stops here."""
    name = (os.environ.get("NPS_TARGET") or "duckdb").strip()
    if name not in TARGETS:
        raise WarehouseError(
            f"NPS_TARGET={name!r} is not a target of this project: set NPS_TARGET to one of "
            f"{', '.join(TARGETS)} (profiles/profiles.yml), or unset it for DuckDB."
        )
    return name


def pg_settings() -> dict[str, str | int]:
    """psycopg's connection settings from the NPS_PG_* variables (the profile reads the same)."""
    missing = [name for name in PG_SETTINGS if not os.environ.get(name)]
    if missing:
        raise WarehouseError(
            f"NPS_TARGET=postgres needs {', '.join(PG_SETTINGS)}; not set: {', '.join(missing)}. "
            "For a throwaway local server, `make postgres-local` starts one and prints them."
        )
    port = os.environ["NPS_PG_PORT"]
    if not port.isdigit():
        raise WarehouseError(f"NPS_PG_PORT={port!r} is not a port number: set it to e.g. 5432.")
    return {
        "host": os.environ["NPS_PG_HOST"],
        "port": int(port),
        "user": os.environ["NPS_PG_USER"],
        "password": os.environ["NPS_PG_PASSWORD"],
        "dbname": os.environ["NPS_PG_DBNAME"],
    }


def describe_pg(settings: dict | None = None) -> str:
    settings = settings or pg_settings()
    return f"postgresql://{settings['user']}@{settings['host']}:{settings['port']}/{settings['dbname']}"


def pg_connect(**extra):
    """A psycopg connection to the postgres target, or one WarehouseError naming what to set."""
    settings = pg_settings()
    try:
        import psycopg
    except ImportError:
        raise WarehouseError(
            "The postgres target needs its driver and dbt adapter: run `make engines` "
            "(pip install -e '.[postgres]')."
        ) from None
    try:
        return psycopg.connect(**settings, connect_timeout=10, **extra)
    except psycopg.OperationalError as error:
        reason = " ".join(str(error).split()) or type(error).__name__
        raise WarehouseError(
            f"Cannot connect to PostgreSQL at {describe_pg(settings)}: {reason}. Check "
            "NPS_PG_HOST, NPS_PG_PORT, NPS_PG_USER, NPS_PG_PASSWORD and NPS_PG_DBNAME (or start "
            "a local server with `make postgres-local`)."
        ) from None
