{#- Signals that the score is being gamed, each with the evidence behind it, for a reviewer to act
    on: scores edited or deleted between loads (per campaign), an owner whose followed-up contacts
    jump to 9–10 at their next answer far more often than other owners' (per owner), a relationship
    campaign sent mostly to past promoters compared with the contacts due (per campaign), and a
    campaign's response rate or promoter share far outside the band of the campaigns before it.
    A flag is a reason to look, not a verdict. Thresholds are vars (dbt_project.yml). -#}
{%- set min_z = var('integrity_min_z') -%}
{%- set min_evidence = var('integrity_min_evidence') -%}
{%- set trailing = var('integrity_trailing_months') -%}
{%- set band_sds = var('integrity_band_sds') -%}
with

responses as (
    select
        response_id,
        contact_id,
        account_id,
        campaign_id,
        survey_type,
        nps_category,
        responded_at
    from {{ ref('fct_nps_responses') }}
),

invitations as (
    select
        invitation_id,
        campaign_id,
        contact_id,
        survey_type,
        is_responded,
        sent_at
    from {{ ref('fct_survey_invitations') }}
),

followups as (
    select
        response_id,
        owner,
        followed_up_at
    from {{ ref('stg_loop__followups') }}
),

score_edits as (
    select * from {{ ref('mart_score_edits') }}
),

campaign_contacts as (
    select
        campaign_id,
        last_nps_category,
        is_invited,
        is_recently_invited
    from {{ ref('int_relationship_campaign_contacts') }}
),

snapshot_campaigns as (
    select
        response_id,
        max(campaign_id) as campaign_id
    from ({{ response_versions() }}) as versions
    group by response_id
),

build_as_of as (
    select as_of_at from {{ ref('int_build_as_of') }}
),

campaigns as (
    select
        campaign_id,
        max(survey_type) as survey_type,
        min(sent_at) as started_at,
        max(sent_at) as ended_at,
        cast({{ dbt.date_trunc('month', 'min(sent_at)') }} as date) as campaign_month,
        cast(count(*) as {{ dbt.type_bigint() }}) as invitations,
        {{ count_where('is_responded') }} as responded_invitations
    from invitations
    group by campaign_id
),

{# 1. An owner's followed-up contacts: the next answer after the follow-up. #}

followed_up as (
    select
        followups.owner,
        responses.response_id,
        responses.contact_id,
        min(followups.followed_up_at) as followed_up_at
    from followups
    cross join build_as_of
    inner join responses on followups.response_id = responses.response_id
    where responses.nps_category <> 'promoter' and {{ not_after_as_of('followups.followed_up_at') }}
    group by followups.owner, responses.response_id, responses.contact_id
),

later_answers as (
    select
        followed_up.owner,
        followed_up.response_id,
        later.account_id,
        later.nps_category,
        row_number() over (
            partition by followed_up.owner, followed_up.response_id
            order by later.responded_at, later.response_id
        ) as answer_order
    from followed_up
    inner join responses as later
        on followed_up.contact_id = later.contact_id and followed_up.followed_up_at < later.responded_at
),

{# Accounts are the clusters: an owner's contacts sit in the owner's accounts, and accounts
    differ in how they score, so the comparison's standard errors treat accounts as clusters. #}
jumps_by_owner_account as (
    select
        owner,
        account_id,
        cast(count(*) as {{ dbt.type_bigint() }}) as units,
        {{ count_where("nps_category = 'promoter'") }} as hits
    from later_answers
    where answer_order = 1
    group by owner, account_id
),

jumps_by_account as (
    select
        account_id,
        cast(sum(units) as {{ dbt.type_bigint() }}) as units,
        cast(sum(hits) as {{ dbt.type_bigint() }}) as hits
    from jumps_by_owner_account
    group by account_id
),

owners as (
    select distinct owner from jumps_by_owner_account
),

other_jumps_by_account as (
    select
        owners.owner,
        jumps_by_account.account_id,
        jumps_by_account.units - coalesce(jumps_by_owner_account.units, 0) as units,
        jumps_by_account.hits - coalesce(jumps_by_owner_account.hits, 0) as hits
    from owners
    cross join jumps_by_account
    left join jumps_by_owner_account
        on owners.owner = jumps_by_owner_account.owner
            and jumps_by_account.account_id = jumps_by_owner_account.account_id
),

own_jumps as (
    select
        owner,
        cast(sum(units) as {{ dbt.type_bigint() }}) as units,
        cast(sum(hits) as {{ dbt.type_bigint() }}) as hits,
        {{ ratio_clustered_variance(
            'sum(hits)', 'sum(units)', 'sum(hits * hits)', 'sum(hits * units)', 'sum(units * units)', 'count(*)'
        ) }} as share_variance
    from jumps_by_owner_account
    where units > 0
    group by owner
),

other_jumps as (
    select
        owner,
        cast(sum(units) as {{ dbt.type_bigint() }}) as units,
        cast(sum(hits) as {{ dbt.type_bigint() }}) as hits,
        {{ ratio_clustered_variance(
            'sum(hits)', 'sum(units)', 'sum(hits * hits)', 'sum(hits * units)', 'sum(units * units)', 'count(*)'
        ) }} as share_variance
    from other_jumps_by_account
    where units > 0
    group by owner
),

owner_compared as (
    select
        own_jumps.owner,
        own_jumps.units,
        own_jumps.hits,
        coalesce(other_jumps.units, 0) as other_units,
        coalesce(other_jumps.hits, 0) as other_hits,
        own_jumps.share_variance + other_jumps.share_variance as difference_variance
    from own_jumps
    left join other_jumps on own_jumps.owner = other_jumps.owner
),

{# 2. A relationship campaign's invited contacts vs the contacts due, by their last answer
    before the campaign started. Due: an active account, an earlier answer, and no relationship
    invitation between survey_min_gap_days before the campaign's last send and its start (so
    the contact could be invited at some point of the campaign without breaking the gap): one row
    per campaign and contact in int_relationship_campaign_contacts, built by increments. #}

relationship_campaigns as (
    select * from campaigns
    where survey_type = 'relationship'
),

skew_counts as (
    select
        campaign_id,
        {{ count_where('is_invited') }} as units,
        {{ count_where("is_invited and last_nps_category = 'promoter'") }} as hits,
        {{ count_where('not is_recently_invited') }} as due_units,
        {{ count_where("not is_recently_invited and last_nps_category = 'promoter'") }} as due_hits
    from campaign_contacts
    group by campaign_id
),

{# 3. Each campaign's response rate and promoter share against the campaigns before it. #}

campaign_responses as (
    select
        campaign_id,
        cast(count(*) as {{ dbt.type_bigint() }}) as responses,
        {{ count_where("nps_category = 'promoter'") }} as promoters
    from responses
    group by campaign_id
),

campaign_shares as (
    select
        campaigns.campaign_id,
        campaigns.survey_type,
        campaigns.campaign_month,
        'response_rate_band' as signal,
        campaigns.invitations as units,
        campaigns.responded_invitations as hits
    from campaigns
    union all
    select
        campaigns.campaign_id,
        campaigns.survey_type,
        campaigns.campaign_month,
        'promoter_share_band' as signal,
        coalesce(campaign_responses.responses, 0) as units,
        coalesce(campaign_responses.promoters, 0) as hits
    from campaigns
    left join campaign_responses on campaigns.campaign_id = campaign_responses.campaign_id
),

campaign_bands as (
    select
        campaign_id,
        survey_type,
        campaign_month,
        signal,
        units,
        hits,
        case when units > 0 then cast(hits as {{ type_double() }}) / units end as campaign_share,
        avg(case when units > 0 then cast(hits as {{ type_double() }}) / units end) over (
            partition by signal, survey_type order by campaign_month
            rows between {{ trailing }} preceding and 1 preceding
        ) as trailing_mean,
        stddev_samp(case when units > 0 then cast(hits as {{ type_double() }}) / units end) over (
            partition by signal, survey_type order by campaign_month
            rows between {{ trailing }} preceding and 1 preceding
        ) as trailing_sd,
        count(case when units > 0 then 1 end) over (
            partition by signal, survey_type order by campaign_month
            rows between {{ trailing }} preceding and 1 preceding
        ) as trailing_campaigns
    from campaign_shares
),

{# 4. Scores edited or deleted between loads, by the campaign of the response. #}

edits_by_campaign as (
    select
        snapshot_campaigns.campaign_id,
        cast(count(*) as {{ dbt.type_bigint() }}) as edits,
        {{ count_where("score_edits.change_type = 'score_changed'") }} as score_changes,
        {{ count_where("score_edits.change_type = 'score_changed' and score_edits.score_after > score_edits.score_before") }}
            as raised_scores,
        {{ count_where("score_edits.change_type <> 'score_changed'") }} as deletions
    from score_edits
    inner join snapshot_campaigns on score_edits.response_id = snapshot_campaigns.response_id
    group by snapshot_campaigns.campaign_id
),

{# Every signal in one shape. #}

signals as (
    select
        'followup_score_jump' as signal,
        'owner' as subject_type,
        owner as subject,
        cast(null as {{ dbt.type_string() }}) as survey_type,
        cast(null as date) as campaign_month,
        units as evidence_units,
        hits as evidence_hits,
        cast(hits as {{ type_double() }}) / units as observed_value,
        case when other_units > 0 then cast(other_hits as {{ type_double() }}) / other_units end as expected_value,
        case
            when difference_variance > 0
                then (cast(hits as {{ type_double() }}) / units - cast(other_hits as {{ type_double() }}) / other_units)
                    / sqrt(difference_variance)
        end as deviation_z,
        {{ dbt.concat([
            "cast(hits as " ~ dbt.type_string() ~ ")",
            "' of '",
            "cast(units as " ~ dbt.type_string() ~ ")",
            "' followed-up detractors and passives answered 9-10 next time, vs '",
            "cast(other_hits as " ~ dbt.type_string() ~ ")",
            "' of '",
            "cast(other_units as " ~ dbt.type_string() ~ ")",
            "' for the other owners'",
        ]) }} as evidence,
        other_units as comparison_units,
        other_hits as comparison_hits
    from owner_compared

    union all

    select
        'invitation_skew' as signal,
        'campaign' as subject_type,
        skew_counts.campaign_id as subject,
        relationship_campaigns.survey_type,
        relationship_campaigns.campaign_month,
        skew_counts.units as evidence_units,
        skew_counts.hits as evidence_hits,
        case when skew_counts.units > 0 then cast(skew_counts.hits as {{ type_double() }}) / skew_counts.units end
            as observed_value,
        case when skew_counts.due_units > 0 then cast(skew_counts.due_hits as {{ type_double() }}) / skew_counts.due_units end
            as expected_value,
        case
            when skew_counts.units > 0 and skew_counts.due_units > 0
                and skew_counts.due_hits > 0 and skew_counts.due_hits < skew_counts.due_units
                then (
                    cast(skew_counts.hits as {{ type_double() }}) / skew_counts.units
                    - cast(skew_counts.due_hits as {{ type_double() }}) / skew_counts.due_units
                )
                / sqrt(
                    (cast(skew_counts.due_hits as {{ type_double() }}) / skew_counts.due_units)
                    * (1.0 - cast(skew_counts.due_hits as {{ type_double() }}) / skew_counts.due_units)
                    / skew_counts.units
                )
        end as deviation_z,
        {{ dbt.concat([
            "cast(skew_counts.hits as " ~ dbt.type_string() ~ ")",
            "' of '",
            "cast(skew_counts.units as " ~ dbt.type_string() ~ ")",
            "' invited contacts with a past answer last answered as promoters, vs '",
            "cast(skew_counts.due_hits as " ~ dbt.type_string() ~ ")",
            "' of '",
            "cast(skew_counts.due_units as " ~ dbt.type_string() ~ ")",
            "' contacts due'",
        ]) }} as evidence,
        skew_counts.due_units as comparison_units,
        skew_counts.due_hits as comparison_hits
    from skew_counts
    inner join relationship_campaigns on skew_counts.campaign_id = relationship_campaigns.campaign_id

    union all

    select
        campaign_bands.signal,
        'campaign' as subject_type,
        campaign_bands.campaign_id as subject,
        campaign_bands.survey_type,
        campaign_bands.campaign_month,
        campaign_bands.units as evidence_units,
        campaign_bands.hits as evidence_hits,
        campaign_bands.campaign_share as observed_value,
        case when campaign_bands.trailing_campaigns = {{ trailing }} then campaign_bands.trailing_mean end
            as expected_value,
        case
            when campaign_bands.trailing_campaigns = {{ trailing }} and campaign_bands.trailing_sd > 0
                and campaign_bands.campaign_month < cast({{ dbt.date_trunc('month', 'build_as_of.as_of_at') }} as date)
                then (campaign_bands.campaign_share - campaign_bands.trailing_mean) / campaign_bands.trailing_sd
        end as deviation_z,
        {{ dbt.concat([
            "cast(campaign_bands.hits as " ~ dbt.type_string() ~ ")",
            "' of '",
            "cast(campaign_bands.units as " ~ dbt.type_string() ~ ")",
            "case when campaign_bands.signal = 'response_rate_band' then ' invitations answered'"
            ~ " else ' responses from promoters' end",
            "', against the previous " ~ trailing ~ " campaigns of its survey type'",
        ]) }} as evidence,
        cast(null as {{ dbt.type_bigint() }}) as comparison_units,
        cast(null as {{ dbt.type_bigint() }}) as comparison_hits
    from campaign_bands
    cross join build_as_of

    union all

    select
        'score_edits' as signal,
        'campaign' as subject_type,
        campaigns.campaign_id as subject,
        campaigns.survey_type,
        campaigns.campaign_month,
        campaigns.invitations as evidence_units,
        coalesce(edits_by_campaign.edits, 0) as evidence_hits,
        cast(coalesce(edits_by_campaign.edits, 0) as {{ type_double() }}) as observed_value,
        0.0 as expected_value,
        cast(null as {{ type_double() }}) as deviation_z,
        {{ dbt.concat([
            "cast(coalesce(edits_by_campaign.score_changes, 0) as " ~ dbt.type_string() ~ ")",
            "' scores changed ('",
            "cast(coalesce(edits_by_campaign.raised_scores, 0) as " ~ dbt.type_string() ~ ")",
            "' raised) and '",
            "cast(coalesce(edits_by_campaign.deletions, 0) as " ~ dbt.type_string() ~ ")",
            "' responses gone from a later load (mart_score_edits)'",
        ]) }} as evidence,
        cast(null as {{ dbt.type_bigint() }}) as comparison_units,
        cast(null as {{ dbt.type_bigint() }}) as comparison_hits
    from campaigns
    left join edits_by_campaign on campaigns.campaign_id = edits_by_campaign.campaign_id
),

flagged as (
    select
        signal,
        subject_type,
        subject,
        survey_type,
        campaign_month,
        cast(evidence_units as {{ dbt.type_bigint() }}) as evidence_units,
        cast(evidence_hits as {{ dbt.type_bigint() }}) as evidence_hits,
        cast(comparison_units as {{ dbt.type_bigint() }}) as comparison_units,
        cast(comparison_hits as {{ dbt.type_bigint() }}) as comparison_hits,
        cast(observed_value as {{ type_double() }}) as observed_value,
        cast(expected_value as {{ type_double() }}) as expected_value,
        cast(deviation_z as {{ type_double() }}) as deviation_z,
        evidence,
        coalesce(
            case signal
                when 'followup_score_jump'
                    then evidence_units >= {{ min_evidence }}
                        and observed_value >= {{ var('integrity_jump_factor') }} * expected_value
                        and deviation_z >= {{ min_z }}
                when 'invitation_skew'
                    then evidence_units >= {{ min_evidence }}
                        and observed_value - expected_value >= {{ var('integrity_skew_min_difference') }}
                        and deviation_z >= {{ min_z }}
                when 'score_edits'
                    then evidence_hits >= {{ var('integrity_min_score_edits') }}
                else evidence_units >= {{ min_evidence }} and abs(deviation_z) > {{ band_sds }}
            end,
            false
        ) as is_flagged
    from signals
)

select * from flagged
