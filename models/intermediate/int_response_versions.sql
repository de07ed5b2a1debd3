{{ config(
    enabled=(target.type == 'spark'),
    materialized='incremental',
    incremental_strategy='append',
) }}
{#- Spark only: the score-edit history that snap_survey_responses keeps on the other engines.
    dbt snapshots need a table format with merge (Delta, Iceberg, Hudi); plain Parquet tables
    can only be appended to, so each build appends the staged responses whose updated_at is newer
    than every version already kept (the snapshot's timestamp strategy), and readers derive when a
    version stopped being current (response_versions). -#}
with

staged as (
    select
        response_id,
        invitation_id,
        campaign_id,
        contact_id,
        score,
        comment,
        tags,
        responded_at,
        updated_at
    from {{ ref('stg_survey__responses') }}
)

{% if is_incremental() %}
,

kept as (
    select
        response_id,
        max(updated_at) as updated_at
    from {{ this }}
    group by response_id
)

select staged.*
from staged
left join kept on staged.response_id = kept.response_id
where kept.response_id is null or staged.updated_at > kept.updated_at
{% else %}
select * from staged
{% endif %}
