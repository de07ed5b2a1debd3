{#- Reproducibility: no fact holds an event after the build's as_of. Returns offending rows. -#}
with

build_as_of as (
    select as_of_at from {{ ref('int_build_as_of') }}
),

late_events as (
    select
        'fct_nps_responses' as model,
        response_id as id,
        responded_at as event_at
    from {{ ref('fct_nps_responses') }}
    union all
    select
        'fct_survey_invitations' as model,
        invitation_id as id,
        sent_at as event_at
    from {{ ref('fct_survey_invitations') }}
    union all
    select
        'fct_support_tickets' as model,
        ticket_id as id,
        created_at as event_at
    from {{ ref('fct_support_tickets') }}
    union all
    select
        'fct_support_tickets' as model,
        ticket_id as id,
        solved_at as event_at
    from {{ ref('fct_support_tickets') }}
)

select late_events.*
from late_events
cross join build_as_of
where late_events.event_at > build_as_of.as_of_at
