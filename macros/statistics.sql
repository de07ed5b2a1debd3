{#- Statistics helpers for the finance marts: percentiles, Beta smoothing, Kish's effective n. -#}

{% macro percentile_cont_value(expression, fraction) %}
    {#- The continuous percentile (linear interpolation) of an expression over the group, as an
        aggregate; fraction 0.5 is the median. -#}
    {{ return(adapter.dispatch('percentile_cont_value', 'nps_warehouse')(expression, fraction)) }}
{% endmacro %}

{% macro default__percentile_cont_value(expression, fraction) %}
    percentile_cont({{ fraction }}) within group (order by {{ expression }})
{% endmacro %}


{% macro beta_smoothed_rate(events, trials, prior_alpha, prior_beta) %}
    {#- Posterior mean of a rate under a Beta(prior_alpha, prior_beta) prior:
        (prior_alpha + events) / (prior_alpha + prior_beta + trials). With no trials it is the
        prior mean. -#}
    ({{ prior_alpha }} + {{ events }}) / ({{ prior_alpha }} + {{ prior_beta }} + {{ trials }})
{% endmacro %}


{% macro kish_effective_n(weight) %}
    {#- Kish's effective sample size of weighted rows, as an aggregate: (sum w)² / sum w². -#}
    case
        when sum({{ weight }} * {{ weight }}) > 0
            then sum({{ weight }}) * sum({{ weight }}) / sum({{ weight }} * {{ weight }})
    end
{% endmacro %}
