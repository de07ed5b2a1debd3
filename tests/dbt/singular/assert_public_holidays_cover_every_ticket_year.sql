{{ config(severity='warn') }}
{#- Business minutes count a holiday missing from the public_holidays seed as a working day. Warns
    for every schedule country and calendar year that tickets are measured in (from their creation
    to as_of) without a single holiday listed: extend the seed. Returns the uncovered years. -#}
with

schedules as (
    select distinct
        region,
        holiday_country
    from {{ ref('business_schedules') }}
),

holiday_years as (
    select distinct
        holiday_country,
        cast({{ dbt.date_trunc('year', 'holiday_date') }} as date) as holiday_year
    from {{ ref('public_holidays') }}
),

tickets as (
    select
        schedule_region,
        created_at
    from {{ ref('fct_support_tickets') }}
    where schedule_region is not null
),

build_as_of as (
    select as_of_at from {{ ref('int_build_as_of') }}
),

measured_years as (
    select distinct
        schedule_region as region,
        cast({{ dbt.date_trunc('year', 'created_at') }} as date) as measured_year
    from tickets
    union
    select distinct
        tickets.schedule_region as region,
        cast({{ dbt.date_trunc('year', 'build_as_of.as_of_at') }} as date) as measured_year
    from tickets
    cross join build_as_of
),

uncovered as (
    select
        schedules.region,
        schedules.holiday_country,
        measured_years.measured_year
    from measured_years
    inner join schedules on measured_years.region = schedules.region
    left join holiday_years
        on schedules.holiday_country = holiday_years.holiday_country
            and measured_years.measured_year = holiday_years.holiday_year
    where holiday_years.holiday_year is null
)

select * from uncovered
