{#- Does slow resolution drive detractors, while the help desk reports good SLA attainment? NPS by
    resolution bucket beside the internal SLA attainment of the same accounts and months. -#}
with

buckets as (
    select * from {{ ref('mart_nps_by_resolution_bucket') }}
),

perception_gap as (
    select
        survey_type,
        breakdown,
        breakdown_value,
        responses,
        round(nps, 1) as nps,
        round(nps_moe_95, 1) as nps_moe_95,
        round(100 * internal_sla_attainment, 1) as internal_sla_attainment_pct,
        breakdown_order
    from buckets
)

select * from perception_gap
order by survey_type, breakdown, breakdown_order
