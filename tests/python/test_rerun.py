"""Re-run safety: a re-export that repeats old rows changes nothing but the superseded counts, and
a build that fails halfway leaves the previously published marts readable and unchanged."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from conftest import PROJECT_DIR, Build, run_build

REPEATED = 50


def published_tables(build, schemas=("core", "marts", "intermediate")) -> dict[str, pd.DataFrame]:
    """Every table and view of the given schemas, sorted, by schema.name."""
    names = build.query(
        "select table_schema || '.' || table_name as name from information_schema.tables "
        f"where table_schema in {tuple(schemas)} order by name"
    ).name.tolist()
    return {name: build.query(f"select * from {name} order by all") for name in names}


@pytest.fixture(scope="module")
def reexported_landing(sample_build, tmp_path_factory):
    """The sample landing folder plus a file repeating 50 staged responses exactly as exported."""
    raw = tmp_path_factory.mktemp("reexport") / "raw"
    shutil.copytree(sample_build.raw_dir, raw)
    source = min((raw / "survey_responses").glob("*.csv"))
    positions = sample_build.query(
        "select _row_number from staging.base_survey__responses_validated "
        f"where row_status = 'staged' and _file_name = '{source.name}' "
        f"order by response_id limit {REPEATED}"
    )._row_number.tolist()
    rows = pd.read_csv(source, dtype=str, keep_default_na=False)
    rows.iloc[[p - 1 for p in positions]].to_csv(
        raw / "survey_responses" / "zzz_repeat.csv", index=False
    )
    return raw


@pytest.fixture(scope="module")
def as_of(sample_build) -> str:
    return pd.Timestamp(
        sample_build.query("select as_of_at from intermediate.int_build_as_of").iloc[0, 0]
    ).isoformat()


def test_reexport_of_old_rows_changes_only_superseded_counts(
    sample_build, reexported_landing, as_of, tmp_path
):
    again = run_build(reexported_landing, tmp_path / "build", "--as-of", as_of)
    assert again.returncode == 0, again.output[-5000:]
    before, after = published_tables(sample_build), published_tables(again)
    assert list(before) == list(after)
    for name, frame in before.items():
        pd.testing.assert_frame_equal(frame, after[name], check_exact=True, obj=name)
    first, second = (
        build.query("select * from audit.landing_row_counts").set_index("entity")
        for build in (sample_build, again)
    )
    change = second.loc["survey_responses"] - first.loc["survey_responses"]
    assert change.to_dict() == {
        "raw_rows": REPEATED,
        "staged_rows": 0,
        "superseded_rows": REPEATED,
        "quarantined_rows": 0,
    }


def test_failed_build_leaves_published_marts_intact(sample_build, tmp_path):
    """dbt rebuilds staging from new landing data (200 responses fewer), then fails on a
    follow-up file without its `outcome` column: everything downstream of the failure, every
    fact and mart, keeps what the last good build published, readable and unchanged."""
    raw = tmp_path / "raw"
    shutil.copytree(sample_build.raw_dir, raw)
    responses = min((raw / "survey_responses").glob("*.csv"))
    kept = pd.read_csv(responses, dtype=str, keep_default_na=False).iloc[:-200]
    kept.to_csv(responses, index=False)
    followups = min((raw / "loop_followups").glob("*.csv"))
    followups.write_text(followups.read_text().replace("outcome", "result", 1))
    work = tmp_path / "build"
    work.mkdir()
    shutil.copy(sample_build.duckdb_path, work / "nps.duckdb")
    completed = subprocess.run(
        [str(Path(sys.executable).with_name("dbt")), "build", "--profiles-dir", "profiles"],
        cwd=PROJECT_DIR,
        env={
            **os.environ,
            "NPS_RAW_DIR": str(raw),
            "NPS_DUCKDB_PATH": str(work / "nps.duckdb"),
            "DBT_TARGET_PATH": str(work / "target"),
            "DBT_LOG_PATH": str(work / "logs"),
        },
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 1
    assert "lacks the column(s) outcome" in completed.stdout
    failed = Build(raw, work / "nps.duckdb", completed.returncode, completed.stdout)
    count = "select count(*) as n from staging.base_survey__responses_validated"
    # staging did run on the new data: the build failed halfway
    assert failed.query(count).n[0] == sample_build.query(count).n[0] - 200
    before = published_tables(sample_build, ("core", "marts"))
    after = published_tables(failed, ("core", "marts"))
    assert list(before) == list(after)
    for name, frame in before.items():
        pd.testing.assert_frame_equal(frame, after[name], check_exact=True, obj=name)
