"""Finance marts on generated data with planted churn (detractors churn more, 0-3 sooner than 6):
the churn curve shows it, expected ARR at risk adds up, and the calibrated forecast's backtest
error beats the vendor's flat rule."""

from __future__ import annotations

import pytest

# Every test here runs or reads a whole build (end to end); `make test-fast` leaves them out.
pytestmark = pytest.mark.build


@pytest.fixture(scope="module")
def categories(sample_build):
    frame = sample_build.query(
        "select * from marts.mart_churn_by_score where group_type = 'category'"
    )
    return frame.set_index("nps_category")


def test_detractors_churn_more_than_promoters(categories):
    for horizon in (90, 180, 365):
        rate = categories[f"churn_rate_{horizon}d"]
        assert categories.loc["detractor", f"responses_eligible_{horizon}d"] > 0
        assert rate["detractor"] > rate["passive"] > rate["promoter"], horizon


def test_low_scores_churn_sooner_than_six(sample_build):
    frame = sample_build.query(
        """
        select
            case when score <= 3 then 'low' else 'six' end as band,
            median(days_to_churn) as median_days,
            count(*) as churned
        from intermediate.int_response_churn_outcomes
        inner join intermediate.int_forecast_as_of_dates as dates using (as_of_at)
        where dates.is_build_as_of and days_to_churn is not null and (score <= 3 or score = 6)
        group by 1
        """
    ).set_index("band")
    assert frame.loc["low", "churned"] >= 10 and frame.loc["six", "churned"] >= 10
    assert frame.loc["low", "median_days"] < frame.loc["six", "median_days"]
    rates = sample_build.query(
        """
        select
            sum(case when score <= 3 then churned_within_90d end)
                / sum(case when score <= 3 then responses_eligible_90d end) as low,
            sum(case when score = 6 then churned_within_90d end)
                / sum(case when score = 6 then responses_eligible_90d end) as six
        from marts.mart_churn_by_score
        where group_type = 'score'
        """
    ).iloc[0]
    assert rates["low"] > rates["six"]


def test_censoring_leaves_recent_responses_out(sample_build):
    """A response counts for horizon h only when it is h days before the date: nothing newer."""
    late = sample_build.query(
        """
        select count(*) as late
        from intermediate.int_response_churn_outcomes
        where (is_eligible_90d and responded_at + interval 90 day > as_of_at)
            or (is_eligible_365d and responded_at + interval 365 day > as_of_at)
            or (is_churned_within_90d and not is_eligible_90d)
        """
    )
    assert late["late"].iloc[0] == 0
    row = sample_build.query(
        "select * from marts.mart_churn_by_score where score_group = 'detractor'"
    ).iloc[0]
    assert row["responses_eligible_365d"] < row["responses_eligible_90d"] < row["responses"]


def test_expected_arr_at_risk_is_arr_times_probability(sample_build):
    accounts = sample_build.query("select * from marts.mart_revenue_at_risk")
    probabilities = sample_build.query("select * from marts.mart_churn_probabilities").set_index(
        "nps_category"
    )
    assert len(accounts) > 50
    assert set(accounts["current_category"]) >= {"detractor", "passive", "promoter"}
    for horizon in (90, 365):
        probability = accounts["current_category"].map(
            probabilities[f"churn_probability_{horizon}d"]
        )
        assert probability.notna().all()
        expected = (accounts["arr_usd"] * probability).sum()
        assert accounts[f"expected_arr_at_risk_{horizon}d"].sum() == pytest.approx(expected)
    overall = sample_build.query(
        "select * from marts.mart_revenue_at_risk_rollup where rollup_dimension = 'overall'"
    ).iloc[0]
    assert overall["expected_arr_at_risk_90d"] == pytest.approx(
        accounts["expected_arr_at_risk_90d"].sum()
    )
    assert overall["arr_usd"] == pytest.approx(accounts["arr_usd"].sum())


def test_calibrated_backtest_error_beats_the_flat_rule(sample_build):
    backtest = sample_build.query("select * from marts.mart_revenue_at_risk_backtest")
    assert len(backtest) >= 4
    assert (backtest["calibration_responses"] > 0).any()
    assert backtest["actual_churned_arr"].sum() > 0
    calibrated = backtest["calibrated_error_arr"].abs().sum()
    flat_rule = backtest["flat_rule_error_arr"].abs().sum()
    assert calibrated < flat_rule


def test_backtest_dates_leave_a_full_horizon(sample_build):
    rows = sample_build.query(
        """
        select
            backtest.as_of_at,
            backtest.as_of_at + to_days(backtest.horizon_days) as horizon_end_at,
            build.as_of_at as build_as_of_at
        from marts.mart_revenue_at_risk_backtest as backtest
        cross join intermediate.int_build_as_of as build
        """
    )
    assert len(rows) > 0
    assert (rows["horizon_end_at"] <= rows["build_as_of_at"]).all()
    assert (rows["as_of_at"] < rows["build_as_of_at"]).all()


def test_nps_change_never_shows_a_swing_for_small_segments(sample_build):
    change = sample_build.query("select * from marts.mart_nps_change")
    small = change[change["too_small"]]
    assert len(small) > 0
    assert small["nps_change"].isna().all() and not small["significant_95"].any()
    shown = change[~change["too_small"]]
    assert len(shown) > 0
    assert (shown[["responses", "previous_responses"]] >= 30).all().all()
    assert ((shown["z"].abs() >= 1.96) == shown["significant_95"]).all()


def test_account_health_rolls_up_with_kish_n(sample_build):
    health = sample_build.query(
        "select * from marts.mart_account_health where account_nps is not null and arr_usd > 0"
    )
    summary = sample_build.query("select * from marts.mart_account_health_summary").iloc[0]
    weights = health["arr_usd"]
    assert summary["kish_effective_n"] == pytest.approx(weights.sum() ** 2 / (weights**2).sum())
    assert 1 <= summary["kish_effective_n"] <= len(health)
    assert summary["arr_weighted_nps"] == pytest.approx(
        (weights * health["account_nps"]).sum() / weights.sum()
    )
    assert 0 <= summary["arr_coverage_share_90d"] <= 1


def test_every_probability_says_what_calibrates_it(sample_build):
    """Each churn probability carries its calibrating responses and whether it is the prior alone,
    in mart_churn_probabilities, per account in mart_revenue_at_risk, and per backtest row."""
    probabilities = sample_build.query("select * from marts.mart_churn_probabilities")
    by_category = probabilities.set_index("nps_category")
    for horizon in (90, 180, 365):
        eligible = probabilities[f"responses_eligible_{horizon}d"]
        assert (probabilities[f"is_prior_only_{horizon}d"] == (eligible == 0)).all()
        assert by_category.loc["unsurveyed", f"is_prior_only_{horizon}d"]
    accounts = sample_build.query("select * from marts.mart_revenue_at_risk")
    for horizon in (90, 365):
        wanted = accounts["current_category"].map(by_category[f"responses_eligible_{horizon}d"])
        assert (accounts[f"calibration_responses_{horizon}d"] == wanted).all()
        assert (
            accounts[f"is_prior_only_{horizon}d"]
            == (accounts[f"calibration_responses_{horizon}d"] == 0)
        ).all()
    backtest = sample_build.query("select * from marts.mart_revenue_at_risk_backtest")
    evidence = sample_build.query(
        """
        select cast(as_of_at as date) as as_of_date, horizon_days, count(*) as prior_only
        from intermediate.int_churn_probabilities
        cross join (values (90), (180), (365)) as horizons(horizon_days)
        where nps_category <> 'unsurveyed'
            and case horizon_days when 90 then responses_eligible_90d
                when 180 then responses_eligible_180d else responses_eligible_365d end = 0
        group by all
        """
    )
    merged = backtest.merge(evidence, on=["as_of_date", "horizon_days"], how="left")
    assert (merged["prior_only_categories"] == merged["prior_only"].fillna(0)).all()
    assert (backtest["prior_only_categories"] == 3).any(), "the 365-day rows rest on the prior"
    assert (
        (backtest["prior_only_categories"] == 3) == (backtest["calibration_responses"] == 0)
    ).all()


def test_accounts_without_a_usable_arr_are_counted_not_zeroed(sample_build):
    """The sample plants unparseable ARR: those accounts stay, with ARR null, and every ARR sum
    says how many accounts it lacks."""
    accounts = sample_build.query("select * from marts.mart_revenue_at_risk")
    missing = accounts[accounts["is_arr_missing"]]
    assert len(missing) > 0
    assert missing["arr_usd"].isna().all() and missing["expected_arr_at_risk_90d"].isna().all()
    overall = sample_build.query(
        "select * from marts.mart_revenue_at_risk_rollup where rollup_dimension = 'overall'"
    ).iloc[0]
    assert overall["accounts_without_arr"] == len(missing)
    assert overall["active_accounts"] == len(accounts)
    summary = sample_build.query("select * from marts.mart_account_health_summary").iloc[0]
    health = sample_build.query("select arr_usd from marts.mart_account_health")
    assert summary["accounts_without_arr"] == health["arr_usd"].isna().sum()
