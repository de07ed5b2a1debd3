{#- Helpers shared by the validated staging models: which version of a row wins, and the
    quarantine rules written the same way for every entity. -#}

{% macro version_rank(id_column, updated_at_column) %}
    {#- 1 for the row that wins its id: latest updated_at, then the file whose name sorts last,
        then the later row of that file. Rows without a usable updated_at rank after all others. A
        row without an id is 1 of its own (it competes with no other row, so an incremental build,
        which ranks only the ids it touched, gives it the same rank as a full one). -#}
    row_number() over (
        partition by {{ id_column }},
            case when {{ id_column }} is null then _file_name end,
            case when {{ id_column }} is null then _row_number end
        order by {{ updated_at_column }} desc nulls last, {{ byte_order('_file_name') }} desc, _row_number desc
    )
{% endmacro %}


{% macro missing_problem(column, relation='typed') %}
    {#- 'missing_<column>' when a required text value is blank, else null. -#}
    case when {{ relation }}.{{ column }} is null then 'missing_{{ column }}' end
{% endmacro %}


{% macro required_problem(column, relation='typed') %}
    {#- For a required parsed value: 'missing_<column>' when blank, 'invalid_<column>' when it does
        not parse, else null. Expects <column>_text (trimmed text) and <column> (parsed). -#}
    case
        when {{ relation }}.{{ column }}_text is null then 'missing_{{ column }}'
        when {{ relation }}.{{ column }} is null then 'invalid_{{ column }}'
    end
{% endmacro %}


{% macro optional_problem(column, relation='typed') %}
    {#- For an optional value: 'invalid_<column>' when it is present but does not parse, else null. -#}
    case
        when {{ relation }}.{{ column }}_text is not null and {{ relation }}.{{ column }} is null
            then 'invalid_{{ column }}'
    end
{% endmacro %}


{% macro reference_problem(column, parent, parent_name) %}
    {#- 'unknown_<parent_name>' when no version of the parent row exists, '<parent_name>_quarantined'
        when the parent's winning row is quarantined, else null. `parent` is a CTE of winning parent
        rows with columns <column> and row_problem. -#}
    case
        when {{ parent }}.{{ column }} is null then 'unknown_{{ parent_name }}'
        when {{ parent }}.row_problem is not null then '{{ parent_name }}_quarantined'
    end
{% endmacro %}


{% macro quarantine_reason_of(id_column) %}
    {#- The row's quarantine reason, from its read problem (a line the file reader could not
        decode), id, parsed updated_at, version_rank and row_problem (the first failing entity
        rule, or null); null for a staged or superseded row. -#}
    case
        when _read_problem is not null then _read_problem
        when {{ id_column }} is null then 'missing_id'
        when updated_at_text is null then 'missing_updated_at'
        when updated_at is null then 'invalid_updated_at'
        when version_rank > 1 then null
        else row_problem
    end
{% endmacro %}


{% macro row_status_of(id_column) %}
    {#- The row's fate: quarantined (unreadable, no id or updated_at, or a failing rule on the
        winning version), superseded (a newer version of its id wins) or staged. -#}
    case
        when _read_problem is not null or {{ id_column }} is null or updated_at is null then 'quarantined'
        when version_rank > 1 then 'superseded'
        when row_problem is not null then 'quarantined'
        else 'staged'
    end
{% endmacro %}


{% macro in_effect_at(versions, at) -%}
    {#- Join condition: the row of `versions` (valid_from / valid_to, nulls open-ended) in effect
        at the timestamp `at`. -#}
    ({{ versions }}.valid_from is null or {{ versions }}.valid_from <= {{ at }}) and ({{ versions }}.valid_to is null or {{ at }} < {{ versions }}.valid_to)
{%- endmacro %}


{% macro unless_problem(column, problem_column=none) %}
    {#- The typed value of `column`, or null where its value problem (`<column>_problem`, or
        `problem_column`) is set: a value that does not parse is dropped, never its row. -#}
    case when {{ problem_column or column ~ '_problem' }} is null then {{ column }} end
{%- endmacro %}


{% macro response_versions() %}
    {#- Every kept version of every staged response across builds (response_id, contact_id, campaign_id,
        score, updated_at, dbt_valid_to: the next version's updated_at, null for the current one), as a
        query (dispatched): the snapshot snap_survey_responses, or on Spark int_response_versions. -#}
    {{ return(adapter.dispatch('response_versions', 'nps_warehouse')()) }}
{% endmacro %}

{% macro default__response_versions() %}
    select
        response_id,
        contact_id,
        campaign_id,
        score,
        updated_at,
        dbt_valid_to
    from {{ ref('snap_survey_responses') }}
{% endmacro %}

{% macro spark__response_versions() %}
    select
        response_id,
        contact_id,
        campaign_id,
        score,
        updated_at,
        lead(updated_at) over (partition by response_id order by updated_at) as dbt_valid_to
    from {{ ref('int_response_versions') }}
{% endmacro %}
