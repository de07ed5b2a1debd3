{% macro type_double() %}
    {#- The 8-byte floating-point type (dispatched): `double precision` in standard SQL (DuckDB,
        PostgreSQL), `double` on Spark. dbt's type_float is 4-byte `float` on DuckDB. -#}
    {{ return(adapter.dispatch('type_double', 'nps_warehouse')()) }}
{% endmacro %}

{% macro default__type_double() %}
    {{ return('double precision') }}
{% endmacro %}

{% macro spark__type_double() %}
    {{ return('double') }}
{% endmacro %}


{% macro unicode_char(code_point) %}
    {#- The character with this Unicode code point, as a text expression (dispatched): chr() in
        standard SQL engines; on Spark, whose chr() is ASCII only, a literal. -#}
    {{ return(adapter.dispatch('unicode_char', 'nps_warehouse')(code_point)) }}
{% endmacro %}

{% macro default__unicode_char(code_point) %}
    {{ return('chr(' ~ code_point ~ ')') }}
{% endmacro %}

{% macro spark__unicode_char(code_point) %}
    {{ return(string_literal('%c' | format(code_point))) }}
{% endmacro %}


{% macro table_format_clause() %}
    {#- The clause that makes a `create table` of the project's own (outside a materialization) a
        Parquet table on Spark, whose default is Hive's text format; nothing elsewhere. -#}
    {{ return(adapter.dispatch('table_format_clause', 'nps_warehouse')()) }}
{% endmacro %}

{% macro default__table_format_clause() %}
    {{ return('') }}
{% endmacro %}

{% macro spark__table_format_clause() %}
    {{ return('using parquet') }}
{% endmacro %}
