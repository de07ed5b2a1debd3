{#- The ARR-weighted roll-up of mart_account_health: ARR-weighted account NPS with Kish's effective
    n for its margin, revenue coverage and ARR by risk tier. The margin treats each account's NPS as
    one observation weighted by ARR: 1.96 × sqrt(weighted variance / Kish's n). -#}
with

health as (
    select * from {{ ref('mart_account_health') }}
),

scored as (
    select * from health
    where account_nps is not null and arr_usd > 0
),

weighted as (
    select
        cast(count(*) as {{ dbt.type_bigint() }}) as accounts_with_nps,
        sum(arr_usd * account_nps) / nullif(sum(arr_usd), 0) as arr_weighted_nps,
        {{ kish_effective_n('arr_usd') }} as kish_effective_n
    from scored
),

spread as (
    select
        sum(scored.arr_usd * (scored.account_nps - weighted.arr_weighted_nps) * (scored.account_nps - weighted.arr_weighted_nps))
        / nullif(sum(scored.arr_usd), 0) as weighted_variance
    from scored
    cross join weighted
),

totals as (
    select
        cast(count(*) as {{ dbt.type_bigint() }}) as active_accounts,
        {{ count_where('arr_usd is null') }} as accounts_without_arr,
        coalesce(sum(arr_usd), 0) as arr_usd,
        coalesce(sum(case when has_response_90d then arr_usd else 0 end), 0) as arr_covered_90d,
        coalesce(sum(case when risk_tier = 'high' then arr_usd else 0 end), 0) as high_risk_arr_usd,
        {{ count_where("risk_tier = 'high'") }} as high_risk_accounts,
        max(as_of_at) as as_of_at
    from health
),

summary as (
    select
        totals.active_accounts,
        weighted.accounts_with_nps,
        totals.high_risk_accounts,
        totals.accounts_without_arr,
        totals.arr_usd,
        totals.arr_covered_90d,
        totals.arr_covered_90d / nullif(totals.arr_usd, 0) as arr_coverage_share_90d,
        totals.high_risk_arr_usd,
        weighted.arr_weighted_nps,
        weighted.kish_effective_n,
        case
            when weighted.kish_effective_n > 0
                then {{ z_95() }} * sqrt(greatest(spread.weighted_variance, 0.0) / weighted.kish_effective_n)
        end as arr_weighted_nps_moe_95,
        totals.as_of_at
    from totals
    cross join weighted
    cross join spread
)

select * from summary
