{#- Bands of a whole number from a list of lower bounds (dbt vars): one rule for every mart that
    buckets counts, gaps or sizes. -#}

{% macro integer_band_label(expression, bounds) %}
    {#- The band of a whole number: bounds [30, 60] give '0-29', '30-59', '60+'; a band one wide is
        its number ('1'); null stays null. -#}
    {%- set edges = [0] + bounds -%}
    case
        when {{ expression }} is null then null
        {%- for upper in bounds %}
            {%- set lower = edges[loop.index0] %}
        when {{ expression }} < {{ upper }}
            then '{{ lower if upper - lower == 1 else lower ~ "-" ~ (upper - 1) }}'
        {%- endfor %}
        else '{{ bounds[-1] }}+'
    end
{% endmacro %}


{% macro integer_band_order(expression, bounds) %}
    {#- The position of integer_band_label's band, 1 for the lowest; null stays null. -#}
    case
        when {{ expression }} is null then null
        {%- for upper in bounds %}
        when {{ expression }} < {{ upper }} then {{ loop.index }}
        {%- endfor %}
        else {{ bounds | length + 1 }}
    end
{% endmacro %}
