{{ validated_model_config('invitation_id') }}
{#- Every landing row of survey_invitations, typed, with its version rank and its fate: staged,
    superseded by a newer version, or quarantined with a reason. -#}
with

landing as (
    select * from {{ ref('base_survey__invitations') }}
    {{- rows_to_validate('survey_invitations', 'invitation_id', ref('base_survey__invitations'), [('contact_id', 'base_crm__contacts_validated')]) }}
),

contacts as (
    select
        contact_id,
        row_problem
    from {{ ref('base_crm__contacts_validated') }}
    where contact_id is not null and updated_at is not null and version_rank = 1
),

typed as (
    {#- Each landing column through the parser its spec names (macros/landing_spec.sql): the raw
        text (_raw_<column>, kept for a quarantined row's raw_values), the trimmed text
        (<column>_text; never for personal columns) and the typed value (<column>). -#}
    select
        landing._file_name,
        landing._row_number,
        landing._read_problem,
        {%- for column in landing_columns('survey_invitations') %}
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
    select
        typed.*,
        {{ version_rank('typed.invitation_id', 'typed.updated_at') }} as version_rank,
        coalesce(
            {{ missing_problem('contact_id') }},
            case
                when typed.survey_type_text is null then 'missing_survey_type'
                when typed.survey_type not in ('relationship', 'transactional') then 'invalid_survey_type'
            end,
            {{ required_problem('sent_at') }},
            {{ reference_problem('contact_id', 'contacts', 'contact') }}
        ) as row_problem
    from typed
    left join contacts on typed.contact_id = contacts.contact_id
),

decided as (
    select
        checked.*,
        {{ quarantine_reason_of('invitation_id') }} as quarantine_reason,
        {{ row_status_of('invitation_id') }} as row_status
    from checked
),

published as (
    {#- Where the row came from, its raw text where it is quarantined, the typed columns,
        updated_at and the row's fate. -#}
    select
        _file_name,
        _row_number,
        _read_problem,
        {{ build_number() }} as _build_number,
        {{ quarantined_raw_values('survey_invitations') }} as raw_values,
        invitation_id,
        campaign_id,
        contact_id,
        survey_type_text,
        survey_type,
        trigger_ticket_id,
        channel,
        sent_at_text,
        sent_at,
        updated_at_text,
        updated_at,
        version_rank,
        row_problem,
        quarantine_reason,
        row_status
    from decided
)

select * from published
