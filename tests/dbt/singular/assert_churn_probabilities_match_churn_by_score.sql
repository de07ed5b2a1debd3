{#- The probabilities finance reads are the category rows of mart_churn_by_score, smoothed: the
    counts behind each probability equal that category's row. Returns a row where they differ. -#}
with

probabilities as (
    select * from {{ ref('mart_churn_probabilities') }}
    where nps_category <> 'unsurveyed'
),

categories as (
    select * from {{ ref('mart_churn_by_score') }}
    where group_type = 'category'
),

mismatches as (
    select probabilities.nps_category
    from probabilities
    left join categories on probabilities.nps_category = categories.nps_category
    where categories.nps_category is null
        or probabilities.responses_eligible_90d <> categories.responses_eligible_90d
        or probabilities.churned_within_90d <> categories.churned_within_90d
        or probabilities.responses_eligible_180d <> categories.responses_eligible_180d
        or probabilities.churned_within_180d <> categories.churned_within_180d
        or probabilities.responses_eligible_365d <> categories.responses_eligible_365d
        or probabilities.churned_within_365d <> categories.churned_within_365d
)

select * from mismatches
