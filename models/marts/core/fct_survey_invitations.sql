{{ per_invitation_model_config() }}
with

invitations as (
    select * from {{ ref('stg_survey__invitations') }}
    {{- where_recomputed('invitation_id', grain='invitation') }}
),

responses as (
    select
        invitation_id,
        responded_at
    from {{ ref('stg_survey__responses') }}
    {{- where_recomputed('invitation_id', grain='invitation') }}
),

contacts as (
    select
        contact_id,
        account_id,
        role
    from {{ ref('stg_crm__contacts') }}
),

tickets as (
    select ticket_id from {{ ref('stg_support__tickets') }}
),

account_versions as (
    select * from {{ ref('int_account_versions') }}
),

build_as_of as (
    select as_of_at from {{ ref('int_build_as_of') }}
),

responses_by_invitation as (
    select
        responses.invitation_id,
        count(*) as responses,
        min(responses.responded_at) as first_responded_at
    from responses
    cross join build_as_of
    where {{ not_after_as_of('responses.responded_at') }}
    group by responses.invitation_id
),

invitations_joined as (
    select
        invitations.invitation_id,
        invitations.campaign_id,
        invitations.contact_id,
        contacts.account_id,
        invitations.trigger_ticket_id,
        invitations.survey_type,
        invitations.channel,
        coalesce(contacts.role, 'unknown') as respondent_role,
        coalesce(account_versions.region, 'unknown') as region,
        coalesce(account_versions.plan, 'unknown') as plan,
        coalesce(account_versions.industry, 'unknown') as industry,
        coalesce(responses_by_invitation.responses, 0) as responses,
        tickets.ticket_id is not null as has_known_trigger_ticket,
        responses_by_invitation.invitation_id is not null as is_responded,
        invitations.sent_at,
        cast({{ dbt.date_trunc('month', 'invitations.sent_at') }} as date) as sent_month,
        responses_by_invitation.first_responded_at
    from invitations
    cross join build_as_of
    inner join contacts on invitations.contact_id = contacts.contact_id
    left join account_versions
        on contacts.account_id = account_versions.account_id
            and {{ in_effect_at('account_versions', 'invitations.sent_at') }}
    left join responses_by_invitation on invitations.invitation_id = responses_by_invitation.invitation_id
    left join tickets on invitations.trigger_ticket_id = tickets.ticket_id
    where {{ not_after_as_of('invitations.sent_at') }}
)

select * from invitations_joined
