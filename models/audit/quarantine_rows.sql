{#- Every landing row that could not be used, with the entity, its raw id, why, and what arrived. -#}
{%- set entities = [
    ('crm_accounts', 'base_crm__accounts_validated', 'account_id'),
    ('crm_contacts', 'base_crm__contacts_validated', 'contact_id'),
    ('survey_invitations', 'base_survey__invitations_validated', 'invitation_id'),
    ('survey_responses', 'base_survey__responses_validated', 'response_id'),
    ('support_tickets', 'base_support__tickets_validated', 'ticket_id'),
    ('loop_followups', 'base_loop__followups_validated', 'followup_id'),
] %}
with

{% for entity, model, id_column in entities %}
    {{ entity }} as (
        select
            '{{ entity }}' as entity,
            {{ id_column }} as raw_id,
            quarantine_reason as reason,
            raw_values,
            _file_name as source_file_name,
            _row_number as source_row_number
        from {{ ref(model) }}
        where row_status = 'quarantined'
    ),

{% endfor %}
quarantined as (
    {%- for entity, model, id_column in entities %}
        select * from {{ entity }}
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
)

select * from quarantined
