{#- Days: every UTC day on which an alert was raised or a first follow-up logged. A timestamp is
    before the end of day D exactly when its UTC date is on or before D, so each count is a running
    total per owner over the dates alerts were raised, followed up and fell due: linear in alerts,
    not a join of every day with every earlier alert (days × alerts rows, minutes at ~10M
    responses). -#}
with

alerts as (
    select
        owner,
        cast({{ dbt.date_trunc('day', 'alerted_at') }} as date) as alerted_date,
        cast({{ dbt.date_trunc('day', 'first_followed_up_at') }} as date) as followed_up_date,
        cast({{ dbt.date_trunc('day', 'due_at') }} as date) as due_date,
        is_within_target
    from {{ ref('mart_close_the_loop') }}
    where alerted_at is not null
),

days as (
    select distinct alerted_date as activity_date from alerts
    union
    select distinct followed_up_date from alerts
    where followed_up_date is not null
),

events as (
    {#- One row per alert and event; each flag is counted on event_date and, for the backlog, in
        the running totals up to each later day. -#}
    select
        owner,
        alerted_date as event_date,
        1 as raised,
        0 as closed,
        0 as closed_within_target,
        0 as raised_and_followed_up,
        0 as raised_and_due,
        0 as raised_due_and_followed_up
    from alerts
    union all
    select
        owner,
        case when followed_up_date >= alerted_date then followed_up_date else alerted_date end as event_date,
        0 as raised,
        case when followed_up_date >= alerted_date then 1 else 0 end as closed,
        case when followed_up_date >= alerted_date and is_within_target then 1 else 0 end as closed_within_target,
        1 as raised_and_followed_up,
        0 as raised_and_due,
        0 as raised_due_and_followed_up
    from alerts
    where followed_up_date is not null
    union all
    select
        owner,
        case when due_date >= alerted_date then due_date else alerted_date end as event_date,
        0 as raised,
        0 as closed,
        0 as closed_within_target,
        0 as raised_and_followed_up,
        1 as raised_and_due,
        0 as raised_due_and_followed_up
    from alerts
    where due_date is not null
    union all
    select
        owner,
        case
            when due_date >= alerted_date and due_date >= followed_up_date then due_date
            when followed_up_date >= alerted_date then followed_up_date
            else alerted_date
        end as event_date,
        0 as raised,
        0 as closed,
        0 as closed_within_target,
        0 as raised_and_followed_up,
        0 as raised_and_due,
        1 as raised_due_and_followed_up
    from alerts
    where due_date is not null and followed_up_date is not null
),

owners as (
    select distinct owner from alerts
),

owner_dates as (
    {#- Every activity day for every owner, and every owner's event dates (a due date can fall on a
        day without activity: it counts in the running totals, not as a row). -#}
    select
        owners.owner,
        days.activity_date,
        1 as is_activity_day,
        0 as raised,
        0 as closed,
        0 as closed_within_target,
        0 as raised_and_followed_up,
        0 as raised_and_due,
        0 as raised_due_and_followed_up
    from days
    cross join owners
    union all
    select
        owner,
        event_date as activity_date,
        0 as is_activity_day,
        raised,
        closed,
        closed_within_target,
        raised_and_followed_up,
        raised_and_due,
        raised_due_and_followed_up
    from events
),

owner_days as (
    select
        owner,
        activity_date,
        max(is_activity_day) as is_activity_day,
        sum(raised) as raised,
        sum(closed) as closed,
        sum(closed_within_target) as closed_within_target,
        sum(raised_and_followed_up) as raised_and_followed_up,
        sum(raised_and_due) as raised_and_due,
        sum(raised_due_and_followed_up) as raised_due_and_followed_up
    from owner_dates
    group by owner, activity_date
),

running as (
    select
        owner,
        activity_date,
        is_activity_day,
        raised,
        closed,
        closed_within_target,
        sum(raised) over (
            partition by owner order by activity_date rows between unbounded preceding and current row
        ) as raised_by_day_end,
        sum(raised_and_followed_up) over (
            partition by owner order by activity_date rows between unbounded preceding and current row
        ) as followed_up_by_day_end,
        sum(raised_and_due) over (
            partition by owner order by activity_date rows between unbounded preceding and current row
        ) as due_by_day_end,
        sum(raised_due_and_followed_up) over (
            partition by owner order by activity_date rows between unbounded preceding and current row
        ) as due_and_followed_up_by_day_end
    from owner_days
),

summarised as (
    select
        activity_date,
        owner,
        cast(raised as {{ dbt.type_bigint() }}) as alerts_raised,
        cast(closed as {{ dbt.type_bigint() }}) as alerts_closed,
        cast(closed_within_target as {{ dbt.type_bigint() }}) as alerts_closed_within_target,
        cast(raised_by_day_end - followed_up_by_day_end as {{ dbt.type_bigint() }}) as backlog,
        cast(due_by_day_end - due_and_followed_up_by_day_end as {{ dbt.type_bigint() }}) as overdue_backlog,
        case when closed > 0 then cast(closed_within_target as {{ type_double() }}) / closed end
            as closed_within_target_share
    from running
    where is_activity_day = 1 and raised_by_day_end > 0
)

select * from summarised
