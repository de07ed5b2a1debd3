{{ per_response_model_config(with_tickets=true) }}
{#- The account's support tickets created in the window before each response: on or after
    responded_at − ticket_window_days (inclusive) and strictly before responded_at. Durations and
    SLA breach on the clock of the var sla_clock (calendar or business). -#}
with

responses as (
    select
        response_id,
        contact_id,
        account_id,
        responded_at
    from {{ ref('fct_nps_responses') }}
    {{- where_recomputed('response_id', with_tickets=true) }}
),

tickets as (
    select * from {{ ref('fct_support_tickets') }}
),

response_tickets as (
    select
        responses.response_id,
        tickets.ticket_id,
        responses.account_id,
        {{ sla_clock_column('first_response_minutes', 'tickets') }} as first_response_minutes,
        {{ sla_clock_column('resolution_minutes', 'tickets') }} as resolution_minutes,
        tickets.downtime_minutes,
        coalesce(tickets.requester_contact_id = responses.contact_id, false) as is_contact_ticket,
        {{ sla_clock_column('is_sla_breached', 'tickets') }} as is_sla_breached,
        tickets.is_reopened,
        tickets.has_unusable_values,
        tickets.created_at,
        responses.responded_at
    from responses
    inner join tickets
        on responses.account_id = tickets.account_id
            and {{ dbt.dateadd('day', -1 * var('ticket_window_days'), 'responses.responded_at') }}
            <= tickets.created_at
            and responses.responded_at > tickets.created_at
)

select * from response_tickets
