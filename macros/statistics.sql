{#- Statistics helpers: percentiles, Beta smoothing, Kish's effective n, Wilson intervals of rates. -#}

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


{% macro wilson_interval_low(successes, trials, z=1.96) %}
    {#- Lower end of the Wilson score interval of a proportion successes / trials (z = 1.96 gives
        95%); null when trials is 0. Unlike p ± z·sqrt(p(1 − p)/n) it stays within 0..1 and is
        not zero-width at 0% or 100%. -#}
    {{ wilson_interval_bound(successes, trials, z, '-') }}
{% endmacro %}


{% macro wilson_interval_high(successes, trials, z=1.96) %}
    {#- Upper end of the Wilson score interval of successes / trials; null when trials is 0. -#}
    {{ wilson_interval_bound(successes, trials, z, '+') }}
{% endmacro %}


{% macro wilson_interval_bound(successes, trials, z, sign) %}
    {#- (p + z²/2n ± z·sqrt(p(1 − p)/n + z²/4n²)) / (1 + z²/n), with p = successes / trials. -#}
    {%- set n = 'cast(' ~ trials ~ ' as ' ~ type_double() ~ ')' -%}
    {%- set p = '(cast(' ~ successes ~ ' as ' ~ type_double() ~ ') / ' ~ n ~ ')' -%}
    {#- The exact ends at 0% and 100%, without rounding noise. #}
    case
        when {{ trials }} > 0 and {{ successes }} = {{ '0' if sign == '-' else trials }}
            then cast({{ '0' if sign == '-' else '1' }} as {{ type_double() }})
        when {{ trials }} > 0
            then (
                {{ p }} + {{ z }} * {{ z }} / (2 * {{ n }})
                {{ sign }} {{ z }} * sqrt(
                    greatest({{ p }} * (1 - {{ p }}), 0) / {{ n }}
                    + {{ z }} * {{ z }} / (4 * {{ n }} * {{ n }})
                )
            ) / (1 + {{ z }} * {{ z }} / {{ n }})
    end
{% endmacro %}
