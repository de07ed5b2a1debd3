{% macro columns_failing(model, checks, count_name, labels=[]) %}
    {#- The query of the model-level column tests (not_null_columns, accepted_ranges): one read of
        the model counting, for each check, the rows that meet its condition (a failure), then
        one row per check with any: column_name, the check's `labels` (text columns, e.g. the
        range), and the count as count_name. Each check is {'column', 'condition', and a value
        for each label}. -#}
with counts as (
    select
        {%- for check in checks %}
        {{ count_where(check.condition) }} as failing_{{ loop.index }}{{ ',' if not loop.last }}
        {%- endfor %}
    from {{ model }}
),

listed as (
    {%- for check in checks %}
    select
        {{ loop.index }} as column_position,
        '{{ check.column }}' as column_name
        {%- for label in labels %},
        '{{ check[label] }}' as {{ label }}
        {%- endfor %}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

failing as (
    select
        listed.column_name,
        {%- for label in labels %}
        listed.{{ label }},
        {%- endfor %}
        case listed.column_position
            {%- for check in checks %}
            when {{ loop.index }} then counts.failing_{{ loop.index }}
            {%- endfor %}
        end as {{ count_name }}
    from counts
    cross join listed
)

select
    column_name,
    {%- for label in labels %}
    {{ label }},
    {%- endfor %}
    {{ count_name }}
from failing
where {{ count_name }} > 0
{% endmacro %}
