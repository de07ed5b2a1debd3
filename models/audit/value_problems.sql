{#- Every value of a staged row that could not be used: the value is null in staging and the
    marts, the row itself is staged. One row per staged row and problem column. -#}
{%- set checked = [
    ('crm_accounts', 'base_crm__accounts_validated', 'account_id', [
        ('employee_count', 'employee_count_problem', 'employee_count_text'),
        ('arr', 'arr_problem', 'arr_text'),
        ('currency', 'currency_problem', 'currency_text'),
        ('contract_start_date', 'contract_start_date_problem', 'contract_start_date_text'),
        ('renewal_date', 'renewal_date_problem', 'renewal_date_text'),
        ('churned_at', 'churned_at_problem', 'churned_at_text'),
    ]),
    ('crm_contacts', 'base_crm__contacts_validated', 'contact_id', [
        ('role', 'role_problem', 'role_text'),
        ('created_at', 'created_at_problem', 'created_at_text'),
    ]),
    ('support_tickets', 'base_support__tickets_validated', 'ticket_id', [
        ('first_response_at', 'first_response_at_problem', 'first_response_at_text'),
        ('solved_at', 'solved_at_problem', 'solved_at_text'),
        ('reopened_count', 'reopened_count_problem', 'reopened_count_text'),
        ('downtime_minutes', 'downtime_minutes_problem', 'downtime_minutes_text'),
    ]),
] %}
with

{% for entity, model, id_column, columns in checked %}
    {{ entity }} as (
        select * from {{ ref(model) }}
        where row_status = 'staged'
    ),

    {% for column, problem, text in columns %}
        {{ entity }}__{{ column }} as (
            select
                '{{ entity }}' as entity,
                {{ id_column }} as raw_id,
                '{{ column }}' as column_name,
                {{ text }} as raw_value,
                {{ problem }} as reason,
                _file_name as source_file_name,
                _row_number as source_row_number
            from {{ entity }}
            where {{ problem }} is not null
        ),

    {% endfor %}
{% endfor %}
value_problems as (
    {%- for entity, model, id_column, columns in checked %}
        {%- set outer = loop %}
        {%- for column, problem, text in columns %}
            select * from {{ entity }}__{{ column }}
            {%- if not (outer.last and loop.last) %}
                union all
            {%- endif %}
        {%- endfor %}
    {%- endfor %}
)

select * from value_problems
