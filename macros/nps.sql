{#- The one definition of the NPS bands, the score and its margin of error. Every model uses these. -#}

{% macro nps_category(score) %}
    {#- promoter 9–10, passive 7–8, detractor 0–6; null for a null score. -#}
    case
        when {{ score }} >= 9 then 'promoter'
        when {{ score }} >= 7 then 'passive'
        when {{ score }} >= 0 then 'detractor'
    end
{% endmacro %}


{% macro nps(promoters, detractors, responses) %}
    {#- 100 × (promoters − detractors) / responses; null when there are no responses. -#}
    case
        when {{ responses }} > 0
            then 100.0 * cast({{ promoters }} - {{ detractors }} as {{ type_double() }}) / {{ responses }}
    end
{% endmacro %}


{% macro nps_variance(promoters, detractors, responses) %}
    {#- Per-response variance of the NPS indicator (+1 / 0 / −1): p + d − (p − d)², with p and d the
        promoter and detractor shares. -#}
    case
        when {{ responses }} > 0
            then (cast({{ promoters }} as {{ type_double() }}) / {{ responses }}) + (cast({{ detractors }} as {{ type_double() }}) / {{ responses }})
                - ((cast({{ promoters }} as {{ type_double() }}) / {{ responses }}) - (cast({{ detractors }} as {{ type_double() }}) / {{ responses }}))
                * ((cast({{ promoters }} as {{ type_double() }}) / {{ responses }}) - (cast({{ detractors }} as {{ type_double() }}) / {{ responses }}))
    end
{% endmacro %}


{% macro z_95() %}
    {#- The two-sided 95% normal quantile, 1.96: the margins of error multiply a standard error by
        it (nps_moe_95 writes it as 196, NPS being in points). -#}
    1.96
{%- endmacro %}


{% macro nps_moe_95(promoters, detractors, responses) %}
    {#- 95% margin of error in NPS points: 196 × sqrt(variance / responses) (1.96 × 100 × the
        standard error of the mean of the +1/0/−1 indicator). -#}
    case
        when {{ responses }} > 0
            then 196.0 * sqrt(
                greatest({{ nps_variance(promoters, detractors, responses) }}, 0.0) / {{ responses }}
            )
    end
{% endmacro %}


{% macro count_where(condition) %}
    {#- How many rows of the group satisfy the condition, as a bigint (0 for none). -#}
    cast(coalesce(sum(case when {{ condition }} then 1 else 0 end), 0) as {{ dbt.type_bigint() }})
{% endmacro %}
