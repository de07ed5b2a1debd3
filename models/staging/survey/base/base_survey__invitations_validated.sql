{{ config(materialized='table') }}
{#- Every landing row of survey_invitations, typed, with its version rank and its fate: staged,
    superseded by a newer version, or quarantined with a reason. -#}
with

landing as (
    select * from {{ ref('base_survey__invitations') }}
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
        {{ landing_raw_columns('survey_invitations') }}
        {{ clean_text('landing.invitation_id') }} as invitation_id,
        {{ clean_text('landing.campaign_id') }} as campaign_id,
        {{ clean_text('landing.contact_id') }} as contact_id,
        {{ clean_text('landing.survey_type') }} as survey_type_text,
        {{ normalise_enum('landing.survey_type') }} as survey_type,
        {{ clean_text('landing.trigger_ticket_id') }} as trigger_ticket_id,
        {{ normalise_enum('landing.channel') }} as channel,
        {{ clean_text('landing.sent_at') }} as sent_at_text,
        {{ parse_timestamp_utc('landing.sent_at') }} as sent_at,
        {{ clean_text('landing.updated_at') }} as updated_at_text,
        {{ parse_timestamp_utc('landing.updated_at') }} as updated_at
    from landing
),

checked as (
    select
        typed.*,
        {{ version_rank('typed.invitation_id', 'typed.updated_at') }} as version_rank,
        case
            {{ check_present('contact_id') }}
            when typed.survey_type_text is null then 'missing_survey_type'
            when typed.survey_type not in ('relationship', 'transactional') then 'invalid_survey_type'
            {{ check_required('sent_at') }}
            {{ check_reference('contact_id', 'contacts', 'contact') }}
        end as row_problem
    from typed
    left join contacts on typed.contact_id = contacts.contact_id
),

decided as (
    select
        checked.*,
        {{ row_outcome('invitation_id') }}
    from checked
),

published as (
    {#- The table's columns (validated_columns): where the row came from, its raw text where it is
        quarantined, the typed columns below, updated_at and the row's fate. -#}
    select
        {{ validated_columns(
            'survey_invitations',
            [
                'invitation_id',
                'campaign_id',
                'contact_id',
                'survey_type_text',
                'survey_type',
                'trigger_ticket_id',
                'channel',
                'sent_at_text',
                'sent_at',
            ],
        ) }}
    from decided
)

select * from published
