{{ config(materialized='incremental', incremental_strategy='append', on_schema_change='fail') }}
{#- One row per build: its number, its as_of and the fingerprint of its settings. What the
    per-response models built by increments compare with the build that last finished them
    (macros/incremental_responses.sql): how far as_of moved, and whether the settings changed. -#}
select
    {{ build_number() }} as build_number,
    build_as_of.as_of_at,
    cast({{ string_literal(settings_fingerprint()) }} as {{ dbt.type_string() }}) as settings_fingerprint
from {{ ref('int_build_as_of') }} as build_as_of
