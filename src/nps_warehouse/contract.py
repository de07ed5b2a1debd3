"""The landing contract on the Python side: entity folders and their columns, in order.

dbt reads the same list from the `landing_contract` macro; tests/python/test_contract.py keeps
the two (and the sources YAML) identical.
"""

LANDING_CONTRACT: dict[str, tuple[str, ...]] = {
    "crm_accounts": (
        "account_id", "account_name", "industry", "region", "country", "employee_count", "plan",
        "arr", "currency", "contract_start_date", "renewal_date", "churned_at", "churn_reason",
        "updated_at",
    ),
    "crm_contacts": (
        "contact_id", "account_id", "email", "full_name", "role", "job_title", "created_at",
        "updated_at",
    ),
    "survey_invitations": (
        "invitation_id", "campaign_id", "contact_id", "survey_type", "trigger_ticket_id", "channel",
        "sent_at", "updated_at",
    ),
    "survey_responses": (
        "response_id", "invitation_id", "campaign_id", "contact_id", "score", "comment", "tags",
        "responded_at", "updated_at",
    ),
    "support_tickets": (
        "ticket_id", "account_id", "requester_contact_id", "category", "priority", "channel",
        "status", "created_at", "first_response_at", "solved_at", "reopened_count",
        "downtime_minutes", "updated_at",
    ),
    "loop_followups": (
        "followup_id", "response_id", "owner", "action", "followed_up_at", "outcome", "updated_at",
    ),
}  # fmt: skip

ENTITIES: tuple[str, ...] = tuple(LANDING_CONTRACT)

# A landing folder holding this file is synthetic sample data (nps-generate writes it): it may be
# built without NPS_PII_SALT, with the public sample salt. The dbt macro pii_salt checks the same.
SAMPLE_MARKER = "_SAMPLE_DATA"
