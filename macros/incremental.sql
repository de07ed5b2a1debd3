{#- Incremental builds: the landing models add only new files (macros/landing.sql,
    landing_files_to_read) and the validated models recompute only the ids those files, or their
    parents, touched. Builds are numbered, and the log (audit.build_log) says which build last
    finished each incremental model, so a model can tell which rows came after it last ran, even
    when an earlier build failed halfway or built only part of the DAG. -#}

{% macro build_log_relation() %}
    {{ return(api.Relation.create(database=warehouse_database(), schema='audit', identifier='build_log')) }}
{% endmacro %}


{% macro start_build_log() %}
    {#- on-run-start: numbers this invocation (1 + the last number in audit.build_log; a row whose
        model_name is null), so the rows a model writes can carry it (build_number). One statement
        per call: Spark runs one at a time. -#}
    {%- if execute and flags.WHICH in ('build', 'run') -%}
    {%- set relation = build_log_relation() -%}
    {%- if adapter.get_relation(database=relation.database, schema=relation.schema, identifier=relation.identifier) is none -%}
    {%- do run_query("create schema if not exists " ~ relation.include(database=false, identifier=false)) -%}
    {%- do run_query(
        "create table " ~ relation ~ " (invocation_id " ~ dbt.type_string() ~ ", build_number "
        ~ dbt.type_bigint() ~ ", is_full_refresh " ~ dbt.type_boolean() ~ ", model_name " ~ dbt.type_string()
        ~ ") " ~ table_format_clause()) -%}
    {#- dbt's relation cache was filled before this hook: without this, build_number and
        finish_build_log would not see the table until the next build. -#}
    {%- do adapter.cache_added(relation) -%}
    {%- endif -%}
    {%- set last = run_query("select max(build_number) from " ~ relation).rows[0][0] -%}
    {%- do run_query(
        "insert into " ~ relation ~ " select " ~ string_literal(invocation_id) ~ ", "
        ~ ((last or 0) + 1) ~ ", " ~ ('true' if flags.FULL_REFRESH else 'false') ~ ", cast(null as "
        ~ dbt.type_string() ~ ")") -%}
    {%- endif -%}
{% endmacro %}


{% macro finish_build_log(results) %}
    {#- on-run-end: one row per incremental model this invocation built successfully, with its
        number: what rows_to_validate reads as the build the model last finished. -#}
    {%- if execute and flags.WHICH in ('build', 'run') -%}
    {%- set relation = build_log_relation() -%}
    {%- set built = results | selectattr('status', 'equalto', 'success') | map(attribute='node')
        | selectattr('resource_type', 'equalto', 'model') | list -%}
    {%- set names = [] -%}
    {%- for node in built if node.config.materialized == 'incremental' -%}
    {%- do names.append("select cast(" ~ string_literal(node.alias or node.name) ~ " as " ~ dbt.type_string() ~ ") as model_name") -%}
    {%- endfor -%}
    {%- if names | length > 0 and adapter.get_relation(database=relation.database, schema=relation.schema, identifier=relation.identifier) is not none -%}
    {%- do run_query(
        "insert into " ~ relation ~ " select invocation_id, build_number, is_full_refresh, model_name from ("
        ~ "select invocation_id, build_number, is_full_refresh from " ~ relation
        ~ " where invocation_id = " ~ string_literal(invocation_id) ~ " and model_name is null) as started cross join ("
        ~ names | join(' union all ') ~ ") as built") -%}
    {%- endif -%}
    {%- endif -%}
{% endmacro %}


{% macro last_finished_build(model_name) %}
    {#- SQL: the number of the last build that finished the model (finish_build_log), 0 if none. -#}
    (select coalesce(max(build_number), 0) from {{ build_log_relation() }} where model_name = {{ string_literal(model_name) }})
{%- endmacro %}


{% macro build_number() %}
    {#- This invocation's number from audit.build_log (start_build_log), as SQL: a literal, or
        null where nothing numbered it (parsing, `dbt compile`, a unit test). -#}
    {%- if not execute -%}{{ return('cast(null as ' ~ dbt.type_bigint() ~ ')') }}{%- endif -%}
    {%- set relation = build_log_relation() -%}
    {%- if adapter.get_relation(database=relation.database, schema=relation.schema, identifier=relation.identifier) is none -%}
        {{ return('cast(null as ' ~ dbt.type_bigint() ~ ')') }}
    {%- endif -%}
    {%- set rows = run_query("select build_number from " ~ relation ~ " where invocation_id = " ~ string_literal(invocation_id)).rows -%}
    {{ return('cast(' ~ (rows[0][0] if rows | length > 0 else 'null') ~ ' as ' ~ dbt.type_bigint() ~ ')') }}
{% endmacro %}


{% macro is_incremental_build() %}
    {#- dbt's is_incremental(); false in a unit test (which has no table of its own to add to) and
        outside a model (`dbt source freshness` reads landing_relation with no model: it reads
        every file). -#}
    {%- if this is not defined or model is not defined or model.resource_type != 'model' -%}{{ return(false) }}{%- endif -%}
    {{ return(is_incremental()) }}
{% endmacro %}


{% macro validated_model_config(id_column) %}
    {#- A validated model's materialization: incremental on DuckDB and PostgreSQL, each recomputed
        row replacing its earlier self (delete+insert by landing file and row: an id may be
        missing); a table on Spark, whose plain Parquet tables cannot delete rows (its landing
        models are still incremental, so a Spark build reads only new files). id_column names the
        entity's id (documentation: the rows recomputed are chosen by id, rows_to_validate). -#}
    {{ config(
        materialized='table' if target.type == 'spark' else 'incremental',
        incremental_strategy='delete+insert',
        unique_key=['_file_name', '_row_number'],
        on_schema_change='fail',
    ) }}
{% endmacro %}


{% macro rows_to_validate(entity, id_column, landing, parents=[]) %}
    {#- The where clause of a validated model's landing rows on an incremental build (nothing on a
        full one): the rows read since the build that last finished the model, every
        row of an id among them (its versions are ranked again), and every row whose parent was
        validated again since (a parent that arrived, or was fixed, brings its children back).
        `parents` is a list of (column, parent validated model); ids are compared as the spec's
        parser reads them. Each recomputed row then replaces its earlier self (by landing file and
        row; landing rows are only ever added, so no row has to be taken back). -#}
    {%- if is_incremental_build() %}
    {%- set parsers = {} -%}
    {%- for column in landing_columns(entity) -%}{%- do parsers.update({column.name: column.parser}) -%}{%- endfor -%}
    {%- set since = last_finished_build(this.identifier) %}
    where _build_number > {{ since }}
        or {{ parse_landing_column(id_column, parsers[id_column]) }} in (
            select {{ parse_landing_column(id_column, parsers[id_column]) }} from {{ landing }}
            where _build_number > {{ since }}
        )
        {%- for column, parent in parents %}
        or {{ parse_landing_column(column, parsers[column]) }} in (
            select {{ column }} from {{ ref(parent) }} where _build_number > {{ since }}
        )
        {%- endfor %}
    {%- endif %}
{% endmacro %}
