"""Customer-success marts on the generated sample: the planted signals come through, and the
window, follow-up and theme figures agree with an independent pandas computation."""

from __future__ import annotations

import pandas as pd
import pytest

# Every test here runs or reads a whole build (end to end); `make test-fast` leaves them out.
pytestmark = pytest.mark.build

BUCKETS = ["under_8h", "8h_to_24h", "24h_to_72h", "72h_or_more"]


def by_value(sample_build, survey_type: str, breakdown: str) -> pd.DataFrame:
    return sample_build.query(
        "select breakdown_value, responses, nps, nps_moe_95, internal_sla_attainment"
        " from marts.mart_nps_by_resolution_bucket"
        f" where survey_type = '{survey_type}' and breakdown = '{breakdown}'"
    ).set_index("breakdown_value")


@pytest.mark.parametrize("survey_type", ["relationship", "transactional"])
def test_nps_falls_across_resolution_buckets(sample_build, survey_type):
    rows = by_value(sample_build, survey_type, "resolution_bucket").loc[BUCKETS]
    assert (rows["responses"] >= 30).all(), rows
    assert rows["nps"].is_monotonic_decreasing and rows["nps"].is_unique, rows
    fastest, slowest = rows.iloc[0], rows.iloc[-1]
    assert fastest["nps"] - fastest["nps_moe_95"] > slowest["nps"] + slowest["nps_moe_95"], rows


@pytest.mark.parametrize("survey_type", ["relationship", "transactional"])
def test_sla_breached_accounts_score_lower(sample_build, survey_type):
    rows = by_value(sample_build, survey_type, "sla_status")
    met, breached = rows.loc["met"], rows.loc["breached"]
    assert breached["nps"] + breached["nps_moe_95"] < met["nps"] - met["nps_moe_95"], rows
    # The help desk's own view of the same accounts and months agrees in direction.
    assert breached["internal_sla_attainment"] < met["internal_sla_attainment"], rows


def test_decision_makers_score_lower(sample_build):
    rows = by_value(sample_build, "relationship", "respondent_role")
    assert rows.loc["decision_maker", "nps"] < rows.loc["end_user", "nps"], rows


def test_ticket_windows_match_pandas(sample_build):
    """account_tickets, breached tickets and median resolution over [t - 90 days, t), from the facts."""
    responses = sample_build.query(
        "select response_id, contact_id, account_id, responded_at from core.fct_nps_responses"
    )
    tickets = sample_build.query(
        "select ticket_id, account_id, requester_contact_id, created_at, is_sla_breached,"
        " resolution_calendar_minutes from core.fct_support_tickets"
    )
    pairs = responses.merge(tickets, on="account_id")
    in_window = pairs[
        (pairs["created_at"] >= pairs["responded_at"] - pd.Timedelta(days=90))
        & (pairs["created_at"] < pairs["responded_at"])
    ]
    grouped = in_window.groupby("response_id")
    expected = pd.DataFrame(
        {
            "account_tickets": grouped.size(),
            "account_sla_breached_tickets": grouped["is_sla_breached"].sum(),
            "contact_tickets": grouped.apply(
                lambda g: (g["requester_contact_id"] == g["contact_id"]).sum(),
                include_groups=False,
            ),
            "median_hours": grouped["resolution_calendar_minutes"].median() / 60.0,
        }
    ).reindex(responses["response_id"])
    expected[["account_tickets", "account_sla_breached_tickets", "contact_tickets"]] = expected[
        ["account_tickets", "account_sla_breached_tickets", "contact_tickets"]
    ].fillna(0)
    actual = sample_build.query(
        "select response_id, account_tickets, account_sla_breached_tickets, contact_tickets,"
        " account_median_resolution_hours as median_hours from marts.mart_sentiment_vs_resolution"
    ).set_index("response_id")
    assert len(actual) == len(responses)
    actual = actual.loc[expected.index]
    assert expected["account_tickets"].sum() > len(responses)  # windows are not empty
    for column in ["account_tickets", "account_sla_breached_tickets", "contact_tickets"]:
        assert (actual[column].astype(int) == expected[column].astype(int)).all(), column
    pd.testing.assert_series_equal(
        actual["median_hours"].astype(float), expected["median_hours"].astype(float), rtol=1e-9
    )


def test_close_the_loop_statuses_match_pandas(sample_build):
    """Every detractor and passive once, with its status from the first follow-up by as_of."""
    as_of = sample_build.query("select as_of_at from intermediate.int_build_as_of").iloc[0, 0]
    responses = sample_build.query(
        "select response_id, nps_category, responded_at from core.fct_nps_responses"
        " where nps_category in ('detractor', 'passive')"
    )
    followups = sample_build.query(
        "select response_id, followed_up_at from staging.stg_loop__followups"
    )
    first = (
        followups[followups["followed_up_at"] <= as_of]
        .groupby("response_id")["followed_up_at"]
        .min()
    )
    alerts = responses.assign(first=responses["response_id"].map(first))
    due = alerts["responded_at"] + pd.to_timedelta(
        alerts["nps_category"].map({"detractor": 48, "passive": 120}), unit="h"
    )
    alerts["status"] = "open_within_target"
    alerts.loc[alerts["first"].isna() & (due < as_of), "status"] = "open_overdue"
    alerts.loc[alerts["first"].notna(), "status"] = "closed_late"
    alerts.loc[alerts["first"].notna() & (alerts["first"] <= due), "status"] = (
        "closed_within_target"
    )
    actual = sample_build.query(
        "select response_id, followup_status from marts.mart_close_the_loop"
    ).set_index("response_id")["followup_status"]
    expected = alerts.set_index("response_id")["status"]
    assert sorted(actual.index) == sorted(expected.index)
    assert (actual.loc[expected.index] == expected).all()
    assert {"closed_within_target", "closed_late", "open_overdue"} <= set(actual)


def test_daily_backlog_ends_at_the_open_alerts(sample_build):
    """The last day's backlog, summed over owners, is the alerts still open at as_of."""
    backlog = sample_build.query(
        "select sum(backlog) as backlog from marts.mart_close_the_loop_daily"
        " where activity_date = (select max(activity_date) from marts.mart_close_the_loop_daily)"
    ).iloc[0, 0]
    still_open = sample_build.query(
        "select count(*) from marts.mart_close_the_loop where is_open"
    ).iloc[0, 0]
    assert backlog == still_open > 0


def test_theme_patterns_compiled_into_the_query_match_each_seed_row(sample_build):
    """int_response_themes writes each theme's seed patterns into the query as one literal (fast at
    scale); it must find exactly what matching every seed row against every comment finds."""
    compiled = (
        sample_build.duckdb_path.parent
        / "target/compiled/nps_warehouse/models/intermediate/int_response_themes.sql"
    ).read_text()
    assert "case themes.theme" in compiled  # the literal patterns, not the row-by-row join
    row_by_row = sample_build.query(
        "select distinct responses.response_id, keywords.theme"
        " from core.fct_nps_responses as responses"
        " inner join reference.theme_keywords as keywords on regexp_matches("
        "   ' ' || regexp_replace(lower(responses.comment), '[[:punct:][:space:]]+', ' ', 'g') || ' ',"
        "   keywords.keyword_pattern)"
        " order by 1, 2"
    )
    compiled_matches = sample_build.query(
        "select response_id, theme from intermediate.int_response_themes"
        " where is_keyword_match order by 1, 2"
    )
    assert len(row_by_row) > 1000
    assert compiled_matches.to_dict("records") == row_by_row.to_dict("records")


def test_themes_are_found_in_every_language_and_go_with_scores(sample_build):
    themes = sample_build.query(
        "select theme, sum(mentions) as mentions, sum(tagged_mentions) as tagged,"
        " sum(keyword_mentions) as keywords from marts.mart_theme_trends group by theme"
    ).set_index("theme")
    assert (themes["mentions"] > 0).all(), themes
    # Keywords find at least what the tags say, across the sample's languages.
    assert (themes["keywords"] >= 0.95 * themes["tagged"]).all(), themes
    languages = sample_build.query(
        "select count(distinct responses.response_id) as matched"
        " from core.fct_nps_responses as responses"
        " inner join intermediate.int_response_themes as themes"
        "   on responses.response_id = themes.response_id and themes.is_keyword_match"
        " where responses.comment similar to '.*[ぁ-んァ-ン一-龯].*'"
    ).iloc[0, 0]
    assert languages > 0  # Japanese comments are matched too
    gap = sample_build.query(
        "select theme, 100.0 * (sum(relationship_mentioning_promoters)"
        " - sum(relationship_mentioning_detractors)) / sum(relationship_mentions) as mentioning_nps"
        " from marts.mart_theme_trends group by theme"
    ).set_index("theme")["mentioning_nps"]
    assert gap["downtime"] < gap["ease_of_use"], gap
