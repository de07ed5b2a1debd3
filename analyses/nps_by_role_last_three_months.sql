{#- Question: how do decision makers and end users rate us over the last three full months of
    relationship surveys, and is the gap larger than the margin of error? Sums the additive counts
    of mart_nps_monthly, then recomputes NPS with the one macro. -#}
with

monthly as (
    select * from {{ ref('mart_nps_monthly') }}
),

build_as_of as (
    select as_of_at from {{ ref('int_build_as_of') }}
),

last_three_months as (
    select
        monthly.respondent_role,
        sum(monthly.responses) as responses,
        sum(monthly.promoters) as promoters,
        sum(monthly.detractors) as detractors
    from monthly
    cross join build_as_of
    where
        monthly.survey_type = 'relationship'
        and monthly.month >= cast({{ dbt.dateadd('month', -3, dbt.date_trunc('month', 'build_as_of.as_of_at')) }} as date)
        and monthly.month < cast({{ dbt.date_trunc('month', 'build_as_of.as_of_at') }} as date)
    group by monthly.respondent_role
),

scored as (
    select
        respondent_role,
        responses,
        {{ nps('promoters', 'detractors', 'responses') }} as nps,
        {{ nps_moe_95('promoters', 'detractors', 'responses') }} as nps_moe_95
    from last_three_months
)

select * from scored
order by respondent_role
