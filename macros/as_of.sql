{% macro as_of_literal() %}
    {#- The as_of var as a UTC timestamp literal, or none when it is unset. Accepts an ISO-8601
        date (the end of that day, UTC) or date-time with optional offset; anything else stops the
        build with a message. -#}
    {%- set raw = var('as_of', none) -%}
    {%- if raw is none or (raw | string | trim) == '' -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set text = raw | string | trim -%}
    {%- if modules.re.fullmatch('[0-9]{4}-[0-9]{2}-[0-9]{2}', text) -%}
        {%- set text = text ~ 'T23:59:59.999999' -%}
    {%- endif -%}
    {%- set parsed = none -%}
    {%- set normalised = text.replace('Z', '+00:00').replace('z', '+00:00') -%}
    {%- set found = modules.re.fullmatch('([0-9]{4})-([0-9]{2})-([0-9]{2})[T ]([0-9]{2}):([0-9]{2})(:([0-9]{2})([.][0-9]{1,6})?)?([+-]([0-9]{2}):?([0-9]{2}))?', normalised) -%}
    {%- if found and as_of_fields_are_real(found) -%}
        {%- set parsed = modules.datetime.datetime.fromisoformat(normalised) -%}
    {%- endif -%}
    {%- if parsed is none -%}
        {{ exceptions.raise_compiler_error(
            "The as_of var '" ~ raw ~ "' is not an ISO-8601 date or timestamp. Use e.g. "
            ~ "--vars '{as_of: 2026-06-30}' or '{as_of: \"2026-06-30T12:00:00Z\"}'.") }}
    {%- endif -%}
    {%- if parsed.tzinfo is not none -%}
        {%- set parsed = parsed.astimezone(modules.pytz.utc).replace(tzinfo=none) -%}
    {%- endif -%}
    {{ return("cast('" ~ parsed.strftime('%Y-%m-%d %H:%M:%S.%f') ~ "' as " ~ dbt.type_timestamp() ~ ")") }}
{% endmacro %}


{% macro as_of_fields_are_real(found) %}
    {#- Whether the date and time fields of an as_of matched by as_of_literal exist on the calendar
        and the clock (no 2026-06-31, no 24:00), so a wrong value gets the message, not a traceback. -#}
    {%- set year, month, day = found.group(1) | int, found.group(2) | int, found.group(3) | int -%}
    {%- set leap = (year % 4 == 0 and year % 100 != 0) or year % 400 == 0 -%}
    {%- set days = [31, 29 if leap else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] -%}
    {{ return(
        year >= 1 and 1 <= month <= 12 and 1 <= day <= days[month - 1]
        and found.group(4) | int <= 23 and found.group(5) | int <= 59
        and (found.group(7) or '0') | int <= 59
        and (found.group(10) or '0') | int <= 23 and (found.group(11) or '0') | int <= 59
    ) }}
{% endmacro %}


{% macro not_after_as_of(column, as_of='build_as_of.as_of_at') -%}
    {#- Filter: `column` is not after the build's as_of; a null time never passes, exactly as with a
        plain `column <= as_of`. Written through coalesce on purpose: DuckDB's planner takes a plain
        comparison with the one-row as_of relation for a join that keeps a few dozen rows out of
        millions, builds its hash tables on the big side and, at ~10M responses, ran out of memory
        (docs/performance.md). The result is the same on every engine. -#}
    coalesce({{ column }} <= {{ as_of }}, false)
{%- endmacro %}
