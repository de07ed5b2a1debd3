with

accounts as (
    select * from {{ ref('stg_crm__accounts') }}
),

contacts as (
    select
        account_id,
        role
    from {{ ref('stg_crm__contacts') }}
),

build_as_of as (
    select as_of_at from {{ ref('int_build_as_of') }}
),

contact_counts as (
    select
        account_id,
        cast(count(*) as {{ dbt.type_bigint() }}) as contacts,
        {{ count_where("role = 'decision_maker'") }} as decision_makers
    from contacts
    group by account_id
),

accounts_as_of as (
    select
        accounts.account_id,
        accounts.account_name,
        coalesce(accounts.industry, 'unknown') as industry,
        coalesce(accounts.region, 'unknown') as region,
        accounts.country,
        coalesce(accounts.plan, 'unknown') as plan,
        accounts.currency_code,
        accounts.churn_reason,
        accounts.employee_count,
        accounts.arr_amount,
        accounts.arr_usd,
        coalesce(contact_counts.contacts, 0) as contacts,
        coalesce(contact_counts.decision_makers, 0) as decision_makers,
        accounts.churned_at is not null and accounts.churned_at <= build_as_of.as_of_at as is_churned,
        accounts.contract_start_date,
        accounts.renewal_date,
        case when accounts.churned_at <= build_as_of.as_of_at then accounts.churned_at end as churned_at,
        build_as_of.as_of_at
    from accounts
    cross join build_as_of
    left join contact_counts on accounts.account_id = contact_counts.account_id
)

select * from accounts_as_of
