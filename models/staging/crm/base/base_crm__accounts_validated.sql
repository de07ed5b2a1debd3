{{ validated_model_config('account_id') }}
{#- Every landing row of crm_accounts, typed, with its version rank and its fate: staged,
    superseded by a newer version, or quarantined with a reason. -#}
with

landing as (
    select * from {{ ref('base_crm__accounts') }}
    {{- rows_to_validate('crm_accounts', 'account_id', ref('base_crm__accounts'), []) }}
),

fx_rates as (
    select currency_code from {{ ref('fx_rates') }}
),

typed as (
    {#- Each landing column through the parser its spec names (macros/landing_spec.sql): the raw
        text (_raw_<column>, kept for a quarantined row's raw_values), the trimmed text
        (<column>_text; never for personal columns) and the typed value (<column>). -#}
    select
        landing._file_name,
        landing._row_number,
        landing._read_problem,
        {%- for column in landing_columns('crm_accounts') %}
            landing.{{ column.name }} as _raw_{{ column.name }},
            {%- if not column.pii %}
                {{ clean_text('landing.' ~ column.name) }} as {{ column.name }}_text,
            {%- endif %}
            {{ parse_landing_column('landing.' ~ column.name, column.parser) }} as {{ column.name }}
            {%- if not loop.last %},{% endif %}
        {%- endfor %}
    from landing
),

checked as (
    {#- Value problems: a non-key attribute that does not parse is nulled in `published` and
        listed in audit.value_problems; the row itself stays usable (crm_accounts has no
        entity rule that quarantines a row). -#}
    select
        typed.*,
        {{ version_rank('typed.account_id', 'typed.updated_at') }} as version_rank,
        coalesce(
            {{ optional_problem('arr') }},
            case when typed.arr < 0 then 'negative_arr' end
        ) as arr_problem,
        case
            when typed.arr is not null and typed.currency is null then 'missing_currency'
            when typed.currency is not null and fx_rates.currency_code is null then 'unknown_currency'
        end as currency_problem,
        coalesce(
            {{ optional_problem('employee_count') }},
            case when typed.employee_count < 0 then 'invalid_employee_count' end
        ) as employee_count_problem,
        {{ optional_problem('contract_start_date') }} as contract_start_date_problem,
        {{ optional_problem('renewal_date') }} as renewal_date_problem,
        {{ optional_problem('churned_at') }} as churned_at_problem,
        cast(null as {{ dbt.type_string() }}) as row_problem
    from typed
    left join fx_rates on typed.currency = fx_rates.currency_code
),

decided as (
    select
        checked.*,
        {{ quarantine_reason_of('account_id') }} as quarantine_reason,
        {{ row_status_of('account_id') }} as row_status
    from checked
),

published as (
    {#- Where the row came from, its raw text where it is quarantined, the typed columns (a value
        with a problem is null, its reason in <column>_problem), updated_at and the row's fate. -#}
    select
        _file_name,
        _row_number,
        _read_problem,
        {{ build_number() }} as _build_number,
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
        {{ unless_problem('arr', 'arr_problem') }} as arr_amount,
        arr_problem,
        currency_text,
        {{ unless_problem('currency', 'currency_problem') }} as currency_code,
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
