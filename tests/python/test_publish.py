"""Publishing for readers: after each successful build the marts, and only the marts, are replaced
atomically in a separate read-only DuckDB file. Readers in other processes, opening and closing
it or holding it open, see only complete publications and never stop a build; a failed build
publishes nothing; nothing but a previous publication is ever replaced."""

from __future__ import annotations

import datetime as dt
import json
import stat
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest
from conftest import PROJECT_DIR, Build, run_build

from nps_warehouse import publish
from nps_warehouse.generate import generate

HEADER_ONLY = PROJECT_DIR / "tests" / "fixtures" / "landing_header_only"
META_TABLES = {"meta.publication", "meta.published_tables"}

# A reader in its own process. "loop" opens the publication read-only, reads and closes, again and
# again; "hold" opens it once and keeps reading through that one connection. Each read checks
# that the file is whole: every table it lists is there with its row count, the headline's
# responses equal the sum over mart_nps_monthly. One JSON line per read; bounded loop.
READER = r"""
import json, sys, time
from pathlib import Path
import duckdb

path, log, stop, mode = sys.argv[1:5]

def read(connection):
    tables = sorted(
        f"{schema}.{name}"
        for schema, name in connection.execute(
            "select table_schema, table_name from information_schema.tables "
            "where table_catalog = current_database()"
        ).fetchall()
    )
    number, as_of, fingerprint, marts_rows = connection.execute(
        "select publication_number, cast(as_of_at as varchar), content_fingerprint, marts_rows "
        "from meta.publication"
    ).fetchall()[0]
    listed = dict(connection.execute("select table_name, row_count from meta.published_tables").fetchall())
    counted = {
        name: connection.execute(f'select count(*) from marts."{name}"').fetchall()[0][0]
        for name in listed
    }
    summary = connection.execute("select responses from marts.mart_nps_summary").fetchall()[0][0]
    monthly = connection.execute("select sum(responses) from marts.mart_nps_monthly").fetchall()[0][0]
    return {
        "number": number, "as_of": as_of, "fingerprint": fingerprint, "tables": tables,
        "counts_match": listed == counted, "rows_match": sum(counted.values()) == marts_rows,
        "summary_responses": summary, "monthly_responses": monthly,
    }

held = duckdb.connect(path, read_only=True) if mode == "hold" else None
with open(log, "a") as out:
    for i in range(20000):
        if Path(stop).exists():
            break
        try:
            if held is not None:
                record = read(held)
            else:
                with duckdb.connect(path, read_only=True) as connection:
                    record = read(connection)
        except Exception as error:
            record = {"error": f"{type(error).__name__}: {error}"}
        out.write(json.dumps(record) + "\n")
        out.flush()
        if i == 0:
            print("ready", flush=True)
        time.sleep(0.5)  # a read costs about 0.1 s of CPU: a third of a core at 0.2 s
if held is not None:
    held.close()
"""


def read_meta(path: Path) -> dict:
    with duckdb.connect(str(path), read_only=True) as connection:
        relation = connection.sql("select * from meta.publication")
        return dict(zip(relation.columns, relation.fetchall()[0], strict=True))


def start_reader(path: Path, log: Path, stop: Path, mode: str) -> subprocess.Popen:
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(path), str(log), str(stop), mode],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert reader.stdout.readline().strip() == "ready"
    return reader


def records(log: Path) -> list[dict]:
    return [json.loads(line) for line in log.read_text().splitlines() if line.strip()]


def wait_for_publication(log: Path, number: int) -> None:
    """Waits until the looping reader has read publication `number` (bounded)."""
    for _ in range(600):
        if any(record.get("number") == number for record in records(log)):
            return
        time.sleep(0.5)
    raise AssertionError(f"the reader never saw publication {number}")


@dataclass
class Scenario:
    builds: list[Build]
    metas: list[dict]  # meta.publication after each build
    loop_reads: list[dict]
    held_reads: list[dict]
    holder_alive_after_builds: bool
    expected_tables: set[str]


@pytest.fixture(scope="module")
def scenario(tmp_path_factory) -> Scenario:
    """Three builds of one small landing folder into one warehouse (the same data set), the
    second made to fail inside dbt (an as_of beyond the time spine), while two readers run."""
    root = tmp_path_factory.mktemp("publish")
    raw = root / "raw"
    generate(raw, seed=21, scale=0.2)
    work = root / "build"
    first = run_build(raw, work)
    assert first.returncode == 0, first.output[-5000:]
    path = first.publish_path
    metas = [read_meta(path)]
    as_of = metas[0]["as_of_at"]
    with duckdb.connect(str(path), read_only=True) as connection:
        expected = {
            f"marts.{name}"
            for (name,) in connection.execute(
                "select table_name from meta.published_tables"
            ).fetchall()
        }
    loop_log, held_log, stop = root / "loop.jsonl", root / "held.jsonl", root / "stop"
    looper = start_reader(path, loop_log, stop, "loop")
    holder = start_reader(path, held_log, stop, "hold")
    builds = [first]
    try:
        for number, as_of_arg in (
            (None, "2042-06-30"),  # the time spine ends in 2040: dbt's tests fail
            (2, (as_of - dt.timedelta(days=30)).date().isoformat()),
        ):
            builds.append(run_build(raw, work, "--as-of", as_of_arg))
            metas.append(read_meta(path))
            if number:
                wait_for_publication(loop_log, number)
        holder_alive = holder.poll() is None
    finally:
        stop.touch()
        for reader in (looper, holder):
            try:
                reader.wait(timeout=120)
            except subprocess.TimeoutExpired:
                reader.kill()
                reader.wait()
    return Scenario(
        builds, metas, records(loop_log), records(held_log), holder_alive, expected | META_TABLES
    )


@pytest.mark.build
def test_builds_publish_and_a_failed_build_publishes_nothing(scenario):
    first, failed, second = scenario.builds
    for build in (first, second):
        assert build.returncode == 0, build.output[-5000:]
        assert f"Published the marts for readers (read-only): {build.publish_path}" in build.output
    assert failed.returncode == 1
    assert "assert_time_spine_covers_every_event_day" in failed.output
    assert "Published" not in failed.output
    numbers = [meta["publication_number"] for meta in scenario.metas]
    assert numbers == [1, 1, 2]
    # the failed build left the previous publication exactly as it was; the next one published
    assert scenario.metas[1] == scenario.metas[0]
    assert scenario.metas[2]["content_fingerprint"] != scenario.metas[0]["content_fingerprint"]
    as_of_days = [meta["as_of_at"].date() for meta in scenario.metas]
    assert as_of_days[2] == as_of_days[0] - dt.timedelta(days=30)
    assert {meta["sample_data_set"] for meta in scenario.metas} == {"seed 21, scale 0.2"}


def assert_complete(reads: list[dict], expected_tables: set[str]) -> dict[int, tuple]:
    """Every read saw a whole publication; returns what each publication number looked like."""
    assert reads
    errors = [read["error"] for read in reads if "error" in read]
    assert not errors, errors[:5]
    seen: dict[int, set[tuple]] = {}
    for read in reads:
        assert set(read["tables"]) == expected_tables, read["tables"]
        assert read["counts_match"] and read["rows_match"], read
        assert read["summary_responses"] == read["monthly_responses"], read
        seen.setdefault(read["number"], set()).add(
            (read["as_of"], read["fingerprint"], read["summary_responses"])
        )
    # one publication number, one content: no read saw a mixture
    assert all(len(contents) == 1 for contents in seen.values()), seen
    return seen


@pytest.mark.build
def test_readers_see_only_complete_consistent_publications(scenario):
    seen = assert_complete(scenario.loop_reads, scenario.expected_tables)
    assert set(seen) == {1, 2}
    numbers = [read["number"] for read in scenario.loop_reads]
    assert numbers == sorted(numbers)  # never back to an older one
    fingerprints = {number: next(iter(seen[number]))[1] for number in seen}
    assert fingerprints == {
        1: scenario.metas[0]["content_fingerprint"],
        2: scenario.metas[2]["content_fingerprint"],
    }


@pytest.mark.build
def test_a_reader_holding_the_publication_open_does_not_stop_a_build(scenario):
    """The holder opened the first publication before the later builds and kept reading it
    through them: every build ran to its end (one more published), and the holder read the first
    publication, whole, throughout (it sees a new one when it reconnects)."""
    assert scenario.holder_alive_after_builds
    seen = assert_complete(scenario.held_reads, scenario.expected_tables)
    assert set(seen) == {1}
    assert [build.returncode for build in scenario.builds] == [0, 1, 0]


@pytest.mark.build
def test_only_the_marts_are_published_read_only_without_personal_data(scenario):
    last = scenario.builds[-1]
    path = last.publish_path
    assert not stat.S_IMODE(path.stat().st_mode) & 0o222  # no write permission for anyone
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name]  # no temporary left
    with duckdb.connect(str(path), read_only=True) as connection:
        schemas = {
            row[0]
            for row in connection.execute(
                "select distinct table_schema from information_schema.tables"
            ).fetchall()
        }
        assert schemas == {"marts", "meta"}
        columns = connection.execute(
            "select table_name, column_name, data_type from information_schema.columns "
            "where table_schema = 'marts'"
        ).fetchall()
        assert not [c for c in columns if publish.PII_COLUMN.search(c[1])]
        for table, column, data_type in columns:
            if data_type == "VARCHAR":
                hashed = connection.execute(
                    f'select count(*) from marts."{table}" '
                    f"where regexp_matches(\"{column}\", '{publish.MD5_HEX}')"
                ).fetchall()[0][0]
                assert hashed == 0, (table, column)
        published = {
            table: connection.sql(f"select * from marts.{table} order by all").fetchall()
            for table in ("mart_nps_monthly", "mart_nps_summary", "mart_revenue_at_risk_rollup")
        }
    # the email hashes exist in the warehouse, and none of them reached the publication
    hashes = last.query("select email_hash from core.dim_contacts").email_hash.dropna()
    assert len(hashes) > 0
    with duckdb.connect(str(last.duckdb_path), read_only=True) as connection:
        for table, rows in published.items():
            assert rows == connection.sql(f"select * from marts.{table} order by all").fetchall()
            assert not {value for row in rows for value in row} & set(hashes)


@pytest.mark.build
@pytest.mark.parametrize("kind", ["text file", "user duckdb", "folder", "warehouse", "main.duckdb"])
def test_publishing_never_replaces_what_is_not_a_publication(tmp_path, kind):
    """Stopped before anything runs, the thing at NPS_PUBLISH_PATH untouched."""
    work = tmp_path / "build"
    target = tmp_path / "mine" / "nps_marts.duckdb"
    target.parent.mkdir()
    if kind == "text file":
        target.write_text("my notes\n")
    elif kind == "user duckdb":
        with duckdb.connect(str(target)) as connection:
            connection.execute("create table budget as select 42 as amount")
    elif kind == "folder":
        target.mkdir()
    elif kind == "warehouse":
        target = work / "nps.duckdb"
    else:
        target = tmp_path / "mine" / "main.duckdb"
    before = target.read_bytes() if target.is_file() else None
    build = run_build(HEADER_ONLY, work, env={"NPS_PUBLISH_PATH": str(target)})
    assert build.returncode == 1
    assert "Traceback" not in build.output
    assert "NPS_PUBLISH_PATH" in build.output
    assert "Landing checks" not in build.output  # stopped up front
    if before is not None:
        assert target.read_bytes() == before


def fake_warehouse(path: Path, extra_column: str) -> None:
    with duckdb.connect(str(path)) as connection:
        connection.execute("create schema marts")
        connection.execute(
            "create table marts.mart_nps_summary as "
            "select timestamp '2026-06-30 12:00:00' as as_of_at, 10 as responses"
        )
        connection.execute(
            f"create table marts.mart_contacts as select 'C1' as contact_id, {extra_column}"
        )


@pytest.mark.parametrize(
    "column",
    [
        "'x' as email_hash",
        "md5('salt' || 'ann@example.com') as contact_key",
        "'ann@example.com' as reply_to",
    ],
)
def test_personal_data_in_the_marts_is_never_published(tmp_path, column):
    source = tmp_path / "nps.duckdb"
    fake_warehouse(source, column)
    target = tmp_path / "published" / "nps_marts.duckdb"
    with pytest.raises(publish.PublishError, match="personal data"):
        publish.publish(source, target)
    assert not target.parent.exists() or not any(target.parent.iterdir())


def test_a_publication_replaces_the_previous_one_and_counts_up(tmp_path):
    source = tmp_path / "nps.duckdb"
    fake_warehouse(source, "'enterprise' as plan")
    target = tmp_path / "published" / "nps_marts.duckdb"
    first = publish.publish(source, target)
    second = publish.publish(source, target)
    assert (first.publication_number, second.publication_number) == (1, 2)
    assert first.content_fingerprint == second.content_fingerprint  # same marts, same content
    assert second.tables == {"mart_contacts": 1, "mart_nps_summary": 1}
    assert publish.read_publication(target).publication_number == 2
    assert sorted(p.name for p in target.parent.iterdir()) == ["nps_marts.duckdb"]
