{#- Promoter lookalikes: for every account and contact attribute value, the share of promoters
    among the contacts who answered in the promoter_profile_window_days to as_of (each contact
    once, by their latest response) against the base rate of the survey type, with a Wilson 95%
    interval and the lift. -#}
{%- set attributes = {
    'region': 'region',
    'country': "coalesce(country, 'unknown')",
    'plan': 'plan',
    'industry': 'industry',
    'employee_count_band': "coalesce(" ~ integer_band_label('employee_count', var('employee_count_bands')) ~ ", 'unknown')",
    'arr_usd_band': "coalesce(" ~ integer_band_label('cast(floor(arr_usd) as ' ~ dbt.type_bigint() ~ ')', var('arr_usd_bands')) ~ ", 'unknown')",
    'respondent_role': 'respondent_role',
} -%}
with

responses as (
    select
        response_id,
        contact_id,
        survey_type,
        respondent_role,
        region,
        country,
        plan,
        industry,
        employee_count,
        arr_usd,
        nps_category,
        responded_at
    from {{ ref('fct_nps_responses') }}
),

build_as_of as (
    select as_of_at from {{ ref('int_build_as_of') }}
),

responses_ranked as (
    select
        responses.*,
        row_number() over (
            partition by responses.contact_id, responses.survey_type
            order by responses.responded_at desc, responses.response_id desc
        ) as rank_in_survey_type,
        row_number() over (
            partition by responses.contact_id
            order by responses.responded_at desc, responses.response_id desc
        ) as rank_in_all
    from responses
    cross join build_as_of
    where responses.responded_at > {{ dbt.dateadd('day', -1 * var('promoter_profile_window_days'), 'build_as_of.as_of_at') }}
),

respondents as (
    {#- Each contact once per survey type, and once in 'all' (their latest response of any type). -#}
    select
        survey_type,
        contact_id,
        respondent_role,
        region,
        country,
        plan,
        industry,
        employee_count,
        arr_usd,
        nps_category
    from responses_ranked
    where rank_in_survey_type = 1
    union all
    select
        'all' as survey_type,
        contact_id,
        respondent_role,
        region,
        country,
        plan,
        industry,
        employee_count,
        arr_usd,
        nps_category
    from responses_ranked
    where rank_in_all = 1
),

attribute_values as (
    {%- for attribute_name, expression in attributes.items() %}
        select
            survey_type,
            '{{ attribute_name }}' as attribute_name,
            {{ expression }} as attribute_value,
            case when nps_category = 'promoter' then 1 else 0 end as is_promoter
        from respondents
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
),

base as (
    select
        survey_type,
        cast(count(*) as {{ dbt.type_bigint() }}) as base_respondents,
        cast(sum(case when nps_category = 'promoter' then 1 else 0 end) as {{ dbt.type_bigint() }})
            as base_promoters
    from respondents
    group by survey_type
),

by_value as (
    select
        survey_type,
        attribute_name,
        attribute_value,
        cast(count(*) as {{ dbt.type_bigint() }}) as respondents,
        cast(sum(is_promoter) as {{ dbt.type_bigint() }}) as promoters
    from attribute_values
    group by survey_type, attribute_name, attribute_value
),

compared as (
    select
        by_value.survey_type,
        by_value.attribute_name,
        by_value.attribute_value,
        by_value.respondents,
        by_value.promoters,
        cast(by_value.promoters as {{ type_double() }}) / by_value.respondents as promoter_share,
        {{ wilson_interval_low('by_value.promoters', 'by_value.respondents') }} as promoter_share_low_95,
        {{ wilson_interval_high('by_value.promoters', 'by_value.respondents') }} as promoter_share_high_95,
        base.base_respondents,
        base.base_promoters,
        cast(base.base_promoters as {{ type_double() }}) / base.base_respondents as base_promoter_share
    from by_value
    inner join base on by_value.survey_type = base.survey_type
),

profiled as (
    {#- Lift is null when the base has no promoter. Above (below) base: the whole interval lies
        above (below) the base rate. -#}
    select
        survey_type,
        attribute_name,
        attribute_value,
        respondents,
        promoters,
        promoter_share,
        promoter_share_low_95,
        promoter_share_high_95,
        base_respondents,
        base_promoters,
        base_promoter_share,
        case when base_promoters > 0 then promoter_share / base_promoter_share end as promoter_lift,
        promoter_share_low_95 > base_promoter_share as is_above_base,
        promoter_share_high_95 < base_promoter_share as is_below_base
    from compared
)

select * from profiled
