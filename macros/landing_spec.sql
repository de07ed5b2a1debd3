{#- The landing contract, one typed column spec per entity (in the spirit of Fivetran's
    get_<table>_columns macros): each column's name, in the files' order, its parser (how
    parse_landing_column types its text), whether a row needs it (required: a missing or
    unparseable value quarantines the row; otherwise it is a value problem or plain text) and
    whether it is personal data (pii: kept only as a salted hash, even in a quarantined row's raw
    values). landing_contract is derived from these; src/nps_warehouse/contract.py and the
    sources YAML list the same names (tests/python/test_contract.py). -#}

{% macro get_crm_accounts_columns() %}
    {{ return([
        {'name': 'account_id', 'parser': 'text', 'required': true, 'pii': false},
        {'name': 'account_name', 'parser': 'text', 'required': false, 'pii': false},
        {'name': 'industry', 'parser': 'enum', 'required': false, 'pii': false},
        {'name': 'region', 'parser': 'text', 'required': false, 'pii': false},
        {'name': 'country', 'parser': 'text', 'required': false, 'pii': false},
        {'name': 'employee_count', 'parser': 'integer', 'required': false, 'pii': false},
        {'name': 'plan', 'parser': 'enum', 'required': false, 'pii': false},
        {'name': 'arr', 'parser': 'decimal', 'required': false, 'pii': false},
        {'name': 'currency', 'parser': 'currency', 'required': false, 'pii': false},
        {'name': 'contract_start_date', 'parser': 'date', 'required': false, 'pii': false},
        {'name': 'renewal_date', 'parser': 'date', 'required': false, 'pii': false},
        {'name': 'churned_at', 'parser': 'timestamp', 'required': false, 'pii': false},
        {'name': 'churn_reason', 'parser': 'text', 'required': false, 'pii': false},
        {'name': 'updated_at', 'parser': 'timestamp', 'required': true, 'pii': false},
    ]) }}
{% endmacro %}


{% macro get_crm_contacts_columns() %}
    {{ return([
        {'name': 'contact_id', 'parser': 'text', 'required': true, 'pii': false},
        {'name': 'account_id', 'parser': 'text', 'required': true, 'pii': false},
        {'name': 'email', 'parser': 'pii', 'required': false, 'pii': true},
        {'name': 'full_name', 'parser': 'pii', 'required': false, 'pii': true},
        {'name': 'role', 'parser': 'enum', 'required': false, 'pii': false},
        {'name': 'job_title', 'parser': 'text', 'required': false, 'pii': false},
        {'name': 'created_at', 'parser': 'timestamp', 'required': false, 'pii': false},
        {'name': 'updated_at', 'parser': 'timestamp', 'required': true, 'pii': false},
    ]) }}
{% endmacro %}


{% macro get_survey_invitations_columns() %}
    {{ return([
        {'name': 'invitation_id', 'parser': 'text', 'required': true, 'pii': false},
        {'name': 'campaign_id', 'parser': 'text', 'required': false, 'pii': false},
        {'name': 'contact_id', 'parser': 'text', 'required': true, 'pii': false},
        {'name': 'survey_type', 'parser': 'enum', 'required': true, 'pii': false},
        {'name': 'trigger_ticket_id', 'parser': 'text', 'required': false, 'pii': false},
        {'name': 'channel', 'parser': 'enum', 'required': false, 'pii': false},
        {'name': 'sent_at', 'parser': 'timestamp', 'required': true, 'pii': false},
        {'name': 'updated_at', 'parser': 'timestamp', 'required': true, 'pii': false},
    ]) }}
{% endmacro %}


{% macro get_survey_responses_columns() %}
    {{ return([
        {'name': 'response_id', 'parser': 'text', 'required': true, 'pii': false},
        {'name': 'invitation_id', 'parser': 'text', 'required': true, 'pii': false},
        {'name': 'campaign_id', 'parser': 'text', 'required': false, 'pii': false},
        {'name': 'contact_id', 'parser': 'text', 'required': true, 'pii': false},
        {'name': 'score', 'parser': 'integer', 'required': true, 'pii': false},
        {'name': 'comment', 'parser': 'text', 'required': false, 'pii': false},
        {'name': 'tags', 'parser': 'tags', 'required': false, 'pii': false},
        {'name': 'responded_at', 'parser': 'timestamp', 'required': true, 'pii': false},
        {'name': 'updated_at', 'parser': 'timestamp', 'required': true, 'pii': false},
    ]) }}
{% endmacro %}


{% macro get_support_tickets_columns() %}
    {{ return([
        {'name': 'ticket_id', 'parser': 'text', 'required': true, 'pii': false},
        {'name': 'account_id', 'parser': 'text', 'required': true, 'pii': false},
        {'name': 'requester_contact_id', 'parser': 'text', 'required': false, 'pii': false},
        {'name': 'category', 'parser': 'enum', 'required': false, 'pii': false},
        {'name': 'priority', 'parser': 'enum', 'required': false, 'pii': false},
        {'name': 'channel', 'parser': 'enum', 'required': false, 'pii': false},
        {'name': 'status', 'parser': 'enum', 'required': false, 'pii': false},
        {'name': 'created_at', 'parser': 'timestamp', 'required': true, 'pii': false},
        {'name': 'first_response_at', 'parser': 'timestamp', 'required': false, 'pii': false},
        {'name': 'solved_at', 'parser': 'timestamp', 'required': false, 'pii': false},
        {'name': 'reopened_count', 'parser': 'integer', 'required': false, 'pii': false},
        {'name': 'downtime_minutes', 'parser': 'decimal', 'required': false, 'pii': false},
        {'name': 'updated_at', 'parser': 'timestamp', 'required': true, 'pii': false},
    ]) }}
{% endmacro %}


{% macro get_loop_followups_columns() %}
    {{ return([
        {'name': 'followup_id', 'parser': 'text', 'required': true, 'pii': false},
        {'name': 'response_id', 'parser': 'text', 'required': true, 'pii': false},
        {'name': 'owner', 'parser': 'text', 'required': false, 'pii': false},
        {'name': 'action', 'parser': 'enum', 'required': false, 'pii': false},
        {'name': 'followed_up_at', 'parser': 'timestamp', 'required': true, 'pii': false},
        {'name': 'outcome', 'parser': 'enum', 'required': false, 'pii': false},
        {'name': 'updated_at', 'parser': 'timestamp', 'required': true, 'pii': false},
    ]) }}
{% endmacro %}


{% macro landing_columns(entity) %}
    {#- The column spec of a landing entity (get_<entity>_columns). -#}
    {%- set specs = {
        'crm_accounts': get_crm_accounts_columns,
        'crm_contacts': get_crm_contacts_columns,
        'survey_invitations': get_survey_invitations_columns,
        'survey_responses': get_survey_responses_columns,
        'support_tickets': get_support_tickets_columns,
        'loop_followups': get_loop_followups_columns,
    } -%}
    {{ return(specs[entity]()) }}
{% endmacro %}


{% macro parse_landing_column(expression, parser) %}
    {#- One landing value typed by its spec's parser: text (trimmed, blank is null), enum
        (normalise_enum), integer, decimal, date, timestamp (UTC), tags (normalise_tags),
        currency (an ISO code in upper case) or pii (pii_hash: personal text only as its hash). -#}
    {%- if parser == 'text' -%}{{ clean_text(expression) }}
    {%- elif parser == 'enum' -%}{{ normalise_enum(expression) }}
    {%- elif parser == 'integer' -%}{{ parse_integer(expression) }}
    {%- elif parser == 'decimal' -%}{{ parse_decimal(expression) }}
    {%- elif parser == 'date' -%}{{ parse_date(expression) }}
    {%- elif parser == 'timestamp' -%}{{ parse_timestamp_utc(expression) }}
    {%- elif parser == 'tags' -%}{{ normalise_tags(expression) }}
    {%- elif parser == 'currency' -%}upper({{ clean_text(expression) }})
    {%- elif parser == 'pii' -%}{{ pii_hash(expression) }}
    {%- else -%}{{ exceptions.raise_compiler_error("Unknown landing parser '" ~ parser ~ "' (macros/landing_spec.sql).") }}
    {%- endif -%}
{% endmacro %}
