{#- Revenue at risk per active account as of the build date: calibrated and flat-rule forecasts
    side by side, with the renewal date. The renewal windows are the shortest and the longest
    churn horizon (var churn_horizons_days). -#}
{%- set shortest_horizon = var('churn_horizons_days') | min -%}
{%- set longest_horizon = var('churn_horizons_days') | max -%}
with

forecasts as (
    select * from {{ ref('int_account_forecasts') }}
    where is_build_as_of
),

accounts as (
    select
        account_id,
        renewal_date
    from {{ ref('stg_crm__accounts') }}
),

at_risk as (
    select
        forecasts.account_id,
        forecasts.region,
        forecasts.plan,
        forecasts.industry,
        forecasts.current_category,
        forecasts.category_source,
        forecasts.category_response_id,
        cast({{ dbt.date_trunc('month', 'accounts.renewal_date') }} as date) as renewal_month,
        forecasts.arr_usd,
        forecasts.is_arr_missing,
        forecasts.churn_probability_90d,
        forecasts.churn_probability_365d,
        forecasts.calibration_responses_90d,
        forecasts.calibration_responses_365d,
        forecasts.is_prior_only_90d,
        forecasts.is_prior_only_365d,
        forecasts.expected_arr_at_risk_90d,
        forecasts.expected_arr_at_risk_365d,
        forecasts.flat_rule_arr_at_risk_90d,
        forecasts.flat_rule_arr_at_risk_365d,
        forecasts.potential_referral_arr,
        coalesce(
            accounts.renewal_date <= cast({{ dbt.dateadd('day', shortest_horizon, 'forecasts.as_of_at') }} as date),
            false
        ) as is_renewal_within_90d,
        coalesce(
            accounts.renewal_date <= cast({{ dbt.dateadd('day', longest_horizon, 'forecasts.as_of_at') }} as date),
            false
        ) as is_renewal_within_365d,
        accounts.renewal_date,
        forecasts.category_responded_at,
        forecasts.as_of_at
    from forecasts
    inner join accounts on forecasts.account_id = accounts.account_id
)

select * from at_risk
