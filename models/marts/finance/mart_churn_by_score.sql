{#- Churn after a response, by the score given and by category, as of the build date. -#}
{%- set horizons = var('churn_horizons_days') -%}
{#- The same measures for a score and for a category (a median cannot be rolled up from scores). -#}
{%- set churn_measures -%}
    {%- for h in horizons %}
        {{ count_where('is_eligible_' ~ h ~ 'd') }} as responses_eligible_{{ h }}d,
        {{ count_where('is_churned_within_' ~ h ~ 'd') }} as churned_within_{{ h }}d,
    {%- endfor %}
        cast(count(*) as {{ dbt.type_bigint() }}) as responses,
        {{ count_where('days_to_churn is not null') }} as churned_by_as_of,
        {{ percentile_cont_value('days_to_churn', 0.5) }} as median_days_to_churn
{%- endset -%}
with

outcomes as (
    select outcomes.*
    from {{ ref('int_response_churn_outcomes') }} as outcomes
    inner join {{ ref('int_forecast_as_of_dates') }} as forecast_dates
        on outcomes.as_of_at = forecast_dates.as_of_at
    where forecast_dates.is_build_as_of
),

by_score as (
    select
        cast(score as {{ dbt.type_string() }}) as score_group,
        'score' as group_type,
        score,
        nps_category,
        {{ churn_measures }}
    from outcomes
    group by score, nps_category
),

by_category as (
    select
        nps_category as score_group,
        'category' as group_type,
        cast(null as {{ dbt.type_bigint() }}) as score,
        nps_category,
        {{ churn_measures }}
    from outcomes
    group by nps_category
),

score_grid as (
    {#- Every score 0–10 and every category gets its row, with zero counts when nobody gave it. -#}
    {%- for value in range(11) %}
        select {{ value }} as score
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
),

group_grid as (
    select
        cast(score as {{ dbt.type_string() }}) as score_group,
        'score' as group_type,
        score,
        {{ nps_category('score') }} as nps_category
    from score_grid
    union all
    select distinct
        {{ nps_category('score') }} as score_group,
        'category' as group_type,
        cast(null as {{ dbt.type_bigint() }}) as score,
        {{ nps_category('score') }} as nps_category
    from score_grid
),

counted as (
    select * from by_score
    union all
    select * from by_category
),

groups as (
    select
        group_grid.score_group,
        group_grid.group_type,
        group_grid.score,
        group_grid.nps_category,
        {%- for h in horizons %}
            coalesce(counted.responses_eligible_{{ h }}d, 0) as responses_eligible_{{ h }}d,
            coalesce(counted.churned_within_{{ h }}d, 0) as churned_within_{{ h }}d,
        {%- endfor %}
        coalesce(counted.responses, 0) as responses,
        coalesce(counted.churned_by_as_of, 0) as churned_by_as_of,
        counted.median_days_to_churn
    from group_grid
    left join counted
        on
            group_grid.group_type = counted.group_type
            and group_grid.score_group = counted.score_group
),

rated as (
    select
        score_group,
        group_type,
        cast(score as {{ dbt.type_bigint() }}) as score,
        nps_category,
        responses,
        {%- for h in horizons %}
            responses_eligible_{{ h }}d,
            churned_within_{{ h }}d,
            case
                when responses_eligible_{{ h }}d > 0
                    then cast(churned_within_{{ h }}d as {{ type_double() }}) / responses_eligible_{{ h }}d
            end as churn_rate_{{ h }}d,
        {%- endfor %}
        churned_by_as_of,
        median_days_to_churn
    from groups
)

select * from rated
