{{ config(materialized='table') }}
{#- Every landing row of crm_accounts, typed, with its version rank and its fate: staged,
    superseded by a newer version, or quarantined with a reason. -#}
with

landing as (
    select * from {{ ref('base_crm__accounts') }}
),

fx_rates as (
    select currency_code from {{ ref('fx_rates') }}
),

typed as (
    select
        landing._file_name,
        landing._row_number,
        landing._read_problem,
        {{ landing_raw_columns('crm_accounts') }}
        {{ clean_text('landing.account_id') }} as account_id,
        {{ clean_text('landing.account_name') }} as account_name,
        {{ normalise_enum('landing.industry') }} as industry,
        {{ clean_text('landing.region') }} as region,
        {{ clean_text('landing.country') }} as country,
        {{ normalise_enum('landing.plan') }} as plan,
        {{ clean_text('landing.employee_count') }} as employee_count_text,
        {{ parse_integer('landing.employee_count') }} as employee_count,
        {{ clean_text('landing.arr') }} as arr_text,
        {{ parse_decimal('landing.arr') }} as arr_amount,
        upper({{ clean_text('landing.currency') }}) as currency_code,
        {{ clean_text('landing.contract_start_date') }} as contract_start_date_text,
        {{ parse_date('landing.contract_start_date') }} as contract_start_date,
        {{ clean_text('landing.renewal_date') }} as renewal_date_text,
        {{ parse_date('landing.renewal_date') }} as renewal_date,
        {{ clean_text('landing.churned_at') }} as churned_at_text,
        {{ parse_timestamp_utc('landing.churned_at') }} as churned_at,
        {{ clean_text('landing.churn_reason') }} as churn_reason,
        {{ clean_text('landing.updated_at') }} as updated_at_text,
        {{ parse_timestamp_utc('landing.updated_at') }} as updated_at
    from landing
),

checked as (
    select
        typed.*,
        {{ version_rank('typed.account_id', 'typed.updated_at') }} as version_rank,
        case
            when typed.arr_text is not null and typed.arr_amount is null then 'invalid_arr'
            when typed.arr_amount < 0 then 'negative_arr'
            when typed.arr_amount is not null and typed.currency_code is null then 'missing_currency'
            when typed.currency_code is not null and fx_rates.currency_code is null then 'unknown_currency'
            {{ check_optional('employee_count') }}
            when typed.employee_count < 0 then 'invalid_employee_count'
            {{ check_optional('contract_start_date') }}
            {{ check_optional('renewal_date') }}
            {{ check_optional('churned_at') }}
        end as row_problem
    from typed
    left join fx_rates on typed.currency_code = fx_rates.currency_code
),

decided as (
    select
        checked.*,
        {{ row_outcome('account_id') }}
    from checked
),

published as (
    {#- The table's columns (validated_columns): where the row came from, its raw text where it is
        quarantined, the typed columns below, updated_at and the row's fate. -#}
    select
        {{ validated_columns(
            'crm_accounts',
            [
                'account_id',
                'account_name',
                'industry',
                'region',
                'country',
                'plan',
                'employee_count_text',
                'employee_count',
                'arr_text',
                'arr_amount',
                'currency_code',
                'contract_start_date_text',
                'contract_start_date',
                'renewal_date_text',
                'renewal_date',
                'churned_at_text',
                'churned_at',
                'churn_reason',
            ],
        ) }}
    from decided
)

select * from published
