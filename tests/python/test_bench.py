"""The benchmark's floor (bench/floor.sql) builds the same marts and quarantine as the dbt project.

nps-bench checks the marts after every run; this keeps the floor honest in CI on the shared
sample build (no timings here).
"""

from __future__ import annotations

import shutil

import duckdb
import pytest
from conftest import PROJECT_DIR

from nps_warehouse import bench

# Every test here runs or reads a whole build (end to end); `make test-fast` leaves them out.
pytestmark = pytest.mark.build

QUARANTINE_COLUMNS = "entity, raw_id, reason, raw_values, source_file_name, source_row_number"


@pytest.fixture(scope="module")
def floor_path(sample_landing, tmp_path_factory):
    path = tmp_path_factory.mktemp("floor") / "bench_floor.duckdb"
    bench.run_floor(sample_landing, path, PROJECT_DIR)
    return path


def test_floor_marts_equal_the_dbt_build(sample_build, floor_path):
    assert bench.compare_marts(sample_build.duckdb_path, floor_path) == []


def test_floor_marts_are_not_empty(floor_path):
    with duckdb.connect(str(floor_path), read_only=True) as connection:
        monthly = connection.sql("select count(*), sum(responses) from floor.mart_nps_monthly")
        segments, responses = monthly.fetchall()[0]
    assert segments > 100
    assert responses > 1000


def test_floor_quarantine_equals_the_dbt_build(sample_build, floor_path):
    order = f"order by {QUARANTINE_COLUMNS}"
    expected = sample_build.query(f"select {QUARANTINE_COLUMNS} from audit.quarantine_rows {order}")
    with duckdb.connect(str(floor_path), read_only=True) as connection:
        got = connection.sql(f"select {QUARANTINE_COLUMNS} from floor.quarantine_rows {order}").df()
    assert len(expected) > 100  # the sample has 2% bad rows, so the comparison means something
    assert got.to_dict("records") == expected.to_dict("records")


def test_comparison_catches_a_changed_mart(sample_build, floor_path, tmp_path):
    changed = tmp_path / "changed.duckdb"
    shutil.copyfile(floor_path, changed)
    with duckdb.connect(str(changed)) as connection:
        connection.execute(
            "update floor.mart_nps_monthly set nps = nps + 1e-6"
            " where rowid = (select min(rowid) from floor.mart_nps_monthly where nps is not null)"
        )
    problems = bench.compare_marts(sample_build.duckdb_path, changed)
    assert len(problems) == 1
    assert problems[0].startswith("mart_nps_monthly.nps differs")
