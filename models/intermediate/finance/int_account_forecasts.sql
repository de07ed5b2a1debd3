{#- Both revenue forecasts for every account active at each forecast date D, from what was known
    at D only: ARR and attributes from the account version in effect at D, the current category
    from responses up to D (the latest decision-maker response in the 365 days to D, else the
    latest response of anyone, else 'unsurveyed'), the calibrated probabilities estimated as of D,
    and the vendor's flat rule. An account whose ARR could not be used (blank, or a value problem
    in audit.value_problems) keeps arr_usd null, so its amounts at risk are null, never 0. -#}
{%- set horizons = var('churn_horizons_days') -%}
{%- set decision_maker_days = var('forecast_decision_maker_days') -%}
with

forecast_dates as (
    select * from {{ ref('int_forecast_as_of_dates') }}
),

accounts as (
    select
        account_id,
        contract_start_date,
        churned_at
    from {{ ref('stg_crm__accounts') }}
),

account_versions as (
    select * from {{ ref('int_account_versions') }}
),

responses as (
    select
        response_id,
        account_id,
        respondent_role,
        nps_category,
        responded_at
    from {{ ref('fct_nps_responses') }}
),

probabilities as (
    select * from {{ ref('int_churn_probabilities') }}
),

flat_rule as (
    select * from {{ ref('flat_rule_rates') }}
),

active_accounts as (
    select
        forecast_dates.as_of_at,
        forecast_dates.is_build_as_of,
        accounts.account_id,
        coalesce(account_versions.region, 'unknown') as region,
        coalesce(account_versions.plan, 'unknown') as plan,
        coalesce(account_versions.industry, 'unknown') as industry,
        account_versions.arr_usd
    from forecast_dates
    inner join accounts
        on (accounts.contract_start_date is null or accounts.contract_start_date <= cast(forecast_dates.as_of_at as date))
            and (accounts.churned_at is null or forecast_dates.as_of_at < accounts.churned_at)
    left join account_versions
        on accounts.account_id = account_versions.account_id
            and {{ in_effect_at('account_versions', 'forecast_dates.as_of_at') }}
),

ranked_responses as (
    select
        forecast_dates.as_of_at,
        responses.account_id,
        responses.response_id,
        responses.nps_category,
        responses.responded_at,
        case
            when responses.respondent_role = 'decision_maker'
                and responses.responded_at > {{ dbt.dateadd('day', -decision_maker_days, 'forecast_dates.as_of_at') }}
                then 'decision_maker_365d'
            else 'latest_response'
        end as category_source,
        row_number() over (
            partition by forecast_dates.as_of_at, responses.account_id
            order by
                case
                    when responses.respondent_role = 'decision_maker'
                        and responses.responded_at > {{ dbt.dateadd('day', -decision_maker_days, 'forecast_dates.as_of_at') }}
                        then 0
                    else 1
                end,
                responses.responded_at desc,
                responses.response_id desc
        ) as category_rank
    from forecast_dates
    inner join responses on forecast_dates.as_of_at >= responses.responded_at
),

current_categories as (
    select * from ranked_responses
    where category_rank = 1
),

forecasts as (
    select
        active_accounts.as_of_at,
        active_accounts.is_build_as_of,
        active_accounts.account_id,
        active_accounts.region,
        active_accounts.plan,
        active_accounts.industry,
        coalesce(current_categories.nps_category, 'unsurveyed') as current_category,
        coalesce(current_categories.category_source, 'none') as category_source,
        current_categories.response_id as category_response_id,
        active_accounts.arr_usd,
        active_accounts.arr_usd is null as is_arr_missing,
        {%- for h in horizons %}
            probabilities.churn_probability_{{ h }}d,
            probabilities.responses_eligible_{{ h }}d as calibration_responses_{{ h }}d,
            probabilities.is_prior_only_{{ h }}d,
            active_accounts.arr_usd * probabilities.churn_probability_{{ h }}d as expected_arr_at_risk_{{ h }}d,
            active_accounts.arr_usd * case
                when flat_rule.effect = 'loss' and flat_rule.within_days <= {{ h }} then flat_rule.revenue_share
                else 0
            end as flat_rule_arr_at_risk_{{ h }}d,
        {%- endfor %}
        active_accounts.arr_usd * case
            when flat_rule.effect = 'new_revenue' then flat_rule.revenue_share
            else 0
        end as potential_referral_arr,
        current_categories.responded_at as category_responded_at
    from active_accounts
    left join current_categories
        on active_accounts.as_of_at = current_categories.as_of_at
            and active_accounts.account_id = current_categories.account_id
    inner join probabilities
        on active_accounts.as_of_at = probabilities.as_of_at
            and coalesce(current_categories.nps_category, 'unsurveyed') = probabilities.nps_category
    left join flat_rule on current_categories.nps_category = flat_rule.nps_category
)

select * from forecasts
