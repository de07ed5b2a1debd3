with

responses as (
    select nps_category from {{ ref('fct_nps_responses') }}
),

invitations as (
    select is_responded from {{ ref('fct_survey_invitations') }}
),

quarantine as (
    select cast(count(*) as {{ dbt.type_bigint() }}) as quarantined_rows from {{ ref('quarantine_rows') }}
),

build_as_of as (
    select as_of_at from {{ ref('int_build_as_of') }}
),

response_totals as (
    select
        cast(count(*) as {{ dbt.type_bigint() }}) as responses,
        {{ count_where("nps_category = 'promoter'") }} as promoters,
        {{ count_where("nps_category = 'passive'") }} as passives,
        {{ count_where("nps_category = 'detractor'") }} as detractors
    from responses
),

invitation_totals as (
    select
        cast(count(*) as {{ dbt.type_bigint() }}) as invitations,
        {{ count_where("is_responded") }} as responded_invitations
    from invitations
),

summary as (
    select
        build_as_of.as_of_at,
        response_totals.responses,
        response_totals.promoters,
        response_totals.passives,
        response_totals.detractors,
        {{ nps('response_totals.promoters', 'response_totals.detractors', 'response_totals.responses') }} as nps,
        {{ nps_moe_95('response_totals.promoters', 'response_totals.detractors', 'response_totals.responses') }}
            as nps_moe_95,
        invitation_totals.invitations,
        invitation_totals.responded_invitations,
        case
            when invitation_totals.invitations > 0
                then 1.0 * invitation_totals.responded_invitations / invitation_totals.invitations
        end as response_rate,
        quarantine.quarantined_rows
    from build_as_of
    cross join response_totals
    cross join invitation_totals
    cross join quarantine
)

select * from summary
