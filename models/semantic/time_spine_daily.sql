{#- MetricFlow's daily time spine: one row per calendar day from the time_spine_start var
    (included) to time_spine_end (excluded), generated with dbt's cross-database date_spine, so
    no engine-only function is needed. -#}
with

days as (
    {{ dbt.date_spine(
        'day',
        "cast('" ~ var('time_spine_start') ~ "' as date)",
        "cast('" ~ var('time_spine_end') ~ "' as date)"
    ) }}
),

spine as (
    select cast(date_day as date) as date_day from days
)

select * from spine
