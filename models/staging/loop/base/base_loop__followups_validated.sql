{{ config(materialized='table') }}
{#- Every landing row of loop_followups, typed, with its version rank and its fate: staged,
    superseded by a newer version, or quarantined with a reason. -#}
with

landing as (
    select * from {{ ref('base_loop__followups') }}
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
    select
        landing._file_name,
        landing._row_number,
        landing._read_problem,
        {{ landing_raw_columns('loop_followups') }}
        {{ clean_text('landing.followup_id') }} as followup_id,
        {{ clean_text('landing.response_id') }} as response_id,
        {{ clean_text('landing.owner') }} as owner,
        {{ normalise_enum('landing.action') }} as action,
        {{ normalise_enum('landing.outcome') }} as outcome,
        {{ clean_text('landing.followed_up_at') }} as followed_up_at_text,
        {{ parse_timestamp_utc('landing.followed_up_at') }} as followed_up_at,
        {{ clean_text('landing.updated_at') }} as updated_at_text,
        {{ parse_timestamp_utc('landing.updated_at') }} as updated_at
    from landing
),

checked as (
    select
        typed.*,
        {{ version_rank('typed.followup_id', 'typed.updated_at') }} as version_rank,
        case
            {{ check_present('response_id') }}
            {{ check_required('followed_up_at') }}
            {{ check_reference('response_id', 'responses', 'response') }}
            when typed.followed_up_at < responses.responded_at then 'followup_before_response'
        end as row_problem
    from typed
    left join responses on typed.response_id = responses.response_id
),

decided as (
    select
        checked.*,
        {{ row_outcome('followup_id') }}
    from checked
),

published as (
    {#- The table's columns (validated_columns): where the row came from, its raw text where it is
        quarantined, the typed columns below, updated_at and the row's fate. -#}
    select
        {{ validated_columns(
            'loop_followups',
            [
                'followup_id',
                'response_id',
                'owner',
                'action',
                'outcome',
                'followed_up_at_text',
                'followed_up_at',
            ],
        ) }}
    from decided
)

select * from published
