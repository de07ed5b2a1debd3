{#- MetricFlow drops what lies outside its time spine when it joins to it: every day a response,
    an invitation or the build's as_of falls on must be in time_spine_daily. Returns the days that
    are not (widen the time_spine_start / time_spine_end vars). A landing folder without events
    has no as_of: nothing to cover. -#}
with

spine as (
    select date_day from {{ ref('time_spine_daily') }}
),

event_days as (
    select cast(responded_at as date) as event_day from {{ ref('fct_nps_responses') }}
    union
    select cast(sent_at as date) as event_day from {{ ref('fct_survey_invitations') }}
    union
    select cast(as_of_at as date) as event_day from {{ ref('int_build_as_of') }}
),

missing_days as (
    select event_days.event_day
    from event_days
    left join spine on event_days.event_day = spine.date_day
    where spine.date_day is null and event_days.event_day is not null
)

select * from missing_days
