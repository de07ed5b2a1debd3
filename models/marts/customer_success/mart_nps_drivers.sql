{#- What to fix first: for each candidate driver and survey type, the responses it touches, NPS
    with and without it, the gap with its 95% interval (accounts as clusters) and the NPS points at
    stake (share affected × gap), ranked from the biggest drag. Associations, not causes: a driver
    that travels with low scores may only mark accounts that score low for another reason. -#}
{%- set slow_resolution_minutes = var('drivers_slow_resolution_hours') * 60 -%}
{%- set categorical = ['respondent_role', 'plan', 'region'] -%}
with

responses as (
    select
        response_id,
        account_id,
        survey_type,
        respondent_role,
        plan,
        region,
        nps_category
    from {{ ref('fct_nps_responses') }}
),

themes as (
    select distinct
        response_id,
        theme
    from {{ ref('int_response_themes') }}
),

ticket_windows as (
    select * from {{ ref('int_response_ticket_windows') }}
),

{# Support in the ticket_window_days before each response (the account's tickets). #}
support_by_response as (
    select
        response_id,
        max(case when is_sla_breached then 1 else 0 end) as has_sla_breach,
        max(case when resolution_minutes > {{ slow_resolution_minutes }} then 1 else 0 end)
            as has_slow_resolution,
        max(case when is_reopened then 1 else 0 end) as has_reopened_ticket,
        max(case when downtime_minutes > 0 then 1 else 0 end) as has_downtime
    from ticket_windows
    group by response_id
),

{# One row per response and each candidate driver that applies to it. #}
response_drivers as (
    select
        response_id,
        'theme' as driver_type,
        theme as driver
    from themes
    {%- for flag, name in [('has_sla_breach', 'sla_breach'), ('has_slow_resolution', 'slow_resolution'),
        ('has_reopened_ticket', 'reopened_ticket'), ('has_downtime', 'downtime')] %}
        union all
        select
            response_id,
            'support' as driver_type,
            '{{ name }}' as driver
        from support_by_response
        where {{ flag }} = 1
    {%- endfor %}
    {%- for column in categorical %}
        union all
        select
            response_id,
            '{{ column }}' as driver_type,
            {{ column }} as driver
        from responses
    {%- endfor %}
),

account_totals as (
    select
        survey_type,
        account_id,
        cast(count(*) as {{ dbt.type_bigint() }}) as responses,
        {{ count_where("nps_category = 'promoter'") }} as promoters,
        {{ count_where("nps_category = 'detractor'") }} as detractors
    from responses
    group by survey_type, account_id
),

affected_by_account as (
    select
        responses.survey_type,
        response_drivers.driver_type,
        response_drivers.driver,
        responses.account_id,
        cast(count(*) as {{ dbt.type_bigint() }}) as responses,
        {{ count_where("responses.nps_category = 'promoter'") }} as promoters,
        {{ count_where("responses.nps_category = 'detractor'") }} as detractors
    from response_drivers
    inner join responses on response_drivers.response_id = responses.response_id
    group by responses.survey_type, response_drivers.driver_type, response_drivers.driver, responses.account_id
),

candidates as (
    select distinct
        survey_type,
        driver_type,
        driver
    from affected_by_account
),

{# Each account's responses the driver does not touch: its total less the affected ones. #}
unaffected_by_account as (
    select
        candidates.survey_type,
        candidates.driver_type,
        candidates.driver,
        account_totals.account_id,
        account_totals.responses - coalesce(affected_by_account.responses, 0) as responses,
        account_totals.promoters - coalesce(affected_by_account.promoters, 0) as promoters,
        account_totals.detractors - coalesce(affected_by_account.detractors, 0) as detractors
    from candidates
    inner join account_totals on candidates.survey_type = account_totals.survey_type
    left join affected_by_account
        on candidates.survey_type = affected_by_account.survey_type
            and candidates.driver_type = affected_by_account.driver_type
            and candidates.driver = affected_by_account.driver
            and account_totals.account_id = affected_by_account.account_id
),

affected_groups as (
    select
        survey_type,
        driver_type,
        driver,
        cast(sum(responses) as {{ dbt.type_bigint() }}) as responses,
        cast(sum(promoters) as {{ dbt.type_bigint() }}) as promoters,
        cast(sum(detractors) as {{ dbt.type_bigint() }}) as detractors,
        {{ nps_cluster_sums() }}
    from affected_by_account
    where responses > 0
    group by survey_type, driver_type, driver
),

unaffected_groups as (
    select
        survey_type,
        driver_type,
        driver,
        cast(sum(responses) as {{ dbt.type_bigint() }}) as responses,
        cast(sum(promoters) as {{ dbt.type_bigint() }}) as promoters,
        cast(sum(detractors) as {{ dbt.type_bigint() }}) as detractors,
        {{ nps_cluster_sums() }}
    from unaffected_by_account
    where responses > 0
    group by survey_type, driver_type, driver
),

compared as (
    select
        candidates.survey_type,
        candidates.driver_type,
        candidates.driver,
        affected_groups.responses + coalesce(unaffected_groups.responses, 0) as responses,
        affected_groups.responses as affected_responses,
        affected_groups.accounts as affected_accounts,
        {{ nps('affected_groups.promoters', 'affected_groups.detractors', 'affected_groups.responses') }}
            as nps_with,
        {{ nps('unaffected_groups.promoters', 'unaffected_groups.detractors', 'unaffected_groups.responses') }}
            as nps_without,
        {#- The gap's variance: the two groups' clustered variances added (the groups share accounts,
            so this is an approximation; it ignores their covariance). -#}
        {{ nps_clustered_variance('affected_groups.net_promoters', 'affected_groups.responses',
            'affected_groups.net_promoters_squared', 'affected_groups.net_promoters_by_responses',
            'affected_groups.responses_squared', 'affected_groups.accounts') }}
        + {{ nps_clustered_variance('unaffected_groups.net_promoters', 'unaffected_groups.responses',
            'unaffected_groups.net_promoters_squared', 'unaffected_groups.net_promoters_by_responses',
            'unaffected_groups.responses_squared', 'unaffected_groups.accounts') }} as gap_variance,
        case
            when affected_groups.accounts < unaffected_groups.accounts then affected_groups.accounts
            else unaffected_groups.accounts
        end - 1 as gap_degrees_of_freedom
    from candidates
    inner join affected_groups
        on candidates.survey_type = affected_groups.survey_type
            and candidates.driver_type = affected_groups.driver_type
            and candidates.driver = affected_groups.driver
    left join unaffected_groups
        on candidates.survey_type = unaffected_groups.survey_type
            and candidates.driver_type = unaffected_groups.driver_type
            and candidates.driver = unaffected_groups.driver
),

measured as (
    select
        survey_type,
        driver_type,
        driver,
        responses,
        affected_responses,
        affected_accounts,
        cast(affected_responses as {{ type_double() }}) / responses as share_affected,
        nps_with,
        nps_without,
        nps_with - nps_without as nps_gap,
        100.0 * {{ t_quantile_975('gap_degrees_of_freedom') }} * sqrt(gap_variance) as nps_gap_moe_95
    from compared
),

ranked as (
    select
        survey_type,
        driver_type,
        driver,
        responses,
        affected_responses,
        affected_accounts,
        share_affected,
        nps_with,
        nps_without,
        nps_gap,
        nps_gap_moe_95,
        {#- An NPS gap lies within −200..200, so the interval is clipped there. -#}
        case when nps_gap_moe_95 is not null then greatest(nps_gap - nps_gap_moe_95, -200.0) end as nps_gap_low_95,
        case when nps_gap_moe_95 is not null then least(nps_gap + nps_gap_moe_95, 200.0) end as nps_gap_high_95,
        share_affected * nps_gap as points_at_stake,
        coalesce(abs(nps_gap) > nps_gap_moe_95, false) as is_gap_beyond_moe,
        cast(row_number() over (
            partition by survey_type
            order by case when nps_gap is null then 1 else 0 end, share_affected * nps_gap, driver_type, driver
        ) as {{ dbt.type_bigint() }}) as fix_first_rank
    from measured
)

select * from ranked
