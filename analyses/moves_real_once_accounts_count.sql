{#- Leadership: which month-on-month moves stay significant once respondents of one account are
    not counted as independent (the clustered test), beside the simple test. -#}
with

changes as (
    select * from {{ ref('mart_nps_change') }}
    where period_type = 'month' and significant_95
),

compared as (
    select
        period_start,
        segment_type,
        segment_value,
        responses,
        effective_responses,
        nps,
        nps_change,
        z,
        z_clustered,
        significant_95_clustered
    from changes
)

select * from compared
order by period_start desc, segment_type asc, segment_value asc
