{{ config(severity='warn') }}
{#- Volume (warn): each of the last `volume_check_days` days before as_of whose new responses
    fall outside ± `volume_band` (a share) of the trailing `volume_trailing_days`-day average.
    Returns the offending days with their count and the average. -#}
with

build_as_of as (
    select as_of_at from {{ ref('int_build_as_of') }}
),

responses as (
    select {{ dbt.date_trunc('day', 'responded_at') }} as response_day
    from {{ ref('fct_nps_responses') }}
),

days as (
    select
        response_day,
        count(*) as responses
    from responses
    group by response_day
),

with_trailing as (
    select
        days.response_day,
        days.responses,
        avg(days.responses) over (
            order by days.response_day
            rows between {{ var('volume_trailing_days') }} preceding and 1 preceding
        ) as trailing_average
    from days
),

outside_band as (
    select
        with_trailing.response_day,
        with_trailing.responses,
        with_trailing.trailing_average
    from with_trailing
    cross join build_as_of
    where
        with_trailing.response_day
        > {{ dbt.dateadd('day', -var('volume_check_days'), 'build_as_of.as_of_at') }}
        and (
            with_trailing.responses < with_trailing.trailing_average * (1 - {{ var('volume_band') }})
            or with_trailing.responses > with_trailing.trailing_average * (1 + {{ var('volume_band') }})
        )
)

select * from outside_band
