with

validated as (
    select * from {{ ref('base_crm__accounts_validated') }}
    where row_status = 'staged'
),

fx_rates as (
    select
        currency_code,
        usd_per_unit
    from {{ ref('fx_rates') }}
),

accounts as (
    select
        validated.account_id,
        validated.account_name,
        validated.industry,
        validated.region,
        validated.country,
        validated.plan,
        validated.currency_code,
        validated.employee_count,
        validated.arr_amount,
        validated.arr_amount * fx_rates.usd_per_unit as arr_usd,
        validated.churn_reason,
        validated.contract_start_date,
        validated.renewal_date,
        validated.churned_at,
        validated.updated_at
    from validated
    left join fx_rates on validated.currency_code = fx_rates.currency_code
)

select * from accounts
