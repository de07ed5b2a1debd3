{{ validated_model_config('followup_id') }}
{#- Every landing row of loop_followups, typed, with its version rank and its fate: staged,
    superseded by a newer version, or quarantined with a reason. -#}
with

landing as (
    select * from {{ ref('base_loop__followups') }}
    {{- rows_to_validate('loop_followups', 'followup_id', ref('base_loop__followups'), [('response_id', 'base_survey__responses_validated')]) }}
),

responses as (
    select
        response_id,
        responded_at,
        row_problem
    from {{ ref('base_survey__responses_validated') }}
    where response_id is not null and updated_at is not null and version_rank = 1
),

typed as (
    {#- Each landing column through the parser its spec names (macros/landing_spec.sql): the raw
        text (_raw_<column>, kept for a quarantined row's raw_values), the trimmed text
        (<column>_text; never for personal columns) and the typed value (<column>). -#}
    select
        landing._file_name,
        landing._row_number,
        landing._read_problem,
        {%- for column in landing_columns('loop_followups') %}
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
        {{ version_rank('typed.followup_id', 'typed.updated_at') }} as version_rank,
        coalesce(
            {{ missing_problem('response_id') }},
            {{ required_problem('followed_up_at') }},
            {{ reference_problem('response_id', 'responses', 'response') }},
            case when typed.followed_up_at < responses.responded_at then 'followup_before_response' end
        ) as row_problem
    from typed
    left join responses on typed.response_id = responses.response_id
),

decided as (
    select
        checked.*,
        {{ quarantine_reason_of('followup_id') }} as quarantine_reason,
        {{ row_status_of('followup_id') }} as row_status
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
        {{ quarantined_raw_values('loop_followups') }} as raw_values,
        followup_id,
        response_id,
        owner,
        action,
        outcome,
        followed_up_at_text,
        followed_up_at,
        updated_at_text,
        updated_at,
        version_rank,
        row_problem,
        quarantine_reason,
        row_status
    from decided
)

select * from published
