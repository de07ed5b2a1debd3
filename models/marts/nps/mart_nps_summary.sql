{#- The headline of a build: the additive counts of mart_nps_monthly summed over every segment,
    with NPS and its margin recomputed from the sums by the one macro. The clustered margin needs
    each account's counts over everything in scope, which monthly rows cannot give (an account
    spans many months), so it is computed from the facts. -#}
with

monthly as (
    select * from {{ ref('mart_nps_monthly') }}
),

quarantine as (
    select cast(count(*) as {{ dbt.type_bigint() }}) as quarantined_rows from {{ ref('quarantine_rows') }}
),

responses_by_account as (
    select
        account_id,
        cast(count(*) as {{ dbt.type_bigint() }}) as responses,
        {{ count_where("nps_category = 'promoter'") }} as promoters,
        {{ count_where("nps_category = 'detractor'") }} as detractors
    from {{ ref('fct_nps_responses') }}
    group by account_id
),

account_totals as (
    select
        cast(count(*) as {{ dbt.type_bigint() }}) as accounts,
        cast(coalesce(sum(promoters - detractors), 0) as {{ dbt.type_bigint() }}) as net_promoters,
        cast(coalesce(sum((promoters - detractors) * (promoters - detractors)), 0) as {{ dbt.type_bigint() }})
            as net_promoters_squared,
        cast(coalesce(sum((promoters - detractors) * responses), 0) as {{ dbt.type_bigint() }})
            as net_promoters_by_responses,
        cast(coalesce(sum(responses * responses), 0) as {{ dbt.type_bigint() }}) as responses_squared
    from responses_by_account
),

build_as_of as (
    select as_of_at from {{ ref('int_build_as_of') }}
),

totals as (
    select
        cast(coalesce(sum(responses), 0) as {{ dbt.type_bigint() }}) as responses,
        cast(coalesce(sum(promoters), 0) as {{ dbt.type_bigint() }}) as promoters,
        cast(coalesce(sum(passives), 0) as {{ dbt.type_bigint() }}) as passives,
        cast(coalesce(sum(detractors), 0) as {{ dbt.type_bigint() }}) as detractors,
        cast(coalesce(sum(invitations), 0) as {{ dbt.type_bigint() }}) as invitations,
        cast(coalesce(sum(responded_invitations), 0) as {{ dbt.type_bigint() }}) as responded_invitations
    from monthly
),

value_problems as (
    select cast(count(*) as {{ dbt.type_bigint() }}) as unusable_values
    from {{ ref('value_problems') }}
),

summary as (
    select
        build_as_of.as_of_at,
        totals.responses,
        totals.promoters,
        totals.passives,
        totals.detractors,
        {{ nps('totals.promoters', 'totals.detractors', 'totals.responses') }} as nps,
        {{ nps_moe_95('totals.promoters', 'totals.detractors', 'totals.responses') }} as nps_moe_95,
        {{ nps_moe_95_clustered(
            'account_totals.net_promoters', 'totals.responses', 'account_totals.net_promoters_squared',
            'account_totals.net_promoters_by_responses', 'account_totals.responses_squared', 'account_totals.accounts'
        ) }}
            as nps_moe_95_clustered,
        {{ nps_design_effect(
            'totals.promoters', 'totals.detractors',
            'account_totals.net_promoters', 'totals.responses', 'account_totals.net_promoters_squared',
            'account_totals.net_promoters_by_responses', 'account_totals.responses_squared', 'account_totals.accounts'
        ) }}
            as design_effect,
        {{ nps_effective_responses(
            'totals.promoters', 'totals.detractors',
            'account_totals.net_promoters', 'totals.responses', 'account_totals.net_promoters_squared',
            'account_totals.net_promoters_by_responses', 'account_totals.responses_squared', 'account_totals.accounts'
        ) }}
            as effective_responses,
        totals.invitations,
        totals.responded_invitations,
        case
            when totals.invitations > 0 then cast(totals.responded_invitations as {{ type_double() }}) / totals.invitations
        end as response_rate,
        quarantine.quarantined_rows,
        value_problems.unusable_values
    from build_as_of
    cross join totals
    cross join account_totals
    cross join quarantine
    cross join value_problems
)

select * from summary
