{#- Churn after a response, by the score given and by category, as of the build date. -#}
{%- set horizons = [90, 180, 365] -%}
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
        {%- for h in horizons %}
            {{ count_where('is_eligible_' ~ h ~ 'd') }} as responses_eligible_{{ h }}d,
            {{ count_where('is_churned_within_' ~ h ~ 'd') }} as churned_within_{{ h }}d,
        {%- endfor %}
        cast(count(*) as {{ dbt.type_bigint() }}) as responses,
        {{ count_where('days_to_churn is not null') }} as churned_by_as_of,
        {{ percentile_cont_value('days_to_churn', 0.5) }} as median_days_to_churn
    from outcomes
    group by score, nps_category
),

by_category as (
    select
        nps_category as score_group,
        'category' as group_type,
        cast(null as {{ dbt.type_bigint() }}) as score,
        nps_category,
        {%- for h in horizons %}
            {{ count_where('is_eligible_' ~ h ~ 'd') }} as responses_eligible_{{ h }}d,
            {{ count_where('is_churned_within_' ~ h ~ 'd') }} as churned_within_{{ h }}d,
        {%- endfor %}
        cast(count(*) as {{ dbt.type_bigint() }}) as responses,
        {{ count_where('days_to_churn is not null') }} as churned_by_as_of,
        {{ percentile_cont_value('days_to_churn', 0.5) }} as median_days_to_churn
    from outcomes
    group by nps_category
),

groups as (
    select * from by_score
    union all
    select * from by_category
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
                    then 1.0 * churned_within_{{ h }}d / responses_eligible_{{ h }}d
            end as churn_rate_{{ h }}d,
        {%- endfor %}
        churned_by_as_of,
        median_days_to_churn
    from groups
)

select * from rated
