"""Engines: the same landing folder built on DuckDB, PostgreSQL and Spark gives the same warehouse.

A throwaway PostgreSQL server (nps_warehouse.pg_local, as `make postgres-local` starts it, in a
temporary folder, on 127.0.0.1 only) runs for this module and is stopped at its end. One generated
landing folder — bad rows, re-exports, offsets, mixed CSV and Parquet — is built with the real
`nps-build` on both engines; every mart, audit.quarantine_rows and audit.landing_row_counts must
agree: counts and text exactly, doubles to 1e-9 relative (sums run in another order on another
engine differ in the last bits), timestamps exactly. Then the BI role is held to its grants.
Spark (local session mode, as NPS_TARGET=spark runs it) builds the same folder twice into its own
folder: the second build must succeed and change nothing, and runs a chosen set of the data tests
(spark_builds says which and why).
"""

from __future__ import annotations

import itertools
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import compare
import duckdb
import pytest
from conftest import PROJECT_DIR, run_build

from nps_warehouse import engines, landing_folder, pg_local
from nps_warehouse.generate import generate

# Every test here runs or reads a whole build (end to end); `make test-fast` leaves them out.
pytestmark = pytest.mark.build

psycopg = pytest.importorskip("psycopg", reason="`make engines` installs the postgres extra")

COMPARED = ["audit.quarantine_rows", "audit.landing_row_counts"]
NOT_FOR_BI = ("staging", "core", "audit", "snapshots", "intermediate", "landing", "reference")


@pytest.fixture(scope="module")
def pg_server():
    """A PostgreSQL server of our own in a temporary folder; its settings (pg_local.settings)."""
    folder = Path(tempfile.mkdtemp(prefix="nps-pg-test-"))
    folder.chmod(0o755)  # the server runs as the postgres user
    try:
        config = pg_local.start(folder / "server")
        yield config
    finally:
        pg_local.stop(folder / "server")
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="module")
def landing(tmp_path_factory) -> Path:
    """One generated landing folder: bad rows, re-exports, offsets, mixed CSV and Parquet."""
    raw_dir = tmp_path_factory.mktemp("engines") / "raw"
    generate(raw_dir, seed=11, scale=0.3, fmt="mixed", bad_share=0.02)
    return raw_dir


@pytest.fixture(scope="module")
def builds(pg_server, landing, tmp_path_factory):
    """(DuckDB build, PostgreSQL build, seconds each) of one generated landing folder."""
    raw_dir = landing
    seconds = {}
    started = time.monotonic()
    on_duckdb = run_build(raw_dir, tmp_path_factory.mktemp("on_duckdb"))
    seconds["duckdb"] = time.monotonic() - started
    assert on_duckdb.returncode == 0, on_duckdb.output[-5000:]
    started = time.monotonic()
    on_postgres = run_build(
        raw_dir, tmp_path_factory.mktemp("on_postgres"), env=pg_local.exports(pg_server)
    )
    seconds["postgres"] = time.monotonic() - started
    assert on_postgres.returncode == 0, on_postgres.output[-5000:]
    print(f"build seconds: {seconds}")
    return on_duckdb, on_postgres, seconds


def pg_connect(config: dict, user: str = pg_local.PROJECT_USER):
    password = config["password"] if user == pg_local.PROJECT_USER else config["reader_password"]
    return psycopg.connect(
        host="127.0.0.1",
        port=config["port"],
        user=user,
        password=password,
        dbname=pg_local.PROJECT_DB,
        autocommit=True,
    )


def rows_of_duckdb(build, table: str) -> tuple[list[str], list[tuple]]:
    with duckdb.connect(str(build.duckdb_path), read_only=True) as connection:
        relation = connection.sql(f"select * from {table}")
        return relation.columns, relation.fetchall()


def rows_of_postgres(config: dict, table: str) -> tuple[list[str], list[tuple]]:
    with pg_connect(config) as connection:
        cursor = connection.execute(f"select * from {table}")
        return [column.name for column in cursor.description], cursor.fetchall()


def assert_same_rows(table, duck, other_rows, other="PostgreSQL"):
    compare.assert_same_rows(table, duck, other_rows, names=("DuckDB", other))


def mart_tables(build) -> list[str]:
    with duckdb.connect(str(build.duckdb_path), read_only=True) as connection:
        return [
            f"marts.{row[0]}"
            for row in connection.sql(
                "select table_name from information_schema.tables where table_schema = 'marts'"
                " order by table_name"
            ).fetchall()
        ]


def test_every_mart_and_the_audit_agree_across_engines(builds, pg_server):
    on_duckdb, _, _ = builds
    tables = mart_tables(on_duckdb)
    assert len(tables) >= 15
    for table in [*tables, *COMPARED]:
        assert_same_rows(
            table, rows_of_duckdb(on_duckdb, table), rows_of_postgres(pg_server, table)
        )


@pytest.fixture(scope="module")
def spark_builds(landing, tmp_path_factory):
    """Two Spark builds of the landing folder into one Spark folder, and that folder's warehouse.

    The first is the real nps-build without the data tests (dbt's DBT_EXCLUDE_RESOURCE_TYPES,
    which nps-build passes on): the tables they would test are compared with DuckDB's, whose
    build runs every one of them on the same data. The second runs on Spark what only Spark can
    show, the tests' own SQL: every singular test (each its own SQL) and one test of each generic
    test (its SQL is its macro's; the expressions given to expression_is_true are plain
    comparisons, and PostgreSQL's build runs every test)."""
    pytest.importorskip("pyspark", reason="`make engines` installs the spark extra")
    work = tmp_path_factory.mktemp("on_spark")
    env = {"NPS_TARGET": "spark", engines.SPARK_DIR_VARIABLE: str(work / "spark")}
    started = time.monotonic()
    first = run_build(landing, work / "first", env={**env, "DBT_EXCLUDE_RESOURCE_TYPES": "test"})
    print(f"spark build seconds: {time.monotonic() - started:.0f}")
    assert first.returncode == 0, first.output[-5000:]
    assert " data test" not in first.output.split("Finished running")[1].splitlines()[0]
    first_rows = {table: rows_of_spark(work, table) for table in SPARK_REBUILT}
    manifest = json.loads((work / "first" / "target" / "manifest.json").read_text())
    tests = spark_data_tests(manifest)
    # The second build is incremental: the landing models find no new file, the rest is rebuilt
    # (what can differ on a warehouse that exists: appended landing rows, replaced tables, the
    # appended score-edit history, grants). It builds what the compared tables rest on, and runs
    # the chosen tests (only those: indirect selection empty).
    second = subprocess.run(
        [str(Path(sys.executable).with_name("dbt")), "build",
         "--select", *(f"+{table.split('.')[1]}" for table in SPARK_REBUILT), *tests,
         "--indirect-selection", "empty", "--exclude", "resource_type:unit_test",
         "--project-dir", str(PROJECT_DIR), "--profiles-dir", str(PROJECT_DIR / "profiles")],
        cwd=PROJECT_DIR, capture_output=True, text=True, check=False,
        env={**os.environ, **env, "NPS_RAW_DIR": str(landing), "NPS_PII_SALT": "",
             "NPS_PROVEN_SAMPLE_DATA_SET": landing_folder.inspect(landing).data_set,
             "NPS_PROVEN_SAMPLE_FOLDER": str(landing),
             # the first build's target folder: dbt reuses its parse (partial parsing)
             "DBT_TARGET_PATH": str(work / "first" / "target"),
             "DBT_LOG_PATH": str(work / "second" / "logs")},
    )  # fmt: skip
    second.output = second.stdout + second.stderr
    assert second.returncode == 0, second.output[-5000:]
    results = json.loads((work / "first" / "target" / "run_results.json").read_text())["results"]
    ran = sorted(r["unique_id"] for r in results if r["unique_id"].startswith("test."))
    assert ran == sorted(tests.values())
    return first, second, first_rows, work


def spark_data_tests(manifest: dict) -> dict[str, str]:
    """{test name: its manifest key} of the data tests the Spark check runs (spark_builds):
    every singular test and the first test of each generic test."""
    chosen, kinds = {}, set()
    for key, node in sorted(manifest["nodes"].items()):
        if node["resource_type"] != "test":
            continue
        kind = (node.get("test_metadata") or {}).get("name")
        if kind is None or kind not in kinds:
            chosen[node["name"]] = key
            kinds.add(kind)
    return chosen


def rows_of_spark(work: Path, table: str) -> tuple[list[str], list[tuple]]:
    return engines.SparkWarehouse(PROJECT_DIR, folder=work / "spark").fetch(
        f"select * from {table}"
    )


# What a second build of the same folder must leave as it was: the landing rows (the incremental
# landing models append nothing), what was quarantined, and the score-edit history (appended to on
# Spark, not rebuilt). The marts above them are plain tables rebuilt from these, as on the first.
SPARK_REBUILT = ["marts.mart_score_edits", "audit.quarantine_rows", "audit.landing_row_counts"]


def test_every_mart_and_the_audit_agree_on_spark(builds, spark_builds):
    on_duckdb, _, _ = builds
    _, _, _, work = spark_builds
    tables = mart_tables(on_duckdb)
    for table in [*tables, *COMPARED]:
        assert_same_rows(
            table, rows_of_duckdb(on_duckdb, table), rows_of_spark(work, table), other="Spark"
        )


def test_a_second_spark_build_changes_nothing(builds, spark_builds):
    _, second, first_rows, work = spark_builds
    for table in SPARK_REBUILT:
        assert_same_rows(table, first_rows[table], rows_of_spark(work, table), other="Spark")
    assert "holds another data set" not in second.output


def test_the_summary_block_is_the_same_on_spark(builds, spark_builds):
    on_duckdb, _, _ = builds
    on_spark, _, _, _ = spark_builds

    def summary(output: str) -> str:
        """The summary block: its first line and the indented lines after it."""
        lines = output[output.index("NPS warehouse summary") :].splitlines()
        return "\n".join(
            [lines[0], *itertools.takewhile(lambda line: line.startswith("  "), lines[1:])]
        )

    assert summary(on_duckdb.output) == summary(on_spark.output)
    assert summary(on_spark.output).startswith("NPS warehouse summary — SAMPLE DATA")


def test_spark_names_a_missing_landing_column(tmp_path, spark_builds):
    _, _, _, work = spark_builds
    raw_dir = tmp_path / "raw"
    generate(raw_dir, seed=3, scale=0.05, fmt="csv")
    contacts = next((raw_dir / "crm_contacts").glob("*.csv"))
    lines = contacts.read_text(encoding="utf-8").splitlines()
    lines[0] = lines[0].replace("role", "rolle")
    contacts.write_text("\n".join(lines) + "\n", encoding="utf-8")
    # dbt alone: nps-build's landing check (Python) would stop first, with its own message. It
    # starts from the Spark build's parse (partial parsing: only what an environment variable
    # changed is parsed again).
    (tmp_path / "target").mkdir()
    shutil.copyfile(
        work / "first" / "target" / "partial_parse.msgpack",
        tmp_path / "target" / "partial_parse.msgpack",
    )
    dbt = subprocess.run(
        [str(Path(sys.executable).with_name("dbt")), "run", "--select", "base_crm__contacts",
         "--project-dir", str(PROJECT_DIR), "--profiles-dir", str(PROJECT_DIR / "profiles")],
        cwd=PROJECT_DIR, capture_output=True, text=True, check=False,
        env={**os.environ, "NPS_TARGET": "spark", "NPS_RAW_DIR": str(raw_dir),
             "NPS_PII_SALT": "pytest-salt", engines.SPARK_DIR_VARIABLE: str(tmp_path / "spark"),
             "DBT_TARGET_PATH": str(tmp_path / "target"), "DBT_LOG_PATH": str(tmp_path / "logs")},
    )  # fmt: skip
    output = dbt.stdout + dbt.stderr
    assert dbt.returncode != 0
    assert f"{contacts.name} lacks the column(s) role." in output, output[-3000:]
    assert "Its header has: contact_id, account_id, email, full_name, rolle" in output


def test_the_summary_block_is_the_same(builds):
    on_duckdb, on_postgres, _ = builds

    def summary(output: str) -> str:
        return output[output.index("NPS warehouse summary") :].strip()

    assert "invalid_utf8" in on_duckdb.output or "quarantined rows" in on_duckdb.output
    assert summary(on_duckdb.output) == summary(on_postgres.output)
    assert "Loading the landing files into PostgreSQL" in on_postgres.output


def test_a_second_postgres_build_is_incremental_and_changes_nothing(builds, pg_server, landing):
    """dbt again on the loaded landing schema: the landing models find no new file, the validated
    models nothing to recompute, and the audit tables stay equal to DuckDB's."""
    on_duckdb, on_postgres, _ = builds
    second = subprocess.run(
        [str(Path(sys.executable).with_name("dbt")), "build",
         "--select", *(f"+{table.split('.')[1]}" for table in COMPARED),
         "--exclude", "resource_type:test", "resource_type:unit_test",
         "--project-dir", str(PROJECT_DIR), "--profiles-dir", str(PROJECT_DIR / "profiles")],
        cwd=PROJECT_DIR, capture_output=True, text=True, check=False,
        # the first build's target folder (run_build's): dbt reuses its parse (partial parsing)
        env={**on_postgres.env, "DBT_LOG_PATH": str(on_postgres.duckdb_path.parent / "second")},
    )  # fmt: skip
    assert second.returncode == 0, (second.stdout + second.stderr)[-5000:]
    assert "incremental model staging.base_survey__responses_validated" in second.stdout
    for table in COMPARED:
        assert_same_rows(
            table, rows_of_duckdb(on_duckdb, table), rows_of_postgres(pg_server, table)
        )


def test_bi_reader_reads_every_mart_and_nothing_else(builds, pg_server):
    on_duckdb, _, _ = builds
    with pg_connect(pg_server) as owner:
        relations = owner.execute(
            "select table_schema, table_name from information_schema.tables"
            " where table_schema = any(%s) order by 1, 2",
            [list(NOT_FOR_BI)],
        ).fetchall()
        personal = owner.execute(
            "select table_schema, table_name, column_name from information_schema.columns"
            " where table_schema not in ('pg_catalog', 'information_schema')"
            " and (column_name like '%%email%%' or column_name like '%%name_hash%%'"
            " or column_name in ('full_name', 'raw_values'))"
        ).fetchall()
    assert {schema for schema, _ in relations} >= {"staging", "core", "audit", "snapshots"}
    assert personal, "the warehouse holds email hashes somewhere (core.dim_contacts)"
    assert all(schema != "marts" for schema, _, _ in personal), personal
    with pg_connect(pg_server, user=pg_local.READER_ROLE) as reader:
        for table in mart_tables(on_duckdb):
            reader.execute(f"select * from {table} limit 1").fetchall()
        for schema, table in relations:
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                reader.execute(f'select * from {schema}."{table}" limit 1')
        for schema, table, column in personal:
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                reader.execute(f'select "{column}" from {schema}."{table}" limit 1')


def test_wrong_or_unreachable_target_is_one_clear_message(tmp_path, pg_server):
    raw_dir = tmp_path / "raw"
    generate(raw_dir, seed=3, scale=0.05)
    unknown = run_build(raw_dir, tmp_path / "a", env={"NPS_TARGET": "oracle"})
    assert unknown.returncode == 1
    assert "NPS_TARGET='oracle' is not a target" in unknown.output
    missing = run_build(
        raw_dir,
        tmp_path / "b",
        env={**pg_local.exports(pg_server), "NPS_PG_HOST": None, "NPS_PG_PASSWORD": None},
    )
    assert missing.returncode == 1
    assert "not set: NPS_PG_HOST, NPS_PG_PASSWORD" in missing.output
    closed = {**pg_local.exports(pg_server), "NPS_PG_PORT": "1"}
    unreachable = run_build(raw_dir, tmp_path / "c", env=closed)
    assert unreachable.returncode == 1
    assert "Cannot connect to PostgreSQL at postgresql://nps@127.0.0.1:1/nps" in unreachable.output
    for build in (unknown, missing, unreachable):
        assert "Traceback" not in build.output


TIMESTAMP_TEXTS = [
    "2026-02-30", "2026-02-28", "2026-03-01T01:30:00+02:00", "2026-03-01 01:30+0200",
    "2026-03-01T01:30:00-05", "2026-03-01T01:30:00.1234567Z", "2026-03-01T23:59:59.9999999+01",
    "2026-03-01T24:00:00", "2026-03-01T23:59:60", "2026-03-01T25:00", "2026-13-01",
    "2026-03-01T01:30:00.5+05:30", "2024-02-29T12:00Z", "2025-02-29T12:00Z",
]  # fmt: skip


def test_timestamp_and_date_casts_agree_on_edge_cases(builds, pg_server):
    """The PostgreSQL try_cast helpers (postgres_helper_functions, created by the build) give what
    DuckDB's try_cast gives: null for impossible dates and times and for a leap second,
    microseconds truncated, offsets applied."""
    with duckdb.connect() as connection:
        connection.execute("set TimeZone = 'UTC'")
        duck = connection.execute(
            "select v, cast(timezone('UTC', try_cast(v as timestamptz)) as timestamp),"
            " try_cast(v as date) from unnest(?) as t(v)",
            [TIMESTAMP_TEXTS],
        ).fetchall()
    with pg_connect(pg_server) as connection:
        pg = connection.execute(
            "select v, nps_util.nps_try_cast_timestamptz(v) at time zone 'UTC',"
            " nps_util.nps_try_cast_date(v) from unnest(%s::text[]) as v",
            [TIMESTAMP_TEXTS],
        ).fetchall()

    def as_parse_date_sees_it(rows):
        # parse_date only casts YYYY-MM-DD text (its pattern gate); PostgreSQL's date cast also
        # takes a timestamp's date, DuckDB's does not.
        return sorted((v, at, day if len(v) == 10 else None) for v, at, day in rows)

    assert as_parse_date_sees_it(duck) == as_parse_date_sees_it(pg)


def test_a_spark_query_gets_views_of_the_tables_it_names_only():
    """SparkWarehouse.connect(sql) makes views of the tables the query names, quoted or not, and
    not of a table whose name only starts or ends the same."""
    assert engines.names_table("select * from marts.mart_nps_monthly", "marts", "mart_nps_monthly")
    assert engines.names_table('select 1 from "marts" . "mart_x" as m', "marts", "mart_x")
    assert engines.names_table("select 1 from MARTS.Mart_X", "marts", "mart_x")
    assert not engines.names_table("select 1 from marts.mart_x_daily", "marts", "mart_x")
    assert not engines.names_table("select 1 from audit_marts.mart_x", "marts", "mart_x")
    assert not engines.names_table("select 1 from marts.mart_x", "core", "mart_x")
