"""The PostgreSQL loader: landing files into the `landing` schema, read exactly as dbt-duckdb reads them.

PostgreSQL cannot read the landing folder, so `nps-build` (on the postgres target) loads it first.
Each file is read by DuckDB with the very reader dbt's DuckDB path uses (macros/landing.sql:
`landing_reader`, `landing_undecodable_lines`, `landing_probe_files` and `landing_header_map`),
so both engines see the same text, the same header matching, the same stops with the same
messages, the same `invalid_utf8` rows and the same `_row_number`s. Rows stream into PostgreSQL with COPY in Arrow
batches, so memory stays flat whatever the size of a file.

Tables: `landing.<entity>` (the contract's columns as text, `_file_name`, `_row_number`,
`_read_problem`), `landing.landing_files` (every entry of every entity folder and why one is not
read, for dbt's log) and `landing.landing_load` (one row: the landing folder, its sample settings,
when it was loaded; the data-set check and `landing_sample_data_set` read it). Everything is
replaced in one transaction: a load that fails leaves the previous load as it was.
"""

from __future__ import annotations

import datetime as dt
import io
import os
from collections.abc import Callable
from pathlib import Path

from nps_warehouse import landing_folder, quality, settings
from nps_warehouse.contract import LANDING_CONTRACT

SCHEMA = "landing"
BATCH_ROWS = 50_000
# DuckDB's CSV options of the dbt reader (macros/landing.sql, landing_csv_options).
CSV_OPTIONS = settings.CSV_OPTIONS


class LoadError(RuntimeError):
    """A landing file cannot be loaded; the message names it and what to do (dbt's words)."""


def _quote_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _quote_name(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def reader_sql(
    file: quality.LandingFile, skip_undecodable: bool = False, store_rejects: bool = False
) -> str:
    """The file as a DuckDB relation of text columns: macros/landing.sql `landing_reader`."""
    path = _quote_literal(str(file.path))
    if file.format == "parquet":
        return f"read_parquet({path})"
    options = CSV_OPTIONS + (", compression = 'gzip'" if file.is_gzip else "")
    if skip_undecodable:
        return (
            f"(select * from read_csv({path}, header = true, {options}, ignore_errors = true)"
            " where hash(columns(*)) is not null)"
        )
    if store_rejects:
        options += (
            ", ignore_errors = true, store_rejects = true, rejects_table = 'nps_landing_rejects',"
            " rejects_scan = 'nps_landing_scans'"
        )
    return f"read_csv({path}, header = true, {options})"


def undecodable_lines(connection, file: quality.LandingFile) -> tuple[int, list[int]]:
    """(readable rows, line numbers of rows that are not valid UTF-8); any other line the reader
    rejects stops the load with dbt's message (`landing_undecodable_lines`)."""
    if file.format == "parquet":
        return 0, []
    connection.execute("drop table if exists nps_landing_rejects")
    connection.execute("drop table if exists nps_landing_scans")
    scanned = connection.sql(
        f"select count(*), max(hash(columns(*))) from {reader_sql(file, store_rejects=True)}"
    ).fetchall()[0]
    lines: list[int] = []
    for line, kind, message in connection.sql(
        "select line, error_type, error_message from nps_landing_rejects order by line"
    ).fetchall():
        if kind != "INVALID ENCODING":
            raise LoadError(
                f"Landing file {file.path} cannot be read at line {line}: {message} ({kind}). Fix "
                "that line (RFC 4180: quote fields holding commas, quotes or line breaks; double "
                "the quotes inside) and re-export the file."
            )
        if line not in lines:
            lines.append(line)
    return (scanned[0], lines) if lines else (0, [])


def file_header(connection, file: quality.LandingFile, entity: str) -> dict[str, str]:
    """Contract column -> DuckDB's name of the file's column (`landing_probe_files`, `landing_header_map`)."""
    described = connection.sql(f"describe select * from {reader_sql(file, skip_undecodable=True)}")
    read_names = [row[0] for row in described.fetchall()]
    written = quality.header_names(connection, file)
    if len(written) != len(read_names):
        written = list(read_names)
    try:
        positions = quality.match_header(entity, file, written)
    except quality.QualityError as error:
        raise LoadError(str(error)) from None
    return {column: read_names[position] for column, position in positions.items()}


def _create_tables(cursor) -> None:
    cursor.execute(f"create schema if not exists {SCHEMA}")
    for entity, columns in LANDING_CONTRACT.items():
        text_columns = ", ".join(f"{_quote_name(column)} text" for column in columns)
        cursor.execute(
            f"create table if not exists {SCHEMA}.{entity} ({text_columns},"
            " _file_name text, _row_number bigint, _read_problem text)"
        )
    cursor.execute(
        f"create table if not exists {SCHEMA}.landing_files (entity text, name text,"
        " size_bytes bigint, unread_reason text, rows_loaded bigint, modified_epoch bigint)"
    )
    # A landing schema an older loader made lacks the modification time (the incremental manifest).
    cursor.execute(
        f"alter table {SCHEMA}.landing_files add column if not exists modified_epoch bigint"
    )
    cursor.execute(
        f"create table if not exists {SCHEMA}.landing_load (landing_folder text,"
        " sample_data_set text, loaded_at timestamp)"
    )
    for entity in (*LANDING_CONTRACT, "landing_files", "landing_load"):
        cursor.execute(f"truncate {SCHEMA}.{entity}")


def _copy_file(duck, cursor, file: quality.LandingFile, entity: str) -> int:
    """Streams one file into landing.<entity>; returns the rows written (invalid_utf8 included)."""
    import pyarrow.csv

    columns = LANDING_CONTRACT[entity]
    header = file_header(duck, file, entity)
    readable_rows, lines = undecodable_lines(duck, file)
    name = _quote_literal(file.name)
    select = (
        "select "
        + ", ".join(f"cast({_quote_name(header[c])} as varchar) as {c}" for c in columns)
        + f", {name} as _file_name, row_number() over () as _row_number,"
        " cast(null as varchar) as _read_problem"
        f" from {reader_sql(file, skip_undecodable=bool(lines))}"
    )
    target = ", ".join([*map(_quote_name, columns), "_file_name", "_row_number", "_read_problem"])
    written = 0
    options = pyarrow.csv.WriteOptions(include_header=False, quoting_style="needed")
    with cursor.copy(f"copy {SCHEMA}.{entity} ({target}) from stdin (format csv)") as copy:
        reader = duck.sql(select).to_arrow_reader(BATCH_ROWS)
        for batch in reader:
            buffer = io.BytesIO()
            pyarrow.csv.write_csv(batch, buffer, options)
            copy.write(buffer.getvalue())
            written += batch.num_rows
        for index, _line in enumerate(lines, start=1):
            copy.write_row(
                [*([None] * len(columns)), file.name, readable_rows + index, "invalid_utf8"]
            )
    return written + len(lines)


def load(
    raw_dir: Path, connection, progress: Callable[[str], None] | None = None
) -> dict[str, int]:
    """Loads every entity of `raw_dir` into the landing schema in one transaction (committed on
    success, rolled back on any error); returns the rows loaded per entity."""
    import duckdb

    say = progress or (lambda _line: None)
    loaded: dict[str, int] = {}
    folder = os.path.abspath(raw_dir)
    state = landing_folder.inspect(raw_dir)
    problem = quality.no_files_problem(raw_dir)
    if problem:
        raise LoadError(problem)
    try:
        with connection.cursor() as cursor, duckdb.connect() as duck:
            duck.execute("set enable_progress_bar = false")
            duck.execute("set TimeZone = 'UTC'")
            _create_tables(cursor)
            for entity in LANDING_CONTRACT:
                listing = quality.landing_files(Path(raw_dir) / entity)
                readable = [entry for entry in listing if entry.unread_reason is None]
                rows = 0
                for entry in listing:
                    stat = None if entry.name.endswith("/") else entry.path.stat()
                    size = None if stat is None else stat.st_size
                    modified = None if stat is None else int(stat.st_mtime)
                    count = None
                    if entry.unread_reason is None and size == 0:
                        say(
                            f"{entity}: skipping empty file {entry.name} (0 bytes, no header, no rows)"
                        )
                    elif entry.unread_reason is None:
                        count = _copy_file(duck, cursor, entry, entity)
                        rows += count
                    cursor.execute(
                        f"insert into {SCHEMA}.landing_files (entity, name, size_bytes,"
                        " unread_reason, rows_loaded, modified_epoch)"
                        " values (%s, %s, %s, %s, %s, %s)",
                        [entity, entry.name, size, entry.unread_reason, count, modified],
                    )
                loaded[entity] = rows
                say(f"{entity}: {rows:,} rows from {len(readable)} file(s) loaded")
            cursor.execute(
                f"insert into {SCHEMA}.landing_load values (%s, %s, %s)",
                [
                    folder,
                    state.data_set if state.kind == "sample" else None,
                    dt.datetime.now(dt.UTC).replace(tzinfo=None),
                ],
            )
        connection.commit()
    except BaseException:
        connection.rollback()
        raise
    return loaded


def main(argv: list[str] | None = None) -> int:
    """`python -m nps_warehouse.pg_load --raw-dir <folder>`: load without building."""
    import argparse
    import sys

    from nps_warehouse import engines
    from nps_warehouse.warehouse import WarehouseError

    parser = argparse.ArgumentParser(
        prog="python -m nps_warehouse.pg_load",
        description="Load a landing folder into the landing schema of the postgres target.",
    )
    parser.add_argument(
        "--raw-dir", default=settings.env(settings.RAW_DIR_ENV, settings.DEFAULT_RAW_DIR)
    )
    args = parser.parse_args(argv)
    try:
        with engines.pg_connect() as connection:
            load(Path(args.raw_dir), connection, progress=print)
    except (LoadError, WarehouseError) as error:
        print(f"pg_load: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
