{#- The headline of a build: the additive counts of mart_nps_monthly summed over every segment,
    with NPS and its margin recomputed from the sums by the one macro. -#}
with

monthly as (
    select * from {{ ref('mart_nps_monthly') }}
),

quarantine as (
    select cast(count(*) as {{ dbt.type_bigint() }}) as quarantined_rows from {{ ref('quarantine_rows') }}
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
        totals.invitations,
        totals.responded_invitations,
        case
            when totals.invitations > 0 then cast(totals.responded_invitations as {{ type_double() }}) / totals.invitations
        end as response_rate,
        quarantine.quarantined_rows,
        value_problems.unusable_values
    from build_as_of
    cross join totals
    cross join quarantine
    cross join value_problems
)

select * from summary
