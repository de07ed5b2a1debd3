{#- Themes by month. Mention counts cover every response; NPS among mentioning responses and among
    the rest is given per survey type (relationship and transactional are never mixed in one NPS). -#}
{%- set survey_types = ['relationship', 'transactional'] -%}
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
        {% for survey_type in survey_types -%}
            {{ count_where("survey_type = '" ~ survey_type ~ "'") }} as {{ survey_type }}_responses,
            {{ count_where("survey_type = '" ~ survey_type ~ "' and nps_category = 'promoter'") }}
                as {{ survey_type }}_promoters,
            {{ count_where("survey_type = '" ~ survey_type ~ "' and nps_category = 'detractor'") }}
                as {{ survey_type }}_detractors,
        {% endfor -%}
        cast(count(*) as {{ dbt.type_bigint() }}) as responses,
        {{ count_where('has_comment') }} as comments
    from responses
    group by month
),

theme_counts as (
    select
        responses.month,
        response_themes.theme,
        {% for survey_type in survey_types -%}
            {{ count_where("responses.survey_type = '" ~ survey_type ~ "'") }} as {{ survey_type }}_mentions,
            {{ count_where("responses.survey_type = '" ~ survey_type ~ "' and responses.nps_category = 'promoter'") }}
                as {{ survey_type }}_mentioning_promoters,
            {{ count_where("responses.survey_type = '" ~ survey_type ~ "' and responses.nps_category = 'detractor'") }}
                as {{ survey_type }}_mentioning_detractors,
        {% endfor -%}
        cast(count(*) as {{ dbt.type_bigint() }}) as mentions,
        {{ count_where('response_themes.is_tagged') }} as tagged_mentions,
        {{ count_where('response_themes.is_keyword_match') }} as keyword_mentions
    from response_themes
    inner join responses on response_themes.response_id = responses.response_id
    group by responses.month, response_themes.theme
),

grid as (
    {#- Every theme in every month with responses, so a month without mentions shows 0 and the
        change from the previous month compares adjacent months. -#}
    select
        month_totals.month,
        themes.theme,
        {% for survey_type in survey_types -%}
            coalesce(theme_counts.{{ survey_type }}_mentions, 0) as {{ survey_type }}_mentions,
            coalesce(theme_counts.{{ survey_type }}_mentioning_promoters, 0) as {{ survey_type }}_mentioning_promoters,
            coalesce(theme_counts.{{ survey_type }}_mentioning_detractors, 0) as {{ survey_type }}_mentioning_detractors,
            month_totals.{{ survey_type }}_responses - coalesce(theme_counts.{{ survey_type }}_mentions, 0)
                as {{ survey_type }}_other_responses,
            month_totals.{{ survey_type }}_promoters - coalesce(theme_counts.{{ survey_type }}_mentioning_promoters, 0)
                as {{ survey_type }}_other_promoters,
            month_totals.{{ survey_type }}_detractors - coalesce(theme_counts.{{ survey_type }}_mentioning_detractors, 0)
                as {{ survey_type }}_other_detractors,
        {% endfor -%}
        month_totals.responses,
        month_totals.comments,
        coalesce(theme_counts.mentions, 0) as mentions,
        coalesce(theme_counts.tagged_mentions, 0) as tagged_mentions,
        coalesce(theme_counts.keyword_mentions, 0) as keyword_mentions
    from month_totals
    cross join themes
    left join theme_counts
        on
            month_totals.month = theme_counts.month
            and themes.theme = theme_counts.theme
),

scored as (
    select
        month,
        theme,
        responses,
        comments,
        mentions,
        tagged_mentions,
        keyword_mentions,
        {% for survey_type in survey_types -%}
            {%- set mentioning = [
                survey_type ~ '_mentioning_promoters',
                survey_type ~ '_mentioning_detractors',
                survey_type ~ '_mentions',
            ] -%}
            {%- set other = [
                survey_type ~ '_other_promoters', survey_type ~ '_other_detractors', survey_type ~ '_other_responses'
            ] -%}
            {{ survey_type }}_mentions,
            {{ survey_type }}_mentioning_promoters,
            {{ survey_type }}_mentioning_detractors,
            {{ nps(*mentioning) }}
                as {{ survey_type }}_mentioning_nps,
            {{ nps_moe_95(*mentioning) }}
                as {{ survey_type }}_mentioning_nps_moe_95,
            {{ nps(*other) }}
                as {{ survey_type }}_other_nps,
            {{ nps_moe_95(*other) }}
                as {{ survey_type }}_other_nps_moe_95,
        {% endfor -%}
        case when comments > 0 then cast(mentions as {{ type_double() }}) / comments end as mention_share
    from grid
),

with_previous as (
    select
        *,
        {% for survey_type in survey_types -%}
            {{ survey_type }}_mentioning_nps - {{ survey_type }}_other_nps as {{ survey_type }}_mentioning_nps_gap,
            {{ survey_type }}_mentioning_nps - lag({{ survey_type }}_mentioning_nps) over (partition by theme order by month)
                as {{ survey_type }}_mentioning_nps_change,
        {% endfor -%}
        mentions - lag(mentions) over (partition by theme order by month) as mentions_change,
        mention_share - lag(mention_share) over (partition by theme order by month) as mention_share_change
    from scored
)

select * from with_previous
