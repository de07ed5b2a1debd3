{% macro generate_schema_name(custom_schema_name, node) %}
    {#- Layers land in schemas named after them (staging, core, marts, reference) rather than dbt's
        default <target schema>_<custom schema>; models without one use the target's schema. -#}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{% endmacro %}
