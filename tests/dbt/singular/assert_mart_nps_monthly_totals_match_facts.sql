{#- mart_nps_monthly neither drops nor double-counts: its additive columns summed over every row
    equal the counts in the facts it is built from. Returns a row when they differ. -#}
with

mart_totals as (
    select
        sum(responses) as responses,
        sum(promoters) as promoters,
        sum(detractors) as detractors,
        sum(invitations) as invitations,
        sum(responded_invitations) as responded_invitations
    from {{ ref('mart_nps_monthly') }}
),

fact_totals as (
    select
        (select count(*) from {{ ref('fct_nps_responses') }}) as responses,
        (
            select count(*) from {{ ref('fct_nps_responses') }}
            where nps_category = 'promoter'
        ) as promoters,
        (
            select count(*) from {{ ref('fct_nps_responses') }}
            where nps_category = 'detractor'
        ) as detractors,
        (select count(*) from {{ ref('fct_survey_invitations') }}) as invitations,
        (
            select count(*) from {{ ref('fct_survey_invitations') }}
            where is_responded
        ) as responded_invitations
)

select
    mart_totals.*,
    fact_totals.*
from mart_totals
cross join fact_totals
where coalesce(mart_totals.responses, 0) <> fact_totals.responses
    or coalesce(mart_totals.promoters, 0) <> fact_totals.promoters
    or coalesce(mart_totals.detractors, 0) <> fact_totals.detractors
    or coalesce(mart_totals.invitations, 0) <> fact_totals.invitations
    or coalesce(mart_totals.responded_invitations, 0) <> fact_totals.responded_invitations
