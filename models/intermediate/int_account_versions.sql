{#- The versions of each staged account seen across exports (the winning row and the older rows it
    superseded, where their own values are valid), each with the interval it was in effect:
    from its updated_at until the next version's, the first one from the beginning of time. -#}
with

validated as (
    select * from {{ ref('base_crm__accounts_validated') }}
    where account_id is not null
        and updated_at is not null
        and row_problem is null
),

staged_accounts as (
    select account_id from {{ ref('stg_crm__accounts') }}
),

fx_rates as (
    select
        currency_code,
        usd_per_unit
    from {{ ref('fx_rates') }}
),

ordered as (
    select
        validated.account_id,
        validated.industry,
        validated.region,
        validated.country,
        validated.plan,
        validated.employee_count,
        validated.arr_amount * fx_rates.usd_per_unit as arr_usd,
        validated.updated_at,
        row_number() over (
            partition by validated.account_id
            order by validated.updated_at, validated._file_name, validated._row_number
        ) as version_number,
        lead(validated.updated_at) over (
            partition by validated.account_id
            order by validated.updated_at, validated._file_name, validated._row_number
        ) as next_updated_at
    from validated
    inner join staged_accounts on validated.account_id = staged_accounts.account_id
    left join fx_rates on validated.currency_code = fx_rates.currency_code
),

versions as (
    select
        account_id,
        version_number,
        industry,
        region,
        country,
        plan,
        employee_count,
        arr_usd,
        case when version_number > 1 then updated_at end as valid_from,
        next_updated_at as valid_to
    from ordered
)

select * from versions
