{#- For each forecast date D and each response before it: did the account churn within 90, 180
    and 365 days of the response, counted only when the whole horizon lies before D
    (right-censoring) and only for responses from accounts that had not churned yet. Nothing
    after D is read: a churn inside a complete horizon is before D by construction, and
    days_to_churn is kept only for churns up to D. -#}
{%- set horizons = var('churn_horizons_days') -%}
with

responses as (
    select
        response_id,
        account_id,
        score,
        nps_category,
        responded_at
    from {{ ref('fct_nps_responses') }}
    where not is_after_account_churn
),

accounts as (
    select
        account_id,
        churned_at
    from {{ ref('stg_crm__accounts') }}
),

forecast_dates as (
    select
        as_of_at,
        is_build_as_of
    from {{ ref('int_forecast_as_of_dates') }}
),

outcomes as (
    select
        forecast_dates.as_of_at,
        forecast_dates.is_build_as_of,
        responses.response_id,
        responses.account_id,
        responses.score,
        responses.nps_category,
        case
            when accounts.churned_at <= forecast_dates.as_of_at
                then {{ dbt.datediff('responses.responded_at', 'accounts.churned_at', 'day') }}
        end as days_to_churn,
        {%- for h in horizons %}
            {{ dbt.dateadd('day', h, 'responses.responded_at') }} <= forecast_dates.as_of_at as is_eligible_{{ h }}d,
            coalesce(
                {{ dbt.dateadd('day', h, 'responses.responded_at') }} <= forecast_dates.as_of_at
                and accounts.churned_at <= {{ dbt.dateadd('day', h, 'responses.responded_at') }},
                false
            ) as is_churned_within_{{ h }}d,
        {%- endfor %}
        responses.responded_at
    from forecast_dates
    inner join responses on forecast_dates.as_of_at >= responses.responded_at
    inner join accounts on responses.account_id = accounts.account_id
)

select * from outcomes
