"""Publishing the marts for readers: a separate, read-only DuckDB file, replaced atomically.

BI tools, notebooks and `nps-report` read `data/published/nps_marts.duckdb` (NPS_PUBLISH_PATH),
never the warehouse. After a successful `dbt build` and mart checks, `nps-build` copies the tables
of the warehouse's `marts` schema, and nothing else, into a new file beside the publication and
renames it over the old one (os.replace, atomic on POSIX). So a reader never holds the
warehouse's lock (it cannot block a build), never sees a half-built or failed build (a failed
build publishes nothing), and never sees staging, core or audit tables, where the salted hashes of
emails and names live. A reader that has the old file open keeps reading the old publication
until it reconnects; one that opens the path afterwards gets the new one.

The file says which build it holds in `meta.publication` (one row: its number, the build's
as_of, whether it is sample data, a fingerprint of its content) and `meta.published_tables`
(each table with its row count). Its content is a function of the warehouse: no clock is read.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path

from nps_warehouse import settings, warehouse

DEFAULT_PUBLISH_PATH = settings.DEFAULT_PUBLISH_PATH
PUBLISHER = "nps-warehouse"
FORMAT_VERSION = 1
SCHEMA = "marts"
META_SCHEMA = "meta"
# A DuckDB database file carries this magic at byte 8.
DUCKDB_MAGIC = b"DUCK"
# Never published: a column named after personal data, or a value shaped like its salted hash.
PII_COLUMN = re.compile(r"email|full_name|first_name|last_name|hash", re.IGNORECASE)
MD5_HEX = "^[0-9a-f]{32}$"
EMAIL = r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"


class PublishError(RuntimeError):
    """The marts cannot be published as asked; the message says why and what to do."""


@dataclass(frozen=True)
class Publication:
    """What a published file holds (its meta.publication row and table list)."""

    path: Path
    publication_number: int
    as_of_at: object
    sample_data_set: str | None
    content_fingerprint: str
    tables: dict[str, int]


def publish_path(project_dir: Path) -> Path:
    """NPS_PUBLISH_PATH, or data/published/nps_marts.duckdb; relative paths are taken from the
    project folder, like the warehouse's."""
    path = Path(settings.env(settings.PUBLISH_PATH_ENV, DEFAULT_PUBLISH_PATH))
    return path if path.is_absolute() else project_dir / path


def _sql_text(value: str | os.PathLike[str]) -> str:
    return "'" + str(value).replace("'", "''") + "'"


def check_target(path: Path, warehouse_path: Path) -> Publication | None:
    """Checks, before anything is built, that `path` can take a publication: a usable DuckDB file
    path, not the warehouse, and either free or a previous publication (never anything else).
    Returns the previous publication, if any."""
    try:
        warehouse.check_path(path, settings.PUBLISH_PATH_ENV, DEFAULT_PUBLISH_PATH)
    except warehouse.WarehouseError as error:
        raise PublishError(str(error)) from None
    if os.path.realpath(path) == os.path.realpath(warehouse_path) or (
        path.exists() and warehouse_path.exists() and path.samefile(warehouse_path)
    ):
        raise PublishError(
            f"NPS_PUBLISH_PATH {path} is the warehouse itself; readers get a separate file. "
            f"Use another path, e.g. {DEFAULT_PUBLISH_PATH}."
        )
    return previous_publication(path)


def previous_publication(path: Path) -> Publication | None:
    """The publication at `path`; None when nothing is there. Anything else there (a file this
    tool did not write, a symbolic link, a DuckDB file another program writes into) stops with
    PublishError: publishing would replace it."""
    if not path.exists() and not path.is_symlink():
        return None
    refuse = (
        f"NPS_PUBLISH_PATH {path} exists and is not a publication of the marts written by "
        "nps-build, which replaces only its own publications, so it stopped without touching it"
    )
    if path.is_symlink() or not path.is_file():
        raise PublishError(
            f"{refuse}: it is a {'link' if path.is_symlink() else 'folder'}. "
            "Point NPS_PUBLISH_PATH at a new file."
        )
    with path.open("rb") as handle:
        header = handle.read(16)
    if header[8:12] != DUCKDB_MAGIC:
        raise PublishError(
            f"{refuse} (it is not a DuckDB file). Move it away, or point "
            "NPS_PUBLISH_PATH at a new file."
        )
    wal = Path(f"{path}.wal")
    if wal.exists():
        raise PublishError(
            f"{refuse}: {wal} shows that a program wrote into it (readers must open it "
            "read-only). Close that program, and delete the publication and its .wal to publish "
            "afresh."
        )
    import duckdb

    try:
        with duckdb.connect(str(path), read_only=True) as connection:
            return _read_publication(connection, path)
    except duckdb.Error as error:
        message = str(error).splitlines()[0]
        held = warehouse.lock_holder(message)
        if held:
            raise PublishError(
                f"NPS_PUBLISH_PATH {path} is open for writing in {held[0]} (PID {held[1]}); "
                "readers must open it read-only. Nothing was published; the warehouse is built. "
                "Close that program and build again."
            ) from None
        raise PublishError(f"{refuse} ({message}).") from None


def _read_publication(connection, path: Path) -> Publication:
    found = connection.execute(
        "select count(*) from information_schema.tables "
        "where table_schema = ? and table_name = 'publication'",
        [META_SCHEMA],
    ).fetchall()[0][0]
    row = (
        connection.execute(
            f"select publication_number, as_of_at, sample_data_set, content_fingerprint "
            f"from {META_SCHEMA}.publication where publisher = ?",
            [PUBLISHER],
        ).fetchall()
        if found
        else []
    )
    if not row:
        raise PublishError(
            f"NPS_PUBLISH_PATH {path} is a DuckDB database that nps-build did not publish "
            f"(it has no {META_SCHEMA}.publication row), and nps-build replaces only its own "
            "publications, so it stopped without touching it. Move it away, or point "
            "NPS_PUBLISH_PATH at a new file."
        )
    tables = dict(
        connection.execute(
            f"select table_name, row_count from {META_SCHEMA}.published_tables order by table_name"
        ).fetchall()
    )
    return Publication(path, *row[0], tables)


def read_publication(path: Path) -> Publication:
    """The publication at `path` (FileNotFoundError when there is none)."""
    publication = previous_publication(path)
    if publication is None:
        raise FileNotFoundError(f"No published marts at {path}: run `make build` first.")
    return publication


def _pii_problems(connection, tables: list[str]) -> list[str]:
    """Columns of the copied marts that look like personal data: by name, or by values shaped
    like an email address or a salted md5 hash (32 hex characters)."""
    problems = []
    columns = connection.execute(
        "select table_name, column_name, data_type from information_schema.columns "
        "where table_catalog = current_database() and table_schema = ? "
        "order by table_name, ordinal_position",
        [SCHEMA],
    ).fetchall()
    for table, column, data_type in columns:
        if table not in tables:
            continue
        if PII_COLUMN.search(column):
            problems.append(f"{SCHEMA}.{table}.{column} (its name says personal data)")
            continue
        if data_type != "VARCHAR":
            continue
        shaped = connection.execute(
            f'select count(*) from {SCHEMA}.{table} where regexp_matches("{column}", ?) '
            f'or regexp_matches("{column}", ?)',
            [MD5_HEX, EMAIL],
        ).fetchall()[0][0]
        if shaped:
            problems.append(
                f"{SCHEMA}.{table}.{column} ({shaped} values look like an email address or a "
                "hash of one)"
            )
    return problems


def publish(warehouse_path: Path, path: Path) -> Publication:
    """Copies the warehouse's marts into a new file beside `path`, checks it, and renames it over
    `path`. Raises PublishError (nothing published, the previous publication untouched)."""
    import duckdb

    previous = check_target(path, warehouse_path)
    number = previous.publication_number + 1 if previous else 1
    temporary = path.with_name(f".{path.name}.{os.getpid()}.publishing")
    for leftover in (temporary, Path(f"{temporary}.wal")):
        leftover.unlink(missing_ok=True)
    try:
        with duckdb.connect(str(temporary)) as connection:
            connection.execute("set enable_progress_bar = false")
            connection.execute(f"attach {_sql_text(warehouse_path)} as warehouse (read_only)")
            tables = [
                name
                for (name,) in connection.execute(
                    "select table_name from information_schema.tables "
                    "where table_catalog = 'warehouse' and table_schema = ? order by table_name",
                    [SCHEMA],
                ).fetchall()
            ]
            if not tables:
                raise PublishError(f"The warehouse {warehouse_path} has no {SCHEMA} tables.")
            connection.execute(f"create schema {SCHEMA}")
            for table in tables:
                connection.execute(
                    f'create table {SCHEMA}."{table}" as select * from warehouse.{SCHEMA}."{table}"'
                )
            problems = _pii_problems(connection, tables)
            if problems:
                raise PublishError(
                    "Nothing was published: the marts would carry personal data:\n  - "
                    + "\n  - ".join(problems)
                )
            counts, fingerprint = _fingerprint(connection, tables)
            as_of = (
                connection.execute(
                    f"select max(as_of_at) from {SCHEMA}.mart_nps_summary"
                ).fetchall()[0][0]
                if "mart_nps_summary" in tables
                else None
            )
            sample = _sample_data_set(connection)
            connection.execute("detach warehouse")
            connection.execute(f"create schema {META_SCHEMA}")
            connection.execute(
                f"create table {META_SCHEMA}.publication as select "
                "? as publisher, ? as format_version, ? as publication_number, "
                "cast(? as timestamp) as as_of_at, cast(? as varchar) as sample_data_set, "
                "? as content_fingerprint, ? as marts_tables, ? as marts_rows",
                [
                    PUBLISHER,
                    FORMAT_VERSION,
                    number,
                    as_of,
                    sample,
                    fingerprint,
                    len(tables),
                    sum(counts.values()),
                ],
            )
            connection.execute(
                f"create table {META_SCHEMA}.published_tables "
                "(table_schema varchar, table_name varchar, row_count bigint)"
            )
            connection.executemany(
                f"insert into {META_SCHEMA}.published_tables values (?, ?, ?)",
                [[SCHEMA, table, counts[table]] for table in tables],
            )
            connection.execute("checkpoint")
        temporary.chmod(0o444)  # readers only: a BI tool cannot open it for writing by mistake
        _fsync(temporary)
        os.replace(temporary, path)
        _fsync(path.parent)
    except duckdb.Error as error:
        raise PublishError(
            f"Nothing was published (the previous publication at {path} is unchanged): "
            f"{str(error).splitlines()[0]}"
        ) from None
    finally:
        for leftover in (temporary, Path(f"{temporary}.wal")):
            leftover.unlink(missing_ok=True)
    return Publication(path, number, as_of, sample, fingerprint, counts)


def _fingerprint(connection, tables: list[str]) -> tuple[dict[str, int], str]:
    """Row counts, and a sha256 over every table's name, count and order-independent sum of row
    hashes: the same marts give the same fingerprint."""
    digest = hashlib.sha256()
    counts = {}
    for table in tables:
        rows, total = connection.execute(
            f'select count(*), coalesce(sum(hash(t)), 0)::varchar from {SCHEMA}."{table}" as t'
        ).fetchall()[0]
        counts[table] = rows
        digest.update(f"{table}:{rows}:{total};".encode())
    return counts, digest.hexdigest()[:16]


def _sample_data_set(connection) -> str | None:
    """The sample data set the warehouse was built from (audit.warehouse_data_set), else None."""
    found = connection.execute(
        "select count(*) from information_schema.tables where table_catalog = 'warehouse' "
        "and table_schema = 'audit' and table_name = 'warehouse_data_set'"
    ).fetchall()[0][0]
    if not found:
        return None
    rows = connection.execute(
        f"select sample_data_set from warehouse.{warehouse.DATA_SET_TABLE}"
    ).fetchall()
    return rows[0][0] if rows else None


def _fsync(path: Path) -> None:
    """Flushes a file or folder to disk, so the rename never exposes a file still in cache."""
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
