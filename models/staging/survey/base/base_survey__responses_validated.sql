{{ validated_model_config('response_id') }}
{#- Every landing row of survey_responses, typed, with its version rank and its fate: staged,
    superseded by a newer version, or quarantined with a reason. -#}
with

landing as (
    select * from {{ ref('base_survey__responses') }}
    {{- rows_to_validate('survey_responses', 'response_id', ref('base_survey__responses'), [('invitation_id', 'base_survey__invitations_validated'), ('contact_id', 'base_crm__contacts_validated')]) }}
),

invitations as (
    select
        invitation_id,
        contact_id,
        sent_at,
        row_problem
    from {{ ref('base_survey__invitations_validated') }}
    where invitation_id is not null and updated_at is not null and version_rank = 1
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
        {%- for column in landing_columns('survey_responses') %}
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
        {{ version_rank('typed.response_id', 'typed.updated_at') }} as version_rank,
        coalesce(
            {{ missing_problem('invitation_id') }},
            {{ missing_problem('contact_id') }},
            {{ required_problem('score') }},
            case when typed.score < 0 or typed.score > 10 then 'score_out_of_range' end,
            {{ required_problem('responded_at') }},
            {{ reference_problem('invitation_id', 'invitations', 'invitation') }},
            {{ reference_problem('contact_id', 'contacts', 'contact') }},
            case
                when typed.contact_id <> invitations.contact_id then 'contact_mismatch'
                when typed.responded_at < invitations.sent_at then 'response_before_invitation'
            end
        ) as row_problem
    from typed
    left join invitations on typed.invitation_id = invitations.invitation_id
    left join contacts on typed.contact_id = contacts.contact_id
),

decided as (
    select
        checked.*,
        {{ quarantine_reason_of('response_id') }} as quarantine_reason,
        {{ row_status_of('response_id') }} as row_status
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
        {{ quarantined_raw_values('survey_responses') }} as raw_values,
        response_id,
        invitation_id,
        campaign_id,
        contact_id,
        score_text,
        score,
        comment,
        tags,
        responded_at_text,
        responded_at,
        updated_at_text,
        updated_at,
        version_rank,
        row_problem,
        quarantine_reason,
        row_status
    from decided
)

select * from published
