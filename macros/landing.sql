{% macro landing_contract() %}
    {#- The landing contract: entity folder -> its column names, in order, from the typed column
        specs (macros/landing_spec.sql). The one list dbt reads. -#}
    {%- set contract = {} -%}
    {%- for entity in ['crm_accounts', 'crm_contacts', 'survey_invitations', 'survey_responses', 'support_tickets', 'loop_followups'] -%}
    {%- do contract.update({entity: landing_columns(entity) | map(attribute='name') | list}) -%}
    {%- endfor -%}
    {{ return(contract) }}
{% endmacro %}


{% macro landing_dir() %}
    {{ return(env_var('NPS_RAW_DIR', 'data/raw').rstrip('/')) }}
{% endmacro %}


{% macro landing_relation(source_name, entity, include_undecodable=true) %}
    {#- include_undecodable=false leaves out DuckDB's invalid_utf8 rows, which the landing model's
        pre-hook finds (landing_read_check): for callers with no such hook (source freshness). -#}
    {{ return(adapter.dispatch('landing_relation', 'nps_warehouse')(source_name, entity, include_undecodable)) }}
{% endmacro %}


{% macro default__landing_relation(source_name, entity, include_undecodable=true) %}
    {#- Engines without file access read the table a loader filled (src/nps_warehouse/pg_load.py
        for PostgreSQL): the contract's columns as text plus _file_name, _row_number and
        _read_problem, read exactly as DuckDB reads the files (the loader wrote the invalid_utf8
        rows already, so include_undecodable changes nothing), and the file's size and modification
        time from the loader's listing (landing.landing_files), which also gives the same "not read"
        log lines and, on an incremental build, the files the model does not hold yet. -#}
    {%- set files = [] -%}
    {%- if execute -%}
    {%- set listing = [] -%}
    {%- for row in landing_loaded_files(entity) -%}
    {%- do listing.append({'name': row[0], 'unread_reason': row[1], 'size': row[2], 'modified': row[3]}) -%}
    {%- endfor -%}
    {%- set files = landing_files_to_read(entity, landing_readable_files(entity, landing_dir() ~ '/' ~ entity, listing)) -%}
    {%- endif %}
    select
        {%- for column in landing_contract()[entity] %}
        cast(landed.{{ adapter.quote(column) }} as {{ dbt.type_string() }}) as {{ column }},
        {%- endfor %}
        cast(landed._file_name as {{ dbt.type_string() }}) as _file_name,
        cast(landed._row_number as {{ dbt.type_bigint() }}) as _row_number,
        cast(landed._read_problem as {{ dbt.type_string() }}) as _read_problem,
        cast(listed.size_bytes as {{ dbt.type_bigint() }}) as _file_size,
        cast(listed.modified_epoch as {{ dbt.type_bigint() }}) as _file_modified,
        {{ build_number() }} as _build_number
    from {{ source(source_name, entity) }} as landed
    left join {{ api.Relation.create(database=warehouse_database(), schema='landing', identifier='landing_files') }} as listed
        on listed.entity = {{ string_literal(entity) }} and listed.name = landed._file_name
    {%- if is_incremental_build() %}
    where
        {%- if files | length == 0 %} 1 = 0
        {%- else %} landed._file_name in ({% for file in files %}{{ string_literal(file.name) }}{% if not loop.last %}, {% endif %}{% endfor %})
        {%- endif %}
    {%- endif %}
{% endmacro %}


{% macro landing_loaded_files(entity) %}
    {#- On an engine a loader fills: the loader's listing of the entity folder, as rows (name,
        unread_reason, size_bytes, modified_epoch); a clear error when nothing was loaded yet. -#}
    {%- set record = api.Relation.create(database=warehouse_database(), schema='landing', identifier='landing_files') -%}
    {%- if adapter.get_relation(database=warehouse_database(), schema='landing', identifier='landing_files') is none -%}
        {{ exceptions.raise_compiler_error(
            "The landing schema is empty: on " ~ target.type ~ " the landing files are loaded by the"
            ~ " project's loader before dbt runs. Run `nps-build` (it loads, then builds), or load only:"
            ~ " `python -m nps_warehouse.pg_load --raw-dir <landing folder>`.") }}
    {%- endif -%}
    {{ return(run_query("select name, unread_reason, size_bytes, modified_epoch from " ~ record ~ " where entity = '" ~ entity ~ "' order by name").rows) }}
{% endmacro %}


{% macro duckdb__landing_relation(source_name, entity, include_undecodable=true) %}
    {#- DuckDB reads the landing files in place: every CSV and Parquet file of the entity's folder
        (on an incremental build only the files the model does not hold yet: landing_files_to_read),
        each column as text, with the file's name, size and modification time, the row's position
        in it (for de-duplication) and the build that read it. Files that share a header are read
        by one multi-file scan (landing_file_groups: a folder of daily exports is a few scans, not
        one per file). No file is read whole here: a CSV's rows that are not valid UTF-8 are left
        out by the reader and come back, as invalid_utf8 rows, from the temp table the model's
        pre-hook filled (landing_read_check), unless include_undecodable is false. -#}
    {%- set _lineage = source(source_name, entity) -%}
    {%- set columns = landing_contract()[entity] -%}
    {%- set folder = landing_dir() ~ '/' ~ entity -%}
    {%- if not execute -%}
    select {% for column in columns %}null as {{ column }}, {% endfor %}{{ landing_file_columns_null() }}
    {%- else -%}
    {%- set files = landing_files_to_read(entity, landing_readable_files(entity, folder, landing_files(folder))) -%}
    {%- set build = build_number() -%}
    {%- set groups = landing_file_groups(landing_probe_files(files), entity) -%}
    {%- if groups | length == 0 %}
    select {% for column in columns %}cast(null as varchar) as {{ column }}, {% endfor -%}
        {{ landing_file_columns_null() }}
    where false
    {%- endif -%}
    {%- for group in groups %}
    {%- set header = group.header %}
    {%- if not loop.first %}
    union all
    {%- endif %}
    {%- if group.files | length == 1 %}
    {%- set file = group.files[0] %}
    select
        {%- for column in columns %}
        cast({{ adapter.quote(header[column]) }} as varchar) as {{ column }},
        {%- endfor %}
        {{ landing_file_columns(file, 'row_number() over ()', build=build) }}
    from {{ landing_reader(file, skip_undecodable=true) }}
    {%- else %}
    {#- One scan of the group's files, then each row's position in its own file: a CSV scan's rows
        come file by file in list order (as a single file's rows come in order for row_number()
        over ()), so it is the scan's row number less that of the file's first row; Parquet gives
        it (file_row_number). #}
    select
        {%- for column in columns %}
        cast(scanned.{{ adapter.quote(header[column]) }} as varchar) as {{ column }},
        {%- endfor %}
        files._file_name,
        cast({{ 'scanned.file_row_number + 1' if group.format == 'parquet' else 'scanned._nps_row - files._nps_start' }} as {{ dbt.type_bigint() }}) as _row_number,
        cast(null as {{ dbt.type_string() }}) as _read_problem,
        cast(files._file_size as {{ dbt.type_bigint() }}) as _file_size,
        cast(files._file_modified as {{ dbt.type_bigint() }}) as _file_modified,
        {{ build }} as _build_number
    {%- if group.format == 'parquet' %}
    from {{ landing_group_reader(group.files) }} as scanned
    {%- else %}
    from (select *, row_number() over () as _nps_row from {{ landing_group_reader(group.files) }}) as scanned
    {%- endif %}
    inner join (
        select listed.*{{ ', starts._nps_start' if group.format != 'parquet' }}
        from (values
            {%- for file in group.files %}
            ({{ string_literal(file.path) }}, {{ string_literal(file.name) }}, {{ file.size }}, {{ file.modified if file.modified is not none else 'null' }}){{ ',' if not loop.last }}
            {%- endfor %}
        ) as listed (_nps_path, _file_name, _file_size, _file_modified)
        {%- if group.format != 'parquet' %}
        {#- where each file starts in the scan: the same scan again, its row numbers only (the
            planner builds its hash table on this side, a row per file) -#}
        inner join (
            select _nps_path, min(_nps_row) - 1 as _nps_start
            from (select _nps_path, row_number() over () as _nps_row from {{ landing_group_reader(group.files) }})
            group by _nps_path
        ) as starts on listed._nps_path = starts._nps_path
        {%- endif %}
    ) as files on scanned._nps_path = files._nps_path
    {%- endif %}
    {%- endfor %}
    {%- if include_undecodable %}
    union all
    select
        {%- for column in columns %}
        cast(null as varchar) as {{ column }},
        {%- endfor %}
        undecodable._file_name,
        undecodable._row_number,
        cast('invalid_utf8' as {{ dbt.type_string() }}) as _read_problem,
        undecodable._file_size,
        undecodable._file_modified,
        {{ build }} as _build_number
    from {{ landing_undecodable_table(entity) }} as undecodable
    {%- endif %}
    {%- endif -%}
{% endmacro %}


{% macro landing_undecodable_table(entity) %}
    {#- The temp table landing_read_check fills with an entity's undecodable CSV rows. -#}
    {{ return(api.Relation.create(database='temp', schema='main', identifier='nps_undecodable_' ~ entity)) }}
{% endmacro %}


{% macro landing_read_check(entity) %}
    {#- A landing model's pre-hook: finds, at run time, the rows of the files the build reads that
        the reader cannot decode (only where an engine reads the files in dbt: DuckDB). -#}
    {{ return(adapter.dispatch('landing_read_check', 'nps_warehouse')(entity)) }}
{% endmacro %}


{% macro default__landing_read_check(entity) %}
    {#- Nothing to scan: PostgreSQL's loader wrote the invalid_utf8 rows into the landing schema
        (src/nps_warehouse/pg_load.py) and Spark's reader marks them (spark__landing_relation). -#}
    select 1
{% endmacro %}


{% macro duckdb__landing_read_check(entity) %}
    {#- Scans the CSV files the build reads (on an incremental build only the new ones, as
        landing_files_to_read chooses them for the model), one scan per group of files sharing a
        header (landing_file_groups, landing_undecodable_lines), and fills
        landing_undecodable_table(entity), created even when empty, with one row per line that is
        not valid UTF-8: the file, its row number (after the file's readable rows), size and
        modification time; each such line is logged. Any other line the reader rejects stops the
        build. Renders no SQL of its own. -#}
    {%- if execute -%}
    {%- set table = landing_undecodable_table(entity) -%}
    {%- do run_query(
        "create or replace temp table " ~ table.identifier ~ " (_file_name " ~ dbt.type_string()
        ~ ", _row_number " ~ dbt.type_bigint() ~ ", _file_size " ~ dbt.type_bigint()
        ~ ", _file_modified " ~ dbt.type_bigint() ~ ")") -%}
    {%- set folder = landing_dir() ~ '/' ~ entity -%}
    {%- set files = landing_files_to_read(entity, landing_files(folder) | selectattr('unread_reason', 'none') | list) -%}
    {%- set csv_files = files | selectattr('format', 'equalto', 'csv') | list -%}
    {%- for group in landing_file_groups(landing_probe_files(csv_files, quiet=true)) -%}
    {%- set undecodable = landing_undecodable_lines(group.files) -%}
    {%- for file in group.files if file.path in undecodable -%}
    {%- for line in undecodable[file.path][1:] -%}
    {{- log("nps_warehouse: " ~ file.path ~ " line " ~ line ~ " is not valid UTF-8; quarantined as invalid_utf8", info=true) -}}
    {%- endfor -%}
    {%- do run_query(
        "insert into " ~ table ~ " select " ~ string_literal(file.name) ~ ", " ~ undecodable[file.path][0]
        ~ " + row_number() over (order by line), " ~ file.size ~ ", "
        ~ (file.modified if file.modified is not none else 'null')
        ~ " from (select unnest([" ~ undecodable[file.path][1:] | join(', ') ~ "]) as line)") -%}
    {%- endfor -%}
    {%- endfor -%}
    {%- endif -%}
{% endmacro %}


{% macro landing_file_columns(file, row_number, read_problem='null', build=none) %}
    {#- The columns every landing row carries after the contract's: the file's name, the row's
        position in it, why it could not be read (or null), the file's size and modification time
        (the manifest an incremental build compares, landing_files_to_read) and the number of the
        build that read it (`build`, from build_number(); macros/incremental.sql: the validated
        models recompute what it brought). -#}
    {{ string_literal(file.name) }} as _file_name,
    cast({{ row_number }} as {{ dbt.type_bigint() }}) as _row_number,
    cast({{ read_problem }} as {{ dbt.type_string() }}) as _read_problem,
    cast({{ file.size }} as {{ dbt.type_bigint() }}) as _file_size,
    cast({{ file.modified if file.modified is not none else 'null' }} as {{ dbt.type_bigint() }}) as _file_modified,
    {{ build or build_number() }} as _build_number
{%- endmacro %}


{% macro landing_file_columns_null() %}
    {#- landing_file_columns' columns, typed, all null (a relation with no file to read). -#}
    cast(null as {{ dbt.type_string() }}) as _file_name,
    cast(null as {{ dbt.type_bigint() }}) as _row_number,
    cast(null as {{ dbt.type_string() }}) as _read_problem,
    cast(null as {{ dbt.type_bigint() }}) as _file_size,
    cast(null as {{ dbt.type_bigint() }}) as _file_modified,
    cast(null as {{ dbt.type_bigint() }}) as _build_number
{%- endmacro %}


{% macro landing_files_to_read(entity, files) %}
    {#- The landing files a build reads: all of them on a full build; on an incremental one only
        those the model does not hold yet, by name. A file it holds whose size or modification time
        changed, or that is gone, stops the build: its rows would have to be taken back, which only
        a full rebuild does (`nps-build` switches to one by itself and says why;
        landing_folder.compare_manifest is its Python twin). -#}
    {%- if not is_incremental_build() -%}{{ return(files) }}{%- endif -%}
    {%- set stored = {} -%}
    {%- for row in run_query("select _file_name, max(_file_size), max(_file_modified) from " ~ this ~ " group by _file_name").rows -%}
    {%- do stored.update({row[0]: (row[1], row[2])}) -%}
    {%- endfor -%}
    {%- set changes = [] -%}
    {%- set present = files | map(attribute='name') | list -%}
    {%- for file in files if file.name in stored and stored[file.name] != (file.size, file.modified) -%}
    {%- do changes.append(file.name ~ ' (changed: size or modification time differs)') -%}
    {%- endfor -%}
    {%- for name in stored | sort if name not in present -%}
    {%- do changes.append(name ~ ' (gone)') -%}
    {%- endfor -%}
    {%- if changes | length > 0 -%}
        {{ exceptions.raise_compiler_error(
            "Landing files of '" ~ entity ~ "' that an earlier build read have changed or are gone: "
            ~ changes | join(', ') ~ ". An incremental build only adds new files; rebuild from the"
            ~ " files now present with `nps-build --full-refresh` (plain `nps-build` does it by itself)"
            ~ " or `dbt build --full-refresh`.") }}
    {%- endif -%}
    {{ return(files | rejectattr('name', 'in', stored) | list) }}
{% endmacro %}


{% macro landing_files(folder) %}
    {#- Every entry of an entity folder, sorted by name, as a dict: path, name (a sub-folder's ends
        with '/'), size in bytes, modified (whole seconds since 1970, UTC), format ('csv' or
        'parquet'), is_gzip, and unread_reason (none for a file that is read; see
        landing_file_kind). The Python landing check lists the same way. No file is read. -#}
    {%- set escaped = folder | replace("'", "''") -%}
    {%- set listing = run_query(
        "select filename, size, false as is_folder, cast(floor(epoch(last_modified)) as bigint) from read_blob('" ~ escaped ~ "/*')"
        ~ " union all select file, null, true, null from glob('" ~ escaped ~ "/*/')"
    ) -%}
    {%- set files = [] -%}
    {%- for row in listing.rows -%}
    {%- set name = row[0].rstrip('/').split('/')[-1] -%}
    {%- set kind = landing_file_kind(name, is_folder=row[2]) -%}
    {%- do files.append({
        'path': row[0],
        'name': name ~ ('/' if row[2] else ''),
        'size': row[1],
        'modified': row[3],
        'format': kind.format,
        'is_gzip': kind.is_gzip,
        'unread_reason': kind.unread_reason,
    }) -%}
    {%- endfor -%}
    {{ return(files | sort(attribute='name')) }}
{% endmacro %}


{% macro landing_file_kind(name, is_folder=false) %}
    {#- The one rule of which entries of an entity folder are read (quality.landing_file_kind is
        its Python twin, and tests prove they agree): *.csv, *.csv.gz (gzip-compressed CSV) and
        *.parquet, extensions in any case; not hidden files (names starting with '.'), sub-folders
        or any other extension, each reported with its reason. -#}
    {%- set lowered = name | lower -%}
    {%- if is_folder -%}
    {%- set kind = {'format': none, 'is_gzip': false, 'unread_reason': 'a sub-folder; files in sub-folders are not read'} -%}
    {%- elif name.startswith('.') -%}
    {%- set kind = {'format': none, 'is_gzip': false, 'unread_reason': 'a hidden file'} -%}
    {%- elif lowered.endswith('.csv') -%}
    {%- set kind = {'format': 'csv', 'is_gzip': false, 'unread_reason': none} -%}
    {%- elif lowered.endswith('.csv.gz') -%}
    {%- set kind = {'format': 'csv', 'is_gzip': true, 'unread_reason': none} -%}
    {%- elif lowered.endswith('.parquet') -%}
    {%- set kind = {'format': 'parquet', 'is_gzip': false, 'unread_reason': none} -%}
    {%- else -%}
    {%- set kind = {'format': none, 'is_gzip': false, 'unread_reason': 'not a .csv, .csv.gz or .parquet file'} -%}
    {%- endif -%}
    {{ return(kind) }}
{% endmacro %}


{% macro landing_csv_options(file) %}
    {#- read_csv's options for a landing CSV: RFC 4180 (comma, double quotes doubled inside), every
        column as text, strict; gzip where the file is *.csv.gz. The Python readers (landing
        check, PostgreSQL loader, benchmark floor) use settings.CSV_OPTIONS, the same list
        (tests/python/test_settings.py proves they agree). -#}
    all_varchar = true, delim = ',', quote = '"', escape = '"', strict_mode = true
    {%- if file.is_gzip %}, compression = 'gzip'{% endif -%}
{% endmacro %}


{% macro landing_reader(file, skip_undecodable=false, store_rejects=false) %}
    {#- The file as a relation of text columns. skip_undecodable leaves out the lines that are
        not valid UTF-8 (landing_undecodable_lines lists them, so none is lost; where every line
        decodes it gives the plain reader's rows, in the same order, at about its cost: the
        landing models always read CSV this way); store_rejects records every line the reader
        cannot use in the temp table nps_landing_rejects. -#}
    {%- set path = file.path | replace("'", "''") -%}
    {%- if file.format == 'parquet' -%}
    read_parquet('{{ path }}')
    {%- else -%}
    {%- if skip_undecodable -%}
    {#- The reader drops an undecodable row only when one of its columns is read: the filter reads
        them all, so the row count does not depend on which columns a query selects. -#}
    (select * from read_csv('{{ path }}', header = true, {{ landing_csv_options(file) }}, ignore_errors = true) where hash(columns(*)) is not null)
    {%- else -%}
    read_csv('{{ path }}', header = true, {{ landing_csv_options(file) }}
        {%- if store_rejects %}, ignore_errors = true, store_rejects = true, rejects_table = 'nps_landing_rejects', rejects_scan = 'nps_landing_scans'{% endif %})
    {%- endif -%}
    {%- endif -%}
{% endmacro %}


{% macro landing_undecodable_lines(files) %}
    {#- Reads CSV files that share a header whole, in one scan (at run time: the landing model's
        pre-hook, duckdb__landing_read_check, calls it), leaving the lines the reader rejected in
        the temp tables nps_landing_rejects and nps_landing_scans (which file each came from). For
        each file with rows that are not valid UTF-8, by path: [number of readable rows, line
        numbers of the undecodable rows...]; files whose rows all decode are left out. The
        validated models quarantine the undecodable rows as invalid_utf8 (numbered after the
        readable rows). Any other line the reader rejects (a wrong number of fields, an
        unterminated quote) stops the build with the file, line and reader message.
        pg_load.undecodable_lines is its Python twin. -#}
    {%- do run_query("drop table if exists nps_landing_rejects; drop table if exists nps_landing_scans") -%}
    {%- set scanned = run_query(
        "select _nps_path, count(*), max(hash(columns(*))) from " ~ landing_group_reader(files, store_rejects=true)
        ~ " group by _nps_path") -%}
    {%- set readable = {} -%}
    {%- for row in scanned.rows -%}{%- do readable.update({row[0]: row[1]}) -%}{%- endfor -%}
    {%- set rejects = run_query(
        "select scans.file_path, rejects.line, rejects.error_type, rejects.error_message"
        ~ " from nps_landing_rejects as rejects inner join nps_landing_scans as scans"
        ~ " on rejects.scan_id = scans.scan_id and rejects.file_id = scans.file_id"
        ~ " order by scans.file_path, rejects.line") -%}
    {%- set found = {} -%}
    {%- for row in rejects.rows -%}
    {%- if row[2] == 'INVALID ENCODING' -%}
    {%- if row[0] not in found -%}{%- do found.update({row[0]: [readable.get(row[0], 0)]}) -%}{%- endif -%}
    {%- if row[1] not in found[row[0]][1:] %}{% do found[row[0]].append(row[1]) %}{% endif -%}
    {%- else -%}
        {{ exceptions.raise_compiler_error(
            "Landing file " ~ row[0] ~ " cannot be read at line " ~ row[1] ~ ": " ~ row[3]
            ~ " (" ~ row[2] ~ "). Fix that line (RFC 4180: quote fields holding commas, quotes or"
            ~ " line breaks; double the quotes inside) and re-export the file.") }}
    {%- endif -%}
    {%- endfor -%}
    {{ return(found) }}
{% endmacro %}


{% macro landing_header_names(file) %}
    {#- The file's header names as written, in order (the reader's own names trim spaces and
        rename a repeated name to name_1, which would hide a duplicate): the first line read
        without a header for CSV, the top-level fields of the schema for Parquet. -#}
    {%- set path = file.path | replace("'", "''") -%}
    {%- if file.format == 'parquet' -%}
    {%- set schema = run_query("select name, num_children from parquet_schema('" ~ path ~ "')") -%}
    {%- set walk = namespace(inside=0) -%}
    {%- set names = [] -%}
    {%- for row in schema.rows[1:] -%}
    {%- if walk.inside == 0 -%}{%- do names.append(row[0]) -%}{%- else -%}{%- set walk.inside = walk.inside - 1 -%}{%- endif -%}
    {%- set walk.inside = walk.inside + (row[1] or 0) -%}
    {%- endfor -%}
    {{ return(names) }}
    {%- else -%}
    {%- set first = run_query(landing_first_line_query(file)) -%}
    {{ return([] if first.rows | length == 0 else first.rows[0] | map('default', '', true) | list) }}
    {%- endif -%}
{% endmacro %}


{% macro landing_first_line_query(file) %}
    {#- SQL: a CSV file's first line read without a header, each field a column (the header names
        as written; landing_header_names and landing_probe_files run it). -#}
    {{ return("select * from read_csv(" ~ string_literal(file.path) ~ ", header = false, "
        ~ landing_csv_options(file) ~ ", ignore_errors = true) limit 1") }}
{% endmacro %}


{% macro landing_header_key(name) %}
    {#- A header name as matched against the contract: whitespace_characters trimmed at both ends
        (a byte-order mark included), lower case. quality.header_key does the same. -#}
    {{ return(name | trim(whitespace_text()) | lower) }}
{% endmacro %}


{% macro landing_probe_files(files, quiet=false) %}
    {#- What the reader makes of each file's header, without reading any file whole: for each
        non-empty file in order, a dict of the file, its header names as written
        (landing_header_names), and the reader's column names and types. CSV files are probed 25 to
        a query (one query per file cost more than the reading on a folder of daily files). A
        0-byte file is logged as skipped unless quiet. -#}
    {%- set probes = [] -%}
    {%- for file in files if file.size == 0 and not quiet -%}
        {{ log("nps_warehouse: skipping empty file " ~ file.path ~ " (0 bytes, no header, no rows)", info=true) }}
    {%- endfor -%}
    {%- set non_empty = files | rejectattr('size', 'equalto', 0) | list -%}
    {%- for chunk in non_empty | selectattr('format', 'equalto', 'csv') | batch(25) -%}
    {%- set parts = [] -%}
    {%- for file in chunk -%}
    {%- do parts.append(
        "select " ~ loop.index0 ~ " as position, (select to_json(list({'name': column_name, 'type': column_type}))"
        ~ " from (describe select * from " ~ landing_reader(file, skip_undecodable=true) ~ ")) as read_columns,"
        ~ " (select to_json(first_line) from (" ~ landing_first_line_query(file) ~ ") as first_line) as written") -%}
    {%- endfor -%}
    {%- set rows = run_query(parts | join(' union all ') ~ " order by position").rows -%}
    {%- for row in rows -%}
    {%- set read_columns = fromjson(row[1]) -%}
    {%- do probes.append({
        'file': chunk[row[0]],
        'written': [] if row[2] is none else fromjson(row[2]).values() | map('default', '', true) | list,
        'read': read_columns | map(attribute='name') | list,
        'types': read_columns | map(attribute='type') | list,
    }) -%}
    {%- endfor -%}
    {%- endfor -%}
    {%- for file in non_empty if file.format == 'parquet' -%}
    {%- set read_columns = run_query("describe select * from " ~ landing_reader(file)).rows -%}
    {%- do probes.append({
        'file': file,
        'written': landing_header_names(file),
        'read': read_columns | map(attribute=0) | list,
        'types': read_columns | map(attribute=1) | list,
    }) -%}
    {%- endfor -%}
    {{ return(probes | sort(attribute='file.name')) }}
{% endmacro %}


{% macro landing_file_groups(probes, entity=none) %}
    {#- The probed files (landing_probe_files) in groups one multi-file scan can read: the same
        format and compression, the same reader column names and types and, given the entity, the
        same contract mapping (landing_header_map, which stops the build naming a file that lacks
        a contract column or has two for one). Each group: format, files (in name order), header
        (contract column -> reader's name; empty without entity). Groups come in the order of
        their first file. -#}
    {%- set groups = [] -%}
    {%- set by_key = {} -%}
    {%- for probe in probes -%}
    {%- set file = probe.file -%}
    {%- set written = probe.written if probe.written | length == probe.read | length else probe.read -%}
    {%- set header = landing_header_map(file.path, entity, written, probe.read) if entity else {} -%}
    {%- set key = [file.format, file.is_gzip, probe.read, probe.types, header | dictsort] | tojson -%}
    {%- if key not in by_key -%}
    {%- do by_key.update({key: {'format': file.format, 'files': [], 'header': header}}) -%}
    {%- do groups.append(by_key[key]) -%}
    {%- endif -%}
    {%- do by_key[key].files.append(file) -%}
    {%- endfor -%}
    {{ return(groups) }}
{% endmacro %}


{% macro landing_group_reader(files, store_rejects=false) %}
    {#- Files of one landing_file_groups group as one relation of text columns plus _nps_path (the
        file's path), read like landing_reader: a CSV row that is not valid UTF-8 left out (a filter
        reads every column), or, with store_rejects, every line the reader cannot use recorded in
        the temp tables nps_landing_rejects and nps_landing_scans; Parquet with file_row_number
        (from 0). -#}
    {%- set paths = [] -%}
    {%- for file in files %}{% do paths.append(string_literal(file.path)) %}{% endfor -%}
    {%- set listed = '[' ~ paths | join(', ') ~ ']' -%}
    {%- if files[0].format == 'parquet' -%}
    read_parquet({{ listed }}, filename = '_nps_path', file_row_number = true)
    {%- elif store_rejects -%}
    read_csv({{ listed }}, header = true, {{ landing_csv_options(files[0]) }}, filename = '_nps_path', ignore_errors = true, store_rejects = true, rejects_table = 'nps_landing_rejects', rejects_scan = 'nps_landing_scans')
    {%- else -%}
    (select * from read_csv({{ listed }}, header = true, {{ landing_csv_options(files[0]) }}, filename = '_nps_path', ignore_errors = true) where hash(columns(*)) is not null)
    {%- endif -%}
{% endmacro %}


{% macro landing_header_map(path, entity, written, read_names) %}
    {#- Contract column -> the reader's name of its column in one file, from the header names as
        written (matched by landing_header_key) and the reader's names in the same order; a clear
        error for a missing column or for two columns matching one contract name. Every engine's
        reader shares it. -#}
    {%- set contract = landing_contract()[entity] -%}
    {%- set header = {} -%}
    {%- set written_for = {} -%}
    {%- for name in written -%}
    {%- set key = landing_header_key(name) -%}
    {%- if key in contract and key in header -%}
        {{ exceptions.raise_compiler_error(
            "Landing file " ~ path ~ " has two columns for the contract column '" ~ key ~ "': '"
            ~ written_for[key] ~ "' and '" ~ name ~ "' (header names are matched ignoring case and"
            ~ " surrounding whitespace). Remove or rename one of them and re-export the file.") }}
    {%- endif -%}
    {%- if key in contract -%}
    {%- do header.update({key: read_names[loop.index0]}) -%}
    {%- do written_for.update({key: name}) -%}
    {%- endif -%}
    {%- endfor -%}
    {%- set missing = contract | reject('in', header) | list -%}
    {%- if missing | length > 0 -%}
        {{ exceptions.raise_compiler_error(
            "Landing file " ~ path ~ " lacks the column(s) " ~ missing | join(', ')
            ~ ". The '" ~ entity ~ "' contract needs: " ~ contract | join(', ')
            ~ " (docs/landing-contract.md). Its header has: " ~ written | join(', ')
            ~ ". Rename or add the column and re-export the file.") }}
    {%- endif -%}
    {{ return(header) }}
{% endmacro %}


{% macro landing_readable_files(entity, folder, listing) %}
    {#- The entries of an entity folder that are read (landing_files or an engine's listing), each
        other entry logged by name as not read; a clear error naming the folder when none is read.
        Every engine's reader shares it. -#}
    {%- set files = [] -%}
    {%- set unread = [] -%}
    {%- for entry in listing -%}
    {%- if entry.unread_reason is none -%}
    {%- do files.append(entry) -%}
    {%- else -%}
    {%- do unread.append(entry.name ~ ' (' ~ entry.unread_reason ~ ')') -%}
    {{ log("nps_warehouse: " ~ entity ~ ": not read: " ~ entry.name ~ " (" ~ entry.unread_reason ~ ")", info=true) }}
    {%- endif -%}
    {%- endfor -%}
    {%- if files | length == 0 -%}
        {{ exceptions.raise_compiler_error(
            "No landing files for '" ~ entity ~ "': expected one or more *.csv, *.csv.gz or *.parquet files in "
            ~ folder ~ "/" ~ (" (it holds only files that are not read: " ~ unread | join(', ') ~ ")" if unread else "")
            ~ ". Set NPS_RAW_DIR to your landing folder (now '" ~ landing_dir()
            ~ "') or add the entity's export there. A file holding only the header row declares an "
            ~ "entity with no rows."
            ~ (" This is the project's own data/raw: `make build` writes sample data into it while it"
               ~ " holds no file at all." if landing_folder_absolute() == (invocation_args_dict.get('project_dir') or '') ~ '/data/raw' else "")) }}
    {%- endif -%}
    {{ return(files) }}
{% endmacro %}


{% macro spark__landing_relation(source_name, entity, include_undecodable=true) %}
    {#- Spark reads the landing files itself, from any path it can read (a local folder, or object
        storage on a cluster): every CSV and Parquet file of the entity's folder, each column as
        text, header names matched as on DuckDB, with the file's name and the row's position in
        it. Each file is read through a temporary view (so the landing models are tables here).
        CSV is read as RFC 4180 with quoted line breaks; a line with more fields than the header
        stops the build naming the file and row; rows of a file that is not valid UTF-8 whose
        text holds a replacement character are the undecodable ones, quarantined as invalid_utf8
        and numbered after the readable rows, as on DuckDB. -#}
    {%- set _lineage = source(source_name, entity) -%}
    {%- set columns = landing_contract()[entity] -%}
    {%- set folder = landing_dir() ~ '/' ~ entity -%}
    {%- if not execute -%}
    select {% for column in columns %}cast(null as string) as {{ column }}, {% endfor %}{{ landing_file_columns_null() }}
    {%- else -%}
    {%- set files = landing_files_to_read(entity, landing_readable_files(entity, folder, spark_landing_files(entity))) -%}
    {%- set build = build_number() -%}
    {%- if files | length == 0 %}
    select {% for column in columns %}cast(null as string) as {{ column }}, {% endfor %}{{ landing_file_columns_null() }}
    where false
    {%- endif %}
    {%- for file in files %}
    {%- set view = 'nps_landing_' ~ entity ~ '_' ~ loop.index %}
    {%- set header = spark_landing_view(file, entity, view) %}
    {%- if not loop.first %}
    union all
    {%- endif %}
    select
        {%- for column in columns %}
        case when not _undecodable then cast({{ adapter.quote(header[column]) }} as string) end as {{ column }},
        {%- endfor %}
        {{ landing_file_columns(file, 'row_number() over (order by _undecodable, _block, _position)',
            "coalesce(_stop, case when _undecodable then 'invalid_utf8' end)", build) }}
    from (
        select
            file_rows.*,
            {%- if file.format == 'csv' %}
            not file_check.is_utf8 and instr(concat_ws('', {% for column in columns %}{{ adapter.quote(header[column]) }}{% if not loop.last %}, {% endif %}{% endfor %}), {{ string_literal('%c' | format(65533)) }}) > 0 as _undecodable,
            cast(case when _extra_field is not null then raise_error(concat(
                {{ string_literal('Landing file ' ~ file.path ~ ' has a row with more fields than its header (row ') }},
                cast(_position as string),
                {{ string_literal(' of the file\'s rows, from 0; first extra field: ') }}, _extra_field,
                {{ string_literal('). Quote fields holding commas (RFC 4180) and re-export the file.') }}
            )) end as string) as _stop
            {%- else %}
            false as _undecodable,
            cast(null as string) as _stop
            {%- endif %}
        from (
            select
                {{ view }}.*,
                input_file_block_start() as _block,
                monotonically_increasing_id() as _position
            from {{ view }}
        ) as file_rows
        {%- if file.format == 'csv' %}
        cross join (
            select encode(decode(content, 'UTF-8'), 'UTF-8') = content as is_utf8
            from binaryFile.`{{ file.path | replace('`', '``') }}`
        ) as file_check
        {%- endif %}
    ) as numbered
    {%- endfor %}
    {%- endif -%}
{% endmacro %}


{% macro spark_landing_files(entity) %}
    {#- The entries of an entity folder Spark sees (it never lists hidden files, names starting
        with '.' or '_'), sorted by name, as dicts like landing_files: path, name, size, modified, format,
        is_gzip, unread_reason (files in sub-folders are named as not read). One listing of the
        landing folder, without reading any file's content. -#}
    {%- set root = landing_dir() -%}
    {%- set marker = '/' ~ entity ~ '/' -%}
    {%- set listing = run_query("select path, length, cast(modificationTime as bigint) from binaryFile.`" ~ root | replace('`', '``') ~ "/*`") -%}
    {%- set files = [] -%}
    {%- set folders = [] -%}
    {%- for row in listing.rows -%}
    {%- set at = row[0].rfind(marker) -%}
    {%- if at >= 0 -%}
    {%- set relative = row[0][at + marker | length:] -%}
    {%- if '/' in relative -%}
    {%- set sub = relative.split('/')[0] ~ '/' -%}
    {%- if sub not in folders -%}
    {%- do folders.append(sub) -%}
    {%- do files.append({'path': row[0][:at + marker | length] ~ sub, 'name': sub, 'size': none, 'modified': none, 'format': none, 'is_gzip': false,
        'unread_reason': landing_file_kind(sub, is_folder=true).unread_reason}) -%}
    {%- endif -%}
    {%- else -%}
    {%- set kind = landing_file_kind(relative) -%}
    {%- do files.append({'path': row[0], 'name': relative, 'size': row[1], 'modified': row[2], 'format': kind.format,
        'is_gzip': kind.is_gzip, 'unread_reason': kind.unread_reason}) -%}
    {%- endif -%}
    {%- endif -%}
    {%- endfor -%}
    {{ return(files | sort(attribute='name')) }}
{% endmacro %}


{% macro spark_landing_view(file, entity, view) %}
    {#- Creates the temporary view `view` over one landing file, every column as text, and returns
        landing_header_map's contract column -> view column. A CSV file's columns are c0, c1, ...
        in header order plus _extra_field, which catches a field beyond the header. -#}
    {%- set path = string_literal(file.path) -%}
    {%- if file.format == 'parquet' -%}
    {%- do run_query("create or replace temporary view " ~ view ~ " using parquet options (path " ~ path ~ ")") -%}
    {%- set names = run_query("select * from " ~ view ~ " limit 0").column_names | list -%}
    {{ return(landing_header_map(file.path, entity, names, names)) }}
    {%- else -%}
    {%- set options = "header 'false', multiLine 'true', quote " ~ string_literal('"') ~ ", escape " ~ string_literal('"') ~ ", mode 'PERMISSIVE', encoding 'UTF-8'" -%}
    {%- do run_query("create or replace temporary view " ~ view ~ " using csv options (path " ~ path ~ ", " ~ options ~ ")") -%}
    {%- set first = run_query("select * from " ~ view ~ " limit 1") -%}
    {%- set written = [] if first.rows | length == 0 else first.rows[0] | map('default', '', true) | list -%}
    {%- set read_names = [] -%}
    {%- for name in written -%}{%- do read_names.append('c' ~ loop.index0) -%}{%- endfor -%}
    {%- set header = landing_header_map(file.path, entity, written, read_names) -%}
    {%- do run_query(
        "create or replace temporary view " ~ view ~ " (" ~ (read_names + ['_extra_field']) | join(' string, ') ~ " string)"
        ~ " using csv options (path " ~ path ~ ", " ~ options | replace("header 'false'", "header 'true'") ~ ")") -%}
    {{ return(header) }}
    {%- endif -%}
{% endmacro %}
