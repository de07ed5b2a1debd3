{{ validated_model_config('ticket_id') }}
{#- Every landing row of support_tickets, typed, with its version rank and its fate: staged,
    superseded by a newer version, or quarantined with a reason. -#}
with

landing as (
    select * from {{ ref('base_support__tickets') }}
    {{- rows_to_validate('support_tickets', 'ticket_id', ref('base_support__tickets'), [('account_id', 'base_crm__accounts_validated')]) }}
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
        {%- for column in landing_columns('support_tickets') %}
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
    {#- Value problems (a first response, solve, reopened count or downtime that does not parse or
        comes before the ticket) null the value in `published` and are listed in
        audit.value_problems; row_problem quarantines the row. -#}
    select
        typed.*,
        {{ version_rank('typed.ticket_id', 'typed.updated_at') }} as version_rank,
        coalesce(
            {{ optional_problem('first_response_at') }},
            case when typed.first_response_at < typed.created_at then 'first_response_before_created' end
        ) as first_response_at_problem,
        coalesce(
            {{ optional_problem('solved_at') }},
            case when typed.solved_at < typed.created_at then 'solved_before_created' end
        ) as solved_at_problem,
        coalesce(
            {{ optional_problem('reopened_count') }},
            case when typed.reopened_count < 0 then 'invalid_reopened_count' end
        ) as reopened_count_problem,
        coalesce(
            {{ optional_problem('downtime_minutes') }},
            case when typed.downtime_minutes < 0 then 'invalid_downtime_minutes' end
        ) as downtime_minutes_problem,
        coalesce(
            {{ missing_problem('account_id') }},
            {{ required_problem('created_at') }},
            {{ reference_problem('account_id', 'accounts', 'account') }}
        ) as row_problem
    from typed
    left join accounts on typed.account_id = accounts.account_id
),

decided as (
    select
        checked.*,
        {{ quarantine_reason_of('ticket_id') }} as quarantine_reason,
        {{ row_status_of('ticket_id') }} as row_status
    from checked
),

published as (
    {#- Where the row came from, its raw text where it is quarantined, the typed columns (a value
        with a problem is null, its reason in <column>_problem), updated_at and the row's fate. -#}
    select
        _file_name,
        _row_number,
        _read_problem,
        {{ build_number() }} as _build_number,
        {{ quarantined_raw_values('support_tickets') }} as raw_values,
        ticket_id,
        account_id,
        requester_contact_id,
        category,
        priority,
        channel,
        status,
        created_at_text,
        created_at,
        first_response_at_text,
        {{ unless_problem('first_response_at') }} as first_response_at,
        first_response_at_problem,
        solved_at_text,
        {{ unless_problem('solved_at') }} as solved_at,
        solved_at_problem,
        reopened_count_text,
        {{ unless_problem('reopened_count') }} as reopened_count,
        reopened_count_problem,
        downtime_minutes_text,
        {{ unless_problem('downtime_minutes') }} as downtime_minutes,
        downtime_minutes_problem,
        updated_at_text,
        updated_at,
        version_rank,
        row_problem,
        quarantine_reason,
        row_status
    from decided
)

select * from published
