{#- Responders vs non-responders among the contacts of active accounts invited in the 365 days
    to as_of, compared on their account's ARR, tenure and ticket load, so a reader knows when the
    NPS speaks for only part of the base. Contacts, not accounts: nearly every account has some
    responder, so the account-level split says little. -#}
with

accounts as (
    select
        account_id,
        arr_usd,
        {{ dbt.datediff('contract_start_date', 'as_of_at', 'day') }}
            as tenure_days
    from {{ ref('dim_accounts') }}
    where not is_churned
),

invitations as (
    select * from {{ ref('fct_survey_invitations') }}
),

tickets as (
    select * from {{ ref('fct_support_tickets') }}
),

build_as_of as (
    select as_of_at from {{ ref('int_build_as_of') }}
),

invited_contacts as (
    select
        invitations.contact_id,
        invitations.account_id,
        {{ count_where('invitations.is_responded') }} as responded_invitations,
        cast(count(*) as {{ dbt.type_bigint() }}) as invitations
    from invitations
    cross join build_as_of
    where invitations.sent_at > {{ dbt.dateadd('day', -var('nonresponse_window_days'), 'build_as_of.as_of_at') }}
    group by invitations.contact_id, invitations.account_id
),

ticket_load as (
    select
        tickets.account_id,
        cast(count(*) as {{ dbt.type_bigint() }}) as tickets_365d,
        {{ count_where(sla_clock_column('is_sla_breached', 'tickets')) }} as sla_breached_tickets_365d
    from tickets
    cross join build_as_of
    where tickets.created_at > {{ dbt.dateadd('day', -var('nonresponse_window_days'), 'build_as_of.as_of_at') }}
    group by tickets.account_id
),

profiled as (
    select
        invited_contacts.contact_id,
        accounts.account_id,
        case
            when invited_contacts.responded_invitations > 0 then 'responders'
            else 'non_responders'
        end as response_group,
        accounts.arr_usd,
        accounts.tenure_days,
        coalesce(ticket_load.tickets_365d, 0) as tickets_365d,
        coalesce(ticket_load.sla_breached_tickets_365d, 0) as sla_breached_tickets_365d
    from accounts
    inner join invited_contacts on accounts.account_id = invited_contacts.account_id
    left join ticket_load on accounts.account_id = ticket_load.account_id
),

compared as (
    select
        response_group,
        cast(count(*) as {{ dbt.type_bigint() }}) as contacts,
        cast(count(distinct account_id) as {{ dbt.type_bigint() }}) as invited_accounts,
        avg(arr_usd) as mean_arr_usd,
        {{ percentile_cont_value('arr_usd', 0.5) }} as median_arr_usd,
        avg(cast(tenure_days as {{ type_double() }})) as mean_tenure_days,
        {{ percentile_cont_value('tenure_days', 0.5) }} as median_tenure_days,
        avg(cast(tickets_365d as {{ type_double() }})) as mean_tickets_365d,
        avg(cast(sla_breached_tickets_365d as {{ type_double() }})) as mean_sla_breached_tickets_365d
    from profiled
    group by response_group
),

shared as (
    select
        compared.*,
        cast(compared.contacts as {{ type_double() }}) / sum(compared.contacts) over () as contact_share
    from compared
)

select * from shared
