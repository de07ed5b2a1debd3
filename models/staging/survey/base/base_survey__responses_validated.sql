{{ config(materialized='table') }}
{#- Every landing row of survey_responses, typed, with its version rank and its fate: staged,
    superseded by a newer version, or quarantined with a reason. -#}
with

landing as (
    select * from {{ ref('base_survey__responses') }}
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
    select
        landing._file_name,
        landing._row_number,
        landing._read_problem,
        {{ landing_raw_columns('survey_responses') }}
        {{ clean_text('landing.response_id') }} as response_id,
        {{ clean_text('landing.invitation_id') }} as invitation_id,
        {{ clean_text('landing.campaign_id') }} as campaign_id,
        {{ clean_text('landing.contact_id') }} as contact_id,
        {{ clean_text('landing.score') }} as score_text,
        {{ parse_integer('landing.score') }} as score,
        {{ clean_text('landing.comment') }} as comment,
        {{ normalise_tags('landing.tags') }} as tags,
        {{ clean_text('landing.responded_at') }} as responded_at_text,
        {{ parse_timestamp_utc('landing.responded_at') }} as responded_at,
        {{ clean_text('landing.updated_at') }} as updated_at_text,
        {{ parse_timestamp_utc('landing.updated_at') }} as updated_at
    from landing
),

checked as (
    select
        typed.*,
        {{ version_rank('typed.response_id', 'typed.updated_at') }} as version_rank,
        case
            {{ check_present('invitation_id') }}
            {{ check_present('contact_id') }}
            when typed.score_text is null then 'missing_score'
            when typed.score is null then 'invalid_score'
            when typed.score < 0 or typed.score > 10 then 'score_out_of_range'
            {{ check_required('responded_at') }}
            {{ check_reference('invitation_id', 'invitations', 'invitation') }}
            {{ check_reference('contact_id', 'contacts', 'contact') }}
            when typed.contact_id <> invitations.contact_id then 'contact_mismatch'
            when typed.responded_at < invitations.sent_at then 'response_before_invitation'
        end as row_problem
    from typed
    left join invitations on typed.invitation_id = invitations.invitation_id
    left join contacts on typed.contact_id = contacts.contact_id
),

decided as (
    select
        checked.*,
        {{ row_outcome('response_id') }}
    from checked
),

published as (
    {#- The table's columns (validated_columns): where the row came from, its raw text where it is
        quarantined, the typed columns below, updated_at and the row's fate. -#}
    select
        {{ validated_columns(
            'survey_responses',
            [
                'response_id',
                'invitation_id',
                'campaign_id',
                'contact_id',
                'score_text',
                'score',
                'comment',
                'tags',
                'responded_at_text',
                'responded_at',
            ],
        ) }}
    from decided
)

select * from published
