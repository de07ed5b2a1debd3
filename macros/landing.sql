{% macro landing_contract() %}
    {#- The landing contract: entity folder -> its columns, in order. The one list dbt reads. -#}
    {{ return({
        'crm_accounts': ['account_id', 'account_name', 'industry', 'region', 'country', 'employee_count', 'plan', 'arr', 'currency', 'contract_start_date', 'renewal_date', 'churned_at', 'churn_reason', 'updated_at'],
        'crm_contacts': ['contact_id', 'account_id', 'email', 'full_name', 'role', 'job_title', 'created_at', 'updated_at'],
        'survey_invitations': ['invitation_id', 'campaign_id', 'contact_id', 'survey_type', 'trigger_ticket_id', 'channel', 'sent_at', 'updated_at'],
        'survey_responses': ['response_id', 'invitation_id', 'campaign_id', 'contact_id', 'score', 'comment', 'tags', 'responded_at', 'updated_at'],
        'support_tickets': ['ticket_id', 'account_id', 'requester_contact_id', 'category', 'priority', 'channel', 'status', 'created_at', 'first_response_at', 'solved_at', 'reopened_count', 'downtime_minutes', 'updated_at'],
        'loop_followups': ['followup_id', 'response_id', 'owner', 'action', 'followed_up_at', 'outcome', 'updated_at'],
    }) }}
{% endmacro %}


{% macro landing_dir() %}
    {{ return(env_var('NPS_RAW_DIR', 'data/raw').rstrip('/')) }}
{% endmacro %}


{% macro landing_relation(source_name, entity) %}
    {{ return(adapter.dispatch('landing_relation', 'nps_warehouse')(source_name, entity)) }}
{% endmacro %}


{% macro default__landing_relation(source_name, entity) %}
    {#- Engines without file access read a table a loader filled with the contract's columns
        (as text) plus _file_name and _row_number. -#}
    select
        {%- for column in landing_contract()[entity] %}
        cast({{ adapter.quote(column) }} as {{ dbt.type_string() }}) as {{ column }},
        {%- endfor %}
        cast(_file_name as {{ dbt.type_string() }}) as _file_name,
        cast(_row_number as {{ dbt.type_bigint() }}) as _row_number
    from {{ source(source_name, entity) }}
{% endmacro %}


{% macro duckdb__landing_relation(source_name, entity) %}
    {#- DuckDB reads the landing files in place: every CSV and Parquet file of the entity's folder,
        each column as text, with the file's name and the row's position in it for de-duplication. -#}
    {%- set _lineage = source(source_name, entity) -%}
    {%- set columns = landing_contract()[entity] -%}
    {%- set folder = landing_dir() ~ '/' ~ entity -%}
    {%- if not execute -%}
    select {% for column in columns %}null as {{ column }}, {% endfor %}null as _file_name, null as _row_number
    {%- else -%}
    {%- set files = landing_files(folder) -%}
    {%- if files | length == 0 -%}
        {{ exceptions.raise_compiler_error(
            "No landing files for '" ~ entity ~ "': expected one or more *.csv or *.parquet files in "
            ~ folder ~ "/ . Set NPS_RAW_DIR to your landing folder (now '" ~ landing_dir()
            ~ "'), or write the sample data with `make sample`. A file holding only the header row "
            ~ "declares an entity with no rows.") }}
    {%- endif -%}
    {%- set readable = [] -%}
    {%- for file in files -%}
    {%- set header = landing_file_header(file, entity) -%}
    {%- if header is not none -%}{%- do readable.append((file, header)) -%}{%- endif -%}
    {%- endfor -%}
    {%- if readable | length == 0 %}
    select {% for column in columns %}cast(null as varchar) as {{ column }}, {% endfor -%}
        cast(null as varchar) as _file_name, cast(null as bigint) as _row_number
    where false
    {%- endif -%}
    {%- for file, header in readable %}
    {%- if not loop.first %}
    union all
    {%- endif %}
    select
        {%- for column in columns %}
        cast({{ adapter.quote(header[column]) }} as varchar) as {{ column }},
        {%- endfor %}
        '{{ file.name | replace("'", "''") }}' as _file_name,
        row_number() over () as _row_number
    from {{ landing_reader(file) }}
    {%- endfor %}
    {%- endif -%}
{% endmacro %}


{% macro landing_files(folder) %}
    {#- The entity's landing files (*.csv and *.parquet), sorted by name, with their size in bytes. -#}
    {%- set escaped = folder | replace("'", "''") -%}
    {%- set listing = run_query(
        "select filename, size from read_blob(['" ~ escaped ~ "/*.csv', '" ~ escaped ~ "/*.parquet'])"
    ) -%}
    {%- set files = [] -%}
    {%- for row in listing.rows -%}
    {%- do files.append({
        'path': row[0],
        'name': row[0].split('/')[-1],
        'format': 'parquet' if row[0].endswith('.parquet') else 'csv',
        'size': row[1],
    }) -%}
    {%- endfor -%}
    {{ return(files | sort(attribute='name')) }}
{% endmacro %}


{% macro landing_reader(file) %}
    {%- set path = file.path | replace("'", "''") -%}
    {%- if file.format == 'parquet' -%}
    read_parquet('{{ path }}')
    {%- else -%}
    read_csv('{{ path }}', header = true, all_varchar = true, delim = ',', quote = '"', escape = '"', strict_mode = true)
    {%- endif -%}
{% endmacro %}


{% macro landing_file_header(file, entity) %}
    {#- Maps each contract column to the file's own header name (matched ignoring case and
        surrounding spaces); none for an empty file; a clear error for a missing column. -#}
    {%- if file.size == 0 -%}
        {{ log("nps_warehouse: skipping empty file " ~ file.path ~ " (0 bytes, no header, no rows)", info=true) }}
        {{ return(none) }}
    {%- endif -%}
    {%- set described = run_query("describe select * from " ~ landing_reader(file)) -%}
    {%- set found = {} -%}
    {%- for row in described.rows -%}
    {%- do found.update({row[0] | trim | lower | replace('\ufeff', ''): row[0]}) -%}
    {%- endfor -%}
    {%- set missing = [] -%}
    {%- set header = {} -%}
    {%- for column in landing_contract()[entity] -%}
    {%- if column in found -%}
    {%- do header.update({column: found[column]}) -%}
    {%- else -%}
    {%- do missing.append(column) -%}
    {%- endif -%}
    {%- endfor -%}
    {%- if missing | length > 0 -%}
        {{ exceptions.raise_compiler_error(
            "Landing file " ~ file.path ~ " lacks the column(s) " ~ missing | join(', ')
            ~ ". The '" ~ entity ~ "' contract needs: " ~ landing_contract()[entity] | join(', ')
            ~ " (README, 'The landing contract'). Its header has: " ~ found.values() | list | join(', ')
            ~ ". Rename or add the column and re-export the file.") }}
    {%- endif -%}
    {{ return(header) }}
{% endmacro %}
