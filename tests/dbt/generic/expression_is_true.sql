{% test expression_is_true(model, expression, where_clause=none) %}
{#- Fails on every row where the boolean SQL expression is not true (false or null). -#}
select *
from {{ model }}
where not coalesce(({{ expression }}), false)
{%- if where_clause is not none %}
  and ({{ where_clause }})
{%- endif %}
{% endtest %}
