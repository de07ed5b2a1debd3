{#- mart_revenue_at_risk summed by region, plan, industry, renewal month and overall. -#}
{%- set dimensions = ['region', 'plan', 'industry', 'renewal_month'] -%}
with

at_risk as (
    select * from {{ ref('mart_revenue_at_risk') }}
),

labelled as (
    {%- for dimension in dimensions %}
        select
            '{{ dimension }}' as rollup_dimension,
            coalesce(cast({{ dimension }} as {{ dbt.type_string() }}), 'unknown') as rollup_value,
            at_risk.*
        from at_risk
        union all
    {%- endfor %}
    select
        'overall' as rollup_dimension,
        'all' as rollup_value,
        at_risk.*
    from at_risk
),

rolled_up as (
    select
        rollup_dimension,
        rollup_value,
        cast(count(*) as {{ dbt.type_bigint() }}) as active_accounts,
        {{ count_where("current_category = 'detractor'") }} as detractor_accounts,
        {{ count_where("current_category = 'unsurveyed'") }} as unsurveyed_accounts,
        {{ count_where('is_renewal_within_90d') }} as renewals_within_90d,
        {{ count_where('is_arr_missing') }} as accounts_without_arr,
        coalesce(sum(arr_usd), 0) as arr_usd,
        coalesce(sum(expected_arr_at_risk_90d), 0) as expected_arr_at_risk_90d,
        coalesce(sum(expected_arr_at_risk_365d), 0) as expected_arr_at_risk_365d,
        coalesce(sum(flat_rule_arr_at_risk_90d), 0) as flat_rule_arr_at_risk_90d,
        coalesce(sum(flat_rule_arr_at_risk_365d), 0) as flat_rule_arr_at_risk_365d,
        coalesce(sum(potential_referral_arr), 0) as potential_referral_arr,
        sum(case when is_renewal_within_90d then arr_usd else 0 end) as arr_renewing_within_90d,
        sum(case when is_renewal_within_90d then expected_arr_at_risk_90d else 0 end)
            as expected_arr_at_risk_renewing_within_90d
    from labelled
    group by rollup_dimension, rollup_value
)

select * from rolled_up
