{{ validated_model_config('contact_id') }}
{#- Every landing row of crm_contacts, typed, with its version rank and its fate: staged,
    superseded by a newer version, or quarantined with a reason. Emails and names are hashed even
    in the raw values kept for quarantine. -#}
with

landing as (
    select * from {{ ref('base_crm__contacts') }}
    {{- rows_to_validate('crm_contacts', 'contact_id', ref('base_crm__contacts'), [('account_id', 'base_crm__accounts_validated')]) }}
),

accounts as (
    select
        account_id,
        row_problem
    from {{ ref('base_crm__accounts_validated') }}
    where account_id is not null and updated_at is not null and version_rank = 1
),

typed as (
    {#- Each landing column through the parser its spec names (macros/landing_spec.sql): the raw
        text (_raw_<column>, kept for a quarantined row's raw_values), the trimmed text
        (<column>_text; never for personal columns) and the typed value (<column>). -#}
    select
        landing._file_name,
        landing._row_number,
        landing._read_problem,
        {%- for column in landing_columns('crm_contacts') %}
            landing.{{ column.name }} as _raw_{{ column.name }},
            {%- if not column.pii %}
                {{ clean_text('landing.' ~ column.name) }} as {{ column.name }}_text,
            {%- endif %}
            {{ parse_landing_column('landing.' ~ column.name, column.parser) }} as {{ column.name }}
            {%- if not loop.last %},{% endif %}
        {%- endfor %}
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
        {{ optional_problem('created_at') }} as created_at_problem,
        coalesce(
            {{ missing_problem('account_id') }},
            {{ reference_problem('account_id', 'accounts', 'account') }}
        ) as row_problem
    from typed
    left join accounts on typed.account_id = accounts.account_id
),

decided as (
    select
        checked.*,
        {{ quarantine_reason_of('contact_id') }} as quarantine_reason,
        {{ row_status_of('contact_id') }} as row_status
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
        {{ build_number() }} as _build_number,
        {{ quarantined_raw_values('crm_contacts') }} as raw_values,
        contact_id,
        account_id,
        email as email_hash,
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
