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
    where tickets.created_at <= build_as_of.as_of_at
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
        tickets_in_scope.has_unusable_values,
        tickets_in_scope.created_at,
        tickets_in_scope.first_response_at,
        tickets_in_scope.solved_at
    from tickets_in_scope
    left join sla_targets on tickets_in_scope.priority = sla_targets.priority
    left join contacts on tickets_in_scope.requester_contact_id = contacts.contact_id
),

tickets_flagged as (
    select
        *,
        is_first_response_sla_breached or is_resolution_sla_breached as is_sla_breached
    from tickets_measured
)

select * from tickets_flagged
