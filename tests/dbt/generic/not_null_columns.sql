{% test not_null_columns(model, columns) %}
{#- Fails on every listed column holding a null, one row per such column with its count of null
    rows; the test's failures are the null rows added up. One read of the model for all its
    not-null columns (a not_null test per column reads it once per column). -#}
{{ config(fail_calc='coalesce(sum(null_rows), 0)') }}
{%- set checks = [] -%}
{%- for column in columns -%}
    {%- do checks.append({'column': column, 'condition': column ~ ' is null'}) -%}
{%- endfor -%}
{{ columns_failing(model, checks, 'null_rows') }}
{% endtest %}
