{#- Health of every active account as of the build date: contact-level NPS, the decision-maker vs
    end-user gap, the 60-day trend, ticket load, open follow-ups, revenue coverage and a risk tier
    (the case expression in `tiered` below; its rule in words is the col_risk_tier doc block in
    models/docs.md; its numbers are the defaults of the account_health_* vars in dbt_project.yml). -#}
{%- set trend_days = var('account_health_trend_days') -%}
{%- set recent_days = var('account_health_recent_days') -%}
{%- set lookback_days = var('account_health_lookback_days') -%}
with

accounts as (
    select * from {{ ref('dim_accounts') }}
    where not is_churned
),

responses as (
    select * from {{ ref('fct_nps_responses') }}
),

tickets as (
    select * from {{ ref('fct_support_tickets') }}
),

forecast_categories as (
    {#- The revenue forecast's current category (int_account_forecasts at the build's as_of), set
        beside risk_tier so the two notions of risk can be read together. -#}
    select
        account_id,
        current_category
    from {{ ref('int_account_forecasts') }}
    where is_build_as_of
),

followups as (
    select
        followups.response_id,
        followups.outcome,
        row_number() over (
            partition by followups.response_id
            order by followups.followed_up_at desc, followups.followup_id desc
        ) as followup_rank
    from {{ ref('stg_loop__followups') }} as followups
    cross join {{ ref('int_build_as_of') }} as build_as_of
    where {{ not_after_as_of('followups.followed_up_at') }}
),

latest_followups as (
    select * from followups
    where followup_rank = 1
),

build_as_of as (
    select as_of_at from {{ ref('int_build_as_of') }}
),

{# Each contact counts once: its latest response in the lookback (365 days) to as_of. #}
contact_latest as (
    select
        responses.account_id,
        responses.contact_id,
        responses.respondent_role,
        responses.nps_category,
        row_number() over (
            partition by responses.contact_id
            order by responses.responded_at desc, responses.response_id desc
        ) as response_rank
    from responses
    cross join build_as_of
    where responses.responded_at > {{ dbt.dateadd('day', -lookback_days, 'build_as_of.as_of_at') }}
),

contact_nps as (
    select
        account_id,
        cast(count(*) as {{ dbt.type_bigint() }}) as contacts_responded_365d,
        {{ count_where("nps_category = 'promoter'") }} as promoter_contacts,
        {{ count_where("nps_category = 'detractor'") }} as detractor_contacts,
        {{ count_where("respondent_role = 'decision_maker'") }} as decision_maker_contacts,
        {{ count_where("respondent_role = 'decision_maker' and nps_category = 'promoter'") }} as decision_maker_promoters,
        {{ count_where("respondent_role = 'decision_maker' and nps_category = 'detractor'") }} as decision_maker_detractors,
        {{ count_where("respondent_role = 'end_user'") }} as end_user_contacts,
        {{ count_where("respondent_role = 'end_user' and nps_category = 'promoter'") }} as end_user_promoters,
        {{ count_where("respondent_role = 'end_user' and nps_category = 'detractor'") }} as end_user_detractors
    from contact_latest
    where response_rank = 1
    group by account_id
),

{%- set in_last_60d = "responses.responded_at > " ~ dbt.dateadd('day', -trend_days, 'build_as_of.as_of_at') -%}
{%- set in_previous_60d = "responses.responded_at <= " ~ dbt.dateadd('day', -trend_days, 'build_as_of.as_of_at')
    ~ " and responses.responded_at > " ~ dbt.dateadd('day', -2 * trend_days, 'build_as_of.as_of_at') -%}
{%- set in_last_90d = "responses.responded_at > " ~ dbt.dateadd('day', -recent_days, 'build_as_of.as_of_at') %}

response_windows as (
    select
        responses.account_id,
        {{ count_where(in_last_60d) }} as responses_last_60d,
        {{ count_where(in_last_60d ~ " and responses.nps_category = 'promoter'") }} as promoters_last_60d,
        {{ count_where(in_last_60d ~ " and responses.nps_category = 'detractor'") }} as detractors_last_60d,
        {{ count_where(in_previous_60d) }} as responses_previous_60d,
        {{ count_where(in_previous_60d ~ " and responses.nps_category = 'promoter'") }} as promoters_previous_60d,
        {{ count_where(in_previous_60d ~ " and responses.nps_category = 'detractor'") }} as detractors_previous_60d,
        {{ count_where(in_last_90d) }} as responses_90d,
        {{ count_where(in_last_90d ~ " and responses.nps_category = 'detractor' and latest_followups.response_id is null") }}
            as unanswered_detractors_90d,
        {{ count_where("latest_followups.outcome is not null and latest_followups.outcome <> 'resolved'") }} as open_followups,
        {{ count_where(in_last_90d ~ " and latest_followups.outcome = 'churn_risk'") }} as churn_risk_followups_90d
    from responses
    cross join build_as_of
    left join latest_followups on responses.response_id = latest_followups.response_id
    group by responses.account_id
),

{%- set in_last_90d_tickets = "tickets.created_at > " ~ dbt.dateadd('day', -recent_days, 'build_as_of.as_of_at') %}

ticket_load as (
    select
        tickets.account_id,
        {{ count_where(in_last_90d_tickets) }} as tickets_90d,
        {#- Breached on the clock of the var sla_clock (calendar or business). -#}
        {{ count_where(in_last_90d_tickets ~ " and " ~ sla_clock_column('is_sla_breached', 'tickets')) }}
            as sla_breached_tickets_90d,
        {{ count_where("not tickets.is_solved") }} as unsolved_tickets
    from tickets
    cross join build_as_of
    group by tickets.account_id
),

joined as (
    select
        accounts.account_id,
        accounts.region,
        accounts.plan,
        accounts.industry,
        accounts.arr_usd,
        forecast_categories.current_category,
        coalesce(contact_nps.contacts_responded_365d, 0) as contacts_responded_365d,
        {{ nps('contact_nps.promoter_contacts', 'contact_nps.detractor_contacts', 'contact_nps.contacts_responded_365d') }}
            as account_nps,
        {{ nps(
            'contact_nps.decision_maker_promoters',
            'contact_nps.decision_maker_detractors',
            'contact_nps.decision_maker_contacts'
        ) }} as decision_maker_nps,
        {{ nps(
            'contact_nps.end_user_promoters',
            'contact_nps.end_user_detractors',
            'contact_nps.end_user_contacts'
        ) }} as end_user_nps,
        coalesce(response_windows.responses_last_60d, 0) as responses_last_60d,
        {{ nps(
            'response_windows.promoters_last_60d',
            'response_windows.detractors_last_60d',
            'response_windows.responses_last_60d'
        ) }} as nps_last_60d,
        coalesce(response_windows.responses_previous_60d, 0) as responses_previous_60d,
        {{ nps(
            'response_windows.promoters_previous_60d',
            'response_windows.detractors_previous_60d',
            'response_windows.responses_previous_60d'
        ) }} as nps_previous_60d,
        coalesce(ticket_load.tickets_90d, 0) as tickets_90d,
        coalesce(ticket_load.sla_breached_tickets_90d, 0) as sla_breached_tickets_90d,
        coalesce(ticket_load.unsolved_tickets, 0) as unsolved_tickets,
        coalesce(response_windows.open_followups, 0) as open_followups,
        coalesce(response_windows.churn_risk_followups_90d, 0) as churn_risk_followups_90d,
        coalesce(response_windows.unanswered_detractors_90d, 0) as unanswered_detractors_90d,
        coalesce(response_windows.responses_90d, 0) > 0 as has_response_90d,
        accounts.renewal_date,
        accounts.as_of_at
    from accounts
    left join contact_nps on accounts.account_id = contact_nps.account_id
    left join response_windows on accounts.account_id = response_windows.account_id
    left join ticket_load on accounts.account_id = ticket_load.account_id
    left join forecast_categories on accounts.account_id = forecast_categories.account_id
),

tiered as (
    select
        account_id,
        region,
        plan,
        industry,
        case
            when account_nps < {{ var('account_health_high_nps_below') }} or churn_risk_followups_90d > 0 then 'high'
            when account_nps < {{ var('account_health_medium_nps_below') }}
                or sla_breached_tickets_90d >= {{ var('account_health_medium_sla_breaches') }}
                or unanswered_detractors_90d > 0
                then 'medium'
            when account_nps is null then 'unknown'
            else 'low'
        end as risk_tier,
        current_category,
        arr_usd,
        contacts_responded_365d,
        account_nps,
        decision_maker_nps,
        end_user_nps,
        decision_maker_nps - end_user_nps as decision_maker_gap,
        responses_last_60d,
        nps_last_60d,
        responses_previous_60d,
        nps_previous_60d,
        nps_last_60d - nps_previous_60d as nps_trend_60d,
        tickets_90d,
        sla_breached_tickets_90d,
        unsolved_tickets,
        open_followups,
        churn_risk_followups_90d,
        unanswered_detractors_90d,
        has_response_90d,
        renewal_date,
        as_of_at
    from joined
)

select * from tiered
