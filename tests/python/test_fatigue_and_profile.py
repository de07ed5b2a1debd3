"""mart_survey_fatigue and mart_promoter_profile on the generated sample, against an independent
pandas computation from the landing files (the oracle's staging rules, then this file's own
look-back, bands, latest-answer and Wilson-interval arithmetic)."""

from __future__ import annotations

import math
from pathlib import Path

import oracle
import pandas as pd
import pytest
import yaml

# End to end: builds a warehouse (`make test-fast` leaves it out).
pytestmark = pytest.mark.build

PROJECT_DIR = Path(__file__).resolve().parents[2]
VARS = yaml.safe_load((PROJECT_DIR / "dbt_project.yml").read_text())["vars"]
Z = 1.96


def band(value, bounds: list[int]) -> tuple[str, int] | None:
    """(label, order) of a whole number: bounds [30, 60] give 0-29, 30-59, 60+."""
    if value is None or pd.isna(value):
        return None
    edges = [0, *bounds]
    for order, upper in enumerate(bounds, start=1):
        if value < upper:
            lower = edges[order - 1]
            return (str(lower) if upper - lower == 1 else f"{lower}-{upper - 1}", order)
    return (f"{bounds[-1]}+", len(bounds) + 1)


def wilson(successes: int, trials: int) -> tuple[float, float]:
    p = successes / trials
    centre = p + Z * Z / (2 * trials)
    half = Z * math.sqrt(p * (1 - p) / trials + Z * Z / (4 * trials * trials))
    return (centre - half) / (1 + Z * Z / trials), (centre + half) / (1 + Z * Z / trials)


@pytest.fixture(scope="module")
def reference(sample_build):
    """Staged landing rows and as_of by the oracle's rules (no dbt code involved)."""
    raw_dir = sample_build.raw_dir
    resolved: dict[str, pd.DataFrame] = {}
    for entity in oracle.ENTITIES:
        resolved[entity] = oracle.resolve_entity(
            entity, oracle.read_entity(raw_dir, entity), resolved
        )
    staged = {entity: oracle.staged_frame(entity, rows) for entity, rows in resolved.items()}
    as_of = oracle.resolve_as_of(None, staged)
    versions = oracle.account_versions(resolved["crm_accounts"])
    return staged, as_of, versions


def expected_fatigue(staged, as_of) -> pd.DataFrame:
    invitations = staged["survey_invitations"]
    invitations = invitations[invitations["sent_at"] <= as_of].copy()
    responses = staged["survey_responses"]
    responses = responses[responses["responded_at"] <= as_of]
    commented = set(responses.loc[responses["comment"].notna(), "invitation_id"])
    invitations["responded"] = invitations["invitation_id"].isin(set(responses["invitation_id"]))
    invitations["commented"] = invitations["responded"] & invitations["invitation_id"].isin(
        commented
    )

    lookback = pd.Timedelta(days=VARS["fatigue_lookback_days"])
    by_contact = {c: g["sent_at"].tolist() for c, g in invitations.groupby("contact_id")}
    start = invitations["sent_at"].min()
    last_sent = as_of - pd.Timedelta(days=VARS["fatigue_response_window_days"])
    rows = []
    for invitation in invitations.itertuples():
        if not (start + lookback <= invitation.sent_at <= last_sent):
            continue
        earlier = [t for t in by_contact[invitation.contact_id] if t < invitation.sent_at]
        previous = sum(t >= invitation.sent_at - lookback for t in earlier)
        days = (invitation.sent_at.date() - max(earlier).date()).days if earlier else None
        days_band = band(days, VARS["fatigue_days_since_previous_bands"]) or ("none", 0)
        bands = {
            "previous_invitations": band(previous, VARS["fatigue_previous_invitation_bands"]),
            "days_since_previous_invitation": days_band,
        }
        for survey_type in (invitation.survey_type, "all"):
            for dimension, (label, order) in bands.items():
                rows.append(
                    (
                        survey_type,
                        dimension,
                        label,
                        order,
                        invitation.responded,
                        invitation.commented,
                    )
                )
    frame = pd.DataFrame(
        rows, columns=["survey_type", "fatigue_dimension", "band", "band_order", "r", "c"]
    )
    return (
        frame.groupby(["survey_type", "fatigue_dimension", "band", "band_order"])
        .agg(
            invitations=("r", "size"),
            responded_invitations=("r", "sum"),
            commented_invitations=("c", "sum"),
        )
        .reset_index()
    )


def test_survey_fatigue_matches_an_independent_computation(sample_build, reference):
    staged, as_of, _ = reference
    wanted = expected_fatigue(staged, as_of)
    keys = ["survey_type", "fatigue_dimension", "band"]
    mart = sample_build.query("select * from marts.mart_survey_fatigue")
    merged = mart.merge(wanted, on=keys, how="outer", suffixes=("", "_wanted"), indicator=True)
    assert (merged["_merge"] == "both").all(), merged[merged["_merge"] != "both"][keys]
    for column in ["band_order", "invitations", "responded_invitations", "commented_invitations"]:
        assert (merged[column] == merged[f"{column}_wanted"]).all(), merged[keys + [column]]
    # enough of the sample is in scope for the bands to mean something
    assert mart.loc[mart["survey_type"] == "all", "invitations"].sum() > 2 * 1000
    for row in merged.itertuples():
        low, high = wilson(row.responded_invitations, row.invitations)
        assert math.isclose(row.response_rate_low_95, low, abs_tol=1e-12), row
        assert math.isclose(row.response_rate_high_95, high, abs_tol=1e-12), row
        assert row.response_rate_low_95 <= row.response_rate <= row.response_rate_high_95


def test_promoter_profile_matches_an_independent_computation(sample_build, reference):
    staged, as_of, versions = reference
    facts = oracle.response_facts(staged, versions, as_of)
    window = pd.Timedelta(days=VARS["promoter_profile_window_days"])
    facts = facts[facts["responded_at"] > as_of - window]
    facts = facts.sort_values(["responded_at", "response_id"])
    latest = pd.concat(
        [
            facts.groupby(["contact_id", "survey_type"]).tail(1),
            facts.groupby("contact_id").tail(1).assign(survey_type="all"),
        ]
    )
    latest = latest.assign(promoter=latest["nps_category"].eq("promoter").astype(int))
    base = latest.groupby("survey_type")["promoter"].agg(["size", "sum"])
    mart = sample_build.query(
        "select * from marts.mart_promoter_profile"
        " where attribute_name in ('region', 'plan', 'industry', 'respondent_role')"
    )
    compared = 0
    for attribute in ["region", "plan", "industry", "respondent_role"]:
        wanted = latest.groupby(["survey_type", attribute])["promoter"].agg(["size", "sum"])
        got = mart[mart["attribute_name"] == attribute].set_index(
            ["survey_type", "attribute_value"]
        )
        assert sorted(got.index) == sorted(wanted.index), attribute
        for (survey_type, value), row in wanted.iterrows():
            mart_row = got.loc[(survey_type, value)]
            assert mart_row["respondents"] == row["size"], (attribute, survey_type, value)
            assert mart_row["promoters"] == row["sum"], (attribute, survey_type, value)
            base_share = base.loc[survey_type, "sum"] / base.loc[survey_type, "size"]
            assert math.isclose(mart_row["base_promoter_share"], base_share, abs_tol=1e-12)
            assert math.isclose(
                mart_row["promoter_lift"], row["sum"] / row["size"] / base_share, abs_tol=1e-12
            )
            low, high = wilson(row["sum"], row["size"])
            assert mart_row["is_above_base"] == (low > base_share)
            assert mart_row["is_below_base"] == (high < base_share)
            compared += 1
    assert compared > 20
