with

responses as (
    select
        response_id,
        survey_type,
        nps_category,
        has_comment,
        response_month as month
    from {{ ref('fct_nps_responses') }}
),

response_themes as (
    select * from {{ ref('int_response_themes') }}
),

themes as (
    select distinct theme from {{ ref('theme_keywords') }}
),

month_totals as (
    select
        month,
        survey_type,
        cast(count(*) as {{ dbt.type_bigint() }}) as responses,
        {{ count_where('has_comment') }} as comments,
        {{ count_where("nps_category = 'promoter'") }} as promoters,
        {{ count_where("nps_category = 'detractor'") }} as detractors
    from responses
    group by month, survey_type
),

theme_counts as (
    select
        responses.month,
        responses.survey_type,
        response_themes.theme,
        cast(count(*) as {{ dbt.type_bigint() }}) as mentions,
        {{ count_where('response_themes.is_tagged') }} as tagged_mentions,
        {{ count_where('response_themes.is_keyword_match') }} as keyword_mentions,
        {{ count_where("responses.nps_category = 'promoter'") }} as mentioning_promoters,
        {{ count_where("responses.nps_category = 'detractor'") }} as mentioning_detractors
    from response_themes
    inner join responses on response_themes.response_id = responses.response_id
    group by responses.month, responses.survey_type, response_themes.theme
),

grid as (
    {#- Every theme in every month and survey type with responses, so a month without mentions
        shows 0 and the change from the previous month compares adjacent months. -#}
    select
        month_totals.month,
        month_totals.survey_type,
        themes.theme,
        month_totals.responses,
        month_totals.comments,
        coalesce(theme_counts.mentions, 0) as mentions,
        coalesce(theme_counts.tagged_mentions, 0) as tagged_mentions,
        coalesce(theme_counts.keyword_mentions, 0) as keyword_mentions,
        coalesce(theme_counts.mentioning_promoters, 0) as mentioning_promoters,
        coalesce(theme_counts.mentioning_detractors, 0) as mentioning_detractors,
        month_totals.promoters - coalesce(theme_counts.mentioning_promoters, 0) as other_promoters,
        month_totals.detractors - coalesce(theme_counts.mentioning_detractors, 0) as other_detractors,
        month_totals.responses - coalesce(theme_counts.mentions, 0) as other_responses
    from month_totals
    cross join themes
    left join theme_counts
        on month_totals.month = theme_counts.month
            and month_totals.survey_type = theme_counts.survey_type
            and themes.theme = theme_counts.theme
),

scored as (
    select
        month,
        survey_type,
        theme,
        responses,
        comments,
        mentions,
        tagged_mentions,
        keyword_mentions,
        case when comments > 0 then 1.0 * mentions / comments end as mention_share,
        {{ nps('mentioning_promoters', 'mentioning_detractors', 'mentions') }} as mentioning_nps,
        {{ nps_moe_95('mentioning_promoters', 'mentioning_detractors', 'mentions') }} as mentioning_nps_moe_95,
        {{ nps('other_promoters', 'other_detractors', 'other_responses') }} as other_nps,
        {{ nps_moe_95('other_promoters', 'other_detractors', 'other_responses') }} as other_nps_moe_95
    from grid
),

with_previous as (
    select
        *,
        mentioning_nps - other_nps as mentioning_nps_gap,
        mentions - lag(mentions) over (partition by survey_type, theme order by month) as mentions_change,
        mention_share - lag(mention_share) over (partition by survey_type, theme order by month)
            as mention_share_change,
        mentioning_nps - lag(mentioning_nps) over (partition by survey_type, theme order by month)
            as mentioning_nps_change
    from scored
)

select * from with_previous
