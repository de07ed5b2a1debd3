{% test accepted_range(model, column_name, min_value=none, max_value=none, inclusive=true) %}
{#- Fails on every non-null value outside [min_value, max_value] (or the open interval when
    inclusive is false). Either bound may be left out. -#}
select *
from {{ model }}
where {{ column_name }} is not null
  and not (
    {%- if min_value is not none %}
    {{ column_name }} {{ '>=' if inclusive else '>' }} {{ min_value }}
    {%- else %} 1 = 1{% endif %}
    and
    {%- if max_value is not none %}
    {{ column_name }} {{ '<=' if inclusive else '<' }} {{ max_value }}
    {%- else %} 1 = 1{% endif %}
  )
{% endtest %}
