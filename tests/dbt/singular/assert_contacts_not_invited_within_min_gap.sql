{{ config(severity='warn') }}
{#- Survey cadence (warn): a contact invited to a relationship survey twice within
    `survey_min_gap_days` days. Returns the contact and both invitations. -#}
with

invitations as (
    select
        contact_id,
        invitation_id,
        sent_at,
        lag(invitation_id) over (
            partition by contact_id order by sent_at, invitation_id
        ) as previous_invitation_id,
        lag(sent_at) over (
            partition by contact_id order by sent_at, invitation_id
        ) as previous_sent_at
    from {{ ref('fct_survey_invitations') }}
    where survey_type = 'relationship'
),

too_soon as (
    select
        contact_id,
        previous_invitation_id,
        previous_sent_at,
        invitation_id,
        sent_at
    from invitations
    where
        previous_sent_at is not null
        and {{ dbt.dateadd('day', var('survey_min_gap_days'), 'previous_sent_at') }} > sent_at
)

select * from too_soon
