{{ config(severity='warn') }}
{#- Survey cadence (warn): an active decision maker (account not churned at as_of, contact
    created at least one cycle before as_of) with no relationship invitation in the last
    `survey_cycle_days` days. Returns the contacts. -#}
with

build_as_of as (
    select as_of_at from {{ ref('int_build_as_of') }}
),

decision_makers as (
    select
        dim_contacts.contact_id,
        dim_contacts.account_id,
        dim_contacts.created_at
    from {{ ref('dim_contacts') }} as dim_contacts
    inner join {{ ref('dim_accounts') }} as dim_accounts
        on dim_contacts.account_id = dim_accounts.account_id
    where dim_contacts.is_decision_maker and not dim_accounts.is_churned
),

last_invited as (
    select
        contact_id,
        max(sent_at) as last_sent_at
    from {{ ref('fct_survey_invitations') }}
    where survey_type = 'relationship'
    group by contact_id
),

not_invited as (
    select
        decision_makers.contact_id,
        decision_makers.account_id,
        last_invited.last_sent_at
    from decision_makers
    cross join build_as_of
    left join last_invited on decision_makers.contact_id = last_invited.contact_id
    where
        (
            decision_makers.created_at is null
            or decision_makers.created_at
            <= {{ dbt.dateadd('day', -var('survey_cycle_days'), 'build_as_of.as_of_at') }}
        )
        and (
            last_invited.last_sent_at is null
            or last_invited.last_sent_at
            <= {{ dbt.dateadd('day', -var('survey_cycle_days'), 'build_as_of.as_of_at') }}
        )
)

select * from not_invited
