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
    select
        typed.*,
        {{ version_rank('typed.ticket_id', 'typed.updated_at') }} as version_rank,
        case
            {{ check_present('account_id') }}
            {{ check_required('created_at') }}
            {{ check_optional('first_response_at') }}
            {{ check_optional('solved_at') }}
            {{ check_optional('reopened_count') }}
            when typed.reopened_count < 0 then 'invalid_reopened_count'
            {{ check_optional('downtime_minutes') }}
            when typed.downtime_minutes < 0 then 'invalid_downtime_minutes'
            when typed.first_response_at < typed.created_at then 'first_response_before_created'
            when typed.solved_at < typed.created_at then 'solved_before_created'
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
    {#- The table's columns (validated_columns): where the row came from, its raw text where it is
        quarantined, the typed columns below, updated_at and the row's fate. -#}
    select
        {{ validated_columns(
            'support_tickets',
            [
                'ticket_id',
                'account_id',
                'requester_contact_id',
                'category',
                'priority',
                'channel',
                'status',
                'created_at_text',
                'created_at',
                'first_response_at_text',
                'first_response_at',
                'solved_at_text',
                'solved_at',
                'reopened_count_text',
                'reopened_count',
                'downtime_minutes_text',
                'downtime_minutes',
            ],
        ) }}
    from decided
)

select * from published
