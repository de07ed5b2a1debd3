{{ config(materialized='table') }}
{#- Every landing row of support_tickets, typed, with its version rank and its fate: staged,
    superseded by a newer version, or quarantined with a reason. -#}
with

landing as (
    select * from {{ ref('base_support__tickets') }}
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
        {{ landing_raw_columns('support_tickets') }}
        {{ clean_text('landing.ticket_id') }} as ticket_id,
        {{ clean_text('landing.account_id') }} as account_id,
        {{ clean_text('landing.requester_contact_id') }} as requester_contact_id,
        {{ normalise_enum('landing.category') }} as category,
        {{ normalise_enum('landing.priority') }} as priority,
        {{ normalise_enum('landing.channel') }} as channel,
        {{ normalise_enum('landing.status') }} as status,
        {{ clean_text('landing.created_at') }} as created_at_text,
        {{ parse_timestamp_utc('landing.created_at') }} as created_at,
        {{ clean_text('landing.first_response_at') }} as first_response_at_text,
        {{ parse_timestamp_utc('landing.first_response_at') }} as first_response_at,
        {{ clean_text('landing.solved_at') }} as solved_at_text,
        {{ parse_timestamp_utc('landing.solved_at') }} as solved_at,
        {{ clean_text('landing.reopened_count') }} as reopened_count_text,
        {{ parse_integer('landing.reopened_count') }} as reopened_count,
        {{ clean_text('landing.downtime_minutes') }} as downtime_minutes_text,
        {{ parse_decimal('landing.downtime_minutes') }} as downtime_minutes,
        {{ clean_text('landing.updated_at') }} as updated_at_text,
        {{ parse_timestamp_utc('landing.updated_at') }} as updated_at
    from landing
),

checked as (
    {#- Value problems (a first response, solve, reopened count or downtime that does not parse or
        comes before the ticket) null the value in `published` and are listed in
        audit.value_problems; row_problem quarantines the row. -#}
    select
        typed.*,
        {{ version_rank('typed.ticket_id', 'typed.updated_at') }} as version_rank,
        case
            {{ check_optional('first_response_at') }}
            when typed.first_response_at < typed.created_at then 'first_response_before_created'
        end as first_response_at_problem,
        case
            {{ check_optional('solved_at') }}
            when typed.solved_at < typed.created_at then 'solved_before_created'
        end as solved_at_problem,
        case
            {{ check_optional('reopened_count') }}
            when typed.reopened_count < 0 then 'invalid_reopened_count'
        end as reopened_count_problem,
        case
            {{ check_optional('downtime_minutes') }}
            when typed.downtime_minutes < 0 then 'invalid_downtime_minutes'
        end as downtime_minutes_problem,
        case
            {{ check_present('account_id') }}
            {{ check_required('created_at') }}
            {{ check_reference('account_id', 'accounts', 'account') }}
        end as row_problem
    from typed
    left join accounts on typed.account_id = accounts.account_id
),

decided as (
    select
        checked.*,
        {{ row_outcome('ticket_id') }}
    from checked
),

published as (
    {#- Where the row came from, its raw text where it is quarantined, the typed columns (a value
        with a problem is null, its reason in <column>_problem), updated_at and the row's fate. -#}
    select
        _file_name,
        _row_number,
        _read_problem,
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
