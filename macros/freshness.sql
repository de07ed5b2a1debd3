{% macro default__collect_freshness(source, loaded_at_field, filter) %}
    {#- `dbt source freshness` measured against the build's 'now', not the clock, so it is as
        reproducible as the build. The landing rows are read the way the base models read them
        (landing_relation: every file of the entity, as text; without the invalid_utf8 rows, which
        only a landing model's pre-hook finds and whose values are null); loaded_at_field is parsed as an
        ISO-8601 timestamp in UTC, and text that does not parse is ignored. 'Now' is the as_of var
        when set, else the as_of of the last build (intermediate.int_build_as_of). -#}
    {%- set now = freshness_as_of() -%}
    {% call statement('collect_freshness', fetch_result=True, auto_begin=False) -%}
        with

        landing as (
            {{ landing_relation(freshness_source_name(source), source.identifier, include_undecodable=false) }}
        )

        select
            max({{ parse_timestamp_utc(loaded_at_field) }}) as max_loaded_at,
            {{ now }} as snapshotted_at
        from landing
        {%- if filter %}
        where {{ filter }}
        {%- endif %}
    {%- endcall %}
    {{ return(load_result('collect_freshness')) }}
{% endmacro %}


{% macro freshness_source_name(relation) %}
    {#- The source (survey, crm, ...) that declares a landing entity, from the project graph. -#}
    {%- for node in graph.sources.values() -%}
    {%- if node.package_name == project_name and node.name == relation.identifier -%}
    {{ return(node.source_name) }}
    {%- endif -%}
    {%- endfor -%}
    {{ exceptions.raise_compiler_error("No source declares the landing entity '" ~ relation.identifier ~ "'.") }}
{% endmacro %}


{% macro freshness_as_of() %}
    {#- The 'now' source freshness measures against: the as_of var, else the last build's as_of.
        Without either it stops with what to do, rather than reading the clock. -#}
    {%- set literal = as_of_literal() -%}
    {%- if literal is not none -%}{{ return(literal) }}{%- endif -%}
    {%- set node = graph.nodes['model.' ~ project_name ~ '.int_build_as_of'] -%}
    {%- set built = adapter.get_relation(database=node.database, schema=node.schema, identifier=node.alias) -%}
    {%- if built is none -%}
        {{ exceptions.raise_compiler_error(
            "Source freshness is measured against the build's as_of, not the clock. Run `dbt build` "
            ~ "first (nps-build does), or pass it: dbt source freshness --vars '{as_of: 2026-06-30}'.") }}
    {%- endif -%}
    {{ return('(select max(as_of_at) from ' ~ built ~ ')') }}
{% endmacro %}


{% macro source_freshness_days() %}
    {#- Each landing entity's freshness.warn_after (its source's yml) in days, from the graph;
        an entity without one stops the build. Empty at parse time. -#}
    {%- set days = {} -%}
    {%- if execute -%}
    {%- for node in graph.sources.values() if node.package_name == project_name -%}
    {%- set warn_after = node.freshness.warn_after -%}
    {%- if warn_after is none or warn_after.count is none -%}
    {{ exceptions.raise_compiler_error("Source " ~ node.source_name ~ "." ~ node.name ~ " has no freshness.warn_after in its yml.") }}
    {%- endif -%}
    {%- do days.update({node.name: warn_after.count * {'minute': 1 / 1440, 'hour': 1 / 24, 'day': 1}[warn_after.period]}) -%}
    {%- endfor -%}
    {%- endif -%}
    {{ return(days) }}
{% endmacro %}
