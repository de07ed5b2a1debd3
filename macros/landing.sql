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
        cast(_row_number as {{ dbt.type_bigint() }}) as _row_number,
        cast(null as {{ dbt.type_string() }}) as _read_problem
    from {{ source(source_name, entity) }}
{% endmacro %}


{% macro duckdb__landing_relation(source_name, entity) %}
    {#- DuckDB reads the landing files in place: every CSV and Parquet file of the entity's folder,
        each column as text, with the file's name and the row's position in it for de-duplication. -#}
    {%- set _lineage = source(source_name, entity) -%}
    {%- set columns = landing_contract()[entity] -%}
    {%- set folder = landing_dir() ~ '/' ~ entity -%}
    {%- if not execute -%}
    select {% for column in columns %}null as {{ column }}, {% endfor %}null as _file_name, null as _row_number, null as _read_problem
    {%- else -%}
    {%- set files = landing_files(folder) -%}
    {%- if files | length == 0 -%}
        {{ exceptions.raise_compiler_error(
            "No landing files for '" ~ entity ~ "': expected one or more *.csv or *.parquet files in "
            ~ folder ~ "/ . Set NPS_RAW_DIR to your landing folder (now '" ~ landing_dir()
            ~ "') or add the entity's export there. A file holding only the header row declares an "
            ~ "entity with no rows."
            ~ (" This is the project's own data/raw: `make build` writes sample data into it while it"
               ~ " holds no file at all." if landing_folder_absolute() == (invocation_args_dict.get('project_dir') or '') ~ '/data/raw' else "")) }}
    {%- endif -%}
    {%- set readable = [] -%}
    {%- for file in files -%}
    {%- set header = landing_file_header(file, entity) -%}
    {%- if header is not none -%}{%- do readable.append((file, header)) -%}{%- endif -%}
    {%- endfor -%}
    {%- if readable | length == 0 %}
    select {% for column in columns %}cast(null as varchar) as {{ column }}, {% endfor -%}
        cast(null as varchar) as _file_name, cast(null as bigint) as _row_number,
        cast(null as varchar) as _read_problem
    where false
    {%- endif -%}
    {%- for file, header in readable %}
    {%- set undecodable = landing_undecodable_lines(file) %}
    {%- set readable_rows = undecodable.pop(0) if undecodable | length > 0 else 0 %}
    {%- if not loop.first %}
    union all
    {%- endif %}
    select
        {%- for column in columns %}
        cast({{ adapter.quote(header[column]) }} as varchar) as {{ column }},
        {%- endfor %}
        '{{ file.name | replace("'", "''") }}' as _file_name,
        row_number() over () as _row_number,
        cast(null as varchar) as _read_problem
    from {{ landing_reader(file, skip_undecodable=(undecodable | length > 0)) }}
    {%- for line in undecodable %}
    {{- log("nps_warehouse: " ~ file.path ~ " line " ~ line ~ " is not valid UTF-8; quarantined as invalid_utf8", info=true) }}
    union all
    select
        {%- for column in columns %}
        cast(null as varchar) as {{ column }},
        {%- endfor %}
        '{{ file.name | replace("'", "''") }}' as _file_name,
        cast({{ readable_rows + loop.index }} as bigint) as _row_number,
        'invalid_utf8' as _read_problem
    {%- endfor %}
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


{% macro landing_reader(file, skip_undecodable=false, store_rejects=false) %}
    {#- The file as a relation of text columns. skip_undecodable leaves out the lines that are
        not valid UTF-8 (landing_undecodable_lines lists them, so none is lost); store_rejects
        records every line the reader cannot use in the temp table nps_landing_rejects. -#}
    {%- set path = file.path | replace("'", "''") -%}
    {%- if file.format == 'parquet' -%}
    read_parquet('{{ path }}')
    {%- else -%}
    {%- if skip_undecodable -%}
    {#- The reader drops an undecodable row only when one of its columns is read: the filter reads
        them all, so the row count does not depend on which columns a query selects. -#}
    (select * from read_csv('{{ path }}', header = true, all_varchar = true, delim = ',', quote = '"', escape = '"', strict_mode = true, ignore_errors = true) where hash(columns(*)) is not null)
    {%- else -%}
    read_csv('{{ path }}', header = true, all_varchar = true, delim = ',', quote = '"', escape = '"', strict_mode = true
        {%- if store_rejects %}, ignore_errors = true, store_rejects = true, rejects_table = 'nps_landing_rejects', rejects_scan = 'nps_landing_scans'{% endif %})
    {%- endif -%}
    {%- endif -%}
{% endmacro %}


{% macro landing_undecodable_lines(file) %}
    {#- For a CSV file with rows that are not valid UTF-8: [number of readable rows, line numbers
        of the undecodable rows...]; [] when every row decodes. The validated models quarantine
        the undecodable rows as invalid_utf8 (numbered after the readable rows). Any other line the reader rejects (a wrong number of
        fields, an unterminated quote) stops the build with the file, line and reader message. -#}
    {%- if file.format == 'parquet' -%}{{ return([]) }}{%- endif -%}
    {%- do run_query("drop table if exists nps_landing_rejects; drop table if exists nps_landing_scans") -%}
    {%- set scanned = run_query("select count(*), max(hash(columns(*))) from " ~ landing_reader(file, store_rejects=true)) -%}
    {%- set rejects = run_query("select line, error_type, error_message from nps_landing_rejects order by line") -%}
    {%- set lines = [] -%}
    {%- for row in rejects.rows -%}
    {%- if row[1] == 'INVALID ENCODING' -%}
    {%- if row[0] not in lines %}{% do lines.append(row[0]) %}{% endif -%}
    {%- else -%}
        {{ exceptions.raise_compiler_error(
            "Landing file " ~ file.path ~ " cannot be read at line " ~ row[0] ~ ": " ~ row[2]
            ~ " (" ~ row[1] ~ "). Fix that line (RFC 4180: quote fields holding commas, quotes or"
            ~ " line breaks; double the quotes inside) and re-export the file.") }}
    {%- endif -%}
    {%- endfor -%}
    {{ return([scanned.rows[0][0]] + lines if lines | length > 0 else []) }}
{% endmacro %}


{% macro landing_file_header(file, entity) %}
    {#- Maps each contract column to the file's own header name (matched ignoring case and
        surrounding spaces); none for an empty file; a clear error for a missing column. -#}
    {%- if file.size == 0 -%}
        {{ log("nps_warehouse: skipping empty file " ~ file.path ~ " (0 bytes, no header, no rows)", info=true) }}
        {{ return(none) }}
    {%- endif -%}
    {%- set described = run_query("describe select * from " ~ landing_reader(file, skip_undecodable=true)) -%}
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
