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


{#- The margin with accounts as clusters. Respondents of one account answer alike, so n responses
    from k accounts carry less information than n independent ones. Each macro below takes the
    group's sums over its accounts i: net_promoters = Σ y_i (y_i = the account's promoters −
    detractors, each response scored +1/0/−1), responses = Σ n_i, net_promoters_squared = Σ y_i²,
    net_promoters_by_responses = Σ y_i·n_i, responses_squared = Σ n_i², and accounts = k. All are
    integer sums, so every engine computes the same inputs exactly. -#}

{% macro nps_cluster_sums() %}
    {#- The per-group sums the clustered macros below take, from rows of one account each with
        responses, promoters and detractors columns: accounts, net_promoters,
        net_promoters_squared, net_promoters_by_responses and responses_squared. -#}
    cast(count(*) as {{ dbt.type_bigint() }}) as accounts,
        cast(sum(promoters - detractors) as {{ dbt.type_bigint() }}) as net_promoters,
        cast(sum((promoters - detractors) * (promoters - detractors)) as {{ dbt.type_bigint() }})
            as net_promoters_squared,
        cast(sum((promoters - detractors) * responses) as {{ dbt.type_bigint() }})
            as net_promoters_by_responses,
        cast(sum(responses * responses) as {{ dbt.type_bigint() }}) as responses_squared
{%- endmacro %}


{% macro nps_clustered_variance(net_promoters, responses, net_promoters_squared, net_promoters_by_responses, responses_squared, accounts) %}
    {#- Linearisation (sandwich) variance of the ratio estimator r = Σy / Σn, on the −1..1 scale
        (ratio_clustered_variance with y the net promoters). Null below 2 accounts. -#}
    {{ ratio_clustered_variance(net_promoters, responses, net_promoters_squared, net_promoters_by_responses, responses_squared, accounts) }}
{% endmacro %}


{% macro ratio_clustered_variance(numerator, denominator, numerator_squared, numerator_by_denominator, denominator_squared, clusters) %}
    {#- Variance of a ratio r = Σy / Σn of per-cluster sums (a share or an NPS), clusters
        independent: k/(k−1) · Σ (y_i − r·n_i)² / (Σn)², with Σ (y_i − r·n_i)² expanded as
        Σy² − 2r·Σyn + r²·Σn² from the group's sums. Null below 2 clusters (the between-cluster
        spread is undefined) or without a denominator. -#}
    case
        when {{ clusters }} >= 2 and {{ denominator }} > 0
            then (cast({{ clusters }} as {{ type_double() }}) / ({{ clusters }} - 1))
                * greatest(
                    cast({{ numerator_squared }} as {{ type_double() }})
                    - 2.0 * (cast({{ numerator }} as {{ type_double() }}) / {{ denominator }})
                    * {{ numerator_by_denominator }}
                    + (cast({{ numerator }} as {{ type_double() }}) / {{ denominator }})
                    * (cast({{ numerator }} as {{ type_double() }}) / {{ denominator }})
                    * {{ denominator_squared }},
                    0.0
                )
                / (cast({{ denominator }} as {{ type_double() }}) * {{ denominator }})
    end
{% endmacro %}


{% macro t_quantile_975(degrees_of_freedom) %}
    {#- Student's t 97.5% quantile (two-sided 95%) for the given degrees of freedom: exact table
        values for 1–9, the Cornish–Fisher expansion around 1.96 from 10 on (within 0.0001 there;
        1.96 in the limit). Null below 1. -#}
    case
        when {{ degrees_of_freedom }} < 1 then null
        when {{ degrees_of_freedom }} = 1 then 12.7062
        when {{ degrees_of_freedom }} = 2 then 4.3027
        when {{ degrees_of_freedom }} = 3 then 3.1824
        when {{ degrees_of_freedom }} = 4 then 2.7764
        when {{ degrees_of_freedom }} = 5 then 2.5706
        when {{ degrees_of_freedom }} = 6 then 2.4469
        when {{ degrees_of_freedom }} = 7 then 2.3646
        when {{ degrees_of_freedom }} = 8 then 2.3060
        when {{ degrees_of_freedom }} = 9 then 2.2622
        else 1.96
            + 2.3724 / cast({{ degrees_of_freedom }} as {{ type_double() }})
            + 2.8226 / (cast({{ degrees_of_freedom }} as {{ type_double() }}) * {{ degrees_of_freedom }})
            + 2.5561 / (cast({{ degrees_of_freedom }} as {{ type_double() }}) * {{ degrees_of_freedom }} * {{ degrees_of_freedom }})
    end
{% endmacro %}


{% macro nps_moe_95_clustered(net_promoters, responses, net_promoters_squared, net_promoters_by_responses, responses_squared, accounts) %}
    {#- 95% margin of error in NPS points with accounts as clusters: 100 × t(0.975, k − 1) ×
        sqrt(nps_clustered_variance). Student's t with k − 1 degrees of freedom, not 1.96: with few
        accounts the variance itself is uncertain and 1.96 would make the interval too narrow. Null
        below 2 accounts. -#}
    100.0 * {{ t_quantile_975('(' ~ accounts ~ ' - 1)') }} * sqrt(
        {{ nps_clustered_variance(net_promoters, responses, net_promoters_squared, net_promoters_by_responses, responses_squared, accounts) }}
    )
{% endmacro %}


{% macro nps_design_effect(promoters, detractors, net_promoters, responses, net_promoters_squared, net_promoters_by_responses, responses_squared, accounts) %}
    {#- Clustered variance / simple-random-sample variance (nps_variance / responses): how many
        times wider the squared margin is because respondents of one account answer alike. Null
        when either is undefined or the simple variance is 0 (every response in one category). -#}
    case
        when {{ nps_variance(promoters, detractors, responses) }} > 0
            then {{ nps_clustered_variance(net_promoters, responses, net_promoters_squared, net_promoters_by_responses, responses_squared, accounts) }}
                / ({{ nps_variance(promoters, detractors, responses) }} / {{ responses }})
    end
{% endmacro %}


{% macro nps_effective_responses(promoters, detractors, net_promoters, responses, net_promoters_squared, net_promoters_by_responses, responses_squared, accounts) %}
    {#- responses / design effect: the number of independent responses that would give the
        clustered margin. Null when the design effect is null or 0. -#}
    case
        when {{ nps_design_effect(promoters, detractors, net_promoters, responses, net_promoters_squared, net_promoters_by_responses, responses_squared, accounts) }} > 0
            then {{ responses }}
                / {{ nps_design_effect(promoters, detractors, net_promoters, responses, net_promoters_squared, net_promoters_by_responses, responses_squared, accounts) }}
    end
{% endmacro %}
