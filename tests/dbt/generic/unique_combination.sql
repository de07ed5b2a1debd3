{% test unique_combination(model, combination) %}
{#- Fails on every combination of the listed columns that occurs more than once (nulls compare
    equal), so a mart's grain is proven unique. -#}
select
    {{ combination | join(', ') }},
    count(*) as occurrences
from {{ model }}
group by {{ combination | join(', ') }}
having count(*) > 1
{% endtest %}
