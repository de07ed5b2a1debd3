{{ per_contact_model_config() }}
{#- Each invitation of fct_survey_invitations with the contact's invitations before it: how many
    were sent in the fatigue_lookback_days before it (any survey type) and when the latest earlier
    one went out, with whether it was answered and commented. Built contact by contact
    (per_contact_model_config): a contact's rows depend on all of the contact's invitations. -#}
with

invitations as (
    select
        invitation_id,
        contact_id,
        survey_type,
        is_responded,
        sent_at
    from {{ ref('fct_survey_invitations') }}
    {{- where_recomputed('contact_id', grain='contact') }}
),

commented_invitations as (
    select responses.invitation_id
    from {{ ref('fct_nps_responses') }} as responses
    inner join invitations on responses.invitation_id = invitations.invitation_id
    group by responses.invitation_id
    having sum(case when responses.has_comment then 1 else 0 end) > 0
),

invitation_times as (
    {#- Each contact's distinct send times, with how many invitations went out at each. -#}
    select
        contact_id,
        sent_at,
        cast(count(*) as {{ dbt.type_bigint() }}) as sent
    from invitations
    group by contact_id, sent_at
),

time_history as (
    {#- Per send time: the contact's previous send time and how many invitations went before it. -#}
    select
        contact_id,
        sent_at,
        lag(sent_at) over (partition by contact_id order by sent_at) as previous_sent_at,
        coalesce(
            sum(sent) over (
                partition by contact_id order by sent_at rows between unbounded preceding and 1 preceding
            ),
            0
        ) as sent_before
    from invitation_times
),

look_back_events as (
    {#- The send times, and for each a probe at the start of its look-back (kind 0, sorted before
        a send at the same instant): the running count of sends at a probe is how many went
        strictly before the look-back began. -#}
    select
        contact_id,
        sent_at as event_at,
        1 as kind,
        sent,
        cast(null as {{ dbt.type_timestamp() }}) as probe_for
    from invitation_times
    union all
    select
        contact_id,
        {{ dbt.dateadd('day', -1 * var('fatigue_lookback_days'), 'sent_at') }} as event_at,
        0 as kind,
        0 as sent,
        sent_at as probe_for
    from invitation_times
),

look_back_starts as (
    select
        contact_id,
        probe_for as sent_at,
        sent_before_look_back
    from (
        select
            contact_id,
            kind,
            probe_for,
            sum(sent) over (
                partition by contact_id order by event_at, kind
                rows between unbounded preceding and current row
            ) as sent_before_look_back
        from look_back_events
    ) as running
    {#- The probes (kind 0), the rows with a probe_for: said so, PostgreSQL's planner expects most
        rows to pass (it guessed 0.5% for kind = 0 and, planning nested loops over its few rows,
        took 50 s instead of 0.3 s on the engines test's data). #}
    where probe_for is not null
),

invitation_history as (
    {#- Strictly earlier invitations of the same contact: the count inside the look-back (sent
        before the invitation, less those sent before its look-back began) and the latest at any
        distance. Window functions over each contact's send times, not a join of every
        invitation with every earlier one (which grew with the square of a contact's invitations
        and ran out of memory at ~25M invitations). -#}
    select
        invitations.invitation_id,
        invitations.contact_id,
        invitations.survey_type,
        invitations.sent_at,
        cast(time_history.sent_before - look_back_starts.sent_before_look_back as {{ dbt.type_bigint() }})
            as previous_invitations,
        {{ dbt.datediff('time_history.previous_sent_at', 'invitations.sent_at', 'day') }}
            as days_since_previous_invitation,
        invitations.is_responded,
        commented_invitations.invitation_id is not null as is_commented
    from invitations
    inner join time_history
        on invitations.contact_id = time_history.contact_id and invitations.sent_at = time_history.sent_at
    inner join look_back_starts
        on invitations.contact_id = look_back_starts.contact_id and invitations.sent_at = look_back_starts.sent_at
    left join commented_invitations on invitations.invitation_id = commented_invitations.invitation_id
)

select * from invitation_history
