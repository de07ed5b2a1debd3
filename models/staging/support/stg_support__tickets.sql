with

validated as (
    select * from {{ ref('base_support__tickets_validated') }}
    where row_status = 'staged'
),

tickets as (
    select
        ticket_id,
        account_id,
        requester_contact_id,
        category,
        priority,
        channel,
        status,
        reopened_count,
        downtime_minutes,
        created_at,
        first_response_at,
        solved_at,
        first_response_at_problem,
        solved_at_problem,
        reopened_count_problem,
        downtime_minutes_problem,
        updated_at
    from validated
)

select * from tickets
