{{ per_campaign_contact_model_config() }}
{#- Each relationship campaign with each contact whose last answer before the campaign started
    came from an account not churned by then: that answer's category, whether the campaign invited
    the contact, and whether the contact had a relationship invitation between
    survey_min_gap_days before the campaign's last send and its start (then the contact was not
    due). mart_nps_integrity's invitation-skew signal counts these rows by campaign.
    Built by increments (per_campaign_contact_model_config): the rows of every campaign whose
    first or last send moved (each row keeps them), and of every contact whose responses,
    invitations or account changed, in the other campaigns. -#}
with

responses as (
    select
        response_id,
        contact_id,
        account_id,
        nps_category,
        responded_at
    from {{ ref('fct_nps_responses') }}
),

invitations as (
    select
        campaign_id,
        contact_id,
        survey_type,
        sent_at
    from {{ ref('fct_survey_invitations') }}
),

accounts as (
    select
        account_id,
        churned_at
    from {{ ref('stg_crm__accounts') }}
),

relationship_campaigns as (
    {{ relationship_campaign_bounds() }}
),

recomputed_campaigns as (
    {#- The campaigns without rows of their current first and last send (every campaign on a
        build that recomputes every row). -#}
    {{ recomputed_campaign_ids('relationship_campaigns') }}
),

recomputed_contacts as (
    {#- The contacts recomputed in the other campaigns: none on a build that recomputes every row. -#}
    {{ recomputed_answering_contact_ids('responses') }}
),

campaigns_recomputed as (
    select
        relationship_campaigns.campaign_id,
        relationship_campaigns.started_at,
        relationship_campaigns.ended_at
    from relationship_campaigns
    where relationship_campaigns.campaign_id in (select recomputed_campaigns.campaign_id from recomputed_campaigns)
),

campaigns_kept as (
    select
        relationship_campaigns.campaign_id,
        relationship_campaigns.started_at,
        relationship_campaigns.ended_at
    from relationship_campaigns
    where relationship_campaigns.campaign_id not in (select recomputed_campaigns.campaign_id from recomputed_campaigns)
),

contact_answers as (
    {#- Each answer with the time of the contact's next one (ties in time ordered by response_id). -#}
    select
        contact_id,
        account_id,
        nps_category,
        responded_at,
        lead(responded_at) over (partition by contact_id order by responded_at, response_id)
            as next_responded_at
    from responses
),

recomputed_contact_answers as (
    {#- The same, for the contacts recomputed only: filtered before the window, which keeps the
        engine from joining every answer to the campaigns first and filtering after (measured at
        ~10M responses: 27 s instead of a few). -#}
    select
        contact_id,
        account_id,
        nps_category,
        responded_at,
        lead(responded_at) over (partition by contact_id order by responded_at, response_id)
            as next_responded_at
    from responses
    where contact_id in (select recomputed_contacts.contact_id from recomputed_contacts)
),

relationship_invitations as (
    select
        campaign_id,
        contact_id,
        sent_at
    from invitations
    where survey_type = 'relationship'
),

recomputed_contact_invitations as (
    select
        relationship_invitations.campaign_id,
        relationship_invitations.contact_id,
        relationship_invitations.sent_at
    from relationship_invitations
    where relationship_invitations.contact_id in (select recomputed_contacts.contact_id from recomputed_contacts)
),

{#- Each of the three below in two parts: every contact in the campaigns recomputed, then the
    contacts recomputed in the other campaigns. #}

last_answers as (
    {#- The contact's last answer before the campaign started: the one whose next answer, if any,
        came at or after the start (one row per campaign and contact, without ranking every earlier
        answer of every campaign: that grew with campaigns x responses and ran out of memory at
        ~10M responses). Only contacts of accounts not churned by then. -#}
    select
        campaigns.campaign_id,
        campaigns.started_at,
        campaigns.ended_at,
        answers.contact_id,
        answers.nps_category
    from campaigns_recomputed as campaigns
    inner join contact_answers as answers
        on
            campaigns.started_at > answers.responded_at
            and (answers.next_responded_at is null or campaigns.started_at <= answers.next_responded_at)
    inner join accounts on answers.account_id = accounts.account_id
    where accounts.churned_at is null or accounts.churned_at > campaigns.started_at
    union all
    select
        campaigns.campaign_id,
        campaigns.started_at,
        campaigns.ended_at,
        answers.contact_id,
        answers.nps_category
    from campaigns_kept as campaigns
    inner join recomputed_contact_answers as answers
        on
            campaigns.started_at > answers.responded_at
            and (answers.next_responded_at is null or campaigns.started_at <= answers.next_responded_at)
    inner join accounts on answers.account_id = accounts.account_id
    where accounts.churned_at is null or accounts.churned_at > campaigns.started_at
),

recently_invited as (
    select distinct
        campaigns.campaign_id,
        invited.contact_id
    from campaigns_recomputed as campaigns
    inner join relationship_invitations as invited
        on
            campaigns.started_at > invited.sent_at
            and {{ dbt.dateadd('day', -1 * var('survey_min_gap_days'), 'campaigns.ended_at') }} <= invited.sent_at
    union all
    select distinct
        campaigns.campaign_id,
        invited.contact_id
    from campaigns_kept as campaigns
    inner join recomputed_contact_invitations as invited
        on
            campaigns.started_at > invited.sent_at
            and {{ dbt.dateadd('day', -1 * var('survey_min_gap_days'), 'campaigns.ended_at') }} <= invited.sent_at
),

campaign_invitees as (
    select distinct
        relationship_invitations.campaign_id,
        relationship_invitations.contact_id
    from relationship_invitations
    where relationship_invitations.campaign_id in (select campaigns_recomputed.campaign_id from campaigns_recomputed)
    union all
    select distinct
        recomputed_contact_invitations.campaign_id,
        recomputed_contact_invitations.contact_id
    from recomputed_contact_invitations
    where recomputed_contact_invitations.campaign_id in (select campaigns_kept.campaign_id from campaigns_kept)
),

campaign_contacts as (
    select
        last_answers.campaign_id,
        last_answers.contact_id,
        last_answers.started_at as campaign_started_at,
        last_answers.ended_at as campaign_ended_at,
        last_answers.nps_category as last_nps_category,
        campaign_invitees.contact_id is not null as is_invited,
        recently_invited.contact_id is not null as is_recently_invited
    from last_answers
    left join campaign_invitees
        on
            last_answers.campaign_id = campaign_invitees.campaign_id
            and last_answers.contact_id = campaign_invitees.contact_id
    left join recently_invited
        on
            last_answers.campaign_id = recently_invited.campaign_id
            and last_answers.contact_id = recently_invited.contact_id
)

select * from campaign_contacts
