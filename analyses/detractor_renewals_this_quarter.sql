{#- Finance and customer success: which accounts renewing this quarter - the three months from
    as_of (a rolling quarter: on the last day of a calendar quarter the calendar one is over) - are
    detractors now, with their ARR, the response that says so and the account's health. -#}
with

at_risk as (
    select * from {{ ref('mart_revenue_at_risk') }}
),

health as (
    select
        account_id,
        risk_tier,
        account_nps,
        open_followups
    from {{ ref('mart_account_health') }}
),

this_quarter as (
    select
        at_risk.account_id,
        at_risk.region,
        at_risk.plan,
        at_risk.renewal_date,
        at_risk.arr_usd,
        at_risk.churn_probability_90d,
        at_risk.expected_arr_at_risk_90d,
        at_risk.category_source,
        at_risk.category_responded_at,
        health.risk_tier,
        health.account_nps,
        health.open_followups
    from at_risk
    left join health on at_risk.account_id = health.account_id
    where at_risk.current_category = 'detractor'
        and at_risk.renewal_date >= cast(at_risk.as_of_at as date)
        and at_risk.renewal_date <= cast(
            {{ dbt.dateadd('month', 3, 'at_risk.as_of_at') }} as date
        )
)

select * from this_quarter
order by arr_usd desc
