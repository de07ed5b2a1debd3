with

tickets as (
    select * from {{ ref('stg_support__tickets') }}
),

contacts as (
    select contact_id from {{ ref('stg_crm__contacts') }}
),

sla_targets as (
    select * from {{ ref('sla_targets') }}
),

business_minutes as (
    select * from {{ ref('int_ticket_business_minutes') }}
),

build_as_of as (
    select as_of_at from {{ ref('int_build_as_of') }}
),

tickets_in_scope as (
    {#- Events after as_of have not happened yet in this build. -#}
    select
        tickets.ticket_id,
        tickets.account_id,
        tickets.requester_contact_id,
        tickets.category,
        tickets.priority,
        tickets.channel,
        tickets.status,
        tickets.reopened_count,
        tickets.downtime_minutes,
        tickets.created_at,
        case when tickets.first_response_at <= build_as_of.as_of_at then tickets.first_response_at end
            as first_response_at,
        case when tickets.solved_at <= build_as_of.as_of_at then tickets.solved_at end as solved_at,
        tickets.first_response_at_problem,
        tickets.solved_at_problem,
        coalesce(
            tickets.first_response_at_problem,
            tickets.solved_at_problem,
            tickets.reopened_count_problem,
            tickets.downtime_minutes_problem
        ) is not null as has_unusable_values,
        build_as_of.as_of_at
    from tickets
    cross join build_as_of
    where {{ not_after_as_of('tickets.created_at') }}
),

tickets_measured as (
    select
        tickets_in_scope.ticket_id,
        tickets_in_scope.account_id,
        tickets_in_scope.requester_contact_id,
        tickets_in_scope.category,
        tickets_in_scope.priority,
        tickets_in_scope.channel,
        tickets_in_scope.status,
        tickets_in_scope.reopened_count,
        tickets_in_scope.downtime_minutes,
        {{ dbt.datediff('tickets_in_scope.created_at', 'tickets_in_scope.first_response_at', 'minute') }}
            as first_response_calendar_minutes,
        {{ dbt.datediff('tickets_in_scope.created_at', 'tickets_in_scope.solved_at', 'minute') }}
            as resolution_calendar_minutes,
        business_minutes.first_response_business_minutes,
        business_minutes.resolution_business_minutes,
        business_minutes.schedule_region,
        sla_targets.first_response_target_minutes,
        sla_targets.resolution_target_minutes,
        contacts.contact_id is not null as has_known_requester,
        tickets_in_scope.solved_at is not null as is_solved,
        coalesce(tickets_in_scope.reopened_count, 0) > 0 as is_reopened,
        {#- A first response or solve time that could not be used (a value problem) leaves its
            breach unknown (null), never invented. -#}
        case
            when tickets_in_scope.first_response_at_problem is null
                then coalesce(
                        coalesce(tickets_in_scope.first_response_at, tickets_in_scope.as_of_at)
                        > {{ dbt.dateadd('minute', 'sla_targets.first_response_target_minutes', 'tickets_in_scope.created_at') }},
                        false
                    )
        end as is_first_response_sla_breached,
        case
            when tickets_in_scope.solved_at_problem is null
                then coalesce(
                        coalesce(tickets_in_scope.solved_at, tickets_in_scope.as_of_at)
                        > {{ dbt.dateadd('minute', 'sla_targets.resolution_target_minutes', 'tickets_in_scope.created_at') }},
                        false
                    )
        end as is_resolution_sla_breached,
        {#- The same targets on the business clock; unknown (null) also when the account's region
            has no schedule. -#}
        {%- for measure in ['first_response', 'resolution'] %}
            case
                when tickets_in_scope.{{ 'solved_at' if measure == 'resolution' else 'first_response_at' }}_problem is null
                    and business_minutes.has_business_schedule
                    then coalesce(
                            business_minutes.{{ measure }}_business_minutes_elapsed
                            > sla_targets.{{ measure }}_target_minutes,
                            false
                        )
            end as is_{{ measure }}_business_sla_breached,
        {%- endfor %}
        tickets_in_scope.has_unusable_values,
        tickets_in_scope.created_at,
        tickets_in_scope.first_response_at,
        tickets_in_scope.solved_at
    from tickets_in_scope
    left join sla_targets on tickets_in_scope.priority = sla_targets.priority
    left join contacts on tickets_in_scope.requester_contact_id = contacts.contact_id
    left join business_minutes on tickets_in_scope.ticket_id = business_minutes.ticket_id
),

tickets_flagged as (
    select
        *,
        is_first_response_sla_breached or is_resolution_sla_breached as is_sla_breached,
        is_first_response_business_sla_breached or is_resolution_business_sla_breached
            as is_business_sla_breached
    from tickets_measured
)

select * from tickets_flagged
