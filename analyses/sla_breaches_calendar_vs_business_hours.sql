{#- How much of our SLA breach is nights, weekends and holidays? The share of tickets breaching
    their SLA in calendar time and in business time (inside the support schedule of the account's
    region), by priority. -#}
with

tickets as (
    select * from {{ ref('fct_support_tickets') }}
),

by_priority as (
    select
        priority,
        count(*) as tickets,
        round(avg(case when is_sla_breached then 1.0 else 0.0 end), 3) as calendar_breach_share,
        round(avg(case when is_business_sla_breached then 1.0 else 0.0 end), 3) as business_breach_share,
        min(first_response_target_minutes) as first_response_target_minutes
    from tickets
    group by priority
)

select * from by_priority
order by first_response_target_minutes
