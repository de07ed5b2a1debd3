with

validated as (
    select * from {{ ref('base_loop__followups_validated') }}
    where row_status = 'staged'
),

followups as (
    select
        followup_id,
        response_id,
        owner,
        action,
        outcome,
        followed_up_at,
        updated_at
    from validated
)

select * from followups
