{#- Finance: how far off was each method, by horizon, over every backtest date - the mean absolute
    error in USD of the calibrated forecast and of the vendor's flat rule, next to the ARR that
    really churned. -#}
with

backtest as (
    select * from {{ ref('mart_revenue_at_risk_backtest') }}
),

by_horizon as (
    select
        horizon_days,
        count(*) as backtest_dates,
        min(calibration_responses) as fewest_calibration_responses,
        avg(actual_churned_arr) as mean_actual_churned_arr,
        avg(abs(calibrated_error_arr)) as calibrated_mean_absolute_error,
        avg(abs(flat_rule_error_arr)) as flat_rule_mean_absolute_error
    from backtest
    group by horizon_days
)

select * from by_horizon
order by horizon_days
