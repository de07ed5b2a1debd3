{#- NPS by period and segment with its standard error, an adjusted-Wald variant for small samples,
    and the change from the previous period with a z test. A segment-period with fewer responses
    than the nps_change_min_responses var (in it or the previous period) is flagged too_small and
    its change is not shown. Beside each simple figure, its clustered twin treats accounts as
    clusters (respondents of one account answer alike): nps_moe_95_clustered, design_effect,
    effective_responses, and the change's clustered standard error, z and significance. -#}
{%- set periods = ['month', 'quarter'] -%}
{%- set segments = ['survey_type', 'respondent_role', 'region', 'plan', 'industry'] -%}
{%- set min_responses = var('nps_change_min_responses') -%}
{%- set previous_months = "case when adjusted.period_type = 'quarter' then -3 else -1 end" -%}
with

responses as (
    select * from {{ ref('fct_nps_responses') }}
),

counted as (
    {#- Per period and segment: responses and categories per account (the clusters), then their
        sums. One branch per period and segment, each aggregated on its own: one aggregate over all
        of them at once holds every (period, segment, account) group together (~40M at ~10M
        responses) and ran out of memory. -#}
    {%- for period in periods %}
        {%- set period_loop = loop %}
        {%- for segment in ['overall'] + segments %}
            select
                period_type,
                period_start,
                segment_type,
                segment_value,
                cast(sum(responses) as {{ dbt.type_bigint() }}) as responses,
                cast(sum(promoters) as {{ dbt.type_bigint() }}) as promoters,
                cast(sum(passives) as {{ dbt.type_bigint() }}) as passives,
                cast(sum(detractors) as {{ dbt.type_bigint() }}) as detractors,
                {{ nps_cluster_sums() }}
            from (
                select
                    period_type,
                    period_start,
                    segment_type,
                    segment_value,
                    account_id,
                    cast(count(*) as {{ dbt.type_bigint() }}) as responses,
                    {{ count_where("nps_category = 'promoter'") }} as promoters,
                    {{ count_where("nps_category = 'passive'") }} as passives,
                    {{ count_where("nps_category = 'detractor'") }} as detractors
                from (
                    select
                        '{{ period }}' as period_type,
                        cast({{ dbt.date_trunc(period, 'responded_at') }} as date) as period_start,
                        '{{ segment }}' as segment_type,
                        {% if segment == 'overall' %}'all'{% else %}coalesce({{ segment }}, 'unknown'){% endif %}
                            as segment_value,
                        account_id,
                        nps_category
                    from responses
                ) as labelled
                group by period_type, period_start, segment_type, segment_value, account_id
            ) as counted_by_account
            group by period_type, period_start, segment_type, segment_value
            {%- if not (period_loop.last and loop.last) %}
                union all
            {%- endif %}
        {%- endfor %}
    {%- endfor %}
),

scored as (
    select
        period_type,
        period_start,
        segment_type,
        segment_value,
        responses,
        promoters,
        passives,
        detractors,
        {{ nps('promoters', 'detractors', 'responses') }} as nps,
        {{ nps_variance('promoters', 'detractors', 'responses') }} as nps_variance,
        100.0 * sqrt(
            greatest({{ nps_variance('promoters', 'detractors', 'responses') }}, 0.0) / responses
        ) as nps_se,
        {{ nps_moe_95('promoters', 'detractors', 'responses') }} as nps_moe_95,
        accounts,
        {{ nps_clustered_variance(
            'net_promoters', 'responses', 'net_promoters_squared', 'net_promoters_by_responses', 'responses_squared', 'accounts'
        ) }} as nps_clustered_variance,
        {{ nps_moe_95_clustered(
            'net_promoters', 'responses', 'net_promoters_squared', 'net_promoters_by_responses', 'responses_squared', 'accounts'
        ) }} as nps_moe_95_clustered,
        {{ nps_design_effect(
            'promoters', 'detractors',
            'net_promoters', 'responses', 'net_promoters_squared', 'net_promoters_by_responses', 'responses_squared', 'accounts'
        ) }} as design_effect,
        {{ nps_effective_responses(
            'promoters', 'detractors',
            'net_promoters', 'responses', 'net_promoters_squared', 'net_promoters_by_responses', 'responses_squared', 'accounts'
        ) }} as effective_responses,
        {#- Adjusted Wald: 0.75 promoters, 1.5 passives and 0.75 detractors added (3 responses). -#}
        cast(promoters as {{ type_double() }}) + 0.75 as adjusted_promoters,
        cast(passives as {{ type_double() }}) + 1.5 as adjusted_passives,
        cast(detractors as {{ type_double() }}) + 0.75 as adjusted_detractors,
        cast(responses as {{ type_double() }}) + 3.0 as adjusted_responses
    from counted
),

adjusted as (
    select
        scored.*,
        {{ nps('adjusted_promoters', 'adjusted_detractors', 'adjusted_responses') }} as adjusted_nps,
        100.0 * sqrt(
            greatest({{ nps_variance('adjusted_promoters', 'adjusted_detractors', 'adjusted_responses') }}, 0.0)
            / scored.adjusted_responses
        ) as adjusted_nps_se
    from scored
),

compared as (
    select
        adjusted.period_type,
        adjusted.period_start,
        adjusted.segment_type,
        adjusted.segment_value,
        adjusted.responses,
        adjusted.promoters,
        adjusted.passives,
        adjusted.detractors,
        adjusted.nps,
        adjusted.nps_se,
        adjusted.nps_moe_95,
        adjusted.nps_moe_95_clustered,
        adjusted.design_effect,
        adjusted.effective_responses,
        adjusted.adjusted_promoters,
        adjusted.adjusted_passives,
        adjusted.adjusted_detractors,
        adjusted.adjusted_responses,
        adjusted.adjusted_nps,
        adjusted.adjusted_nps_se,
        previous.period_start as previous_period_start,
        coalesce(previous.responses, 0) as previous_responses,
        previous.nps as previous_nps,
        adjusted.responses < {{ min_responses }} or coalesce(previous.responses, 0) < {{ min_responses }} as is_too_small,
        adjusted.nps - previous.nps as raw_change,
        100.0 * sqrt(
            greatest(adjusted.nps_variance, 0.0) / adjusted.responses
            + greatest(previous.nps_variance, 0.0) / previous.responses
        ) as raw_change_se,
        {#- Periods treated as independent samples: the same accounts answer in both, which makes
            this conservative (too wide) when an account's level persists. -#}
        100.0 * sqrt(adjusted.nps_clustered_variance + previous.nps_clustered_variance)
            as raw_change_se_clustered,
        {#- Degrees of freedom of the clustered test: the fewer accounts of the two periods, less one. -#}
        case
            when adjusted.accounts < previous.accounts then adjusted.accounts
            else previous.accounts
        end - 1 as change_degrees_of_freedom
    from adjusted
    left join scored as previous
        on adjusted.period_type = previous.period_type
            and adjusted.segment_type = previous.segment_type
            and adjusted.segment_value = previous.segment_value
            and previous.period_start = cast(
                {{ dbt.dateadd('month', previous_months, 'adjusted.period_start') }}
                as date
            )
),

flagged as (
    select
        period_type,
        period_start,
        segment_type,
        segment_value,
        responses,
        promoters,
        passives,
        detractors,
        nps,
        nps_se,
        nps_moe_95,
        nps_moe_95_clustered,
        design_effect,
        effective_responses,
        adjusted_promoters,
        adjusted_passives,
        adjusted_detractors,
        adjusted_responses,
        adjusted_nps,
        adjusted_nps_se,
        previous_period_start,
        previous_responses,
        previous_nps,
        case when not is_too_small then raw_change end as nps_change,
        case when not is_too_small then raw_change_se end as nps_change_se,
        case when not is_too_small and raw_change_se > 0 then raw_change / raw_change_se end as z,
        coalesce(not is_too_small and raw_change_se > 0 and abs(raw_change / raw_change_se) >= 1.96, false)
            as significant_95,
        case when not is_too_small then raw_change_se_clustered end as nps_change_se_clustered,
        case
            when not is_too_small and raw_change_se_clustered > 0 then raw_change / raw_change_se_clustered
        end as z_clustered,
        coalesce(
            not is_too_small
            and raw_change_se_clustered > 0
            and abs(raw_change / raw_change_se_clustered) >= {{ t_quantile_975('change_degrees_of_freedom') }},
            false
        ) as significant_95_clustered,
        is_too_small as too_small
    from compared
)

select * from flagged
