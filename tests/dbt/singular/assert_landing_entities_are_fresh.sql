{{ config(severity='warn') }}
{#- Freshness relative to as_of (warn), in every build: an entity whose newest staged updated_at
    is older than as_of minus its source's freshness.warn_after (the sources' yml, the same
    thresholds `dbt source freshness` uses). Returns the stale entities. -#}
{%- set thresholds = source_freshness_days() -%}
{%- set entities = [
    ('crm_accounts', 'stg_crm__accounts'),
    ('crm_contacts', 'base_crm__contacts_validated'),
    ('survey_invitations', 'stg_survey__invitations'),
    ('survey_responses', 'stg_survey__responses'),
    ('support_tickets', 'stg_support__tickets'),
    ('loop_followups', 'stg_loop__followups'),
] %}
with

build_as_of as (
    select as_of_at from {{ ref('int_build_as_of') }}
),

latest as (
    {%- for entity, model in entities %}
        select
            '{{ entity }}' as entity,
            {{ thresholds.get(entity, 0) }} as warn_after_days,
            max(updated_at) as latest_updated_at
        from {{ ref(model) }}
        {%- if model.endswith('_validated') %}
            where row_status = 'staged'
        {%- endif %}
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
),

stale as (
    select
        latest.entity,
        latest.warn_after_days,
        latest.latest_updated_at,
        build_as_of.as_of_at
    from latest
    cross join build_as_of
    where
        latest.latest_updated_at is null
        or {{ dbt.datediff('latest.latest_updated_at', 'build_as_of.as_of_at', 'day') }}
        > latest.warn_after_days
)

select * from stale
