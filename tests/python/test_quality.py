"""Great Expectations in nps-build: the landing checkpoint before dbt, the marts suite after."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import time
from pathlib import Path

import duckdb
import pandas as pd
import pytest
import yaml
from conftest import PROJECT_DIR, dbt_run, shared_parse
from test_bad_inputs import csv_text
from test_oracle import BASE

from nps_warehouse import quality
from nps_warehouse.contract import LANDING_CONTRACT
from nps_warehouse.generate import generate


@pytest.mark.build
def test_build_runs_both_checkpoints_and_writes_data_docs(sample_build):
    output = sample_build.output
    assert output.index("Landing checks (Great Expectations)") < output.index("Running with dbt")
    assert output.index("Running with dbt") < output.index("Mart checks (Great Expectations)")
    checkable = [
        table
        for table, columns, types in sample_build.query(
            "select table_name, list(column_name) as columns, list(data_type) as types"
            " from information_schema.columns where table_schema = 'marts' group by table_name"
        ).itertuples(index=False)
        # with the column types, as the build's check has them: a mart whose checks are its
        # counts (bigint columns) is checked too
        if quality.mart_expectations(list(columns), dict(zip(columns, types, strict=True)))
    ]
    assert "mart_nps_monthly" in checkable
    assert f"Mart checks: {len(checkable)} marts tables validated" in output
    site = sample_build.duckdb_path.parent / "gx" / "uncommitted" / "data_docs" / "local_site"
    index = (site / "index.html").read_text()
    for suite in ["landing_survey_responses", "landing_crm_accounts", "mart_mart_nps_monthly"]:
        assert suite in index
    # the sample's planted bad scores are reported as a warning, under the threshold
    # (5,816 rows since the planted cherry-picked campaign skips invitations and their responses)
    assert "survey_responses: 28 of 5,816 rows (0.5%) fail 'score parses'" in output


@pytest.fixture
def config(tmp_path, monkeypatch):
    """Writes quality.yml variants for check_landing; GX context in tmp_path."""
    monkeypatch.setenv("NPS_GX_ROOT", str(tmp_path))

    def write(**landing):
        settings = yaml.safe_load((PROJECT_DIR / "quality.yml").read_text())
        settings["landing"].update(landing)
        path = tmp_path / "quality.yml"
        path.write_text(yaml.safe_dump(settings))
        monkeypatch.setenv("NPS_QUALITY_CONFIG", str(path))

    return write


def landing_with_scores(root, scores):
    for entity in LANDING_CONTRACT:
        (root / entity).mkdir(parents=True)
        rows = []
        if entity == "survey_responses":
            rows = [
                {**BASE["survey_responses"][0], "response_id": f"R{i}", "score": s}
                for i, s in enumerate(scores)
            ]
        (root / entity / "data.csv").write_text(csv_text(entity, rows))
    return root


def stored_results(gx_root: Path, suite: str) -> tuple[int, int]:
    """(validation results stored, Data Docs pages) of one suite."""
    uncommitted = gx_root / "gx" / "uncommitted"
    results = list((uncommitted / "validations" / suite).rglob("*.json"))
    pages = list((uncommitted / "data_docs" / "local_site" / "validations" / suite).rglob("*.html"))
    return len(results), len(pages)


def test_counts_add_up_over_bounded_batches(tmp_path, config):
    """Batches of 3 rows give the same totals as one batch: nothing is held whole."""
    raw = landing_with_scores(tmp_path / "raw", ["1", "11", "x", "5", "", "7.5", "10"] * 3)
    config(batch_rows=3, max_bad_share=1.0)
    progress = []
    small = quality.check_landing(raw, PROJECT_DIR, progress=progress.append)
    assert stored_results(tmp_path, "landing_survey_responses") == (7, 7)
    config(batch_rows=100000, max_bad_share=1.0)
    large = quality.check_landing(raw, PROJECT_DIR)
    # each run replaces the previous run's results and pages: one batch now, not 7 + 1
    assert stored_results(tmp_path, "landing_survey_responses") == (1, 1)
    assert small[:-1] == large[:-1]
    assert "survey_responses: 21 rows in 1 file(s) checked" in "\n".join(progress)
    assert len(progress) == len(LANDING_CONTRACT)
    assert any("9 of 21 rows (42.9%) fail 'score parses'" in line for line in small)
    assert any("3 of 21 rows (14.3%) fail 'score is present'" in line for line in small)


def test_batches_are_validated_without_a_data_fingerprint(tmp_path, config):
    """GX would hash every value of every batch for a marker that nothing reads (a third of the
    landing checks' time at ~1M responses): the stored result keeps the batch's load time but no
    fingerprint, and the check still finds and counts the bad value."""
    raw = landing_with_scores(tmp_path / "raw", ["9", "x", "10"])
    config(batch_rows=100000, max_bad_share=1.0)
    found = quality.check_landing(raw, PROJECT_DIR)
    assert any("1 of 3 rows (33.3%) fail 'score parses'" in line for line in found), found
    uncommitted = tmp_path / "gx" / "uncommitted"
    stored = list((uncommitted / "validations" / "landing_survey_responses").rglob("*.json"))
    assert len(stored) == 1
    markers = json.loads(stored[0].read_text())["meta"]["batch_markers"]
    assert "ge_load_time" in markers
    assert "pandas_data_fingerprint" not in markers


def test_one_batch_of_many_files_names_the_files_of_the_failing_rows(tmp_path, config):
    """Rows of many small files are checked together (one checkpoint run, not one per file); a
    failure still names only the files its rows are in."""
    raw = landing_with_scores(tmp_path / "raw", ["9", "8"])
    folder = raw / "survey_responses"
    for day, scores in enumerate([["7", "6"], ["x", "10"], ["5"]], start=1):
        rows = [
            {**BASE["survey_responses"][0], "response_id": f"D{day}-{i}", "score": score}
            for i, score in enumerate(scores)
        ]
        (folder / f"day{day}.csv").write_text(csv_text("survey_responses", rows))
    config(batch_rows=100000, max_bad_share=1.0)
    progress = []
    found = quality.check_landing(raw, PROJECT_DIR, progress=progress.append)
    assert stored_results(tmp_path, "landing_survey_responses") == (1, 1)  # one run for 4 files
    assert any(
        "1 of 7 rows (14.3%) fail 'score parses' (files: day2.csv;" in line for line in found
    ), found
    assert "survey_responses: 7 rows in 4 file(s) checked" in "\n".join(progress)


def test_lines_a_file_cannot_use_are_named_in_that_file_only(tmp_path, config):
    """The files of an entity share one DuckDB connection: a file's rejected lines (a ragged
    line, an undecodable one) are reported for that file alone, never again for the files read
    after it."""
    raw = landing_with_scores(tmp_path / "raw", ["9"])
    folder = raw / "survey_responses"
    good = csv_text("survey_responses", [{**BASE["survey_responses"][0], "response_id": "G1"}])
    header, line = good.splitlines()[:2]
    (folder / "day1.csv").write_text(f"{header}\n{line}\n{line},extra\n")
    undecodable = line.encode().replace(b"G1", b"G\xff1") + b"\n"
    (folder / "day2.csv").write_bytes(f"{header}\n{line}\n".encode() + undecodable)
    (folder / "day3.csv").write_text(good)
    config(
        batch_rows=100000,
        max_bad_share=1.0,
        severity={
            "missing_column": "error",
            "unreadable_file": "warn",
            "bad_rows_over_threshold": "warn",
            "bad_rows_under_threshold": "warn",
        },
    )
    found = "\n".join(quality.check_landing(raw, PROJECT_DIR))
    ragged = [part for part in found.split("Landing file ") if "cannot be read at line" in part]
    assert len(ragged) == 1 and ragged[0].startswith(f"{folder / 'day1.csv'} "), found
    assert "rows that are not valid UTF-8" in found and "day2.csv line 3" in found, found
    assert "day3.csv" not in found and "day1.csv line" not in found, found


def test_severity_is_configurable(tmp_path, config):
    raw = landing_with_scores(tmp_path / "raw", ["11", "9"])
    config(max_bad_share=0.6)
    assert any("1 of 2 rows (50.0%)" in line for line in quality.check_landing(raw, PROJECT_DIR))
    config(max_bad_share=0.4)  # the shipped severity: over the threshold only warns
    assert any(
        "above landing.max_bad_share 40%" in line
        for line in quality.check_landing(raw, PROJECT_DIR)
    )
    config(
        max_bad_share=0.4,
        severity={
            "missing_column": "error",
            "unreadable_file": "error",
            "bad_rows_over_threshold": "error",
            "bad_rows_under_threshold": "warn",
        },
    )
    with pytest.raises(quality.QualityError, match="above landing.max_bad_share 40%"):
        quality.check_landing(raw, PROJECT_DIR)
    config(
        max_bad_share=0.4,
        severity={
            "missing_column": "error",
            "unreadable_file": "error",
            "bad_rows_over_threshold": "warn",
            "bad_rows_under_threshold": "warn",
        },
    )
    assert any(
        "above landing.max_bad_share" in line for line in quality.check_landing(raw, PROJECT_DIR)
    )


def make_marts(path, with_arr_at_risk: bool, bad: bool):
    with duckdb.connect(str(path)) as connection:
        connection.execute("create schema marts")
        connection.execute(
            "create table marts.mart_nps_monthly as select * from (values "
            f"(10.0, 0.5, 2.0), ({150.0 if bad else 20.0}, {1.5 if bad else 0.2}, 1.0)) "
            "as t(nps, response_rate, nps_moe_95)"
        )
        if with_arr_at_risk:
            connection.execute(
                "create table marts.mart_arr_at_risk as select * from (values "
                f"(1000.0, {2000.0 if bad else 400.0}), (500.0, 500.0)) as t(arr_usd, arr_at_risk_usd)"
            )


@pytest.mark.parametrize("with_arr_at_risk", [False, True])
def test_marts_suite_passes_on_good_marts(tmp_path, monkeypatch, with_arr_at_risk):
    monkeypatch.setenv("NPS_GX_ROOT", str(tmp_path))
    make_marts(tmp_path / "w.duckdb", with_arr_at_risk, bad=False)
    notes = quality.check_marts(tmp_path / "w.duckdb", PROJECT_DIR)
    assert f"{1 + with_arr_at_risk} marts tables validated" in notes[-1]


def test_clustered_margin_columns_are_checked():
    columns = ["nps_moe_95_clustered", "design_effect", "effective_responses", "nps_gap_moe_95"]
    checked = [expectation.column for expectation in quality.mart_expectations(columns)]
    assert checked == columns
    assert all(e.min_value == 0 for e in quality.mart_expectations(columns))


def test_marts_suite_names_every_broken_range(tmp_path, monkeypatch):
    monkeypatch.setenv("NPS_GX_ROOT", str(tmp_path))
    make_marts(tmp_path / "w.duckdb", with_arr_at_risk=True, bad=True)
    with pytest.raises(quality.QualityError) as failure:
        quality.check_marts(tmp_path / "w.duckdb", PROJECT_DIR)
    message = str(failure.value)
    assert "marts.mart_nps_monthly: expect_column_values_to_be_between {'column': 'nps'" in message
    assert "'column': 'response_rate'" in message
    assert "marts.mart_arr_at_risk: expect_column_pair_values_a_to_be_greater_than_b" in message


def mart_check_failure(path: Path, create_mart: str) -> str:
    """The message of the mart checks failing on a warehouse holding the one mart created."""
    with duckdb.connect(str(path)) as connection:
        connection.execute("create schema marts")
        connection.execute(create_mart)
    with pytest.raises(quality.QualityError) as failure:
        quality.check_marts(path, PROJECT_DIR)
    return str(failure.value)


def test_mart_batches_are_cut_to_the_configured_size():
    """DuckDB's arrow reader yields 122,880-row batches whatever size is asked: frames_of
    gathers and cuts them, so a batch is exactly batch_rows and no row is lost or repeated."""
    from nps_warehouse.warehouse import frames_of

    with duckdb.connect() as connection:
        relation = connection.sql("select range as n from range(300000)")
        for rows, sizes in [(100_000, [100_000] * 3), (250_000, [250_000, 50_000])]:
            frames = list(frames_of(relation, rows))
            assert [len(frame) for frame in frames] == sizes
            numbers = pd.concat(frames)["n"].tolist()
            assert numbers == list(range(300_000))


def test_marts_suite_judges_integer_and_decimal_columns_in_every_batch(tmp_path, monkeypatch):
    """Only the columns an expectation reads are fetched (quoted: one is named like a keyword),
    INTEGER and DECIMAL columns are compared as numbers (int64, float64), and a bad value in a
    later batch is still found, with its count and the value itself."""
    monkeypatch.setenv("NPS_GX_ROOT", str(tmp_path))
    config = yaml.safe_load((PROJECT_DIR / "quality.yml").read_text(encoding="utf-8"))
    config["marts"]["batch_rows"] = 100_000
    (tmp_path / "quality.yml").write_text(yaml.safe_dump(config), encoding="utf-8")
    monkeypatch.setenv("NPS_QUALITY_CONFIG", str(tmp_path / "quality.yml"))
    message = mart_check_failure(
        tmp_path / "w.duckdb",
        "create table marts.mart_big as select "
        "cast(case when range = 250001 then 11 else range % 11 end as integer) as score, "
        "cast(100 + range % 7 as decimal(18, 2)) as arr_usd, "
        "cast(case when range = 299999 then 107.01 else 50 end as decimal(18, 2)) "
        "  as arr_at_risk_usd, "
        "'free text ' || range as comment, "
        'cast(range % 5 as integer) as "order" '  # a count named like a keyword
        "from range(300000)",
    )
    assert "expect_column_values_to_be_between {'column': 'score'" in message
    assert "'column_A': 'arr_usd', 'column_B': 'arr_at_risk_usd'" in message
    assert message.count("failed on 1 rows") == 2
    assert message.split("'column': 'score'")[1].splitlines()[0].endswith("e.g. 11")
    assert "e.g. (100.0, 107.01)" in message


def test_marts_suite_checks_intervals_and_lifts(tmp_path, monkeypatch):
    """A rate outside its own 95% interval, or a negative lift, fails the marts suite."""
    monkeypatch.setenv("NPS_GX_ROOT", str(tmp_path))
    message = mart_check_failure(
        tmp_path / "w.duckdb",
        "create table marts.mart_profile as select * from (values "
        "(0.5, 0.3, 0.7, 1.2), (0.2, 0.25, 0.6, 0.9), (0.9, 0.5, 0.8, -1.0)) "
        "as t(promoter_share, promoter_share_low_95, promoter_share_high_95, promoter_lift)",
    )
    assert "'column_A': 'promoter_share', 'column_B': 'promoter_share_low_95'" in message
    assert "'column_A': 'promoter_share_high_95', 'column_B': 'promoter_share'" in message
    assert "'column': 'promoter_lift'" in message


@pytest.mark.build
def test_freshness_volume_and_cadence_tests_warn_with_the_offenders(sample_build, tmp_path):
    """On the sample they pass (see test_build); with strict settings each one warns, naming
    what is late, the odd days or the contacts, and the build still succeeds (warn level)."""
    shutil.copy(sample_build.duckdb_path, tmp_path / "nps.duckdb")
    with duckdb.connect(str(tmp_path / "nps.duckdb")) as connection:
        # Exports a year older than as_of: every entity is past its warn_after (the stg_
        # models are views of these tables).
        for table in (
            "base_crm__accounts_validated",
            "base_crm__contacts_validated",
            "base_survey__invitations_validated",
            "base_survey__responses_validated",
            "base_support__tickets_validated",
            "base_loop__followups_validated",
        ):
            connection.execute(
                f"update staging.{table} set updated_at = updated_at - interval 365 day"
            )  # fmt: skip
    strict = {
        "volume_band": 0.01,
        "survey_min_gap_days": 60,
        "survey_cycle_days": 20,
    }
    env = {**os.environ, "NPS_RAW_DIR": str(sample_build.raw_dir),
           "NPS_DUCKDB_PATH": str(tmp_path / "nps.duckdb"),
           "DBT_TARGET_PATH": str(tmp_path / "target"), "DBT_LOG_PATH": str(tmp_path / "logs")}  # fmt: skip
    with shared_parse(env, json.dumps(strict)) as run_env:
        completed = dbt_run(
            "test", "--select", "assert_landing_entities_are_fresh",
            "assert_daily_responses_within_band", "assert_contacts_not_invited_within_min_gap",
            "assert_decision_makers_invited_each_cycle",
            "--vars", json.dumps(strict), "--store-failures", env=run_env,
        )  # fmt: skip
    assert completed.returncode == 0, completed.stdout[-3000:]
    assert "WARN=4" in completed.stdout
    with duckdb.connect(str(tmp_path / "nps.duckdb"), read_only=True) as connection:
        stale = connection.execute(
            "select count(*) from dbt_test__audit.assert_landing_entities_are_fresh"
        ).fetchone()[0]
        too_soon = connection.execute(
            "select count(distinct contact_id) "
            "from dbt_test__audit.assert_contacts_not_invited_within_min_gap"
        ).fetchone()[0]
    assert stale == len(LANDING_CONTRACT)
    assert too_soon > 0


def source_freshness(build, work_dir: Path, *args: str) -> tuple[subprocess.CompletedProcess, dict]:
    """`dbt source freshness` on a copy of a built warehouse: the run and its status per entity."""
    work_dir.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "NPS_RAW_DIR": str(build.raw_dir),
           "NPS_DUCKDB_PATH": str(work_dir / "nps.duckdb"),
           "DBT_TARGET_PATH": str(work_dir / "target"), "DBT_LOG_PATH": str(work_dir / "logs")}  # fmt: skip
    with shared_parse(env, " ".join(args)) as run_env:
        completed = dbt_run("source", "freshness", *args, env=run_env)
    sources = work_dir / "target" / "sources.json"
    results = json.loads(sources.read_text())["results"] if sources.is_file() else []
    return completed, {result["unique_id"].split(".")[-1]: result for result in results}


@pytest.mark.build
def test_source_freshness_is_measured_against_as_of_not_the_clock(sample_build, tmp_path):
    """Against the build's as_of the sample is fresh, whatever today's date; a later as_of makes
    the daily entities (warn_after 7 or 14 days) stale and leaves the CRM (90 days) fresh."""
    shutil.copy(sample_build.duckdb_path, tmp_path / "nps.duckdb")
    as_of = sample_build.query("select as_of_at from intermediate.int_build_as_of").as_of_at[0]
    completed, results = source_freshness(sample_build, tmp_path)
    assert completed.returncode == 0, completed.stdout[-3000:]
    assert set(results) == set(LANDING_CONTRACT)
    assert {result["status"] for result in results.values()} == {"pass"}
    assert {result["snapshotted_at"][:19] for result in results.values()} == {
        as_of.strftime("%Y-%m-%dT%H:%M:%S")
    }
    later = (as_of + pd.Timedelta(days=32)).strftime("%Y-%m-%d")
    completed, results = source_freshness(sample_build, tmp_path, "--vars", f"{{as_of: {later}}}")
    assert completed.returncode == 0, completed.stdout[-3000:]
    assert {name: result["status"] for name, result in results.items()} == {
        "crm_accounts": "pass",
        "crm_contacts": "pass",
        "survey_invitations": "warn",
        "survey_responses": "warn",
        "support_tickets": "warn",
        "loop_followups": "warn",
    }


@pytest.mark.build
def test_source_freshness_before_any_build_says_what_to_do(sample_build, tmp_path):
    completed, _ = source_freshness(sample_build, tmp_path / "unbuilt")
    assert completed.returncode != 0
    assert "measured against the build's as_of, not the clock" in completed.stdout
    assert "--vars '{as_of:" in completed.stdout
    assert "Traceback" not in completed.stdout + completed.stderr


def test_examples_of_failing_values_leave_out_missing_ones():
    # a missing value is what the not-null expectation already says: no "e.g. [nan, nan, nan]"
    assert quality.shown_examples([float("nan"), None, float("nan")]) == ""
    assert quality.shown_examples([]) == ""
    shown = quality.shown_examples(["2026-13-01", float("nan"), "2026-13-01", 11, "x", "y"])
    assert shown == "; e.g. '2026-13-01', 11, 'x'"


def test_entities_checked_side_by_side_report_what_one_process_reports(tmp_path, config):
    """landing.workers: 2 checks entities in two processes; the warnings (in the contract's
    order), the stored results and the Data Docs pages are those of one process."""
    raw = tmp_path / "raw"
    generate(raw, seed=5, scale=0.1, fmt="mixed", bad_share=0.05)
    committed = (PROJECT_DIR / "gx" / "great_expectations.yml").read_text()
    (tmp_path / "gx").mkdir()
    (tmp_path / "gx" / "great_expectations.yml").write_text(committed)
    found = {}
    for workers in (1, 2):
        config(batch_rows=2000, max_bad_share=1.0, workers=workers)
        progress = []
        warnings = quality.check_landing(raw, PROJECT_DIR, progress=progress.append)
        stored = {
            entity: stored_results(tmp_path, f"landing_{entity}") for entity in LANDING_CONTRACT
        }
        found[workers] = (
            warnings,
            sorted(re.sub(r"\(\d+\.\d s\)", "", line) for line in progress),
            stored,
        )
    assert found[1] == found[2]
    # GX adds each run's data sources to its configuration: both ways put it back as it was
    assert (tmp_path / "gx" / "great_expectations.yml").read_text() == committed
    warnings, progress, stored = found[2]
    assert len(progress) == len(LANDING_CONTRACT)
    assert stored["survey_invitations"][0] > 1 and all(a == b for a, b in stored.values())
    entities = [line.split(":")[0] for line in warnings[:-1]]
    assert "survey_responses" in entities and entities == sorted(
        entities, key=list(LANDING_CONTRACT).index
    )


def test_marts_checked_side_by_side_report_what_one_process_reports(tmp_path, monkeypatch):
    """marts.workers: 2 shares the marts of a DuckDB file (a view among them) out between two
    processes: the same failures, in table order, the same tables validated, and each suite's
    result stored and rendered once in the build's GX folder, as one process leaves them."""
    monkeypatch.setenv("NPS_GX_ROOT", str(tmp_path))
    path = tmp_path / "w.duckdb"
    with duckdb.connect(str(path)) as connection:
        connection.execute("create schema marts")
        for number in range(5):
            bad = number % 2 == 0  # marts 0, 2 and 4 each hold one out-of-range NPS
            connection.execute(
                f"create table marts.mart_{number} as select cast("
                f"case when range = 7 and {bad} then 101 else range % 100 end as double) as nps, "
                "cast(range % 3 as double) / 3 as response_rate "
                f"from range({1000 * (number + 1)})"
            )
        connection.execute("create table marts.mart_without_rules as select 'x' as anything")
        connection.execute("create view marts.mart_view as select 150.0 as nps")
    found = {}
    for workers in (1, 2):
        settings = yaml.safe_load((PROJECT_DIR / "quality.yml").read_text())
        settings["marts"].update(workers=workers, severity="warn")
        (tmp_path / "quality.yml").write_text(yaml.safe_dump(settings))
        monkeypatch.setenv("NPS_QUALITY_CONFIG", str(tmp_path / "quality.yml"))
        notes = quality.check_marts(path, PROJECT_DIR)
        stored = [stored_results(tmp_path, f"mart_mart_{n}") for n in range(5)]
        found[workers] = (notes, stored)
    assert found[1] == found[2]
    notes, stored = found[2]
    assert [note.split(":")[0] for note in notes[:-1]] == [
        "marts.mart_0", "marts.mart_2", "marts.mart_4", "marts.mart_view",
        "marts.mart_without_rules",
    ]  # fmt: skip
    assert all("failed on 1 rows; e.g. 101" in note for note in notes[:3])
    assert "failed on 1 rows; e.g. 150" in notes[3]  # a view is checked too
    assert notes[-1].startswith("Mart checks: 6 marts tables validated")
    assert set(stored) == {(1, 1)}  # one batch each: one result, one page


def test_data_docs_render_again_only_the_suites_just_checked(tmp_path, config):
    """After a step's checks only its suites' pages are rendered again, then the index: another
    suite's page stays as its own check rendered it, and the index still links both."""
    raw = landing_with_scores(tmp_path / "raw", ["9", "8"])
    config(max_bad_share=1.0, workers=1)
    quality.check_landing(raw, PROJECT_DIR)
    site = tmp_path / "gx" / "uncommitted" / "data_docs" / "local_site"

    def pages(suite: str) -> dict[Path, int]:
        return {
            page: page.stat().st_mtime_ns
            for folder in ("validations", "expectations")
            for page in (site / folder).rglob("*.html")
            if suite in page.parts or page.stem == suite
        }

    accounts, responses = pages("landing_crm_accounts"), pages("landing_survey_responses")
    # the suite's page and its one result's page (the accounts file has no rows: its suite only)
    assert (len(accounts), len(responses)) == (1, 2)
    time.sleep(0.05)
    quality.docs_url(quality.gx_context(PROJECT_DIR), ["landing_survey_responses"])
    assert pages("landing_crm_accounts") == accounts
    assert all(mtime > responses[page] for page, mtime in pages("landing_survey_responses").items())
    index = (site / "index.html").read_text()
    assert "landing_crm_accounts" in index and "landing_survey_responses" in index
