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

history as (
    select
        invitation_id,
        survey_type,
        previous_invitations,
        days_since_previous_invitation,
        is_responded,
        is_commented,
        sent_at
    from {{ ref('int_invitation_history') }}
),

build_as_of as (
    select as_of_at from {{ ref('int_build_as_of') }}
),

data_start as (
    select min(sent_at) as first_sent_at from history
),

invitations_in_scope as (
    {#- Each invitation's history comes from int_invitation_history, built contact by contact. -#}
    select
        history.invitation_id,
        history.survey_type,
        history.previous_invitations,
        history.days_since_previous_invitation,
        history.is_responded,
        history.is_commented
    from history
    cross join build_as_of
    cross join data_start
    where
        history.sent_at >= {{ dbt.dateadd('day', var('fatigue_lookback_days'), 'data_start.first_sent_at') }}
        and history.sent_at <= {{ dbt.dateadd('day', -1 * var('fatigue_response_window_days'), 'build_as_of.as_of_at') }}
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
