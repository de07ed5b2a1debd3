{%- set segment = ['month', 'survey_type', 'respondent_role', 'region', 'plan', 'industry'] -%}
with

responses as (
    select * from {{ ref('fct_nps_responses') }}
),

invitations as (
    select * from {{ ref('fct_survey_invitations') }}
),

responses_by_account as (
    {#- The account level of each segment: the clustered margin needs each account's counts. -#}
    select
        response_month as month,
        survey_type,
        respondent_role,
        region,
        plan,
        industry,
        account_id,
        cast(count(*) as {{ dbt.type_bigint() }}) as responses,
        {{ count_where("nps_category = 'promoter'") }} as promoters,
        {{ count_where("nps_category = 'passive'") }} as passives,
        {{ count_where("nps_category = 'detractor'") }} as detractors,
        {{ count_where("has_comment") }} as comments
    from responses
    group by 1, 2, 3, 4, 5, 6, 7
),

responses_by_segment as (
    select
        month,
        survey_type,
        respondent_role,
        region,
        plan,
        industry,
        cast(sum(responses) as {{ dbt.type_bigint() }}) as responses,
        cast(sum(promoters) as {{ dbt.type_bigint() }}) as promoters,
        cast(sum(passives) as {{ dbt.type_bigint() }}) as passives,
        cast(sum(detractors) as {{ dbt.type_bigint() }}) as detractors,
        cast(sum(comments) as {{ dbt.type_bigint() }}) as comments,
        {{ nps_cluster_sums() }}
    from responses_by_account
    group by 1, 2, 3, 4, 5, 6
),

invitations_by_segment as (
    select
        sent_month as month,
        survey_type,
        respondent_role,
        region,
        plan,
        industry,
        cast(count(*) as {{ dbt.type_bigint() }}) as invitations,
        {{ count_where("is_responded") }} as responded_invitations
    from invitations
    group by 1, 2, 3, 4, 5, 6
),

segments as (
    select
        {%- for column in segment %}
            coalesce(responses_by_segment.{{ column }}, invitations_by_segment.{{ column }}) as {{ column }},
        {%- endfor %}
        coalesce(responses_by_segment.responses, 0) as responses,
        coalesce(responses_by_segment.promoters, 0) as promoters,
        coalesce(responses_by_segment.passives, 0) as passives,
        coalesce(responses_by_segment.detractors, 0) as detractors,
        coalesce(responses_by_segment.comments, 0) as comments,
        coalesce(responses_by_segment.accounts, 0) as accounts,
        coalesce(responses_by_segment.net_promoters, 0) as net_promoters,
        coalesce(responses_by_segment.net_promoters_squared, 0) as net_promoters_squared,
        coalesce(responses_by_segment.net_promoters_by_responses, 0) as net_promoters_by_responses,
        coalesce(responses_by_segment.responses_squared, 0) as responses_squared,
        coalesce(invitations_by_segment.invitations, 0) as invitations,
        coalesce(invitations_by_segment.responded_invitations, 0) as responded_invitations
    from responses_by_segment
    full outer join invitations_by_segment
        on
            {%- for column in segment %}
                responses_by_segment.{{ column }} = invitations_by_segment.{{ column }}
                {%- if not loop.last %} and{% endif %}
            {%- endfor %}
),

scored as (
    select
        {{ segment | join(',\n        ') }},
        responses,
        promoters,
        passives,
        detractors,
        comments,
        invitations,
        responded_invitations,
        {{ nps('promoters', 'detractors', 'responses') }} as nps,
        {{ nps_moe_95('promoters', 'detractors', 'responses') }} as nps_moe_95,
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
        case when invitations > 0 then cast(responded_invitations as {{ type_double() }}) / invitations end as response_rate,
        case when responses > 0 then cast(comments as {{ type_double() }}) / responses end as comment_rate
    from segments
)

select * from scored
