"""The account-clustered margin of error against a cluster bootstrap computed independently.

The marts compute the clustered variance by linearisation (macros/nps.sql). Here a bootstrap
that resamples whole accounts, on the staged responses (not the marts), estimates the standard
error of NPS; the two must agree within 10% on the overall figure and a few segments.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

# End to end: builds a warehouse (`make test-fast` leaves it out).
pytestmark = pytest.mark.build

BOOTSTRAP_SAMPLES = 4000
TOLERANCE = 0.10

STAGED_RESPONSES = """
    select
        contacts.account_id,
        coalesce(contacts.role, 'unknown') as respondent_role,
        invitations.survey_type,
        cast(date_trunc('quarter', responses.responded_at) as date) as quarter_start,
        responses.score
    from staging.stg_survey__responses as responses
    inner join staging.stg_survey__invitations as invitations
        on responses.invitation_id = invitations.invitation_id
    inner join staging.stg_crm__contacts as contacts
        on responses.contact_id = contacts.contact_id
"""


@pytest.fixture(scope="module")
def staged(sample_build) -> pd.DataFrame:
    frame = sample_build.query(STAGED_RESPONSES)
    frame["y"] = np.where(frame["score"] >= 9, 1, np.where(frame["score"] <= 6, -1, 0))
    return frame


def bootstrap_se(rows: pd.DataFrame, seed: int = 0) -> tuple[float, int]:
    """Standard error of NPS in points by resampling accounts with replacement; and k."""
    by_account = rows.groupby("account_id")["y"].agg(["sum", "count"])
    y, n = by_account["sum"].to_numpy(float), by_account["count"].to_numpy(float)
    k = len(y)
    draws = np.random.default_rng(seed).integers(k, size=(BOOTSTRAP_SAMPLES, k))
    nps = 100.0 * y[draws].sum(axis=1) / n[draws].sum(axis=1)
    return float(nps.std(ddof=1)), k


def mart_se(moe_clustered: float, accounts: int) -> float:
    """The mart's clustered standard error: its margin over Student's t with k - 1 df."""
    return moe_clustered / stats.t.ppf(0.975, accounts - 1)


def test_overall_clustered_se_agrees_with_a_cluster_bootstrap(sample_build, staged):
    summary = sample_build.query("select * from marts.mart_nps_summary").iloc[0]
    assert summary["responses"] == len(staged)
    want, k = bootstrap_se(staged)
    got = mart_se(summary["nps_moe_95_clustered"], k)
    assert got == pytest.approx(want, rel=TOLERANCE)
    # The simple margin understates it: the sample's accounts answer alike.
    simple_se = summary["nps_moe_95"] / 1.96
    assert want > 1.5 * simple_se
    assert summary["design_effect"] == pytest.approx((got / simple_se) ** 2, rel=1e-3)
    assert summary["effective_responses"] == pytest.approx(
        summary["responses"] / summary["design_effect"]
    )


@pytest.mark.parametrize(
    ("segment_type", "segment_value"),
    [("overall", "all"), ("respondent_role", "end_user"), ("survey_type", "relationship")],
)
def test_segment_clustered_se_agrees_with_a_cluster_bootstrap(
    sample_build, staged, segment_type, segment_value
):
    change = sample_build.query(
        "select period_start, responses, nps_moe_95_clustered from marts.mart_nps_change"
        f" where period_type = 'quarter' and segment_type = '{segment_type}'"
        f" and segment_value = '{segment_value}' order by responses desc limit 2"
    )
    assert len(change) == 2
    for row in change.itertuples():
        rows = staged[pd.to_datetime(staged["quarter_start"]) == pd.Timestamp(row.period_start)]
        if segment_type != "overall":
            rows = rows[rows[segment_type] == segment_value]
        assert len(rows) == row.responses
        want, k = bootstrap_se(rows)
        assert k >= 30  # enough accounts for the bootstrap itself to be a fair yardstick
        assert mart_se(row.nps_moe_95_clustered, k) == pytest.approx(want, rel=TOLERANCE)
