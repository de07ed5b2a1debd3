with

contacts as (
    select * from {{ ref('stg_crm__contacts') }}
),

contacts_described as (
    select
        contact_id,
        account_id,
        email_hash,
        role,
        job_title,
        role = 'decision_maker' as is_decision_maker,
        created_at
    from contacts
)

select * from contacts_described
