{#- Every roll-up dimension of mart_revenue_at_risk_rollup adds up to the account-level mart: same
    accounts, ARR and expected ARR at risk. Returns a row per dimension that does not. -#}
with

account_totals as (
    select
        count(*) as active_accounts,
        sum(arr_usd) as arr_usd,
        sum(expected_arr_at_risk_90d) as expected_arr_at_risk_90d,
        sum(expected_arr_at_risk_365d) as expected_arr_at_risk_365d
    from {{ ref('mart_revenue_at_risk') }}
),

rollup_totals as (
    select
        rollup_dimension,
        sum(active_accounts) as active_accounts,
        sum(arr_usd) as arr_usd,
        sum(expected_arr_at_risk_90d) as expected_arr_at_risk_90d,
        sum(expected_arr_at_risk_365d) as expected_arr_at_risk_365d
    from {{ ref('mart_revenue_at_risk_rollup') }}
    group by rollup_dimension
),

mismatches as (
    select rollup_totals.rollup_dimension
    from rollup_totals
    cross join account_totals
    where rollup_totals.active_accounts <> account_totals.active_accounts
        or abs(rollup_totals.arr_usd - account_totals.arr_usd) > 0.01
        or abs(rollup_totals.expected_arr_at_risk_90d - account_totals.expected_arr_at_risk_90d) > 0.01
        or abs(rollup_totals.expected_arr_at_risk_365d - account_totals.expected_arr_at_risk_365d) > 0.01
)

select * from mismatches
