with

responses as (
    select * from {{ ref('fct_nps_responses') }}
),

followups as (
    select * from {{ ref('stg_loop__followups') }}
),

accounts as (
    select
        account_id,
        churned_at
    from {{ ref('dim_accounts') }}
),

followup_targets as (
    select * from {{ ref('followup_targets') }}
),

build_as_of as (
    select as_of_at from {{ ref('int_build_as_of') }}
),

followups_in_scope as (
    select
        followups.response_id,
        followups.owner,
        followups.action,
        followups.outcome,
        followups.followed_up_at,
        row_number() over (
            partition by followups.response_id order by followups.followed_up_at, followups.followup_id
        ) as followup_rank_first,
        row_number() over (
            partition by followups.response_id order by followups.followed_up_at desc, followups.followup_id desc
        ) as followup_rank_latest,
        count(*) over (partition by followups.response_id) as followups
    from followups
    cross join build_as_of
    where {{ not_after_as_of('followups.followed_up_at') }}
),

next_responses as (
    select
        response_id,
        lead(response_id) over (partition by contact_id order by responded_at, response_id) as next_response_id,
        lead(score) over (partition by contact_id order by responded_at, response_id) as next_score,
        lead(responded_at) over (partition by contact_id order by responded_at, response_id) as next_responded_at
    from responses
),

alerts as (
    select
        responses.response_id,
        responses.contact_id,
        responses.account_id,
        first_followups.owner,
        responses.survey_type,
        responses.respondent_role,
        responses.nps_category,
        first_followups.action as first_action,
        latest_followups.outcome,
        responses.score,
        next_responses.next_score,
        {{ nps_category('next_responses.next_score') }} as next_nps_category,
        cast(coalesce(first_followups.followups, 0) as {{ dbt.type_bigint() }}) as followups,
        followup_targets.target_hours,
        {{ hours_between('responses.responded_at', 'first_followups.followed_up_at') }} as hours_to_followup,
        case
            when first_followups.followed_up_at is null
                then {{ hours_between('responses.responded_at', 'build_as_of.as_of_at') }}
        end as open_hours,
        responses.responded_at as alerted_at,
        {{ dbt.dateadd('hour', 'followup_targets.target_hours', 'responses.responded_at') }} as due_at,
        first_followups.followed_up_at as first_followed_up_at,
        next_responses.next_response_id,
        next_responses.next_responded_at,
        accounts.churned_at,
        build_as_of.as_of_at
    from responses
    cross join build_as_of
    inner join followup_targets on responses.nps_category = followup_targets.nps_category
    left join followups_in_scope as first_followups
        on responses.response_id = first_followups.response_id and first_followups.followup_rank_first = 1
    left join followups_in_scope as latest_followups
        on responses.response_id = latest_followups.response_id and latest_followups.followup_rank_latest = 1
    left join next_responses on responses.response_id = next_responses.response_id
    left join accounts on responses.account_id = accounts.account_id
),

alerts_flagged as (
    select
        response_id,
        contact_id,
        account_id,
        next_response_id,
        coalesce(owner, 'unassigned') as owner,
        survey_type,
        respondent_role,
        nps_category,
        first_action,
        outcome,
        case
            when first_followed_up_at is not null and first_followed_up_at <= due_at then 'closed_within_target'
            when first_followed_up_at is not null then 'closed_late'
            when as_of_at > due_at then 'open_overdue'
            else 'open_within_target'
        end as followup_status,
        score,
        next_score,
        next_nps_category,
        followups,
        target_hours,
        hours_to_followup,
        open_hours,
        first_followed_up_at is not null and first_followed_up_at <= due_at as is_within_target,
        first_followed_up_at is null as is_open,
        churned_at is not null and churned_at > alerted_at as is_account_churned_after,
        alerted_at,
        due_at,
        first_followed_up_at,
        next_responded_at,
        churned_at,
        as_of_at
    from alerts
)

select * from alerts_flagged
