{#- Business hours: local wall-clock times of the support schedules (seed business_schedules) to
    UTC, and which clock the SLA figures of the perception marts read (var sla_clock). -#}

{% macro local_to_utc(local_timestamp, time_zone) %}
    {#- A timestamp without time zone read as wall-clock time in an IANA time zone
        ('Europe/London'), as the UTC timestamp without time zone of that instant; daylight saving
        follows the engine's time-zone database. Dispatched: every engine spells it differently. -#}
    {{ return(adapter.dispatch('local_to_utc', 'nps_warehouse')(local_timestamp, time_zone)) }}
{% endmacro %}

{% macro default__local_to_utc(local_timestamp, time_zone) %}
    {{ exceptions.raise_compiler_error(
        "local_to_utc is not supported on " ~ target.type ~ ": business-hours SLAs need the local "
        ~ "opening hours converted to UTC in the engine's time-zone database. Add a "
        ~ target.type ~ "__local_to_utc macro to macros/business_hours.sql (DuckDB, PostgreSQL and "
        ~ "Spark variants are there to copy from)."
    ) }}
{% endmacro %}

{% macro postgres__local_to_utc(local_timestamp, time_zone) %}
    {#- timestamp AT TIME ZONE zone reads the wall-clock time in the zone (a timestamptz); AT TIME
        ZONE 'UTC' turns that instant back into UTC wall-clock time. -#}
    (({{ local_timestamp }}) at time zone ({{ time_zone }})) at time zone 'UTC'
{% endmacro %}

{% macro duckdb__local_to_utc(local_timestamp, time_zone) %}
    {#- DuckDB's ICU timezone(zone, timestamp) reads the wall-clock time in the zone (a
        timestamptz); timezone('UTC', timestamptz) gives its UTC wall-clock time. -#}
    timezone('UTC', timezone({{ time_zone }}, {{ local_timestamp }}))
{% endmacro %}

{% macro spark__local_to_utc(local_timestamp, time_zone) %}
    {#- Spark SQL's to_utc_timestamp(timestamp, zone) reads the timestamp as wall-clock time in the
        zone and returns the UTC time. Written from the Spark SQL reference, not yet run: the
        project has no Spark target to test it on. -#}
    to_utc_timestamp({{ local_timestamp }}, {{ time_zone }})
{% endmacro %}


{% macro iso_day_of_week(date_expression) %}
    {#- ISO day of the week, 1 = Monday … 7 = Sunday, counted from the Monday 2000-01-03 with
        dbt.datediff (engines number the days of the week differently). -#}
    (mod(mod({{ dbt.datediff("cast('2000-01-03' as date)", date_expression, 'day') }}, 7) + 7, 7) + 1)
{% endmacro %}


{% macro sla_clock_column(measure, relation=none) %}
    {#- The column of fct_support_tickets holding a measure on the clock the var sla_clock chooses
        (calendar, the default, or business): is_sla_breached, first_response_minutes or
        resolution_minutes. -#}
    {%- set clock = var('sla_clock') -%}
    {%- set columns = {
        'calendar': {
            'is_sla_breached': 'is_sla_breached',
            'first_response_minutes': 'first_response_calendar_minutes',
            'resolution_minutes': 'resolution_calendar_minutes',
        },
        'business': {
            'is_sla_breached': 'is_business_sla_breached',
            'first_response_minutes': 'first_response_business_minutes',
            'resolution_minutes': 'resolution_business_minutes',
        },
    } -%}
    {%- if clock not in columns -%}
        {{ exceptions.raise_compiler_error(
            "var sla_clock must be 'calendar' or 'business', not '" ~ clock ~ "'"
        ) }}
    {%- endif -%}
    {{- (relation ~ '.' if relation else '') ~ columns[clock][measure] -}}
{% endmacro %}
