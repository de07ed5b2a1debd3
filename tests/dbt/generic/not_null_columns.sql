{% test not_null_columns(model, columns) %}
{#- Fails on every listed column holding a null, one row per such column with its count of null
    rows; the test's failures are the null rows added up. One read of the model for all its
    not-null columns (a not_null test per column reads it once per column). -#}
{{ config(fail_calc='coalesce(sum(null_rows), 0)') }}
with counts as (
    select
        count(*) as row_count
        {%- for column in columns %},
        count({{ column }}) as filled_{{ loop.index }}
        {%- endfor %}
    from {{ model }}
),

listed as (
    {%- for column in columns %}
    select {{ loop.index }} as column_position, '{{ column }}' as column_name
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

nulls as (
    select
        listed.column_name,
        counts.row_count - case listed.column_position
            {%- for column in columns %}
            when {{ loop.index }} then counts.filled_{{ loop.index }}
            {%- endfor %}
        end as null_rows
    from counts
    cross join listed
)

select
    column_name,
    null_rows
from nulls
where null_rows > 0
{% endtest %}
