{#- Business minutes of every ticket: the minutes inside the support schedule of its account's
    region (seed business_schedules: opening hours per ISO weekday in the region's time zone),
    public holidays of the schedule's country (seed public_holidays) left out. Each local working
    day becomes one UTC interval (local_to_utc, so daylight saving follows the engine's time-zone
    database); a ticket's business minutes are the sum of its overlaps with those intervals. -#}
with

tickets as (
    select
        ticket_id,
        account_id,
        created_at,
        first_response_at,
        solved_at
    from {{ ref('stg_support__tickets') }}
),

account_versions as (
    select
        account_id,
        region,
        valid_from,
        valid_to
    from {{ ref('int_account_versions') }}
),

schedules as (
    select * from {{ ref('business_schedules') }}
),

holidays as (
    select * from {{ ref('public_holidays') }}
),

days as (
    select date_day from {{ ref('time_spine_daily') }}
),

build_as_of as (
    select as_of_at from {{ ref('int_build_as_of') }}
),

tickets_in_scope as (
    {#- The same scope as fct_support_tickets: events after as_of have not happened yet. -#}
    select
        tickets.ticket_id,
        account_versions.region,
        tickets.created_at,
        case when tickets.first_response_at <= build_as_of.as_of_at then tickets.first_response_at end
            as first_response_at,
        case when tickets.solved_at <= build_as_of.as_of_at then tickets.solved_at end as solved_at,
        build_as_of.as_of_at
    from tickets
    cross join build_as_of
    left join account_versions
        on tickets.account_id = account_versions.account_id
            and {{ in_effect_at('account_versions', 'tickets.created_at') }}
    where {{ not_after_as_of('tickets.created_at') }}
),

local_days as (
    {#- The local calendar days the tickets can touch, a day either side for the time zones. -#}
    select days.date_day
    from days
    cross join build_as_of
    where
        days.date_day >= (select {{ dbt.dateadd('day', -1, 'cast(min(created_at) as date)') }} from tickets_in_scope)
        and days.date_day <= {{ dbt.dateadd('day', 1, 'cast(build_as_of.as_of_at as date)') }}
),

working_intervals as (
    {%- set local_midnight = 'cast(local_days.date_day as ' ~ dbt.type_timestamp() ~ ')' %}
    select
        schedules.region,
        local_days.date_day as local_date,
        {{ local_to_utc(dbt.dateadd('minute', 'schedules.open_minute', local_midnight), 'schedules.time_zone') }}
            as opens_at,
        {{ local_to_utc(dbt.dateadd('minute', 'schedules.close_minute', local_midnight), 'schedules.time_zone') }}
            as closes_at
    from local_days
    inner join schedules
        on {{ iso_day_of_week('local_days.date_day') }} = schedules.iso_day_of_week
    left join holidays
        on schedules.holiday_country = holidays.holiday_country
            and local_days.date_day = holidays.holiday_date
    where holidays.holiday_date is null
),

tickets_with_ends as (
    {#- measured_until: the latest instant either measure needs (as_of while either is open). -#}
    select
        ticket_id,
        region,
        created_at,
        first_response_at,
        solved_at,
        coalesce(first_response_at, as_of_at) as first_response_until,
        coalesce(solved_at, as_of_at) as resolution_until,
        case
            when first_response_at is null or solved_at is null then as_of_at
            when solved_at > first_response_at then solved_at
            else first_response_at
        end as measured_until
    from tickets_in_scope
),

ticket_interval_overlaps as (
    select
        {%- for measure in ['first_response', 'resolution'] %}
            {%- set until = 'tickets_with_ends.' ~ measure ~ '_until' %}
            case
                when {{ until }} > working_intervals.opens_at and tickets_with_ends.created_at < working_intervals.closes_at
                    then {{ dbt.datediff(
                        'case when tickets_with_ends.created_at > working_intervals.opens_at then tickets_with_ends.created_at else working_intervals.opens_at end',
                        'case when ' ~ until ~ ' < working_intervals.closes_at then ' ~ until ~ ' else working_intervals.closes_at end',
                        'minute'
                    ) }}
                else 0
            end as {{ measure }}_overlap_minutes,
        {%- endfor %}
        tickets_with_ends.ticket_id
    from tickets_with_ends
    inner join working_intervals
        on tickets_with_ends.region = working_intervals.region
            and tickets_with_ends.measured_until > working_intervals.opens_at
            and tickets_with_ends.created_at < working_intervals.closes_at
),

overlap_totals as (
    select
        ticket_id,
        sum(first_response_overlap_minutes) as first_response_overlap_minutes,
        sum(resolution_overlap_minutes) as resolution_overlap_minutes
    from ticket_interval_overlaps
    group by ticket_id
),

schedule_regions as (
    select distinct region from schedules
),

ticket_business_minutes as (
    {#- *_elapsed: to the event, or to as_of while it has not happened (what an SLA breach reads);
        the plain measure is null until the event. Every business measure is null when the
        region has no schedule. -#}
    select
        tickets_with_ends.ticket_id,
        schedule_regions.region as schedule_region,
        {%- for measure, event in [('first_response', 'first_response_at'), ('resolution', 'solved_at')] %}
            case
                when schedule_regions.region is not null
                    then cast(coalesce(overlap_totals.{{ measure }}_overlap_minutes, 0) as {{ dbt.type_bigint() }})
            end as {{ measure }}_business_minutes_elapsed,
            case
                when schedule_regions.region is not null and tickets_with_ends.{{ event }} is not null
                    then cast(coalesce(overlap_totals.{{ measure }}_overlap_minutes, 0) as {{ dbt.type_bigint() }})
            end as {{ measure }}_business_minutes,
        {%- endfor %}
        schedule_regions.region is not null as has_business_schedule
    from tickets_with_ends
    left join overlap_totals on tickets_with_ends.ticket_id = overlap_totals.ticket_id
    left join schedule_regions on tickets_with_ends.region = schedule_regions.region
)

select * from ticket_business_minutes
