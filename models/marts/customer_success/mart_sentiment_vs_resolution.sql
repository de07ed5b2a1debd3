{{ per_response_model_config(with_tickets=true) }}
with

responses as (
    select * from {{ ref('fct_nps_responses') }}
    {{- where_recomputed('response_id', with_tickets=true) }}
),

window_tickets as (
    select * from {{ ref('int_response_ticket_windows') }}
    {%- if recompute_since() is not none %}
    where response_id in (select response_id from responses)
    {%- endif %}
),

tickets as (
    select * from {{ ref('fct_support_tickets') }}
),

window_values as (
    {#- The values the medians are of, one row each, nulls left out (as percentile_cont does). The
        measure is a number (1 first response, 2 resolution, 3 the contact's own resolution), not
        a name: the window below sorts every value by response and measure, and at ~1M responses
        a number sorts in two thirds of the time a name takes. -#}
    select
        response_id,
        1 as measure,
        first_response_minutes as minutes
    from window_tickets
    where first_response_minutes is not null
    union all
    select
        response_id,
        2 as measure,
        resolution_minutes as minutes
    from window_tickets
    where resolution_minutes is not null
    union all
    select
        response_id,
        3 as measure,
        resolution_minutes as minutes
    from window_tickets
    where is_contact_ticket and resolution_minutes is not null
),

window_medians as (
    {#- Each response's medians by sorting (window functions), not as percentile_cont in a group
        by of millions of responses: that aggregate keeps every group's values in memory and, with
        another model beside it, spilled tens of GB at ~10M responses. The middle value, or the
        two middle values interpolated as percentile_cont(0.5) does (lower + (upper − lower) × 0.5). -#}
    select
        response_id,
        max(case when measure = 1 then median_minutes end) as median_first_response_minutes,
        max(case when measure = 2 then median_minutes end) as median_resolution_minutes,
        max(case when measure = 3 then median_minutes end) as contact_median_resolution_minutes
    from (
        select
            response_id,
            measure,
            cast(min(minutes) as {{ type_double() }})
            + (cast(max(minutes) as {{ type_double() }}) - cast(min(minutes) as {{ type_double() }})) * 0.5
                as median_minutes
        from (
            select
                response_id,
                measure,
                minutes,
                row_number() over (partition by response_id, measure order by minutes) as value_position,
                count(*) over (partition by response_id, measure) as values_count
            from window_values
        ) as ranked
        where 2 * value_position >= values_count and 2 * value_position <= values_count + 2
        group by response_id, measure
    ) as medians
    group by response_id
),

account_windows as (
    select
        response_id,
        cast(count(*) as {{ dbt.type_bigint() }}) as account_tickets,
        {{ count_where('is_sla_breached') }} as account_sla_breached_tickets,
        {{ count_where('is_reopened') }} as account_reopened_tickets,
        sum(coalesce(downtime_minutes, 0)) as account_downtime_minutes,
        {{ count_where('has_unusable_values') }} as account_tickets_with_unusable_values,
        {{ count_where('is_contact_ticket') }} as contact_tickets,
        {{ count_where('is_contact_ticket and is_sla_breached') }} as contact_sla_breached_tickets
    from window_tickets
    group by response_id
),

responses_with_history as (
    select
        responses.response_id,
        responses.contact_id,
        responses.account_id,
        responses.trigger_ticket_id,
        responses.survey_type,
        responses.respondent_role,
        responses.industry,
        responses.plan,
        responses.score,
        responses.nps_category,
        coalesce(account_windows.account_tickets, 0) as account_tickets,
        window_medians.median_first_response_minutes / 60.0 as account_median_first_response_hours,
        window_medians.median_resolution_minutes / 60.0 as account_median_resolution_hours,
        coalesce(account_windows.account_sla_breached_tickets, 0) as account_sla_breached_tickets,
        case
            when account_windows.account_tickets > 0
                then cast(account_windows.account_sla_breached_tickets as {{ type_double() }}) / account_windows.account_tickets
        end as account_sla_breach_share,
        case
            when account_windows.account_tickets > 0
                then cast(account_windows.account_reopened_tickets as {{ type_double() }}) / account_windows.account_tickets
        end as account_reopened_share,
        cast(coalesce(account_windows.account_downtime_minutes, 0) as {{ type_double() }})
            as account_downtime_minutes,
        coalesce(account_windows.account_tickets_with_unusable_values, 0)
            as account_tickets_with_unusable_values,
        coalesce(account_windows.contact_tickets, 0) as contact_tickets,
        coalesce(account_windows.contact_sla_breached_tickets, 0) as contact_sla_breached_tickets,
        window_medians.contact_median_resolution_minutes / 60.0 as contact_median_resolution_hours,
        tickets.priority as trigger_ticket_priority,
        cast({{ sla_clock_column('first_response_minutes', 'tickets') }} as {{ type_double() }}) / 60
            as trigger_ticket_first_response_hours,
        cast({{ sla_clock_column('resolution_minutes', 'tickets') }} as {{ type_double() }}) / 60
            as trigger_ticket_resolution_hours,
        {{ hours_between('tickets.solved_at', 'responses.responded_at') }} as survey_lag_hours,
        cast(responses.response_lag_calendar_minutes as {{ type_double() }}) / 60 as response_lag_hours,
        cast(tickets.downtime_minutes as {{ type_double() }}) as trigger_ticket_downtime_minutes,
        tickets.ticket_id is not null as has_known_trigger_ticket,
        {{ sla_clock_column('is_sla_breached', 'tickets') }} as is_trigger_ticket_sla_breached,
        tickets.is_reopened as is_trigger_ticket_reopened,
        coalesce(tickets.has_unusable_values, false) as has_trigger_ticket_unusable_values,
        responses.responded_at,
        responses.response_month,
        tickets.created_at as trigger_ticket_created_at,
        tickets.solved_at as trigger_ticket_solved_at
    from responses
    left join account_windows on responses.response_id = account_windows.response_id
    left join window_medians on responses.response_id = window_medians.response_id
    left join tickets on responses.trigger_ticket_id = tickets.ticket_id
),

attributed as (
    {#- What the response is set against: a transactional response its own trigger ticket, a
        relationship response the account's window. -#}
    select
        *,
        case
            when survey_type = 'transactional' then trigger_ticket_resolution_hours
            else account_median_resolution_hours
        end as attributed_resolution_hours,
        case
            when survey_type = 'transactional' and not has_known_trigger_ticket then 'no_tickets'
            when survey_type = 'transactional' and is_trigger_ticket_sla_breached then 'breached'
            when survey_type = 'transactional' then 'met'
            when account_tickets = 0 then 'no_tickets'
            when account_sla_breached_tickets > 0 then 'breached'
            else 'met'
        end as sla_status
    from responses_with_history
),

bucketed as (
    select
        response_id,
        contact_id,
        account_id,
        trigger_ticket_id,
        survey_type,
        respondent_role,
        industry,
        plan,
        {{ resolution_bucket('attributed_resolution_hours') }} as resolution_bucket,
        sla_status,
        trigger_ticket_priority,
        score,
        nps_category,
        account_tickets,
        account_median_first_response_hours,
        account_median_resolution_hours,
        account_sla_breached_tickets,
        account_sla_breach_share,
        account_reopened_share,
        account_downtime_minutes,
        account_tickets_with_unusable_values,
        contact_tickets,
        contact_sla_breached_tickets,
        contact_median_resolution_hours,
        attributed_resolution_hours,
        trigger_ticket_first_response_hours,
        trigger_ticket_resolution_hours,
        trigger_ticket_downtime_minutes,
        survey_lag_hours,
        response_lag_hours,
        has_known_trigger_ticket,
        is_trigger_ticket_sla_breached,
        is_trigger_ticket_reopened,
        has_trigger_ticket_unusable_values,
        responded_at,
        response_month,
        trigger_ticket_created_at,
        trigger_ticket_solved_at
    from attributed
)

select * from bucketed
