{#- Spark's dialect where it differs from the standard the other engines share: type names,
    regular-expression syntax, and dbt's own cast under contracts and seeds. -#}

{% macro spark_type_name(data_type) %}
    {#- A type as the project writes it (contracts, seeds, casts) in Spark's spelling: Spark has no
        `double precision`, no `varchar` without a length and no `timestamptz` (its TIMESTAMP is
        an instant). Other names pass unchanged. -#}
    {%- set key = data_type | trim | lower -%}
    {%- set names = {
        'double precision': 'double',
        'varchar': 'string',
        'text': 'string',
        'timestamptz': 'timestamp',
        'timestamp with time zone': 'timestamp',
        'numeric': 'decimal(38, 9)',
    } -%}
    {{ return(names.get(key, data_type)) }}
{% endmacro %}


{% macro spark__cast(field, type) %}
    {#- dbt's cast on Spark (contracts build their empty schema with it, unit tests their fixtures),
        with the project's type names translated (spark_type_name). -#}
    cast({{ field }} as {{ spark_type_name(type) }})
{% endmacro %}


{% macro spark__safe_cast(field, type) %}
    {#- dbt's safe_cast on Spark (unit-test fixtures), with the type names translated. -#}
    try_cast({{ field }} as {{ spark_type_name(type) }})
{% endmacro %}


{% macro spark_regex_literal(pattern) %}
    {#- A regular expression written for RE2 (DuckDB) as a Spark string literal for Java's engine:
        the POSIX classes [:punct:] and [:space:] become \p{Punct} and \s (both ASCII, as in RE2). -#}
    {%- set java = pattern | replace('[:punct:]', '\\p{Punct}') | replace('[:space:]', '\\s') -%}
    {{ return(string_literal(java)) }}
{% endmacro %}


{% macro spark__create_csv_table(model, agate_table) %}
    {#- dbt-spark's seed table, with the seeds' column_types translated (spark_type_name). -#}
    {%- set column_override = model['config'].get('column_types', {}) -%}
    {%- set quote_seed_column = model['config'].get('quote_columns', None) -%}
    {% set sql %}
    create table {{ this.render() }} (
        {%- for col_name in agate_table.column_names -%}
            {%- set inferred_type = adapter.convert_type(agate_table, loop.index0) -%}
            {%- set type = spark_type_name(column_override.get(col_name, inferred_type)) -%}
            {{ adapter.quote_seed_column(col_name | string, quote_seed_column) }} {{ type }} {%- if not loop.last -%}, {%- endif -%}
        {%- endfor -%}
    )
    {{ file_format_clause() }}
    {% endset %}
    {% call statement('_') -%}
        {{ sql }}
    {%- endcall %}
    {{ return(sql) }}
{% endmacro %}


{% macro spark__load_csv_rows(model, agate_table) %}
    {#- dbt-spark's seed rows, each value written as an escaped literal (string_literal) and cast
        to the seed's column type in Spark's spelling: dbt-spark binds values between bare quotes,
        which breaks on a value holding a quote or a backslash. -#}
    {%- set column_override = model['config'].get('column_types', {}) -%}
    {%- set statements = [] -%}
    {%- for chunk in agate_table.rows | batch(get_batch_size()) -%}
    {%- set sql -%}
    insert into {{ this.render() }} values
    {%- for row in chunk %}
    ({%- for col_name in agate_table.column_names -%}
        {%- set type = spark_type_name(column_override.get(col_name, adapter.convert_type(agate_table, loop.index0))) -%}
        {%- set value = row[loop.index0] -%}
        cast({{ 'null' if value is none else string_literal(value | string) }} as {{ type }}){%- if not loop.last %}, {% endif -%}
    {%- endfor -%}){%- if not loop.last %},{% endif %}
    {%- endfor %}
    {%- endset -%}
    {%- do adapter.add_query(sql, abridge_sql_log=True) -%}
    {%- if loop.index0 == 0 -%}{%- do statements.append(sql) -%}{%- endif -%}
    {%- endfor -%}
    {{ return(statements[0] if statements else '') }}
{% endmacro %}


{% macro warehouse_database() %}
    {#- The target's database for relations the project names itself: none on Spark, whose
        targets have no database (a schema is Spark's database). -#}
    {{ return(target.get('database')) }}
{% endmacro %}


{% macro spark__datediff(first_date, second_date, datepart) %}
    {#- dbt's datediff on Spark, with hours, minutes and seconds counted as boundaries crossed (as
        DuckDB and PostgreSQL count them: 10:00:59 to 10:01:00 is one minute); dbt-spark rounds
        the elapsed seconds up instead. Other date parts are dbt-spark's own. -#}
    {%- set seconds = {'second': 1, 'minute': 60, 'hour': 3600} -%}
    {%- if datepart in seconds -%}
    cast((unix_timestamp(date_trunc('{{ datepart }}', {{ second_date }})) - unix_timestamp(date_trunc('{{ datepart }}', {{ first_date }}))) / {{ seconds[datepart] }} as bigint)
    {%- else -%}
    {{ return(dbt.spark__datediff(first_date, second_date, datepart)) }}
    {%- endif -%}
{% endmacro %}
