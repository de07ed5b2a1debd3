{#- Parsing landing text into types. Every parser returns null for text that does not parse, so the
    validated models can quarantine the row with a reason instead of failing the build. -#}

{% macro whitespace_code_points() %}
    {#- The characters trimmed around every landing value and header name, as Unicode code points:
        Unicode's White_Space (tab, line feed, vertical tab, form feed, carriage return, space,
        next line, no-break space, ogham space, the spaces U+2000–U+200A, line and paragraph
        separators, narrow no-break space, medium mathematical space, ideographic space), plus the
        zero-width space U+200B and the zero-width no-break space / byte-order mark U+FEFF.
        quality.WHITESPACE_CODE_POINTS is the same list; a test runs both over every character. -#}
    {{ return([9, 10, 11, 12, 13, 32, 133, 160, 5760,
        8192, 8193, 8194, 8195, 8196, 8197, 8198, 8199, 8200, 8201, 8202, 8203,
        8232, 8233, 8239, 8287, 12288, 65279]) }}
{% endmacro %}


{% macro whitespace_text() %}
    {#- whitespace_code_points as a Jinja string, for trimming names at compile time. -#}
    {%- set characters = [] -%}
    {%- for point in whitespace_code_points() -%}{%- do characters.append('%c' | format(point)) -%}{%- endfor -%}
    {{ return(characters | join('')) }}
{% endmacro %}


{% macro whitespace_pattern() %}
    {#- whitespace_code_points as the inside of a regular-expression character class, runs written
        as ranges in the engine's escape syntax (whitespace_code_point_escape). -#}
    {%- set runs = [] -%}
    {%- for point in whitespace_code_points() -%}
    {%- if runs and runs[-1][-1] + 1 == point -%}{%- do runs[-1].append(point) -%}{%- else -%}{%- do runs.append([point]) -%}{%- endif -%}
    {%- endfor -%}
    {%- set parts = [] -%}
    {%- for run in runs -%}
    {%- do parts.append(whitespace_code_point_escape(run[0]) ~ (('-' ~ whitespace_code_point_escape(run[-1])) if run | length > 1 else '')) -%}
    {%- endfor -%}
    {{ return(parts | join('')) }}
{% endmacro %}


{% macro whitespace_code_point_escape(point) %}
    {#- One code point as a regular-expression escape (dispatched): \x{9} in RE2 and PCRE (DuckDB,
        Spark), \u0009 in PostgreSQL's regular expressions. -#}
    {{ return(adapter.dispatch('whitespace_code_point_escape', 'nps_warehouse')(point)) }}
{% endmacro %}

{% macro default__whitespace_code_point_escape(point) %}
    {{ exceptions.raise_compiler_error("whitespace_code_point_escape is not supported on " ~ target.type ~ ": add a " ~ target.type ~ "__whitespace_code_point_escape macro (a code point as a regular-expression escape).") }}
{% endmacro %}

{% macro duckdb__whitespace_code_point_escape(point) %}
    {{ return('\\x{' ~ '%x' | format(point) ~ '}') }}
{% endmacro %}

{% macro postgres__whitespace_code_point_escape(point) %}
    {{ return('\\u' ~ '%04x' | format(point)) }}
{% endmacro %}

{% macro spark__whitespace_code_point_escape(point) %}
    {#- Java's regular expressions take \x{…} as RE2 does. -#}
    {{ return('\\x{' ~ '%x' | format(point) ~ '}') }}
{% endmacro %}


{% macro trim_whitespace(expression) %}
    {#- The text without whitespace_code_points at either end (tabs, line breaks, no-break and
        zero-width spaces, not only spaces as trim() does). -#}
    {{ return(adapter.dispatch('trim_whitespace', 'nps_warehouse')(expression)) }}
{% endmacro %}

{% macro default__trim_whitespace(expression) %}
    {#- SQL-standard trim with a set of characters (PostgreSQL and DuckDB take a set). -#}
    trim(both {% for point in whitespace_code_points() %}{{ 'chr(' ~ point ~ ')' }}{% if not loop.last %} || {% endif %}{% endfor %} from {{ expression }})
{% endmacro %}

{% macro duckdb__trim_whitespace(expression) %}
    {#- Two anchored regular expressions: as fast as trim() on DuckDB, where trim with a set of 27
        characters is ten times slower. -#}
    regexp_replace(regexp_replace({{ expression }}, '^[{{ whitespace_pattern() }}]+', ''), '[{{ whitespace_pattern() }}]+$', '')
{% endmacro %}

{% macro spark__trim_whitespace(expression) %}
    {#- Spark's chr() is ASCII only (chr(8192) is chr(0)), so the set is a regular expression. -#}
    regexp_replace({{ expression }}, {{ spark_regex_literal('^[' ~ whitespace_pattern() ~ ']+|[' ~ whitespace_pattern() ~ ']+$') }}, '')
{% endmacro %}


{% macro clean_text(column) %}
    {#- Text without surrounding whitespace (trim_whitespace); blank becomes null. -#}
    nullif({{ trim_whitespace(column) }}, '')
{% endmacro %}


{% macro normalise_enum(column) %}
    {#- 'Decision Maker', ' DECISION-maker ' and 'decision_maker' all become 'decision_maker'. -#}
    {{ return(adapter.dispatch('normalise_enum', 'nps_warehouse')(column)) }}
{% endmacro %}

{% macro default__normalise_enum(column) %}
    nullif({{ replace_pattern(replace_pattern(lower_text(trim_whitespace(column)), '[^a-z0-9]+', '_'), '^_+|_+$', '') }}, '')
{% endmacro %}


{% macro lower_text(expression) %}
    {#- Lower case, Unicode-aware ('OBERFLÄCHE' -> 'oberfläche'), on every engine (dispatched). -#}
    {{ return(adapter.dispatch('lower_text', 'nps_warehouse')(expression)) }}
{% endmacro %}

{% macro default__lower_text(expression) %}
    lower({{ expression }})
{% endmacro %}

{% macro postgres__lower_text(expression) %}
    {#- lower() follows the collation's character type, which is ASCII-only under C: ICU's root
        collation lower-cases every script, whatever the database's locale. -#}
    lower(({{ expression }}) collate "und-x-icu")
{% endmacro %}


{% macro byte_order(expression) %}
    {#- Text compared by its bytes (code points), as DuckDB does, for orderings that decide a
        result (the file-name tie-break of versions), whatever the database's collation. -#}
    {{ return(adapter.dispatch('byte_order', 'nps_warehouse')(expression)) }}
{% endmacro %}

{% macro default__byte_order(expression) %}
    {{ expression }}
{% endmacro %}

{% macro postgres__byte_order(expression) %}
    ({{ expression }}) collate "C"
{% endmacro %}


{% macro replace_pattern(expression, pattern, replacement) %}
    {#- Replaces every match of a regular expression. -#}
    {{ return(adapter.dispatch('replace_pattern', 'nps_warehouse')(expression, pattern, replacement)) }}
{% endmacro %}

{% macro default__replace_pattern(expression, pattern, replacement) %}
    {#- Standard SQL has no regular-expression replace. -#}
    {{ exceptions.raise_compiler_error("replace_pattern is not supported on " ~ target.type ~ ": add a " ~ target.type ~ "__replace_pattern macro (regular-expression replace of every match).") }}
{% endmacro %}

{% macro duckdb__replace_pattern(expression, pattern, replacement) %}
    regexp_replace({{ expression }}, '{{ pattern }}', '{{ replacement }}', 'g')
{% endmacro %}

{% macro postgres__replace_pattern(expression, pattern, replacement) %}
    {#- Under the C collation character classes ([:punct:], [:space:]) are ASCII, as in RE2. -#}
    regexp_replace({{ byte_order(expression) }}, '{{ pattern }}', '{{ replacement }}', 'g')
{% endmacro %}

{% macro spark__replace_pattern(expression, pattern, replacement) %}
    {#- Java regular expressions replace every match; the replacement is literal text here. -#}
    regexp_replace({{ expression }}, {{ spark_regex_literal(pattern) }}, {{ string_literal(replacement) }})
{% endmacro %}


{% macro matches_pattern(column, pattern) %}
    {#- True when the whole text matches the regular expression. -#}
    {{ return(adapter.dispatch('matches_pattern', 'nps_warehouse')(column, pattern)) }}
{% endmacro %}

{% macro default__matches_pattern(column, pattern) %}
    {#- SIMILAR TO would be the standard's full match, but its syntax differs from the regular
        expressions written here (_ and % are wildcards), so no silent translation. -#}
    {{ exceptions.raise_compiler_error("matches_pattern is not supported on " ~ target.type ~ ": add a " ~ target.type ~ "__matches_pattern macro (true when the whole text matches a regular expression).") }}
{% endmacro %}

{% macro duckdb__matches_pattern(column, pattern) %}
    regexp_full_match({{ column }}, '{{ pattern }}')
{% endmacro %}

{% macro postgres__matches_pattern(column, pattern) %}
    ({{ byte_order(column) }} ~ '^(?:{{ pattern }})$')
{% endmacro %}

{% macro spark__matches_pattern(column, pattern) %}
    {#- rlike finds a match anywhere: anchored at both ends, \z being the very end (Java's $ also
        matches before a final line break). -#}
    ({{ column }} rlike {{ spark_regex_literal('^(?:' ~ pattern ~ ')\\z') }})
{% endmacro %}


{% macro try_cast(expression, data_type) %}
    {#- Cast, or null where the value does not convert. -#}
    {{ return(adapter.dispatch('try_cast', 'nps_warehouse')(expression, data_type)) }}
{% endmacro %}

{% macro default__try_cast(expression, data_type) %}
    {{ exceptions.raise_compiler_error("try_cast is not supported on " ~ target.type ~ ": add a " ~ target.type ~ "__try_cast macro (a cast giving null where the value does not convert).") }}
{% endmacro %}

{% macro duckdb__try_cast(expression, data_type) %}
    try_cast({{ expression }} as {{ data_type }})
{% endmacro %}

{% macro postgres__try_cast(expression, data_type) %}
    {#- PostgreSQL 15 has no try_cast (pg_input_is_valid is 16+): helper functions that catch the
        cast's error (postgres_helper_functions, created by an on-run-start hook). -#}
    {%- if data_type | lower not in ('date', 'timestamptz') -%}
    {{ exceptions.raise_compiler_error("try_cast to " ~ data_type ~ " is not supported on postgres: add a helper to postgres_helper_functions (macros/parsing.sql).") }}
    {%- endif -%}
    {{ postgres_helper_schema() }}.nps_try_cast_{{ data_type | lower }}({{ expression }})
{% endmacro %}

{% macro spark__try_cast(expression, data_type) %}
    {#- Spark's TIMESTAMP is an instant read in the session's zone (UTC in the profile), which is
        what timestamptz means elsewhere. -#}
    try_cast({{ expression }} as {{ spark_type_name(data_type) }})
{% endmacro %}


{% macro postgres_helper_schema() %}
    {#- The schema of the PostgreSQL helper functions. -#}
    {{ return('nps_util') }}
{% endmacro %}


{% macro postgres_helper_functions() %}
    {#- on-run-start on PostgreSQL: the helpers postgres__try_cast and
        postgres__timestamp_text_to_utc call. A cast inside an exception block returns null for a
        value the type rejects (2026-02-30, 25:00), as DuckDB's try_cast does; text without an
        offset is read in UTC (the function's own TimeZone), whatever the session's zone. Left
        different: DuckDB reads year 0000 as 1 BC, PostgreSQL rejects it (null). -#}
    {%- if execute and target.type == 'postgres' -%}
    create schema if not exists {{ postgres_helper_schema() }};
    create or replace function {{ postgres_helper_schema() }}.nps_try_cast_date(value text) returns date
        language plpgsql immutable strict parallel safe set timezone to 'UTC' as $$
        begin return value::date; exception when others then return null; end $$;
    create or replace function {{ postgres_helper_schema() }}.nps_try_cast_timestamptz(value text) returns timestamptz
        language plpgsql immutable strict parallel safe set timezone to 'UTC' as $$
        begin
            {# As DuckDB: no leap second 60 (PostgreSQL rolls it over), digits past the
               microsecond dropped (PostgreSQL rounds them). #}
            if value ~ '[T ][0-9]{2}:[0-9]{2}:60' then return null; end if;
            return regexp_replace(value, '([.][0-9]{6})[0-9]+', '\1')::timestamptz;
        exception when others then return null; end $$;
    {%- endif -%}
{% endmacro %}


{% macro parse_integer(column) %}
    {#- Whole numbers only: '7' and ' 07 ' parse, '7.5', '7.0', 'ten' and '1e1' do not. -#}
    case
        when {{ matches_pattern(trim_whitespace(column), '[+-]?[0-9]{1,18}') }}
            then cast({{ trim_whitespace(column) }} as {{ dbt.type_bigint() }})
    end
{% endmacro %}


{% macro parse_decimal(column) %}
    {#- Plain decimals: '1200', '-5000.00', '.5'; not '12k', '1,200' or '1e3'. -#}
    case
        when {{ matches_pattern(trim_whitespace(column), '[+-]?([0-9]+([.][0-9]*)?|[.][0-9]+)') }}
            then cast({{ trim_whitespace(column) }} as {{ dbt.type_numeric() }})
    end
{% endmacro %}


{% macro parse_date(column) %}
    {#- A YYYY-MM-DD calendar date; impossible dates such as 2026-02-30 give null. -#}
    case
        when {{ matches_pattern(trim_whitespace(column), '[0-9]{4}-[0-9]{2}-[0-9]{2}') }}
            then {{ try_cast(trim_whitespace(column), 'date') }}
    end
{% endmacro %}


{% macro parse_timestamp_utc(column) %}
    {#- An ISO-8601 date-time (or bare date) as a UTC timestamp without zone. A trailing Z or
        offset (+02:00, -0500, +05) is honoured; no offset means UTC. -#}
    case
        when {{ matches_pattern(trim_whitespace(column), timestamp_pattern()) }}
            then {{ adapter.dispatch('timestamp_text_to_utc', 'nps_warehouse')(trim_whitespace(column)) }}
    end
{% endmacro %}

{% macro timestamp_pattern() %}
    {#- The text a timestamp column accepts: an ISO-8601 date, or date-time with optional fraction
        and Z or offset; matched against the whole value. The landing check's twin is
        settings.TIMESTAMP_PATTERN (anchored there; tests/python/test_settings.py proves they agree). -#}
    {{ return('[0-9]{4}-[0-9]{2}-[0-9]{2}([T ][0-9]{2}:[0-9]{2}(:[0-9]{2}([.][0-9]+)?)?(Z|[+-][0-9]{2}(:?[0-9]{2})?)?)?') }}
{% endmacro %}

{% macro default__timestamp_text_to_utc(text) %}
    {#- The standard's AT TIME ZONE on a zoned timestamp gives the wall-clock time there. -#}
    cast({{ try_cast(text, 'timestamptz') }} at time zone 'UTC' as {{ dbt.type_timestamp() }})
{% endmacro %}

{% macro duckdb__timestamp_text_to_utc(text) %}
    cast(timezone('UTC', {{ try_cast(text, 'timestamptz') }}) as timestamp)
{% endmacro %}

{% macro spark__timestamp_text_to_utc(text) %}
    {#- An offset in the text is honoured; without one the session's zone (UTC) applies. -#}
    {{ try_cast(text, 'timestamptz') }}
{% endmacro %}


{% macro landing_values_json(columns, hashed=[], prefix='') %}
    {#- The raw text of a landing row as a JSON object, built with portable string functions so a
        quarantined row keeps what arrived. Columns named in `hashed` (personal data) are kept
        only as their pii_hash. Each value is read from the column `prefix ~ column`. -#}
    '{' ||
    {%- for column in columns %}
    {%- set value = pii_hash(prefix ~ column) if column in hashed else json_escape(prefix ~ column) %}
    '"{{ column }}":' || coalesce('"' || {{ value }} || '"', 'null')
    {%- if not loop.last %} || ',' ||{% endif %}
    {%- endfor %}
    || '}'
{% endmacro %}


{% macro quarantined_raw_values(entity) %}
    {#- raw_values (landing_values_json of the _raw_ columns, personal columns of the spec only as
        their pii_hash) where row_status is quarantined, else null: only audit.quarantine_rows
        reads it, and building JSON for every row was half the cost of the largest staging models. -#}
    {%- set hashed = landing_columns(entity) | selectattr('pii') | map(attribute='name') | list -%}
    case
        when row_status = 'quarantined'
            then {{ landing_values_json(landing_contract()[entity], hashed=hashed, prefix='_raw_') }}
    end
{% endmacro %}


{% macro pii_hash(column) %}
    {#- A stable, salted hash of personal text (emails, names) so it can still join without
        travelling in clear text: md5 of the salt and the lower-cased, trimmed value; null stays null.
        The salt comes from the NPS_PII_SALT environment variable. -#}
    case
        when {{ clean_text(column) }} is not null
            then {{ dbt.hash(dbt.concat([string_literal(pii_salt()), lower_text(clean_text(column))])) }}
    end
{% endmacro %}


{% macro pii_salt() %}
    {#- NPS_PII_SALT. Unset, a landing folder marked as sample data (the _SAMPLE_DATA file that
        nps-generate writes) uses the public salt (sample_pii_salt); any other folder stops the
        build with what to do, so real addresses are never hashed with a public salt. -#}
    {%- set salt = env_var('NPS_PII_SALT', '') -%}
    {%- if salt == '' and execute and not landing_is_sample() -%}
    {{ exceptions.raise_compiler_error(pii_salt_missing_message() ~ " Landing folder: " ~ landing_dir()) }}
    {%- endif -%}
    {{ return(salt if salt != '' else sample_pii_salt()) }}
{% endmacro %}


{% macro sample_pii_salt() %}
    {#- The public salt of sample data. The Python side's twin is settings.SAMPLE_SALT
        (tests/python/test_settings.py proves they agree). -#}
    {{ return('nps-sample-data') }}
{% endmacro %}


{% macro pii_salt_missing_message() %}
    {#- What a build without NPS_PII_SALT on a folder that is not sample data says. nps-build
        says the same before dbt runs (settings.PII_SALT_MISSING; tests/python/test_settings.py
        proves they agree). -#}
    {{ return(
        "NPS_PII_SALT is not set. Emails and names are stored only as salted hashes, so real data "
        ~ "needs a secret salt: set one (e.g. `export NPS_PII_SALT=$(openssl rand -hex 16)`) and keep "
        ~ "it for every build so the hashes stay joinable. Only sample data (a landing folder holding "
        ~ "nothing but the files nps-generate wrote, as its _SAMPLE_DATA file lists them) builds "
        ~ "without one.") }}
{% endmacro %}


{% macro landing_is_sample() %}
    {#- Whether the landing folder holds nothing but the sample files nps-generate wrote: every file
        listed in its _SAMPLE_DATA marker with the same size and sha256 (landing_sample_data_set). -#}
    {{ return(landing_sample_data_set() is not none) }}
{% endmacro %}


{% macro json_escape(column) %}
    {#- Escapes backslash, double quote, newline, carriage return and tab for a JSON string. -#}
    replace(replace(replace(replace(replace({{ column }}, {{ string_literal('\\') }}, {{ string_literal('\\\\') }}), '"', {{ string_literal('\\"') }}), chr(10), {{ string_literal('\\n') }}), chr(13), {{ string_literal('\\r') }}), chr(9), {{ string_literal('\\t') }})
{% endmacro %}


{% macro string_literal(text) %}
    {#- `text` as an SQL string literal (dispatched): quotes doubled in standard SQL. -#}
    {{ return(adapter.dispatch('string_literal', 'nps_warehouse')(text)) }}
{% endmacro %}

{% macro default__string_literal(text) %}
    {{ return("'" ~ text | replace("'", "''") ~ "'") }}
{% endmacro %}

{% macro spark__string_literal(text) %}
    {#- Spark reads backslash escapes in literals ('\\' is one backslash) and takes '' as two
        adjacent literals, so backslashes and quotes are escaped with a backslash. -#}
    {{ return("'" ~ text | replace('\\', '\\\\') | replace("'", "\\'") ~ "'") }}
{% endmacro %}


{% macro normalise_tags(column) %}
    {#- A ;-separated tag list, lower-cased, whitespace (whitespace_code_points) around separators removed, blank -> null. -#}
    nullif({{ replace_pattern(replace_pattern(lower_text(trim_whitespace(column)), '[' ~ whitespace_pattern() ~ ']*;[' ~ whitespace_pattern() ~ ';]*', ';'), '^;+|;+$', '') }}, '')
{% endmacro %}
