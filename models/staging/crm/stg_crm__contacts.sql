with

validated as (
    select * from {{ ref('base_crm__contacts_validated') }}
    where row_status = 'staged'
),

contacts as (
    select
        contact_id,
        account_id,
        email_hash,
        role,
        job_title,
        created_at,
        updated_at
    from validated
)

select * from contacts
