with

validated as (
    select * from {{ ref('base_survey__responses_validated') }}
    where row_status = 'staged'
),

responses as (
    select
        response_id,
        invitation_id,
        campaign_id,
        contact_id,
        score,
        comment,
        tags,
        responded_at,
        updated_at
    from validated
)

select * from responses
