{#- Customer success and product: the three drivers that drag each survey type's NPS down most,
    with the gap's 95% interval. Associations, not causes (docs/insight.md). -#}
with

drivers as (
    select * from {{ ref('mart_nps_drivers') }}
),

top_drags as (
    select
        survey_type,
        fix_first_rank,
        driver_type,
        driver,
        share_affected,
        nps_with,
        nps_without,
        nps_gap,
        nps_gap_low_95,
        nps_gap_high_95,
        points_at_stake,
        is_gap_beyond_moe
    from drivers
    where fix_first_rank <= 3
)

select * from top_drags
order by survey_type, fix_first_rank
