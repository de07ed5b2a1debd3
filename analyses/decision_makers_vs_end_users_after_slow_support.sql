{#- Do decision makers feel slow resolution more than end users? Relationship NPS by role and
    resolution bucket (the account's tickets in the 90 days before each response). -#}
with

responses as (
    select * from {{ ref('mart_sentiment_vs_resolution') }}
    where survey_type = 'relationship'
),

by_role_and_bucket as (
    select
        respondent_role,
        resolution_bucket,
        count(*) as responses,
        {{ count_where("nps_category = 'promoter'") }} as promoters,
        {{ count_where("nps_category = 'detractor'") }} as detractors
    from responses
    group by respondent_role, resolution_bucket
),

scored as (
    select
        respondent_role,
        resolution_bucket,
        responses,
        round({{ nps('promoters', 'detractors', 'responses') }}, 1) as nps,
        round({{ nps_moe_95('promoters', 'detractors', 'responses') }}, 1) as nps_moe_95,
        {{ resolution_bucket_order('resolution_bucket') }} as bucket_order
    from by_role_and_bucket
)

select * from scored
order by respondent_role, bucket_order
