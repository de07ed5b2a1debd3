{#- The dates the revenue forecast is made as of: the build's as_of, and each earlier quarter end
    (23:59:59 of its last day) that has at least the shortest horizon (90 days) of history after
    it, for the backtest. -#}
with

responses as (
    select responded_at from {{ ref('fct_nps_responses') }}
),

build_as_of as (
    select as_of_at from {{ ref('int_build_as_of') }}
),

quarters as (
    select distinct cast({{ dbt.date_trunc('quarter', 'responded_at') }} as {{ dbt.type_timestamp() }}) as quarter_start_at
    from responses
),

quarter_ends as (
    select
        {{ dbt.dateadd('second', -1, dbt.dateadd('month', 3, 'quarters.quarter_start_at')) }} as as_of_at,
        false as is_build_as_of
    from quarters
),

backtest_dates as (
    select
        quarter_ends.as_of_at,
        quarter_ends.is_build_as_of
    from quarter_ends
    cross join build_as_of
    where {{ dbt.dateadd('day', var('churn_horizons_days') | min, 'quarter_ends.as_of_at') }} <= build_as_of.as_of_at
),

forecast_dates as (
    select
        as_of_at,
        true as is_build_as_of
    from build_as_of
    union all
    select
        as_of_at,
        is_build_as_of
    from backtest_dates
)

select * from forecast_dates
