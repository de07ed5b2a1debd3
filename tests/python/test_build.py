"""End to end: dbt build on generated landing data, checked against the independent oracle."""

from __future__ import annotations

import math

import oracle
import pandas as pd
import pytest
from conftest import run_build

from nps_warehouse import quality

# Every test here runs or reads a whole build (end to end); `make test-fast` leaves them out.
pytestmark = pytest.mark.build

DIMENSIONS = ["month", "survey_type", "respondent_role", "region", "plan", "industry"]
MEASURES = [
    "responses",
    "promoters",
    "passives",
    "detractors",
    "invitations",
    "responded_invitations",
    "nps",
    "nps_moe_95",
    "nps_moe_95_clustered",
    "design_effect",
    "effective_responses",
    "response_rate",
]
# The mart's Student t (t_quantile_975: a table, then an expansion around 1.96) is within 1e-4 of
# the oracle's exact scipy quantile; every other measure agrees to rounding.
RELATIVE_TOLERANCE = {"nps_moe_95_clustered": 1e-4}


@pytest.fixture(scope="module")
def expected(sample_landing):
    return oracle.compute(sample_landing)


def keys(frame: pd.DataFrame) -> set[tuple[str, str, str]]:
    columns = frame[["entity", "raw_id", "reason"]].astype(object).where(frame.notna(), "")
    return set(map(tuple, columns.astype(str).to_numpy()))


def assert_marts_equal(actual: pd.DataFrame, wanted: pd.DataFrame) -> None:
    actual = actual.assign(month=pd.to_datetime(actual["month"]).dt.date)
    wanted = wanted.assign(month=pd.to_datetime(wanted["month"]).dt.date)
    joined = actual.merge(
        wanted, on=DIMENSIONS, how="outer", suffixes=("", "_expected"), indicator=True
    )
    unmatched = joined[joined["_merge"] != "both"]
    assert unmatched.empty, (
        f"segments on one side only:\n{unmatched[DIMENSIONS + ['_merge']].head(20)}"
    )
    for column in MEASURES:
        got = joined[column].astype(float).to_numpy()
        want = joined[f"{column}_expected"].astype(float).to_numpy()
        for index, (a, b) in enumerate(zip(got, want)):
            same = (math.isnan(a) and math.isnan(b)) or math.isclose(
                a, b, rel_tol=RELATIVE_TOLERANCE.get(column, 1e-9), abs_tol=1e-9
            )
            assert same, (
                f"{column} differs on {joined.loc[index, DIMENSIONS].to_dict()}: {a} != {b}"
            )


def test_build_prints_a_summary(sample_build):
    assert "NPS warehouse summary" in sample_build.output
    assert "quarantined rows" in sample_build.output
    assert "Traceback" not in sample_build.output


def test_summary_matches_independent_computation(sample_build, expected):
    summary = sample_build.query("select * from marts.mart_nps_summary").iloc[0].to_dict()
    assert pd.Timestamp(summary["as_of_at"]) == expected.as_of
    for name, value in expected.summary.items():
        tolerance = RELATIVE_TOLERANCE.get(name, 1e-12)
        assert summary[name] == pytest.approx(value, rel=tolerance), name
    printed = f"{summary['nps']:+.1f} ± {summary['nps_moe_95']:.1f}"
    assert printed in sample_build.output


def test_mart_nps_monthly_matches_independent_computation(sample_build, expected):
    assert_marts_equal(
        sample_build.query("select * from marts.mart_nps_monthly"), expected.nps_monthly
    )


def test_every_bad_row_is_quarantined_or_its_bad_value_listed(
    sample_build, sample_landing, expected
):
    """Each planted bad row is in quarantine under its reason, or (a bad non-key attribute) staged
    with the value listed in audit.value_problems under the same reason."""
    quarantine = sample_build.query("select entity, raw_id, reason from audit.quarantine_rows")
    problems = sample_build.query(
        "select entity, raw_id, column_name, reason from audit.value_problems"
    )
    planted = pd.read_csv(
        sample_landing / "_expected_quarantine.csv", dtype=str, keep_default_na=False
    )
    assert len(planted) > 0
    found = keys(quarantine) | keys(problems)
    assert keys(planted) <= found, keys(planted) - found
    assert keys(problems) & keys(planted), "the sample plants value problems too"
    assert keys(quarantine) == keys(expected.quarantine)
    assert len(quarantine) == len(expected.quarantine)
    for entity, column in problems[["entity", "column_name"]].drop_duplicates().to_numpy():
        assert column in quality.VALUE_COLUMNS[entity], (entity, column)
    columns = ["entity", "raw_id", "column_name", "reason"]
    got = sorted(map(tuple, problems[columns].astype(str).to_numpy()))
    want = sorted(map(tuple, expected.value_problems[columns].astype(str).to_numpy()))
    assert got == want


def test_landing_rows_are_conserved(sample_build, expected):
    counts = sample_build.query("select * from audit.landing_row_counts").set_index("entity")
    assert (
        counts["raw_rows"]
        == counts["staged_rows"] + counts["superseded_rows"] + counts["quarantined_rows"]
    ).all()
    assert (counts["superseded_rows"] > 0).all(), "the sample has re-exports in every entity"
    wanted = expected.counts.set_index("entity")
    pd.testing.assert_frame_equal(
        counts.sort_index().astype("int64"), wanted.loc[counts.index].sort_index().astype("int64")
    )


def test_no_personal_data_past_staging(sample_build, sample_landing):
    emails = pd.read_csv(sample_landing / "crm_contacts" / "crm_contacts_20260630.csv", dtype=str)[
        "email"
    ]
    some_email = emails.dropna().iloc[0]
    for table in ["core.dim_contacts", "core.fct_nps_responses", "marts.mart_nps_monthly"]:
        text = sample_build.query(f"select * from {table}").astype(str).to_csv()
        assert "@" not in text and some_email not in text, table


def test_as_of_scopes_events(sample_landing, tmp_path):
    """A build with an earlier as_of holds only what had happened by then, as the oracle computes
    it. (That a build is reproducible, the same tables from the same folder and as_of, is
    test_rerun.py's re-export test: a second build of the folder, one file of repeated rows
    added, changes nothing but the superseded counts.)"""
    earlier = run_build(sample_landing, tmp_path / "earlier", "--as-of", "2026-01-31")
    assert earlier.returncode == 0, earlier.output[-5000:]
    wanted = oracle.compute(sample_landing, as_of="2026-01-31")
    assert_marts_equal(earlier.query("select * from marts.mart_nps_monthly"), wanted.nps_monthly)
    latest = earlier.query("select max(responded_at) as latest from core.fct_nps_responses").iloc[
        0, 0
    ]
    assert latest <= pd.Timestamp("2026-01-31 23:59:59.999999")
