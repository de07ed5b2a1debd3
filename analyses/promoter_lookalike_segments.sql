{#- Who are our promoters, so marketing can find more like them? The attribute values whose
    promoter share lies wholly above the base rate of relationship surveys, by lift. -#}
with

profile as (
    select * from {{ ref('mart_promoter_profile') }}
    where survey_type = 'relationship' and is_above_base
),

lookalikes as (
    select
        attribute_name,
        attribute_value,
        respondents,
        round(promoter_share, 3) as promoter_share,
        round(promoter_share_low_95, 3) as promoter_share_low_95,
        round(base_promoter_share, 3) as base_promoter_share,
        round(promoter_lift, 2) as promoter_lift
    from profile
)

select * from lookalikes
order by promoter_lift desc
