{#- Where every landing row went, per entity: raw = staged + superseded + quarantined. Each count
    comes from a different model, so the singular test assert_landing_rows_are_conserved can fail. -#}
{%- set entities = [
    ('crm_accounts', 'base_crm__accounts', 'base_crm__accounts_validated', 'stg_crm__accounts'),
    ('crm_contacts', 'base_crm__contacts', 'base_crm__contacts_validated', 'stg_crm__contacts'),
    ('survey_invitations', 'base_survey__invitations', 'base_survey__invitations_validated', 'stg_survey__invitations'),
    ('survey_responses', 'base_survey__responses', 'base_survey__responses_validated', 'stg_survey__responses'),
    ('support_tickets', 'base_support__tickets', 'base_support__tickets_validated', 'stg_support__tickets'),
    ('loop_followups', 'base_loop__followups', 'base_loop__followups_validated', 'stg_loop__followups'),
] %}
with

quarantine as (
    select
        entity,
        count(*) as quarantined_rows
    from {{ ref('quarantine_rows') }}
    group by entity
),

{% for entity, base, validated, staged in entities %}
    {{ entity }} as (
        select
            '{{ entity }}' as entity,
            (select count(*) from {{ ref(base) }}) as raw_rows,
            (select count(*) from {{ ref(staged) }}) as staged_rows,
            (
                select count(*) from {{ ref(validated) }}
                where row_status = 'superseded'
            ) as superseded_rows
    ),

{% endfor %}
counted as (
    {%- for entity, base, validated, staged in entities %}
        select * from {{ entity }}
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
),

row_counts as (
    select
        counted.entity,
        counted.raw_rows,
        counted.staged_rows,
        counted.superseded_rows,
        coalesce(quarantine.quarantined_rows, 0) as quarantined_rows
    from counted
    left join quarantine on counted.entity = quarantine.entity
)

select * from row_counts
