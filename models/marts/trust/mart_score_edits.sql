{#- Score edits and disappearances across loads, from the kept versions of staged responses
    (response_versions: the snapshot, or its Spark twin).
    It depends on int_build_as_of (every landing entity) like every fact, so a build that fails
    on any entity leaves the published mart as it was. -#}
-- depends_on: {{ ref('int_build_as_of') }}
with

versions as (
    {{ response_versions() }}
),

latest_load as (
    select response_id from {{ ref('base_survey__responses_validated') }}
    where response_id is not null
    group by response_id
),

quarantined_now as (
    select response_id from {{ ref('base_survey__responses_validated') }}
    where row_status = 'quarantined' and response_id is not null
    group by response_id
),

ordered as (
    select
        versions.*,
        lead(versions.score) over (
            partition by versions.response_id order by versions.updated_at
        ) as next_score,
        lead(versions.updated_at) over (
            partition by versions.response_id order by versions.updated_at
        ) as next_updated_at
    from versions
),

score_changes as (
    select
        response_id,
        contact_id,
        'score_changed' as change_type,
        score as score_before,
        next_score as score_after,
        updated_at as updated_at_before,
        next_updated_at as updated_at_after
    from ordered
    where next_updated_at is not null and next_score <> score
),

disappeared as (
    select
        ordered.response_id,
        ordered.contact_id,
        case
            when quarantined_now.response_id is not null then 'quarantined_later'
            else 'disappeared'
        end as change_type,
        ordered.score as score_before,
        cast(null as {{ dbt.type_bigint() }}) as score_after,
        ordered.updated_at as updated_at_before,
        cast(null as {{ dbt.type_timestamp() }}) as updated_at_after
    from ordered
    left join latest_load on ordered.response_id = latest_load.response_id
    left join quarantined_now on ordered.response_id = quarantined_now.response_id
    where
        ordered.dbt_valid_to is null
        and (latest_load.response_id is null or quarantined_now.response_id is not null)
),

score_edits as (
    select * from score_changes
    union all
    select * from disappeared
)

select * from score_edits
