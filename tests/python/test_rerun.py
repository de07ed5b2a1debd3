"""Re-run safety: a re-export that repeats old rows changes nothing but the superseded counts, and
a build that fails halfway leaves the previously published marts readable and unchanged."""

from __future__ import annotations

import dataclasses
import os
import shutil

import pandas as pd
import pytest
from conftest import adopt_warehouse, dbt_run, run_build, shared_parse

from nps_warehouse.warehouse import SAMPLE_SALT

# Every test here runs or reads a whole build (end to end); `make test-fast` leaves them out.
pytestmark = pytest.mark.build

REPEATED = 50


def assert_same_table(before: pd.DataFrame, after: pd.DataFrame, name: str) -> None:
    """Identical, except that doubles may differ in their last bits: DuckDB sums floating-point
    values in parallel, so their order (and the last digit) can change between runs."""
    pd.testing.assert_frame_equal(before, after, check_exact=False, rtol=1e-12, atol=1e-9, obj=name)


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
    """Also the reproducibility check: a second build of the same folder with the build's as_of
    (no model reads the clock) gives every core, marts and intermediate table again."""
    # the same salt as the sample build (the added file makes the folder no longer sample data)
    again = run_build(
        reexported_landing, tmp_path / "build", "--as-of", as_of, env={"NPS_PII_SALT": SAMPLE_SALT}
    )
    assert again.returncode == 0, again.output[-5000:]
    before, after = published_tables(sample_build), published_tables(again)
    assert list(before) == list(after)
    for name, frame in before.items():
        assert_same_table(frame, after[name], name)
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
    fact and mart, keeps what the last good build published, readable and unchanged. The files
    are edited in place, so the build is a full refresh (an incremental one refuses changed files,
    test_incremental)."""
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
    adopt_warehouse(work / "nps.duckdb", raw, SAMPLE_SALT)
    env = {
        **os.environ,
        "NPS_RAW_DIR": str(raw),
        "NPS_PII_SALT": SAMPLE_SALT,
        "NPS_DUCKDB_PATH": str(work / "nps.duckdb"),
        "DBT_TARGET_PATH": str(work / "target"),
        "DBT_LOG_PATH": str(work / "logs"),
    }
    with shared_parse(env) as run_env:
        completed = dbt_run("build", "--full-refresh", env=run_env)
    assert completed.returncode == 1
    assert "lacks the column(s) outcome" in completed.stdout
    failed = dataclasses.replace(
        sample_build,
        raw_dir=raw,
        duckdb_path=work / "nps.duckdb",
        returncode=completed.returncode,
        output=completed.stdout,
    )
    count = "select count(*) as n from staging.base_survey__responses_validated"
    # staging did run on the new data: the build failed halfway
    assert failed.query(count).n[0] == sample_build.query(count).n[0] - 200
    before = published_tables(sample_build, ("core", "marts"))
    after = published_tables(failed, ("core", "marts"))
    assert list(before) == list(after)
    for name, frame in before.items():
        assert_same_table(frame, after[name], name)


def test_score_edits_and_disappearances_across_loads(sample_build, tmp_path):
    """A second load into the same warehouse: 5 responses re-exported with a newer updated_at
    and score 10, 3 responses gone. The snapshot keeps both versions; mart_score_edits lists
    every changed score with before/after and every disappeared response."""
    staged = sample_build.query(
        "select response_id, score, updated_at from staging.stg_survey__responses "
        "order by response_id limit 8"
    )
    edited, gone = staged.iloc[:5], staged.iloc[5:]
    raw = tmp_path / "raw"
    shutil.copytree(sample_build.raw_dir, raw)
    for path in sorted((raw / "survey_responses").iterdir()):
        frame = (
            pd.read_csv(path, dtype=str, keep_default_na=False)
            if path.suffix == ".csv"
            else pd.read_parquet(path).astype("string")
        )
        frame = frame[~frame.response_id.isin(gone.response_id)]
        if path.suffix == ".csv":
            frame.to_csv(path, index=False)
            again = frame[frame.response_id.isin(edited.response_id)].drop_duplicates("response_id")
            again = again.assign(score="10", updated_at="2026-07-01T00:00:00Z")
            again.to_csv(raw / "survey_responses" / "zzz_edits.csv", index=False)
        else:
            frame.to_parquet(path, index=False)
    work = tmp_path / "build"
    work.mkdir()
    shutil.copy(sample_build.duckdb_path, work / "nps.duckdb")
    adopt_warehouse(work / "nps.duckdb", raw, SAMPLE_SALT)
    second = run_build(raw, work, env={"NPS_PII_SALT": SAMPLE_SALT})
    assert second.returncode == 0, second.output[-5000:]
    edits = second.query("select * from marts.mart_score_edits order by response_id")
    changed = edited[edited.score != 10]
    assert edits[edits.change_type == "score_changed"].response_id.tolist() == sorted(
        changed.response_id
    )
    assert edits[edits.change_type == "score_changed"].score_before.tolist() == [
        int(s) for s in changed.sort_values("response_id").score
    ]
    assert set(edits[edits.change_type == "score_changed"].score_after) == {10}
    assert edits[edits.change_type == "disappeared"].response_id.tolist() == sorted(
        gone.response_id
    )
    assert len(edits) == len(changed) + len(gone)
    versions = second.query(
        "select count(*) as n from snapshots.snap_survey_responses where response_id in "
        f"{tuple(edited.response_id)}"
    ).n[0]
    assert versions == 2 * len(edited)  # a newer updated_at is a new version, edited or not
