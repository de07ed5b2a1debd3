"""The benchmark: its floor (bench/floor.sql) builds the same tables as the dbt project, whatever
mix of formats the landing folders hold; its memory measurement and its results files.

nps-bench checks the tables after every run; this keeps the floor honest in CI (no timings here).
"""

from __future__ import annotations

import csv
import shutil
import subprocess
import sys

import duckdb
import pytest
from conftest import PROJECT_DIR

from nps_warehouse import bench, dbt
from nps_warehouse.generate import generate

QUARANTINE_COLUMNS = "entity, raw_id, reason, raw_values, source_file_name, source_row_number"
TEST_SALT = "pytest-bench-salt"


@pytest.fixture(scope="module")
def floor_path(sample_landing, tmp_path_factory):
    path = tmp_path_factory.mktemp("floor") / "bench_floor.duckdb"
    bench.run_floor(sample_landing, path, PROJECT_DIR)
    return path


@pytest.mark.build
def test_floor_marts_equal_the_dbt_build(sample_build, floor_path):
    assert bench.compare_marts(sample_build.duckdb_path, floor_path) == []


@pytest.mark.build
def test_floor_marts_are_not_empty(floor_path):
    with duckdb.connect(str(floor_path), read_only=True) as connection:
        monthly = connection.sql("select count(*), sum(responses) from floor.mart_nps_monthly")
        segments, responses = monthly.fetchall()[0]
        churn = connection.sql(
            "select sum(responses_eligible_365d), sum(churned_within_365d)"
            " from floor.mart_churn_by_score where group_type = 'score'"
        ).fetchall()[0]
        at_risk = connection.sql(
            "select count(*), count(expected_arr_at_risk_90d), count(distinct current_category)"
            " from floor.mart_revenue_at_risk"
        ).fetchall()[0]
    assert segments > 100
    assert responses > 1000
    assert churn[0] > 100 and churn[1] > 10  # the churn comparison compares real counts
    assert at_risk[0] > 50 and at_risk[1] > 40 and at_risk[2] == 4


@pytest.mark.build
def test_floor_quarantine_equals_the_dbt_build(sample_build, floor_path):
    order = f"order by {QUARANTINE_COLUMNS}"
    expected = sample_build.query(f"select {QUARANTINE_COLUMNS} from audit.quarantine_rows {order}")
    with duckdb.connect(str(floor_path), read_only=True) as connection:
        got = connection.sql(f"select {QUARANTINE_COLUMNS} from floor.quarantine_rows {order}").df()
    assert len(expected) > 100  # the sample has 2% bad rows, so the comparison means something
    assert got.to_dict("records") == expected.to_dict("records")


@pytest.mark.build
@pytest.mark.parametrize(
    ("table", "column"),
    [
        ("mart_nps_monthly", "nps"),
        ("mart_churn_by_score", "churn_rate_365d"),
        ("mart_revenue_at_risk", "expected_arr_at_risk_90d"),
    ],
)
def test_comparison_catches_a_changed_mart(sample_build, floor_path, tmp_path, table, column):
    changed = tmp_path / "changed.duckdb"
    shutil.copyfile(floor_path, changed)
    with duckdb.connect(str(changed)) as connection:
        connection.execute(
            f"update floor.{table} set {column} = {column} * (1 + 1e-6)"
            f" where rowid = (select min(rowid) from floor.{table} where {column} > 0)"
        )
    problems = bench.compare_marts(sample_build.duckdb_path, changed)
    assert len(problems) == 1
    assert problems[0].startswith(f"{table}.{column} differs")


def one_format_landing(raw_dir) -> None:
    """Rewrites a mixed landing folder so entity folders hold one format each, as the contract
    allows: Parquet only, gzip CSV only, CSV only (one with an upper-case extension), and an empty
    file dbt skips."""
    with duckdb.connect() as connection:

        def rewrite(entity: str, suffix: str, options: str) -> None:
            for path in sorted((raw_dir / entity).iterdir()):
                if path.name.endswith(suffix) or path.name.startswith("_"):
                    continue
                reader = (
                    f"read_parquet('{path}')"
                    if path.suffix == ".parquet"
                    else f"read_csv('{path}', {bench.CSV_OPTIONS})"
                )
                target = path.with_name(path.name.split(".")[0] + suffix)
                connection.execute(f"copy (select * from {reader}) to '{target}' ({options})")
                path.unlink()

        rewrite("crm_accounts", ".parquet", "format parquet")
        rewrite("survey_responses", ".csv.gz", "format csv, header, compression gzip")
        rewrite("support_tickets", ".csv", "format csv, header")
    tickets = sorted((raw_dir / "support_tickets").glob("*.csv"))
    tickets[0].rename(tickets[0].with_suffix(".CSV"))
    (raw_dir / "crm_contacts" / "crm_contacts_empty.csv").touch()


@pytest.mark.build
def test_floor_reads_folders_of_one_format(tmp_path, monkeypatch):
    """The floor reads whatever the contract allows (not only mixed folders) and still equals a
    dbt build of the same tables over the same files."""
    raw_dir = tmp_path / "raw"
    generate(raw_dir, seed=11, scale=0.15, fmt="mixed", bad_share=0.02)
    one_format_landing(raw_dir)
    kinds = {
        entity: {kind for kind, paths in bench.readable_files(raw_dir / entity).items() if paths}
        for entity in ("crm_accounts", "survey_responses", "support_tickets", "crm_contacts")
    }
    assert kinds == {
        "crm_accounts": {"parquet"},
        "survey_responses": {"csv_gz"},
        "support_tickets": {"csv"},
        "crm_contacts": {"csv", "parquet"},
    }
    monkeypatch.setenv("NPS_PII_SALT", TEST_SALT)  # no longer untouched sample data
    dbt_path, floor_path = tmp_path / "bench_dbt.duckdb", tmp_path / "bench_floor.duckdb"
    env = bench.step_env(raw_dir, dbt_path, tmp_path, "dbt")
    command = ["build", "--resource-type", "seed", "--resource-type", "model", "--select"]
    dbt.invoke(["--quiet", *command, *bench.MAIN_PATH], PROJECT_DIR, env=env)
    bench.run_floor(raw_dir, floor_path, PROJECT_DIR)
    assert bench.compare_marts(dbt_path, floor_path) == []
    with duckdb.connect(str(floor_path), read_only=True) as connection:
        responses = connection.sql("select count(*) from floor.fct_nps_responses").fetchall()[0][0]
    assert responses > 100


def test_floor_settings_come_from_the_profile(monkeypatch):
    monkeypatch.delenv("NPS_DUCKDB_THREADS", raising=False)
    monkeypatch.delenv("NPS_DUCKDB_MEMORY_LIMIT", raising=False)
    monkeypatch.setenv("NPS_DUCKDB_TEMP_DIR", "data/bench/tmp")
    config = bench.duckdb_config(PROJECT_DIR)
    assert config == {
        "threads": "2",
        "memory_limit": "4GB",
        "temp_directory": str(PROJECT_DIR / "data" / "bench" / "tmp"),
    }


def test_run_child_measures_the_peak_memory_of_the_process_tree(tmp_path):
    # A child that starts a grandchild holding about 300 MB: the tree's peak is seen.
    grandchild = "b = bytearray(300 * 1024 * 1024); import time; time.sleep(1.0)"
    child = f"import subprocess, sys; subprocess.run([sys.executable, '-c', {grandchild!r}])"
    step = bench.run_child([sys.executable, "-c", child], {}, tmp_path)
    assert step.peak_bytes > 250 * 1024 * 1024
    assert step.seconds >= 1.0
    with pytest.raises(bench.BenchError, match="boom"):
        bench.run_child([sys.executable, "-c", "raise SystemExit('boom')"], {}, tmp_path)


def test_phases_and_landing_checks_are_read_from_the_output():
    lines = [
        (0.5, "Full build: every landing file"),
        (1.0, "Landing checks (Great Expectations) ..."),
        (3.0, "  crm_accounts: 1,234 rows in 2 file(s) checked (1.5 s)"),
        (4.0, "12:00:00  Running with dbt=1.11.16"),
        (14.0, "Mart checks (Great Expectations) ..."),
        (15.0, "  marts.mart_x: expect_column_values_to_be_between failed on 1 rows"),
        (15.5, "  Mart checks: 22 marts tables validated; GX Data Docs: file:///x"),
        (16.5, "Published the marts for readers (read-only): x (publication 1)"),
    ]
    # the publication is done when "Published" is printed: it began after the mart checks
    assert bench.phase_seconds(lines, 17.0) == {
        "landing checks": 3.0,
        "dbt build": 10.0,
        "mart checks": 1.5,
        "publish + summary": 1.5,
    }
    assert bench.gx_seconds(lines) == {"crm_accounts": 1.5}


def fake_result(size: str, scale: float, full: float) -> bench.SizeResult:
    result = bench.SizeResult(size, scale, landing_rows=5000, responses=1200)
    seconds = {
        "nps-build full": full,
        "dbt build": full * 0.7,
        "dbt floor tables": full * 0.3,
        "floor": full * 0.2,
        "nps-build daily": full * 0.05,
    }
    for name, value in seconds.items():
        result.runs[name] = [
            bench.StepRun(value, 2 * 1024**3),
            bench.StepRun(value * 1.2, 3 * 1024**3),
        ]
    result.gx = {"crm_accounts": 1.5}
    result.phases = {"landing checks": 2.0, "dbt build": 8.0}
    result.top_models = [("stg_survey__responses", 3.25)]
    result.daily_top_models = [("fct_nps_responses", 1.5)]
    result.daily_day, result.daily_files = "2026-06-30", 7
    return result


def test_results_are_written_as_markdown_and_csv_without_absolute_paths(tmp_path):
    results = [fake_result("S", 1.0, 50.0), fake_result("L", 1000.0, 700.0)]
    info = {
        "command": "nps-bench --sizes S,L --runs 2",
        "finished_at": "2026-12-02T02:00:00Z",
        "runs": 2,
        "machine": bench.machine(),
        "duckdb_settings": "threads 2, memory_limit 4GB, temp_directory data/warehouse/tmp",
        "load_before": "1.00 / 1.00 / 1.00",
        "load_after": "1.00 / 1.00 / 1.00",
    }
    out = tmp_path / "bench" / "results"
    md_path, csv_path = bench.write_results(results, info, out, "2026-12-02T0200Z", "S-L")
    assert md_path.name == "2026-12-02T0200Z_S-L.md"
    with csv_path.open() as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 2 * 5 * 2  # sizes x steps x runs
    assert rows[0]["size"] == "S" and rows[0]["step"] == bench.STEPS[0]
    assert float(rows[1]["seconds"]) == pytest.approx(60.0)
    text = md_path.read_text()
    assert "| S | 1,200 | 55.0 (3.00) |" in text  # median of 50 and 60 s, largest peak
    assert "| 1.50 | 5.0 |" in text  # dbt floor tables / floor; daily as % of full
    targets = [label for label, _, _ in bench.TARGETS]
    assert f"- {targets[0]}: **missed**" in text  # L: 770 s, not under 10 min
    assert f"- {targets[-1]}: met" in text  # S: 55 s
    assert f"- {targets[2]}: not measured" in text  # M
    assert "crm_accounts 1.5 s" in text and "| stg_survey__responses | 3.25 |" in text
    assert (
        "Slowest models of the daily incremental" in text and "| fct_nps_responses | 1.50 |" in text
    )
    assert str(PROJECT_DIR) not in text and str(tmp_path) not in text
    assert str(tmp_path) not in csv_path.read_text()

    # A README whose table (written before it had a results column) holds S and M from an
    # earlier run: S is replaced, M stays with its own link, L is added after it.
    earlier = [fake_result("S", 1.0, 40.0), fake_result("M", 100.0, 300.0)]
    old_table = bench.markdown_table(bench.summary_rows(earlier))
    readme = tmp_path / "README.md"
    readme.write_text(
        f"# x\n\n{bench.README_START}\n{old_table}\n\nMedians ([details]"
        f"(bench/results/2026-11-30T0100Z_S-M.md)).\n{bench.README_END}\n\nafter\n"
    )
    assert bench.update_readme(readme, md_path, results, info)
    updated = readme.read_text()
    table = [line for line in updated.splitlines() if line.startswith("| ") and "---" not in line]
    assert [line.split(" | ")[0] for line in table] == ["| size", "| S", "| M", "| L"]
    assert table[1].startswith("| S | 1,200 | 55.0 (3.00) |")
    assert table[1].endswith("| [2026-12-02](bench/results/2026-12-02T0200Z_S-L.md) |")
    assert table[2].startswith("| M | 1,200 | 330.0 (3.00) |")
    assert table[2].endswith("| [2026-11-30](bench/results/2026-11-30T0100Z_S-M.md) |")
    assert table[3].startswith("| L | 1,200 | 770.0 (3.00) |")
    assert "after" in updated and "details" not in updated
    # A second update keeps the rows it wrote (now with their results column) as they were.
    assert bench.update_readme(readme, md_path, results[:1], info)
    assert readme.read_text() == updated
    # A size whose run stopped part-way (a step failed) leaves its row as it was.
    stopped = fake_result("L", 1000.0, 10.0)
    stopped.stopped = True
    assert not bench.update_readme(readme, md_path, [stopped], info)
    assert bench.update_readme(readme, md_path, [results[0], stopped], info)
    assert readme.read_text() == updated


def test_steps_are_chosen_by_short_name():
    def chosen(*argv):
        return bench.selected_steps(bench.parse_args(list(argv)))

    assert chosen() == bench.STEPS
    assert chosen("--no-daily") == bench.STEPS[:4]
    assert chosen("--steps", "daily,full") == (bench.STEPS[0], bench.STEPS[-1])
    for wrong in (["--steps", "full,nightly"], ["--steps", "daily", "--no-daily"]):
        with pytest.raises(bench.BenchError):
            chosen(*wrong)


def test_the_readme_has_the_table_markers():
    text = (PROJECT_DIR / "README.md").read_text()
    assert text.count(bench.README_START) == 1 and text.count(bench.README_END) == 1


def test_sizes():
    assert bench.size_scale("s") == 1.0 and bench.size_label("s") == "S"
    assert bench.size_scale("M") == 100.0 and bench.size_scale("L") == 1000.0
    assert bench.size_scale("0.2") == 0.2 and bench.size_label("0.2") == "scale0.2"
    with pytest.raises(bench.BenchError):
        bench.size_scale("XL")


def test_nps_bench_help_runs():
    done = subprocess.run(
        [sys.executable, "-m", "nps_warehouse.bench", "--help"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "--sizes" in done.stdout and "--runs" in done.stdout


def test_responses_are_counted_in_the_floor_or_a_dbt_warehouse(tmp_path):
    """--steps full alone leaves only the full step's warehouse (schema core), no floor file."""
    for schema, rows in (("core", 3), ("floor", 2)):
        path = tmp_path / f"with_{schema}.duckdb"
        with duckdb.connect(str(path)) as connection:
            connection.execute(f"create schema {schema}")
            connection.execute(
                f"create table {schema}.fct_nps_responses as select range from range({rows})"
            )
        assert bench.count_responses(path) == rows
