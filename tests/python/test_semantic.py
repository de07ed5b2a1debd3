"""The semantic layer (MetricFlow): `mf validate-configs` passes against the built warehouse, and
`mf query` gives exactly the figures of the marts — NPS recomputed from summed counts, never an
average — by month, by region and by every segment of mart_nps_monthly, the response rate, the
churn rates and the ARR at risk."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import PROJECT_DIR

# Every test here runs or reads a whole build (end to end); `make test-fast` leaves them out.
pytestmark = pytest.mark.build

MF = Path(sys.executable).parent / "mf"
SEGMENTS = ["survey_type", "respondent_role", "region", "plan", "industry"]


@pytest.fixture(scope="module")
def mf(sample_build, tmp_path_factory):
    """Runs `mf` against the sample build and returns what it printed (and the CSV, if asked).

    mf reads the semantic manifest from `<project>/target/semantic_manifest.json` whatever
    DBT_TARGET_PATH says, and the sample build wrote its target elsewhere; so mf runs from a
    folder holding the project's dbt_project.yml and a `target` link to the build's target.
    The profile is the project's (DBT_PROFILES_DIR), its DuckDB file the build's
    (NPS_DUCKDB_PATH in the build's environment).
    """
    project = tmp_path_factory.mktemp("mf_project")
    (project / "dbt_project.yml").symlink_to(PROJECT_DIR / "dbt_project.yml")
    (project / "target").symlink_to(Path(sample_build.env["DBT_TARGET_PATH"]))
    env = {**sample_build.env, "DBT_PROFILES_DIR": str(PROJECT_DIR / "profiles")}
    out_dir = tmp_path_factory.mktemp("mf_out")
    calls = iter(range(1000))

    def run(*args: str, csv_rows: bool = False):
        out = out_dir / f"query_{next(calls)}.csv"
        command = [str(MF), *args, *(["--csv", str(out), "--quiet"] if csv_rows else [])]
        completed = subprocess.run(
            command, check=False, cwd=project, env=env, capture_output=True, text=True, timeout=300
        )
        output = completed.stdout + completed.stderr
        assert completed.returncode == 0, f"{' '.join(args)} failed:\n{output[-4000:]}"
        if not csv_rows:
            return output
        with out.open(newline="") as handle:
            return list(csv.DictReader(handle))

    return run


def mart_totals(sample_build, group_by: str) -> dict[str, dict]:
    """mart_nps_monthly's additive counts summed by one column, NPS recomputed from the sums (in
    the warehouse, with the nps macro's arithmetic), keyed by the column as text."""
    frame = sample_build.query(
        f"""
        select cast({group_by} as varchar) as group_key,
               sum(responses) as responses, sum(promoters) as promoters,
               sum(passives) as passives, sum(detractors) as detractors,
               sum(invitations) as invitations, sum(responded_invitations) as responded,
               sum(comments) as comments,
               case when sum(responses) > 0
                    then 100.0 * (sum(promoters) - sum(detractors)) / sum(responses) end as nps
        from marts.mart_nps_monthly
        group by 1
        """
    )
    return {row.group_key: row._asdict() for row in frame.itertuples(index=False)}


def test_validate_configs_passes_against_the_warehouse(mf):
    output = mf("validate-configs", "--show-all")
    assert (
        "Successfully validated the semantics of built manifest (ERRORS: 0, FUTURE_ERRORS: 0, WARNINGS: 0)"
        in output
    )
    for part in ("semantic models", "dimensions", "entities", "measures", "metrics"):
        assert f"Successfully validated {part} against data warehouse (ERRORS: 0" in output, output


def test_nps_by_month_is_the_marts_nps(mf, sample_build):
    rows = mf(
        "query",
        "--metrics",
        "nps,responses,promoters,passives,detractors",
        "--group-by",
        "metric_time__month",
        csv_rows=True,
    )
    expected = {
        key: totals
        for key, totals in mart_totals(sample_build, "month").items()
        if totals["responses"] > 0
    }
    assert len(expected) >= 12, "the sample should span at least a year of responses"
    got = {row["metric_time__month"][:10]: row for row in rows}
    assert sorted(got) == sorted(expected)
    for month, totals in expected.items():
        row = got[month]
        for count in ("responses", "promoters", "passives", "detractors"):
            assert int(row[count]) == totals[count], (month, count)
        assert float(row["nps"]) == totals["nps"], month
        # the same number straight from the counts, as the docs tell readers to do it
        assert (
            float(row["nps"])
            == 100.0 * (totals["promoters"] - totals["detractors"]) / totals["responses"]
        )


def test_nps_by_region_is_the_marts_nps(mf, sample_build):
    rows = mf(
        "query", "--metrics", "nps,responses", "--group-by", "response__region", csv_rows=True
    )
    expected = {
        key: totals
        for key, totals in mart_totals(sample_build, "region").items()
        if totals["responses"] > 0
    }
    got = {row["response__region"]: row for row in rows}
    assert sorted(got) == sorted(expected) and len(got) >= 4
    for region, totals in expected.items():
        assert int(got[region]["responses"]) == totals["responses"], region
        assert float(got[region]["nps"]) == totals["nps"], region


def test_nps_by_every_segment_is_the_nps_macro_row_for_row(mf, sample_build):
    """At mart_nps_monthly's own grain the metric and the mart's nps column (the macro) agree
    on every row: one definition, two ways of asking."""
    group_by = ["metric_time__month", *(f"response__{segment}" for segment in SEGMENTS)]
    rows = mf(
        "query",
        "--metrics",
        "nps,responses,comment_rate",
        "--group-by",
        ",".join(group_by),
        csv_rows=True,
    )
    mart = sample_build.query(
        "select cast(month as varchar) as month, survey_type, respondent_role, region, plan,"
        " industry, responses, nps, comment_rate from marts.mart_nps_monthly where responses > 0"
    )
    expected = {
        (row.month, *(getattr(row, segment) for segment in SEGMENTS)): row
        for row in mart.itertuples(index=False)
    }
    got = {
        (row["metric_time__month"][:10], *(row[f"response__{s}"] for s in SEGMENTS)): row
        for row in rows
    }
    assert len(expected) > 100
    assert sorted(got) == sorted(expected)
    for key, row in expected.items():
        assert int(got[key]["responses"]) == row.responses, key
        assert float(got[key]["nps"]) == row.nps, key
        assert float(got[key]["comment_rate"]) == row.comment_rate, key


def test_response_rate_by_month_is_the_marts(mf, sample_build):
    rows = mf(
        "query",
        "--metrics",
        "response_rate,invitations,responded_invitations",
        "--group-by",
        "metric_time__month",
        csv_rows=True,
    )
    expected = {
        key: totals
        for key, totals in mart_totals(sample_build, "month").items()
        if totals["invitations"] > 0
    }
    got = {row["metric_time__month"][:10]: row for row in rows}
    assert sorted(got) == sorted(expected)
    for month, totals in expected.items():
        assert int(got[month]["invitations"]) == totals["invitations"], month
        assert int(got[month]["responded_invitations"]) == totals["responded"], month
        assert float(got[month]["response_rate"]) == totals["responded"] / totals["invitations"]


def test_churn_rates_by_category_are_mart_churn_by_score(mf, sample_build):
    horizons = (90, 180, 365)
    metrics = [
        f"{name}_{h}d"
        for h in horizons
        for name in ("churn_rate", "churned_within", "responses_eligible")
    ]
    rows = mf(
        "query",
        "--metrics",
        ",".join(metrics),
        "--group-by",
        "response__nps_category",
        csv_rows=True,
    )
    mart = sample_build.query(
        "select * from marts.mart_churn_by_score where group_type = 'category'"
    ).set_index("nps_category")
    got = {row["response__nps_category"]: row for row in rows}
    assert sorted(got) == sorted(mart.index)
    for category, row in got.items():
        for h in horizons:
            eligible = int(mart.loc[category, f"responses_eligible_{h}d"])
            churned = int(mart.loc[category, f"churned_within_{h}d"])
            assert int(row[f"responses_eligible_{h}d"]) == eligible, (category, h)
            assert int(row[f"churned_within_{h}d"]) == churned, (category, h)
            if eligible:
                assert float(row[f"churn_rate_{h}d"]) == pytest.approx(
                    mart.loc[category, f"churn_rate_{h}d"], rel=1e-12
                ), (category, h)
    # the planted signal comes through the semantic layer too
    assert float(got["detractor"]["churn_rate_90d"]) > float(got["promoter"]["churn_rate_90d"])


def test_arr_at_risk_by_region_is_the_rollup(mf, sample_build):
    rows = mf(
        "query",
        "--metrics",
        "arr_at_risk_90d,arr_at_risk_365d,arr_usd,active_accounts,accounts_without_arr",
        "--group-by",
        "account__region",
        csv_rows=True,
    )
    rollup = sample_build.query(
        "select * from marts.mart_revenue_at_risk_rollup where rollup_dimension = 'region'"
    ).set_index("rollup_value")
    got = {row["account__region"]: row for row in rows}
    assert sorted(got) == sorted(rollup.index)
    for region, row in got.items():
        assert int(row["active_accounts"]) == rollup.loc[region, "active_accounts"], region
        assert int(row["accounts_without_arr"]) == rollup.loc[region, "accounts_without_arr"]
        # sums of doubles: DuckDB adds in parallel, so the last bits may differ between queries
        for metric, column in (
            ("arr_at_risk_90d", "expected_arr_at_risk_90d"),
            ("arr_at_risk_365d", "expected_arr_at_risk_365d"),
            ("arr_usd", "arr_usd"),
        ):
            assert float(row[metric]) == pytest.approx(rollup.loc[region, column], rel=1e-12)
    assert sum(float(row["arr_at_risk_90d"]) for row in rows) > 0
