{#- Is our cadence costing us answers? Response and comment rates of invitations by how many
    invitations the contact had received in the fatigue_lookback_days before (any survey type) and
    by the days since the previous one, with Wilson 95% intervals. Only invitations whose whole
    look-back lies inside the data (sent fatigue_lookback_days or more after the first invitation
    of the warehouse) and whose answer has had fatigue_response_window_days to arrive. -#}
{%- set dimensions = {
    'previous_invitations': var('fatigue_previous_invitation_bands'),
    'days_since_previous_invitation': var('fatigue_days_since_previous_bands'),
} -%}
with

invitations as (
    select
        invitation_id,
        contact_id,
        survey_type,
        is_responded,
        sent_at
    from {{ ref('fct_survey_invitations') }}
),

responses as (
    select
        invitation_id,
        has_comment
    from {{ ref('fct_nps_responses') }}
),

build_as_of as (
    select as_of_at from {{ ref('int_build_as_of') }}
),

data_start as (
    select min(sent_at) as first_sent_at from invitations
),

commented_invitations as (
    select invitation_id
    from responses
    group by invitation_id
    having sum(case when has_comment then 1 else 0 end) > 0
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
        time_history.sent_before - look_back_starts.sent_before_look_back as previous_invitations,
        time_history.previous_sent_at
    from invitations
    inner join time_history
        on invitations.contact_id = time_history.contact_id and invitations.sent_at = time_history.sent_at
    inner join look_back_starts
        on invitations.contact_id = look_back_starts.contact_id and invitations.sent_at = look_back_starts.sent_at
),

invitations_in_scope as (
    select
        invitations.invitation_id,
        invitations.survey_type,
        invitation_history.previous_invitations,
        {{ dbt.datediff('invitation_history.previous_sent_at', 'invitations.sent_at', 'day') }}
            as days_since_previous_invitation,
        invitations.is_responded,
        commented_invitations.invitation_id is not null as is_commented
    from invitations
    cross join build_as_of
    cross join data_start
    inner join invitation_history on invitations.invitation_id = invitation_history.invitation_id
    left join commented_invitations on invitations.invitation_id = commented_invitations.invitation_id
    where
        invitations.sent_at >= {{ dbt.dateadd('day', var('fatigue_lookback_days'), 'data_start.first_sent_at') }}
        and invitations.sent_at <= {{ dbt.dateadd('day', -1 * var('fatigue_response_window_days'), 'build_as_of.as_of_at') }}
),

banded as (
    {#- A contact's first invitation has no days since the previous one: band 0, 'none'. -#}
    select
        invitation_id,
        survey_type,
        {{ integer_band_label('previous_invitations', dimensions['previous_invitations']) }}
            as previous_invitations_band,
        {{ integer_band_order('previous_invitations', dimensions['previous_invitations']) }}
            as previous_invitations_band_order,
        coalesce(
            {{ integer_band_label('days_since_previous_invitation', dimensions['days_since_previous_invitation']) }},
            'none'
        ) as days_since_previous_invitation_band,
        coalesce(
            {{ integer_band_order('days_since_previous_invitation', dimensions['days_since_previous_invitation']) }},
            0
        ) as days_since_previous_invitation_band_order,
        is_responded,
        is_commented
    from invitations_in_scope
),

banded_with_all as (
    {#- Every invitation once under its own survey type and once under 'all'. -#}
    select * from banded
    union all
    select
        invitation_id,
        'all' as survey_type,
        previous_invitations_band,
        previous_invitations_band_order,
        days_since_previous_invitation_band,
        days_since_previous_invitation_band_order,
        is_responded,
        is_commented
    from banded
),

counted as (
    {%- for dimension in dimensions %}
        select
            survey_type,
            '{{ dimension }}' as fatigue_dimension,
            {{ dimension }}_band as band,
            {{ dimension }}_band_order as band_order,
            cast(count(*) as {{ dbt.type_bigint() }}) as invitations,
            {{ count_where('is_responded') }} as responded_invitations,
            {{ count_where('is_responded and is_commented') }} as commented_invitations
        from banded_with_all
        group by survey_type, {{ dimension }}_band, {{ dimension }}_band_order
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
),

rated as (
    select
        survey_type,
        fatigue_dimension,
        band,
        cast(band_order as integer) as band_order,
        invitations,
        responded_invitations,
        commented_invitations,
        cast(responded_invitations as {{ type_double() }}) / invitations as response_rate,
        {{ wilson_interval_low('responded_invitations', 'invitations') }} as response_rate_low_95,
        {{ wilson_interval_high('responded_invitations', 'invitations') }} as response_rate_high_95,
        case
            when responded_invitations > 0
                then cast(commented_invitations as {{ type_double() }}) / responded_invitations
        end as comment_rate,
        {{ wilson_interval_low('commented_invitations', 'responded_invitations') }} as comment_rate_low_95,
        {{ wilson_interval_high('commented_invitations', 'responded_invitations') }} as comment_rate_high_95
    from counted
)

select * from rated
