"""Which engine a build runs on (NPS_TARGET): the PostgreSQL connection of the postgres target,
and the Spark warehouse folder of the spark target.

Every problem with a target is one WarehouseError naming what to set, never a traceback.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

from nps_warehouse import settings
from nps_warehouse.warehouse import WarehouseError, frames_of

TARGETS = ("duckdb", "postgres", "spark")
PG_SETTINGS = settings.PG_ENVS
SPARK_DIR_VARIABLE = settings.SPARK_DIR_ENV


def target() -> str:
    """The profile target from NPS_TARGET (default duckdb); an unknown one stops here."""
    name = settings.env(settings.TARGET_ENV, settings.DEFAULT_TARGET).strip()
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
    port = os.environ[settings.PG_PORT_ENV]
    if not port.isdigit():
        raise WarehouseError(f"NPS_PG_PORT={port!r} is not a port number: set it to e.g. 5432.")
    return {
        "host": os.environ[settings.PG_HOST_ENV],
        "port": int(port),
        "user": os.environ[settings.PG_USER_ENV],
        "password": os.environ[settings.PG_PASSWORD_ENV],
        "dbname": os.environ[settings.PG_DBNAME_ENV],
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


# PostgreSQL's type names as DuckDB spells them, so the mart checks read one vocabulary.
PG_TYPES_AS_DUCKDB = {
    "smallint": "SMALLINT",
    "integer": "INTEGER",
    "bigint": "BIGINT",
    "real": "FLOAT",
    "double precision": "DOUBLE",
    "numeric": "DECIMAL",
    "boolean": "BOOLEAN",
    "date": "DATE",
    "timestamp without time zone": "TIMESTAMP",
    "timestamp with time zone": "TIMESTAMP WITH TIME ZONE",
}


class PgWarehouse:
    """The warehouse on the postgres target, read the way the DuckDB file is read: a query's
    columns and rows, a table's column types, a query in batches of dataframes."""

    def __init__(self) -> None:
        self.settings = pg_settings()

    def __str__(self) -> str:
        return describe_pg(self.settings)

    def connect(self):
        return pg_connect(autocommit=True)

    def fetch(self, sql: str, params=None) -> tuple[list[str], list[tuple]]:
        import psycopg

        with self.connect() as connection:
            try:
                cursor = connection.execute(sql, params)
            except psycopg.errors.UndefinedTable as error:
                raise WarehouseError(
                    f"{self} has no {str(error).splitlines()[0].split('relation ')[-1]}: build "
                    "it first (`NPS_TARGET=postgres nps-build`)."
                ) from None
            columns = [column.name for column in cursor.description or []]
            return columns, cursor.fetchall() if cursor.description else []

    def table_exists(self, schema: str, table: str) -> bool:
        return bool(
            self.fetch(
                "select count(*) from information_schema.tables"
                " where table_schema = %s and table_name = %s",
                [schema, table],
            )[1][0][0]
        )

    def tables(self, schema: str) -> list[str]:
        return [
            row[0]
            for row in self.fetch(
                "select table_name from information_schema.tables where table_schema = %s"
                " order by table_name",
                [schema],
            )[1]
        ]

    def column_types(self, schema: str, table: str) -> dict[str, str]:
        """Column -> type, as DuckDB names it (DOUBLE, BIGINT, VARCHAR, ...), in table order."""
        rows = self.fetch(
            "select column_name, data_type from information_schema.columns"
            " where table_schema = %s and table_name = %s order by ordinal_position",
            [schema, table],
        )[1]
        return {name: PG_TYPES_AS_DUCKDB.get(kind, "VARCHAR") for name, kind in rows}

    def frames(self, sql: str, rows: int):
        """The query's result in dataframes of at most `rows` rows (a server-side cursor)."""
        import pandas

        with pg_connect() as connection, connection.cursor(name="nps_frames") as cursor:
            cursor.execute(sql)
            while True:
                batch = cursor.fetchmany(rows)
                if not batch:
                    break
                yield pandas.DataFrame(batch, columns=[c.name for c in cursor.description])


def spark_dir(project_dir: Path) -> Path:
    """The spark target's folder, absolute (NPS_SPARK_DIR, relative to the project)."""
    folder = Path(os.environ.get(SPARK_DIR_VARIABLE) or settings.DEFAULT_SPARK_DIR).expanduser()
    return folder if folder.is_absolute() else project_dir / folder


def names_table(sql: str, schema: str, table: str) -> bool:
    """Whether `sql` names schema.table, quoted or not, in any case."""
    part = r'(?:"{0}"|\b{0}\b)'
    pattern = part.format(re.escape(schema)) + r"\s*\.\s*" + part.format(re.escape(table))
    return re.search(pattern, sql, flags=re.IGNORECASE) is not None


class SparkWarehouse:
    """The warehouse on the spark target, read the way the DuckDB file is read (a query's columns
    and rows, a table's column types, a query in batches of dataframes).

    Spark's tables are plain Parquet folders under NPS_SPARK_DIR/warehouse/<schema>.db/<table>
    (the profile's spark.sql.warehouse.dir), so nps-build reads them with DuckDB instead of
    starting a second JVM, which the embedded Derby metastore would not allow beside dbt's.
    Timestamps (instants in Parquet) are read as UTC wall-clock times, as the other engines give
    them."""

    def __init__(self, project_dir: Path, folder: Path | None = None) -> None:
        self.folder = folder or spark_dir(project_dir)

    def __str__(self) -> str:
        return f"the Spark warehouse in {self.folder}"

    def table_folders(self) -> dict[tuple[str, str], Path]:
        """(schema, table) -> the folder of every table holding Parquet data."""
        root = self.folder / "warehouse"
        found = {}
        for schema_dir in sorted(root.glob("*.db")) if root.is_dir() else []:
            for table_dir in sorted(schema_dir.iterdir()):
                if table_dir.is_dir() and any(table_dir.glob("*.parquet")):
                    found[(schema_dir.name[: -len(".db")], table_dir.name)] = table_dir
        return found

    def connect(self, sql: str | None = None):
        """An in-memory DuckDB database with one view per Spark table, schema.table as in Spark;
        given `sql`, only the tables it names (each view reads its table's Parquet schema: the mart
        checks, reading the marts one at a time, made ~60 views for each)."""
        import duckdb

        connection = duckdb.connect()
        connection.execute("set TimeZone = 'UTC'; set enable_progress_bar = false")
        for (schema, table), folder in self.table_folders().items():
            if sql is not None and not names_table(sql, schema, table):
                continue
            source = (
                f"read_parquet('{(folder / '*.parquet').as_posix().replace(chr(39), chr(39) * 2)}')"
            )
            described = connection.sql(f"describe select * from {source}").fetchall()
            columns = [
                f'cast(timezone(\'UTC\', "{name}") as timestamp) as "{name}"'
                if kind == "TIMESTAMP WITH TIME ZONE"
                else f'"{name}"'
                for name, kind, *_ in described
            ]
            connection.execute(f'create schema if not exists "{schema}"')
            connection.execute(
                f'create view "{schema}"."{table}" as select {", ".join(columns)} from {source}'
            )
        return connection

    def fetch(self, sql: str, params=None) -> tuple[list[str], list[tuple]]:
        import duckdb

        with self.connect(sql) as connection:
            try:
                relation = connection.execute(sql, params)
            except duckdb.CatalogException as error:
                raise WarehouseError(
                    f"{self} has no {str(error).splitlines()[0]}: build it first "
                    "(`NPS_TARGET=spark nps-build`)."
                ) from None
            columns = [column[0] for column in relation.description or []]
            return columns, relation.fetchall() if relation.description else []

    def table_exists(self, schema: str, table: str) -> bool:
        return (schema, table) in self.table_folders()

    def tables(self, schema: str) -> list[str]:
        return sorted(table for (found, table) in self.table_folders() if found == schema)

    def column_types(self, schema: str, table: str) -> dict[str, str]:
        """Column -> type as DuckDB names it (DOUBLE, BIGINT, VARCHAR, ...), in table order."""
        sql = f'select * from "{schema}"."{table}"'
        with self.connect(sql) as connection:
            relation = connection.sql(sql)
            return dict(zip(relation.columns, map(str, relation.types), strict=True))

    def frames(self, sql: str, rows: int):
        """The query's result in dataframes of `rows` rows (the last of what is left)."""
        with self.connect(sql) as connection:
            yield from frames_of(connection.sql(sql), rows)


def check_spark_setup() -> None:
    """The spark target's adapter and Java, or one WarehouseError naming what to install."""
    try:
        import dbt.adapters.spark  # noqa: F401
        import pyspark  # noqa: F401
    except ImportError:
        raise WarehouseError(
            "The spark target needs dbt-spark and PySpark: run `make engines` "
            "(pip install -e '.[spark]')."
        ) from None
    java_home = os.environ.get("JAVA_HOME")
    if not (java_home and (Path(java_home) / "bin" / "java").is_file()) and not shutil.which(
        "java"
    ):
        raise WarehouseError(
            "The spark target needs Java 17 (or 11): install a JDK (Debian: apt-get install "
            "openjdk-17-jre-headless) or set JAVA_HOME to one."
        )


def open_warehouse(duckdb_path, project_dir: Path):
    """What the build writes: the DuckDB file's path (duckdb), a PgWarehouse whose server
    answered (postgres), or the SparkWarehouse folder (spark). Stops with one message naming
    what to set."""
    name = target()
    if name == "duckdb":
        return duckdb_path
    if name == "spark":
        check_spark_setup()
        return SparkWarehouse(project_dir)
    warehouse = PgWarehouse()
    warehouse.connect().close()
    return warehouse


def check_data_set(warehouse, raw_dir) -> None:
    """One data set per warehouse, before anything is loaded or built (warehouse.check_data_set
    on DuckDB)."""
    from nps_warehouse import warehouse as duckdb_warehouse
    from nps_warehouse.summary import recorded_pg_data_set

    if isinstance(warehouse, (str, Path)):
        duckdb_warehouse.check_data_set(warehouse, raw_dir)
        return
    current = duckdb_warehouse.current_data_set(raw_dir)
    recorded = recorded_pg_data_set(warehouse)
    fresh_start = (
        f"use a separate Spark folder (another {SPARK_DIR_VARIABLE}), or start fresh by deleting "
        f"{warehouse.folder}"
        if isinstance(warehouse, SparkWarehouse)
        else "use a separate database (another NPS_PG_DBNAME), or start fresh by dropping its "
        "schemas (landing, staging, intermediate, core, marts, audit, snapshots, reference, "
        "semantic)"
    )
    if current is not None and recorded is not None and recorded != current:
        raise WarehouseError(
            duckdb_warehouse.mismatch_message(
                warehouse,
                recorded,
                current,
                fresh_start=fresh_start,
            )
        )


def dbt_environment(warehouse, raw_dir, state) -> dict[str, str]:
    """What dbt needs beside NPS_RAW_DIR on the engine: nps-build's proof that the folder holds
    only sample data, made once here in Python (macros/data_set.sql: Spark cannot read the
    _SAMPLE_DATA marker, whose name it hides; DuckDB would hash every file again, twice a build,
    in its own memory); on Spark also the Spark folder (absolute)."""
    from nps_warehouse import warehouse as duckdb_warehouse

    environment = {}
    if isinstance(warehouse, SparkWarehouse):
        environment[SPARK_DIR_VARIABLE] = str(warehouse.folder)
    if state.kind == "sample" and state.data_set is not None:
        environment[settings.PROVEN_SAMPLE_DATA_SET_ENV] = state.data_set
        environment[settings.PROVEN_SAMPLE_FOLDER_ENV] = duckdb_warehouse.absolute_folder(raw_dir)
    return environment


def load_landing(warehouse, raw_dir, progress) -> None:
    """Loads the landing folder into the landing schema on the postgres target (pg_load); on
    DuckDB and Spark dbt reads the files in place and there is nothing to do."""
    if not isinstance(warehouse, PgWarehouse):
        return
    from nps_warehouse import pg_load

    progress("Loading the landing files into PostgreSQL (schema landing) ...")
    with pg_connect() as connection:
        pg_load.load(raw_dir, connection, progress=lambda line: progress(f"  {line}"))
