{{ per_response_model_config() }}
with

responses as (
    select * from {{ ref('stg_survey__responses') }}
    {{- where_recomputed('response_id') }}
),

invitations as (
    select
        invitation_id,
        survey_type,
        trigger_ticket_id,
        sent_at
    from {{ ref('stg_survey__invitations') }}
),

contacts as (
    select
        contact_id,
        account_id,
        role
    from {{ ref('stg_crm__contacts') }}
),

accounts as (
    select
        account_id,
        churned_at
    from {{ ref('stg_crm__accounts') }}
),

account_versions as (
    select * from {{ ref('int_account_versions') }}
),

build_as_of as (
    select as_of_at from {{ ref('int_build_as_of') }}
),

responses_joined as (
    select
        responses.response_id,
        responses.invitation_id,
        responses.campaign_id,
        responses.contact_id,
        contacts.account_id,
        invitations.trigger_ticket_id,
        invitations.survey_type,
        coalesce(contacts.role, 'unknown') as respondent_role,
        coalesce(account_versions.region, 'unknown') as region,
        coalesce(account_versions.plan, 'unknown') as plan,
        coalesce(account_versions.industry, 'unknown') as industry,
        account_versions.country,
        responses.score,
        {{ nps_category('responses.score') }} as nps_category,
        responses.comment,
        responses.tags,
        account_versions.employee_count,
        account_versions.arr_usd,
        {{ dbt.datediff('invitations.sent_at', 'responses.responded_at', 'minute') }}
            as response_lag_calendar_minutes,
        responses.comment is not null as has_comment,
        coalesce(accounts.churned_at <= responses.responded_at, false) as is_after_account_churn,
        responses.responded_at,
        cast({{ dbt.date_trunc('month', 'responses.responded_at') }} as date) as response_month,
        invitations.sent_at
    from responses
    cross join build_as_of
    inner join invitations on responses.invitation_id = invitations.invitation_id
    inner join contacts on responses.contact_id = contacts.contact_id
    inner join accounts on contacts.account_id = accounts.account_id
    left join account_versions
        on contacts.account_id = account_versions.account_id
            and {{ in_effect_at('account_versions', 'responses.responded_at') }}
    where {{ not_after_as_of('responses.responded_at') }}
)

select * from responses_joined
