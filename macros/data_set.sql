{% macro landing_sample_data_set() %}
    {#- The sample's generator settings (e.g. 'seed 42, scale 1') when the landing folder holds
        nothing but the sample files nps-generate wrote, as listed in its _SAMPLE_DATA marker;
        none otherwise. -#}
    {{ return(adapter.dispatch('landing_sample_data_set', 'nps_warehouse')()) }}
{% endmacro %}


{% macro default__landing_sample_data_set() %}
    {#- Engines a loader fills: the loader proved it (landing.landing_load, written by
        src/nps_warehouse/pg_load.py with the same rule as nps-build's landing_folder.inspect). -#}
    {%- set record = landing_load_record() -%}
    {{ return(record[1] if record is not none else none) }}
{% endmacro %}


{% macro landing_load_record() %}
    {#- On an engine a loader fills: (landing_folder, sample_data_set) of the last load, from
        landing.landing_load; none when nothing was loaded. -#}
    {%- if adapter.get_relation(database=warehouse_database(), schema='landing', identifier='landing_load') is none -%}{{ return(none) }}{%- endif -%}
    {%- set rows = run_query("select landing_folder, sample_data_set from " ~ api.Relation.create(database=warehouse_database(), schema='landing', identifier='landing_load')).rows -%}
    {{ return(rows[0] if rows | length > 0 else none) }}
{% endmacro %}


{% macro landing_folder_of_build() %}
    {#- The landing folder this build reads, absolute (dispatched): DuckDB reads NPS_RAW_DIR; an
        engine a loader fills reads what the loader recorded. -#}
    {{ return(adapter.dispatch('landing_folder_of_build', 'nps_warehouse')()) }}
{% endmacro %}


{% macro default__landing_folder_of_build() %}
    {%- set record = landing_load_record() -%}
    {{ return(record[0] if record is not none else landing_folder_absolute()) }}
{% endmacro %}


{% macro duckdb__landing_folder_of_build() %}
    {{ return(landing_folder_absolute()) }}
{% endmacro %}


{% macro spark__landing_folder_of_build() %}
    {#- Spark reads NPS_RAW_DIR itself; a URL (s3a://, abfss://, ...) is kept as written. -#}
    {{ return(landing_dir() if '://' in landing_dir() else landing_folder_absolute()) }}
{% endmacro %}


{% macro warehouse_name() %}
    {#- The warehouse as a user names it in messages (dispatched): the DuckDB file, or the
        database and host. -#}
    {{ return(adapter.dispatch('warehouse_name', 'nps_warehouse')()) }}
{% endmacro %}


{% macro default__warehouse_name() %}
    {{ return("the " ~ target.type ~ " database " ~ target.database ~ " on " ~ target.host ~ ":" ~ target.port) }}
{% endmacro %}


{% macro duckdb__warehouse_name() %}
    {{ return(target.path) }}
{% endmacro %}


{% macro spark__warehouse_name() %}
    {{ return(env_var('NPS_SPARK_DIR', 'data/spark') ~ " (Spark)") }}
{% endmacro %}


{% macro warehouse_fresh_start_advice() %}
    {#- How to build another data set than the warehouse holds (dispatched). -#}
    {{ return(adapter.dispatch('warehouse_fresh_start_advice', 'nps_warehouse')()) }}
{% endmacro %}


{% macro default__warehouse_fresh_start_advice() %}
    {{ return("either use a separate database (e.g. another NPS_PG_DBNAME), or start fresh by dropping"
        ~ " this one's schemas (landing, staging, intermediate, core, marts, audit, snapshots,"
        ~ " reference, semantic), which drops its score-edit history.") }}
{% endmacro %}


{% macro duckdb__warehouse_fresh_start_advice() %}
    {{ return("either use a separate warehouse file (e.g. `export NPS_DUCKDB_PATH=data/warehouse/other.duckdb`),"
        ~ " or start fresh by deleting " ~ target.path ~ " (`make clean` deletes the default"
        ~ " data/warehouse/nps.duckdb), which drops its score-edit history.") }}
{% endmacro %}


{% macro spark__warehouse_fresh_start_advice() %}
    {{ return("either use a separate Spark folder (e.g. `export NPS_SPARK_DIR=data/spark-other`),"
        ~ " or start fresh by deleting " ~ env_var('NPS_SPARK_DIR', 'data/spark')
        ~ " (its metastore_db and warehouse), which drops its score-edit history.") }}
{% endmacro %}


{% macro spark__landing_sample_data_set() %}
    {#- Spark never lists a file whose name starts with '_' or '.', so it cannot read the
        _SAMPLE_DATA marker: the proof is nps-build's (landing_folder.inspect, the same rule as
        on DuckDB), passed as NPS_PROVEN_SAMPLE_DATA_SET for the folder it proved. Without it
        (dbt run by hand) the folder counts as real data and needs NPS_PII_SALT. -#}
    {%- set proven = env_var('NPS_PROVEN_SAMPLE_DATA_SET', '') -%}
    {%- set proven_folder = env_var('NPS_PROVEN_SAMPLE_FOLDER', '') -%}
    {{ return(proven if proven != '' and proven_folder == landing_folder_of_build() else none) }}
{% endmacro %}


{% macro duckdb__landing_sample_data_set() %}
    {#- nps-build's proof when it made one for this folder (landing_folder.inspect hashes the
        files in Python, streaming, the same rule as below: NPS_PROVEN_SAMPLE_DATA_SET for the
        folder NPS_PROVEN_SAMPLE_FOLDER). Else (dbt run by hand) the proof is made here: every file
        under the folder (recursively, and in each entity folder, which dbt reads even through a
        symlink) must be listed in the marker with the same size, then the same sha256, hashed one
        file per query so memory holds one file at most (a file over 1 GiB is not hashed here: the
        log says to run nps-build or set the salt); a marker without a listing (written by an
        older nps-generate) proves nothing. -#}
    {%- set proven = env_var('NPS_PROVEN_SAMPLE_DATA_SET', '') -%}
    {%- if proven != '' and env_var('NPS_PROVEN_SAMPLE_FOLDER', '') == landing_folder_of_build() -%}
        {{ return(proven) }}
    {%- endif -%}
    {%- set folder = landing_dir() | replace("'", "''") -%}
    {%- set marker = folder ~ '/_SAMPLE_DATA' -%}
    {%- if run_query("select count(*) from glob('" ~ marker ~ "')").rows[0][0] == 0 -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set described = run_query(
        "with marker as (select content from read_text('" ~ marker ~ "')),"
        ~ " listing as (select try_cast(substr(content, strpos(content, chr(10) || '{') + 1) as json) as listing from marker)"
        ~ " select listing ->> '$.data_set', json_type(listing -> '$.files'), cast(listing -> '$.files' as varchar) from listing").rows[0] -%}
    {%- set data_set, files_type, files_json = described -%}
    {%- if files_type != 'ARRAY' or data_set is none -%}{{ return(none) }}{%- endif -%}
    {%- set listed = {} -%}
    {%- for item in fromjson(files_json) -%}
    {%- do listed.update({landing_dir() ~ '/' ~ item['path']: (item['size'], item['sha256'])}) -%}
    {%- endfor -%}
    {%- set patterns = ["'" ~ folder ~ "/**'"] -%}
    {%- for entity in landing_contract() -%}
    {%- do patterns.append("'" ~ folder ~ "/" ~ entity ~ "/*'") -%}
    {%- endfor -%}
    {%- set files = [] -%}
    {%- for row in run_query("select distinct file from glob([" ~ patterns | join(', ') ~ "]) order by file").rows -%}
    {%- if row[0] != marker -%}{%- do files.append("'" ~ row[0] | replace("'", "''") ~ "'") -%}{%- endif -%}
    {%- endfor -%}
    {%- if files | length == 0 -%}{{ return(data_set) }}{%- endif -%}
    {#- sizes first: read_blob reads no content when only the size is asked for -#}
    {%- set present = run_query("select filename, size from read_blob([" ~ files | join(', ') ~ "]) order by filename").rows -%}
    {%- for name, size in present -%}
    {%- if name not in listed or listed[name][0] != size -%}{{ return(none) }}{%- endif -%}
    {%- endfor -%}
    {%- for name, size in present -%}
    {%- if size > 1073741824 -%}
        {{- log("nps_warehouse: " ~ name ~ " is too large (over 1 GiB) for dbt to prove it is sample data, which reads"
            ~ " a file whole: run nps-build, which proves it reading in blocks, or set NPS_PII_SALT to build"
            ~ " the folder as real data", info=true) -}}
        {{ return(none) }}
    {%- endif -%}
    {%- endfor -%}
    {%- for name, size in present -%}
    {%- set hashed = run_query("select sha256(content) from read_blob('" ~ name | replace("'", "''") ~ "')").rows[0][0] -%}
    {%- if hashed != listed[name][1] -%}{{ return(none) }}{%- endif -%}
    {%- endfor -%}
    {{ return(data_set) }}
{% endmacro %}


{% macro landing_folder_absolute() %}
    {#- The landing folder as an absolute, normalised path: dbt runs in the project folder, so a
        relative NPS_RAW_DIR is read from there (nps-build passes an absolute one). -#}
    {%- set folder = landing_dir() -%}
    {%- if not folder.startswith('/') -%}
        {%- set folder = (invocation_args_dict.get('project_dir') or '.') ~ '/' ~ folder -%}
    {%- endif -%}
    {%- set parts = [] -%}
    {%- for part in folder.split('/') -%}
    {%- if part == '..' -%}
        {%- if parts | length > 0 %}{% do parts.pop() %}{% endif -%}
    {%- elif part not in ('', '.') -%}
        {%- do parts.append(part) -%}
    {%- endif -%}
    {%- endfor -%}
    {{ return('/' ~ parts | join('/')) }}
{% endmacro %}


{% macro current_warehouse_data_set() %}
    {#- What this build is of: landing folder, salt fingerprint (never the salt) and the sample's
        settings; none when it cannot build (no salt and not sample data: pii_salt stops it).
        src/nps_warehouse/warehouse.py computes the same in Python. -#}
    {%- set sample = landing_sample_data_set() -%}
    {%- set salt = env_var('NPS_PII_SALT', '') -%}
    {%- if salt == '' and sample is none -%}{{ return(none) }}{%- endif -%}
    {{ return({
        'landing_folder': landing_folder_of_build(),
        'salt_fingerprint': local_md5('nps-warehouse salt fingerprint:' ~ (salt if salt != '' else sample_pii_salt()))[:16],
        'sample_data_set': sample,
    }) }}
{% endmacro %}


{% macro warehouse_data_set_relation() %}
    {{ return(api.Relation.create(database=warehouse_database(), schema='audit', identifier='warehouse_data_set')) }}
{% endmacro %}


{% macro check_warehouse_data_set() %}
    {#- on-run-start: one warehouse file holds one data set. A build of another landing folder, or
        with another salt, or of other sample data stops here, before anything is written. -#}
    {%- if execute -%}
    {%- set current = current_warehouse_data_set() -%}
    {%- set found = adapter.get_relation(database=warehouse_database(), schema='audit', identifier='warehouse_data_set') -%}
    {%- if current is not none and found is not none -%}
    {%- set rows = run_query("select landing_folder, salt_fingerprint, sample_data_set from " ~ warehouse_data_set_relation()).rows -%}
    {%- set recorded = rows[0] if rows | length > 0 else none -%}
    {%- if recorded is not none and (recorded[0] != current.landing_folder or recorded[1] != current.salt_fingerprint or recorded[2] != current.sample_data_set) -%}
        {%- set describe = {} -%}
        {%- for name, row in [('recorded', recorded), ('current', [current.landing_folder, current.salt_fingerprint, current.sample_data_set])] -%}
        {%- do describe.update({name: row[0] ~ ' (' ~ ('sample data: ' ~ row[2] if row[2] is not none else 'not sample') ~ '; salt fingerprint ' ~ row[1] ~ ')'}) -%}
        {%- endfor -%}
        {{ exceptions.raise_compiler_error(
            "The warehouse " ~ warehouse_name() ~ " holds another data set. It was built from "
            ~ describe.recorded ~ "; this build is of " ~ describe.current ~ ". One warehouse file holds"
            ~ " one data set, so that its score-edit audit (mart_score_edits) never compares loads of"
            ~ " different data. To build this folder, " ~ warehouse_fresh_start_advice()
            ~ " Neither touches your landing files. To add a new export to this"
            ~ " data set, put its files into " ~ recorded[0] ~ " and keep the same NPS_PII_SALT.") }}
    {%- endif -%}
    {%- endif -%}
    {%- endif -%}
{% endmacro %}


{% macro record_warehouse_data_set(results) %}
    {#- on-run-end: a build, run or snapshot that built any model or snapshot records the data set
        it was of, so the next build of another one stops (check_warehouse_data_set). -#}
    {%- if execute and flags.WHICH in ('build', 'run', 'snapshot') -%}
    {%- set built = results | selectattr('status', 'equalto', 'success') | map(attribute='node') | selectattr('resource_type', 'in', ['model', 'snapshot']) | list -%}
    {%- set current = current_warehouse_data_set() -%}
    {%- if built | length > 0 and current is not none -%}
    {#- One statement per call: Spark runs one at a time. -#}
    {%- set relation = warehouse_data_set_relation() -%}
    {%- do run_query("create schema if not exists " ~ relation.include(database=false, identifier=false)) -%}
    {%- do run_query("drop table if exists " ~ relation) -%}
    {%- do run_query(
        "create table " ~ relation ~ " " ~ table_format_clause() ~ " as select"
        ~ " cast(" ~ string_literal(current.landing_folder) ~ " as " ~ dbt.type_string() ~ ") as landing_folder,"
        ~ " cast(" ~ string_literal(current.salt_fingerprint) ~ " as " ~ dbt.type_string() ~ ") as salt_fingerprint,"
        ~ " cast(" ~ ("null" if current.sample_data_set is none else string_literal(current.sample_data_set)) ~ " as " ~ dbt.type_string() ~ ") as sample_data_set") -%}
    {%- endif -%}
    {%- endif -%}
{% endmacro %}
