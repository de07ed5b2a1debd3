{{ config(materialized='table') }}
{#- Every landing row of crm_contacts, typed, with its version rank and its fate: staged,
    superseded by a newer version, or quarantined with a reason. Emails and names are hashed even
    in the raw values kept for quarantine. -#}
with

landing as (
    select * from {{ ref('base_crm__contacts') }}
),

accounts as (
    select
        account_id,
        row_problem
    from {{ ref('base_crm__accounts_validated') }}
    where account_id is not null and updated_at is not null and version_rank = 1
),

typed as (
    select
        landing._file_name,
        landing._row_number,
        landing._read_problem,
        {{ landing_raw_columns('crm_contacts') }}
        {{ clean_text('landing.contact_id') }} as contact_id,
        {{ clean_text('landing.account_id') }} as account_id,
        {{ pii_hash('landing.email') }} as email_hash,
        {{ clean_text('landing.role') }} as role_text,
        {{ normalise_enum('landing.role') }} as role,
        {{ clean_text('landing.job_title') }} as job_title,
        {{ clean_text('landing.created_at') }} as created_at_text,
        {{ parse_timestamp_utc('landing.created_at') }} as created_at,
        {{ clean_text('landing.updated_at') }} as updated_at_text,
        {{ parse_timestamp_utc('landing.updated_at') }} as updated_at
    from landing
),

checked as (
    select
        typed.*,
        {{ version_rank('typed.contact_id', 'typed.updated_at') }} as version_rank,
        case
            {{ check_present('account_id') }}
            when typed.role_text is null then 'missing_role'
            when typed.role not in ('end_user', 'decision_maker') then 'invalid_role'
            {{ check_optional('created_at') }}
            {{ check_reference('account_id', 'accounts', 'account') }}
        end as row_problem
    from typed
    left join accounts on typed.account_id = accounts.account_id
),

decided as (
    select
        checked.*,
        {{ row_outcome('contact_id') }}
    from checked
),

published as (
    {#- The table's columns (validated_columns): where the row came from, its raw text where it is
        quarantined, the typed columns below, updated_at and the row's fate. -#}
    select
        {{ validated_columns(
            'crm_contacts',
            [
                'contact_id',
                'account_id',
                'email_hash',
                'role_text',
                'role',
                'job_title',
                'created_at_text',
                'created_at',
            ],
            hashed=['email', 'full_name'],
        ) }}
    from decided
)

select * from published
