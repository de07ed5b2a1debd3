with

validated as (
    select * from {{ ref('base_survey__invitations_validated') }}
    where row_status = 'staged'
),

invitations as (
    select
        invitation_id,
        campaign_id,
        contact_id,
        trigger_ticket_id,
        survey_type,
        channel,
        sent_at,
        updated_at
    from validated
)

select * from invitations
