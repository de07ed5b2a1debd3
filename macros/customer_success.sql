{#- Helpers of the customer-success marts: hours, tag and keyword matching, buckets. -#}

{% macro hours_between(start_at, end_at) %}
    {#- Calendar hours from start_at to end_at (minute precision), as a double; null if either is null. -#}
    cast({{ dbt.datediff(start_at, end_at, 'minute') }} as {{ type_double() }}) / 60
{% endmacro %}


{% macro has_tag(tags, tag) %}
    {#- True when the ;-separated, normalised tag list contains the tag exactly (no splitting needed:
        the list and the tag are both wrapped in separators, so 'price' does not match 'pricing'). -#}
    coalesce(
        {{ dbt.position(dbt.concat(["';'", tag, "';'"]), dbt.concat(["';'", tags, "';'"])) }} > 0,
        false
    )
{% endmacro %}


{% macro keyword_search_text(text) %}
    {#- Comment text prepared for keyword matching: lower case (Unicode-aware), ASCII punctuation and
        every run of white space turned into one space, wrapped in spaces so a pattern can ask for a
        whole word with ' word '. Null stays null. -#}
    {{ dbt.concat(["' '", replace_pattern(lower_text(text), "[[:punct:][:space:]]+", ' '), "' '"]) }}
{% endmacro %}


{% macro contains_pattern(text, pattern) %}
    {#- True when a regular expression matches somewhere in the text (dispatched); false for null text. -#}
    {{ return(adapter.dispatch('contains_pattern', 'nps_warehouse')(text, pattern)) }}
{% endmacro %}

{% macro default__contains_pattern(text, pattern) %}
    {{ exceptions.raise_compiler_error("contains_pattern is not supported on " ~ target.type ~ ": add a " ~ target.type ~ "__contains_pattern macro (true when a regular expression matches somewhere in the text).") }}
{% endmacro %}

{% macro duckdb__contains_pattern(text, pattern) %}
    coalesce(regexp_matches({{ text }}, {{ pattern }}), false)
{% endmacro %}

{% macro postgres__contains_pattern(text, pattern) %}
    coalesce({{ byte_order(text) }} ~ {{ pattern }}, false)
{% endmacro %}

{% macro spark__contains_pattern(text, pattern) %}
    {#- Java regular expressions; the seed's patterns use no syntax where they differ from RE2. -#}
    coalesce({{ text }} rlike {{ pattern }}, false)
{% endmacro %}


{% macro resolution_bucket_labels() %}
    {#- The resolution-time bucket labels, fastest first, made from the var
        resolution_bucket_edges_hours (dbt_project.yml; [8, 24, 72] gives under_8h, 8h_to_24h,
        24h_to_72h, 72h_or_more). -#}
    {%- set edges = var('resolution_bucket_edges_hours') -%}
    {%- set labels = ['under_' ~ edges[0] ~ 'h'] -%}
    {%- for edge in edges[1:] -%}
    {%- do labels.append(edges[loop.index0] ~ 'h_to_' ~ edge ~ 'h') -%}
    {%- endfor -%}
    {%- do labels.append(edges[-1] ~ 'h_or_more') -%}
    {{ return(labels) }}
{% endmacro %}


{% macro resolution_bucket(hours) %}
    {#- Resolution-time bucket of a number of hours (resolution_bucket_labels); the lower edge
        belongs to the bucket (8 h is 8h_to_24h). Null hours: no_solved_tickets. -#}
    {%- set edges = var('resolution_bucket_edges_hours') -%}
    {%- set labels = resolution_bucket_labels() -%}
    case
        when {{ hours }} is null then 'no_solved_tickets'
        {%- for edge in edges %}
        when {{ hours }} < {{ edge }} then '{{ labels[loop.index0] }}'
        {%- endfor %}
        else '{{ labels[-1] }}'
    end
{% endmacro %}


{% macro resolution_bucket_order(bucket) %}
    {#- Sort position of a resolution_bucket label: fastest first, no_solved_tickets last. -#}
    {%- set labels = resolution_bucket_labels() -%}
    case {{ bucket }}
        {%- for label in labels %}
        when '{{ label }}' then {{ loop.index }}
        {%- endfor %}
        else {{ labels | length + 1 }}
    end
{% endmacro %}


{% macro theme_keyword_patterns() %}
    {#- The theme_keywords seed as (theme, pattern) pairs, one per theme: its patterns as
        alternatives, '(p1)|(p2)|...' (a text matches the pair's pattern exactly when it matches one
        of the theme's patterns), read from the built seed when the model is compiled. None where
        there is no built seed table to read or it holds no row (parsing, a unit test's fixture rows,
        `dbt build --empty`): the model then
        matches the seed's rows one by one, which gives the same mentions, only slower. -#}
    {%- set seed = ref("theme_keywords") -%}
    {%- if not execute or model.resource_type == 'unit_test' or seed.schema is none -%}{{ return(none) }}{%- endif -%}
    {%- if adapter.get_relation(database=seed.database, schema=seed.schema, identifier=seed.identifier) is none -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set rows = run_query("select theme, keyword_pattern from " ~ seed ~ " where theme is not null and keyword_pattern is not null order by theme, keyword_pattern").rows -%}
    {%- set patterns = {} -%}
    {%- for row in rows -%}
    {%- do patterns.setdefault(row[0], []).append('(' ~ row[1] ~ ')') -%}
    {%- endfor -%}
    {%- set pairs = [] -%}
    {%- for theme in patterns | sort -%}
    {%- do pairs.append((theme, patterns[theme] | join('|'))) -%}
    {%- endfor -%}
    {{ return(pairs if pairs | length > 0 else none) }}
{% endmacro %}
