{#- Days: every UTC day on which an alert was raised or a first follow-up logged. -#}
with

alerts as (
    select * from {{ ref('mart_close_the_loop') }}
),

days as (
    select distinct cast({{ dbt.date_trunc('day', 'alerted_at') }} as date) as activity_date from alerts
    union
    select distinct cast({{ dbt.date_trunc('day', 'first_followed_up_at') }} as date) from alerts
    where first_followed_up_at is not null
),

day_ends as (
    select
        activity_date,
        {{ dbt.dateadd('day', 1, 'cast(activity_date as ' ~ dbt.type_timestamp() ~ ')') }} as day_end_at
    from days
),

owner_days as (
    select
        day_ends.activity_date,
        alerts.owner,
        {{ count_where('alerts.alerted_at >= ' ~ dbt.dateadd('day', -1, 'day_ends.day_end_at')) }} as alerts_raised,
        {{ count_where(
            'alerts.first_followed_up_at >= ' ~ dbt.dateadd('day', -1, 'day_ends.day_end_at')
            ~ ' and alerts.first_followed_up_at < day_ends.day_end_at'
        ) }} as alerts_closed,
        {{ count_where(
            'alerts.first_followed_up_at >= ' ~ dbt.dateadd('day', -1, 'day_ends.day_end_at')
            ~ ' and alerts.first_followed_up_at < day_ends.day_end_at and alerts.is_within_target'
        ) }} as alerts_closed_within_target,
        {{ count_where(
            'alerts.first_followed_up_at is null or alerts.first_followed_up_at >= day_ends.day_end_at'
        ) }} as backlog,
        {{ count_where(
            '(alerts.first_followed_up_at is null or alerts.first_followed_up_at >= day_ends.day_end_at)'
            ~ ' and alerts.due_at < day_ends.day_end_at'
        ) }} as overdue_backlog
    from day_ends
    inner join alerts on day_ends.day_end_at > alerts.alerted_at
    group by day_ends.activity_date, alerts.owner
),

summarised as (
    select
        activity_date,
        owner,
        alerts_raised,
        alerts_closed,
        alerts_closed_within_target,
        backlog,
        overdue_backlog,
        case when alerts_closed > 0 then cast(alerts_closed_within_target as {{ type_double() }}) / alerts_closed end
            as closed_within_target_share
    from owner_days
)

select * from summarised
