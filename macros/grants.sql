{#- Who may read what on engines with roles (PostgreSQL): the BI role reads the marts schema and
    nothing else. The table grants are dbt's `grants` config on models/marts (dbt_project.yml);
    a schema also needs `usage`, which dbt does not grant, so the hooks below do. -#}

{% macro reader_role() %}
    {#- The role BI tools read the marts as (var bi_reader_role, default bi_reader). -#}
    {{ return(var('bi_reader_role', 'bi_reader')) }}
{% endmacro %}


{% macro check_reader_role() %}
    {#- on-run-start: the reader role must exist before dbt grants it select (dispatched; a no-op
        on engines without roles). -#}
    {{ return(adapter.dispatch('check_reader_role', 'nps_warehouse')()) }}
{% endmacro %}


{% macro default__check_reader_role() %}
{% endmacro %}


{% macro postgres__check_reader_role() %}
    {%- if execute -%}
    {%- set found = run_query("select count(*) from pg_roles where rolname = '" ~ reader_role() ~ "'") -%}
    {%- if found.rows[0][0] == 0 -%}
        {{ exceptions.raise_compiler_error(
            "The role " ~ reader_role() ~ " does not exist in " ~ warehouse_name() ~ ": the marts are"
            ~ " granted to it. Ask the database's administrator to `create role " ~ reader_role()
            ~ "` (with login, or granted to your BI tool's user), or name another role with"
            ~ " --vars '{bi_reader_role: ...}'. `make postgres-local` creates it.") }}
    {%- endif -%}
    {%- endif -%}
{% endmacro %}


{% macro grant_marts_schema_usage() %}
    {#- on-run-end: usage on the marts schema for the reader role (dispatched; a no-op on engines
        without roles). Staging, core, audit, snapshots and the rest get no grant at all. -#}
    {{ return(adapter.dispatch('grant_marts_schema_usage', 'nps_warehouse')()) }}
{% endmacro %}


{% macro default__grant_marts_schema_usage() %}
{% endmacro %}


{% macro postgres__grant_marts_schema_usage() %}
    {%- if execute and flags.WHICH in ('build', 'run') -%}
    {%- set found = run_query("select count(*) from information_schema.schemata where schema_name = 'marts'") -%}
    {%- if found.rows[0][0] > 0 -%}
    grant usage on schema marts to {{ reader_role() }}
    {%- endif -%}
    {%- endif -%}
{% endmacro %}
