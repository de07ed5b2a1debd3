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
        {{ clean_text('landing.currency') }} as currency_text,
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
    {#- Value problems: a non-key attribute that does not parse is nulled in `published` and
        listed in audit.value_problems; the row itself stays usable (crm_accounts has no
        entity rule that quarantines a row). -#}
    select
        typed.*,
        {{ version_rank('typed.account_id', 'typed.updated_at') }} as version_rank,
        case
            when typed.arr_text is not null and typed.arr_amount is null then 'invalid_arr'
            when typed.arr_amount < 0 then 'negative_arr'
        end as arr_problem,
        case
            when typed.arr_amount is not null and typed.currency_code is null then 'missing_currency'
            when typed.currency_code is not null and fx_rates.currency_code is null then 'unknown_currency'
        end as currency_problem,
        case
            {{ check_optional('employee_count') }}
            when typed.employee_count < 0 then 'invalid_employee_count'
        end as employee_count_problem,
        case {{ check_optional('contract_start_date') }} end as contract_start_date_problem,
        case {{ check_optional('renewal_date') }} end as renewal_date_problem,
        case {{ check_optional('churned_at') }} end as churned_at_problem,
        cast(null as {{ dbt.type_string() }}) as row_problem
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
    {#- Where the row came from, its raw text where it is quarantined, the typed columns (a value
        with a problem is null, its reason in <column>_problem), updated_at and the row's fate. -#}
    select
        _file_name,
        _row_number,
        _read_problem,
        {{ quarantined_raw_values('crm_accounts') }} as raw_values,
        account_id,
        account_name,
        industry,
        region,
        country,
        plan,
        employee_count_text,
        {{ unless_problem('employee_count') }} as employee_count,
        employee_count_problem,
        arr_text,
        {{ unless_problem('arr_amount', 'arr_problem') }} as arr_amount,
        arr_problem,
        currency_text,
        {{ unless_problem('currency_code', 'currency_problem') }} as currency_code,
        currency_problem,
        contract_start_date_text,
        {{ unless_problem('contract_start_date') }} as contract_start_date,
        contract_start_date_problem,
        renewal_date_text,
        {{ unless_problem('renewal_date') }} as renewal_date,
        renewal_date_problem,
        churned_at_text,
        {{ unless_problem('churned_at') }} as churned_at,
        churned_at_problem,
        churn_reason,
        updated_at_text,
        updated_at,
        version_rank,
        row_problem,
        quarantine_reason,
        row_status
    from decided
)

select * from published
