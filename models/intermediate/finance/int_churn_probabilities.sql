{#- Churn probability by current category for each forecast date: the category's responses with a
    complete horizon before the date, smoothed with the Beta prior of the churn_rate_priors seed.
    'unsurveyed' has no responses, so its probability is the prior mean. -#}
{%- set horizons = var('churn_horizons_days') -%}
with

outcomes as (
    select * from {{ ref('int_response_churn_outcomes') }}
),

forecast_dates as (
    select as_of_at from {{ ref('int_forecast_as_of_dates') }}
),

priors as (
    select * from {{ ref('churn_rate_priors') }}
),

categories as (
    select 'detractor' as nps_category
    union all
    select 'passive'
    union all
    select 'promoter'
    union all
    select 'unsurveyed'
),

counts as (
    select
        as_of_at,
        nps_category,
        {%- for h in horizons %}
            {{ count_where('is_eligible_' ~ h ~ 'd') }} as responses_eligible_{{ h }}d,
            {{ count_where('is_churned_within_' ~ h ~ 'd') }} as churned_within_{{ h }}d{% if not loop.last %},{% endif %}
        {%- endfor %}
    from outcomes
    group by as_of_at, nps_category
),

date_categories as (
    select
        forecast_dates.as_of_at,
        categories.nps_category,
        {%- for h in horizons %}
            coalesce(counts.responses_eligible_{{ h }}d, 0) as responses_eligible_{{ h }}d,
            coalesce(counts.churned_within_{{ h }}d, 0) as churned_within_{{ h }}d{% if not loop.last %},{% endif %}
        {%- endfor %}
    from forecast_dates
    cross join categories
    left join counts
        on forecast_dates.as_of_at = counts.as_of_at
            and categories.nps_category = counts.nps_category
),

smoothed as (
    select
        date_categories.as_of_at,
        date_categories.nps_category,
        {%- for h in horizons %}
            date_categories.responses_eligible_{{ h }}d,
            date_categories.churned_within_{{ h }}d,
            prior_{{ h }}.prior_alpha as prior_alpha_{{ h }}d,
            prior_{{ h }}.prior_beta as prior_beta_{{ h }}d,
        {{ beta_smoothed_rate(
            'date_categories.churned_within_' ~ h ~ 'd',
            'date_categories.responses_eligible_' ~ h ~ 'd',
            'prior_' ~ h ~ '.prior_alpha',
            'prior_' ~ h ~ '.prior_beta'
        ) }} as churn_probability_{{ h }}d,
            date_categories.responses_eligible_{{ h }}d = 0 as is_prior_only_{{ h }}d{% if not loop.last %},{% endif %}
        {%- endfor %}
    from date_categories
    {%- for h in horizons %}
        inner join priors as prior_{{ h }} on prior_{{ h }}.horizon_days = {{ h }}
    {%- endfor %}
)

select * from smoothed
