{#- Both forecasts re-run as of each earlier quarter end D (int_account_forecasts reads nothing
    after D), set beside the ARR (at D) of the accounts that really churned within the horizon. -#}
{%- set horizons = var('churn_horizons_days') -%}
with

forecasts as (
    select * from {{ ref('int_account_forecasts') }}
    where not is_build_as_of
),

accounts as (
    select
        account_id,
        churned_at
    from {{ ref('stg_crm__accounts') }}
),

build_as_of as (
    select as_of_at as build_as_of_at from {{ ref('int_build_as_of') }}
),

probabilities as (
    select * from {{ ref('int_churn_probabilities') }}
),

{%- for h in horizons %}

    horizon_{{ h }} as (
        select
            forecasts.as_of_at,
            {{ h }} as horizon_days,
            forecasts.account_id,
            forecasts.arr_usd,
            forecasts.expected_arr_at_risk_{{ h }}d as calibrated_predicted_lost_arr,
            forecasts.flat_rule_arr_at_risk_{{ h }}d as flat_rule_predicted_lost_arr,
            coalesce(
                accounts.churned_at <= {{ dbt.dateadd('day', h, 'forecasts.as_of_at') }},
                false
            ) as is_churned_within_horizon
        from forecasts
        cross join build_as_of
        inner join accounts on forecasts.account_id = accounts.account_id
        where {{ dbt.dateadd('day', h, 'forecasts.as_of_at') }} <= build_as_of.build_as_of_at
    ),
{%- endfor %}

account_horizons as (
    {%- for h in horizons %}
        select * from horizon_{{ h }}
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
),

evidence as (
    select
        as_of_at,
        {%- for h in horizons %}
            sum(responses_eligible_{{ h }}d) as responses_eligible_{{ h }}d,
            {{ count_where("nps_category <> 'unsurveyed' and responses_eligible_" ~ h ~ "d = 0") }}
                as prior_only_categories_{{ h }}d{% if not loop.last %},{% endif %}
        {%- endfor %}
    from probabilities
    group by as_of_at
),

by_date as (
    select
        as_of_at,
        horizon_days,
        cast(count(*) as {{ dbt.type_bigint() }}) as active_accounts,
        {{ count_where('is_churned_within_horizon') }} as churned_accounts,
        {{ count_where('arr_usd is null') }} as accounts_without_arr,
        coalesce(sum(arr_usd), 0) as arr_usd,
        coalesce(sum(calibrated_predicted_lost_arr), 0) as calibrated_predicted_lost_arr,
        coalesce(sum(flat_rule_predicted_lost_arr), 0) as flat_rule_predicted_lost_arr,
        sum(case when is_churned_within_horizon then arr_usd else 0 end) as actual_churned_arr
    from account_horizons
    group by as_of_at, horizon_days
),

scored as (
    select
        cast(by_date.as_of_at as date) as as_of_date,
        cast(by_date.horizon_days as {{ dbt.type_int() }}) as horizon_days,
        by_date.active_accounts,
        by_date.churned_accounts,
        cast(case by_date.horizon_days
            {%- for h in horizons %}
                when {{ h }} then evidence.responses_eligible_{{ h }}d
            {%- endfor %}
        end as {{ dbt.type_bigint() }}) as calibration_responses,
        cast(case by_date.horizon_days
            {%- for h in horizons %}
                when {{ h }} then evidence.prior_only_categories_{{ h }}d
            {%- endfor %}
        end as {{ dbt.type_bigint() }}) as prior_only_categories,
        by_date.accounts_without_arr,
        by_date.arr_usd,
        by_date.calibrated_predicted_lost_arr,
        by_date.flat_rule_predicted_lost_arr,
        by_date.actual_churned_arr,
        by_date.calibrated_predicted_lost_arr - by_date.actual_churned_arr as calibrated_error_arr,
        by_date.flat_rule_predicted_lost_arr - by_date.actual_churned_arr as flat_rule_error_arr,
        by_date.as_of_at
    from by_date
    inner join evidence on by_date.as_of_at = evidence.as_of_at
)

select * from scored
