{#- Finance: how much ARR is at risk over the next quarter (90 days after as_of), by region -
    calibrated expected loss beside the vendor's flat rule, with the renewals falling due. -#}
with

rollup as (
    select * from {{ ref('mart_revenue_at_risk_rollup') }}
    where rollup_dimension = 'region'
),

by_region as (
    select
        rollup_value as region,
        active_accounts,
        detractor_accounts,
        arr_usd,
        expected_arr_at_risk_90d,
        expected_arr_at_risk_90d / nullif(arr_usd, 0) as expected_share_at_risk_90d,
        flat_rule_arr_at_risk_90d,
        renewals_within_90d,
        arr_renewing_within_90d
    from rollup
)

select * from by_region
order by expected_arr_at_risk_90d desc
