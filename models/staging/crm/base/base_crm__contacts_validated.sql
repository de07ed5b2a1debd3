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
    {#- Value problems (a role or created_at that does not parse) null the value in `published` and
        are listed in audit.value_problems; row_problem quarantines the row. -#}
    select
        typed.*,
        {{ version_rank('typed.contact_id', 'typed.updated_at') }} as version_rank,
        case
            when typed.role_text is null then 'missing_role'
            when typed.role not in ('end_user', 'decision_maker') then 'invalid_role'
        end as role_problem,
        case {{ check_optional('created_at') }} end as created_at_problem,
        case
            {{ check_present('account_id') }}
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
    {#- Where the row came from, its raw text where it is quarantined (emails and names hashed),
        the typed columns (a value with a problem is null, its reason in <column>_problem),
        updated_at and the row's fate. -#}
    select
        _file_name,
        _row_number,
        _read_problem,
        {{ quarantined_raw_values('crm_contacts', hashed=['email', 'full_name']) }} as raw_values,
        contact_id,
        account_id,
        email_hash,
        role_text,
        {{ unless_problem('role') }} as role,
        role_problem,
        job_title,
        created_at_text,
        {{ unless_problem('created_at') }} as created_at,
        created_at_problem,
        updated_at_text,
        updated_at,
        version_rank,
        row_problem,
        quarantine_reason,
        row_status
    from decided
)

select * from published
