"""Unit tests of the reference computation (oracle.py) on tiny hand-written landing folders."""

from __future__ import annotations

import copy
import csv
import io
import math
from datetime import date, datetime

import oracle
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

# --------------------------------------------------------------------------------------
# Fixtures: a minimal, fully valid landing folder and helpers to vary it
# --------------------------------------------------------------------------------------

BASE = {
    "crm_accounts": [
        {
            "account_id": "A1",
            "account_name": "Acme",
            "industry": "Software",
            "region": "EMEA",
            "country": "DE",
            "employee_count": "50",
            "plan": "Pro",
            "arr": "1000.50",
            "currency": "usd",
            "contract_start_date": "2025-01-01",
            "renewal_date": "2026-01-01",
            "churned_at": "",
            "churn_reason": "",
            "updated_at": "2025-01-01T00:00:00Z",
        }
    ],
    "crm_contacts": [
        {
            "contact_id": "C1",
            "account_id": "A1",
            "email": "a@acme.test",
            "role": " End-User ",
            "created_at": "2025-01-02",
            "updated_at": "2025-01-02T00:00:00Z",
        }
    ],
    "survey_invitations": [
        {
            "invitation_id": "I1",
            "campaign_id": "K1",
            "contact_id": "C1",
            "survey_type": "Relationship",
            "channel": "E-mail",
            "sent_at": "2026-01-10T00:00:00Z",
            "updated_at": "2026-01-10T00:00:00Z",
        }
    ],
    "survey_responses": [
        {
            "response_id": "R1",
            "invitation_id": "I1",
            "campaign_id": "K1",
            "contact_id": "C1",
            "score": "9",
            "comment": "great",
            "responded_at": "2026-01-11T00:00:00Z",
            "updated_at": "2026-01-11T00:00:00Z",
        }
    ],
    "support_tickets": [
        {
            "ticket_id": "T1",
            "account_id": "A1",
            "category": "Billing",
            "priority": "High",
            "status": "Solved",
            "created_at": "2026-01-05T00:00:00Z",
            "first_response_at": "2026-01-05T01:00:00Z",
            "solved_at": "2026-01-06T00:00:00Z",
            "reopened_count": "0",
            "downtime_minutes": "1.5",
            "updated_at": "2026-01-06T00:00:00Z",
        }
    ],
    "loop_followups": [
        {
            "followup_id": "F1",
            "response_id": "R1",
            "owner": "csm",
            "action": "call",
            "followed_up_at": "2026-01-12T00:00:00Z",
            "updated_at": "2026-01-12T00:00:00Z",
        }
    ],
}


def base() -> dict:
    """A fresh deep copy of the valid base landing data."""
    return copy.deepcopy(BASE)


def to_csv(rows: list[dict]) -> str:
    """CSV text with the union of the rows' keys as header (missing keys blank)."""
    header: list[str] = []
    for row in rows:
        header += [key for key in row if key not in header]
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=header, restval="", lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def write_landing(root, tables: dict) -> str:
    """Write ``{entity: rows | {file_name: rows | csv_text}}`` under ``root``; return it."""
    for entity, content in tables.items():
        files = content if isinstance(content, dict) else {"data.csv": content}
        folder = root / entity
        folder.mkdir(parents=True, exist_ok=True)
        for name, rows in files.items():
            text = rows if isinstance(rows, str) else to_csv(rows)
            (folder / name).write_text(text, encoding="utf-8")
    return str(root)


def run(tmp_path, tables: dict, as_of=None) -> oracle.Oracle:
    return oracle.compute(write_landing(tmp_path / "raw", tables), as_of=as_of)


def reasons(result: oracle.Oracle, entity: str) -> dict:
    """raw_id -> reason of one entity's quarantined rows."""
    rows = result.quarantine[result.quarantine["entity"] == entity]
    return dict(zip(rows["raw_id"], rows["reason"], strict=True))


def counts(result: oracle.Oracle, entity: str) -> dict:
    return result.counts.set_index("entity").loc[entity].to_dict()


def make_responses(scores: list[int], invitations: int | None = None) -> dict:
    """Base data with one invitation + response per score (plus unanswered invitations)."""
    tables = base()
    total = invitations if invitations is not None else len(scores)
    tables["survey_invitations"] = [
        {**BASE["survey_invitations"][0], "invitation_id": f"I{i}"} for i in range(total)
    ]
    tables["survey_responses"] = [
        {
            **BASE["survey_responses"][0],
            "response_id": f"R{i}",
            "invitation_id": f"I{i}",
            "score": str(score),
        }
        for i, score in enumerate(scores)
    ]
    tables["loop_followups"] = []
    return tables


# --------------------------------------------------------------------------------------
# Scalar parsing
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-03-01", datetime(2026, 3, 1)),
        ("2026-03-01T10:00", datetime(2026, 3, 1, 10)),
        ("2026-03-01 10:00:05", datetime(2026, 3, 1, 10, 0, 5)),
        ("2026-03-01T10:00:05.1234567", datetime(2026, 3, 1, 10, 0, 5, 123456)),
        ("2026-03-01T10:00:00Z", datetime(2026, 3, 1, 10)),
        ("2026-03-01T10:00:00+02", datetime(2026, 3, 1, 8)),
        ("2026-03-01T10:00:00+0530", datetime(2026, 3, 1, 4, 30)),
        ("2026-03-01T10:00:00-05:30", datetime(2026, 3, 1, 15, 30)),
        ("2026-03-01T00:30:00+01:00", datetime(2026, 2, 28, 23, 30)),
    ],
)
def test_parse_timestamp_valid(text, expected):
    assert oracle.parse_timestamp(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "03/01/2026",
        "yesterday",
        "2026-13-45T00:00:00Z",
        "2026-02-30",
        "2026-03-01T25:00",
        "2026-03-01T10",
        "2026-03-01T10:00:00+5",
        "2026-3-1",
        "20260301",
        "2026-03-01T",
    ],
)
def test_parse_timestamp_invalid(text):
    assert oracle.parse_timestamp(text) is None


def test_parse_date_integer_decimal_and_enum():
    assert oracle.parse_date("2024-02-29") == date(2024, 2, 29)
    for bad in ["2025-02-29", "2025-01-01T00:00:00", "01/01/2025", "2025-1-1"]:
        assert oracle.parse_date(bad) is None
    assert oracle.parse_integer("+7") == 7
    assert oracle.parse_integer("-12") == -12
    for bad in ["7.5", "7.0", "ten", "1e1", "", " 7"]:
        assert oracle.parse_integer(bad) is None
    for good, value in [("12", 12), ("-1.5", -1.5), ("12.", 12), (".5", 0.5), ("+3.25", 3.25)]:
        assert float(oracle.parse_decimal(good)) == value
    for bad in ["12k", "1,200", "n/a", ".", "1.2.3", "1e3"]:
        assert oracle.parse_decimal(bad) is None
    assert oracle.normalise_enum(" Decision-Maker ") == "decision_maker"
    assert oracle.normalise_enum("--End  User!!") == "end_user"
    assert oracle.normalise_enum("E-MAIL") == "e_mail"


# --------------------------------------------------------------------------------------
# Reading the landing folder
# --------------------------------------------------------------------------------------


def test_valid_base_is_fully_staged(tmp_path):
    result = run(tmp_path, base())
    assert result.quarantine.empty
    for entity in oracle.ENTITIES:
        assert counts(result, entity) == {
            "raw_rows": 1,
            "staged_rows": 1,
            "superseded_rows": 0,
            "quarantined_rows": 0,
        }
    account = result.staged["crm_accounts"].iloc[0]
    assert account["currency"] == "USD"
    assert account["arr"] == 1000.5
    assert account["employee_count"] == 50
    assert account["contract_start_date"] == date(2025, 1, 1)
    assert pd.isna(account["churned_at"])
    assert result.staged["crm_contacts"].iloc[0]["role"] == "end_user"
    assert result.staged["survey_invitations"].iloc[0]["channel"] == "e_mail"
    assert result.staged["survey_responses"].iloc[0]["score"] == 9
    assert result.as_of == pd.Timestamp("2026-01-12")


def test_bom_crlf_header_case_extra_columns_and_parquet(tmp_path):
    tables = base()
    accounts = to_csv(tables["crm_accounts"]).replace("account_id", " Account_ID ", 1)
    accounts = accounts.replace("region", "REGION", 1).replace("\n", "\r\n")
    tables["crm_accounts"] = {"a.csv": "\ufeff" + accounts.replace(",EMEA,", ',"EMEA ",')}
    contacts = [{**tables["crm_contacts"][0], "unexpected": "x"}]
    tables["crm_contacts"] = {"c.csv": to_csv(contacts)}
    root = tmp_path / "raw"
    write_landing(root, tables)
    # a second response version in a parquet file, with an integer score column
    frame = pd.DataFrame(
        {
            "RESPONSE_ID": ["R1"],
            "invitation_id": ["I1"],
            "contact_id": ["C1"],
            "score": pa.array([3], pa.int64()),
            "responded_at": ["2026-01-11T00:00:00Z"],
            "updated_at": pd.to_datetime(["2026-01-20T00:00:00Z"]),
        }
    )
    pq.write_table(pa.Table.from_pandas(frame), root / "survey_responses" / "z.parquet")
    result = oracle.compute(root)
    assert result.quarantine.empty
    account = result.staged["crm_accounts"].iloc[0]
    assert account["account_id"] == "A1"
    assert account["region"] == "EMEA"
    assert result.staged["survey_responses"].iloc[0]["score"] == 3
    assert counts(result, "survey_responses")["superseded_rows"] == 1


def test_every_raw_row_lands_in_exactly_one_bucket(tmp_path):
    tables = make_responses([1, 2, 3])
    tables["survey_responses"] += [
        {"response_id": "", "updated_at": "2026-01-01"},
        {"response_id": "R0", "score": "x", "updated_at": "2020-01-01"},
        {"response_id": "R9", "score": "x", "updated_at": "2026-01-01"},
    ]
    result = run(tmp_path, tables)
    c = counts(result, "survey_responses")
    assert c == {"raw_rows": 6, "staged_rows": 3, "superseded_rows": 1, "quarantined_rows": 2}
    assert result.summary["quarantined_rows"] == 2


# --------------------------------------------------------------------------------------
# Versions (dedup)
# --------------------------------------------------------------------------------------


def test_latest_updated_at_wins_as_an_instant(tmp_path):
    tables = base()
    contact = tables["crm_contacts"][0]
    tables["crm_contacts"] = {
        "a.csv": [
            # 10:00 at +05:00 is 05:00 UTC: older than the row below despite the later wall time
            {**contact, "full_name": "old", "updated_at": "2026-01-01T10:00:00+05:00"},
            {**contact, "full_name": "new", "updated_at": "2026-01-01T06:00:00Z"},
        ],
        "b.csv": [{**contact, "full_name": "older", "updated_at": "2025-12-31T23:00:00Z"}],
    }
    result = run(tmp_path, tables)
    assert result.staged["crm_contacts"].iloc[0]["full_name"] == "new"
    assert counts(result, "crm_contacts")["superseded_rows"] == 2


def test_tie_goes_to_file_sorting_last_then_to_later_row(tmp_path):
    tables = base()
    contact = tables["crm_contacts"][0]
    same = "2026-01-01T00:00:00Z"
    tables["crm_contacts"] = {
        "b_2.csv": [
            {**contact, "full_name": "b2-first", "updated_at": "2026-01-01T01:00:00+01:00"},
            {**contact, "full_name": "b2-second", "updated_at": same},
        ],
        "a_9.csv": [{**contact, "full_name": "a9", "updated_at": same}],
        "b_10.csv": [{**contact, "full_name": "b10", "updated_at": same}],
    }
    result = run(tmp_path, tables)
    assert result.staged["crm_contacts"].iloc[0]["full_name"] == "b2-second"
    assert counts(result, "crm_contacts")["superseded_rows"] == 3


def test_superseded_rows_are_never_quarantined(tmp_path):
    tables = base()
    old = {**tables["crm_accounts"][0], "arr": "12k", "currency": "XXX", "updated_at": "2020-01-01"}
    tables["crm_accounts"].append(old)
    result = run(tmp_path, tables)
    assert result.quarantine.empty
    assert counts(result, "crm_accounts")["superseded_rows"] == 1


def test_invalid_newest_row_does_not_fall_back_to_older_valid_row(tmp_path):
    tables = base()
    tables["crm_contacts"].append(
        {**tables["crm_contacts"][0], "account_id": "A9", "updated_at": "2026"}
    )
    tables["crm_contacts"].append(
        {**tables["crm_contacts"][0], "account_id": "A9", "updated_at": "2030-01-01"}
    )
    result = run(tmp_path, tables)
    assert counts(result, "crm_contacts") == {
        "raw_rows": 3,
        "staged_rows": 0,
        "superseded_rows": 1,
        "quarantined_rows": 2,
    }
    assert sorted(result.quarantine.query("entity == 'crm_contacts'")["reason"]) == [
        "invalid_updated_at",
        "unknown_account",
    ]


def test_newest_row_with_a_value_problem_is_staged_with_that_value_null(tmp_path):
    tables = base()
    tables["crm_accounts"].append(
        {**tables["crm_accounts"][0], "arr": "-1", "updated_at": "2030-01-01"}
    )
    result = run(tmp_path, tables)
    assert counts(result, "crm_accounts")["staged_rows"] == 1
    assert pd.isna(result.staged["crm_accounts"].iloc[0]["arr"])
    assert result.value_problems.values.tolist() == [["crm_accounts", "A1", "arr", "negative_arr"]]


# --------------------------------------------------------------------------------------
# Quarantine reasons
# --------------------------------------------------------------------------------------


def column_id(entity: str) -> str:
    return oracle.ENTITY_COLUMNS[entity][0]


def test_missing_id_in_every_entity(tmp_path):
    tables = base()
    for entity in oracle.ENTITIES:
        tables[entity].append({**BASE[entity][0], column_id(entity): "  "})
    result = run(tmp_path, tables)
    for entity in oracle.ENTITIES:
        own = result.quarantine[result.quarantine["entity"] == entity]
        assert own[["raw_id", "reason"]].values.tolist() == [[None, "missing_id"]]
        assert counts(result, entity)["staged_rows"] == 1


# (entity, changes to the base row, extra rows per entity, expected reason)
REASON_CASES = [
    ("crm_contacts", {"account_id": ""}, {}, "missing_account_id"),
    ("crm_contacts", {"account_id": "A9"}, {}, "unknown_account"),
    ("crm_contacts", {}, {"crm_accounts": {"updated_at": "never"}}, "unknown_account"),
    ("survey_invitations", {"contact_id": ""}, {}, "missing_contact_id"),
    ("survey_invitations", {"survey_type": ""}, {}, "missing_survey_type"),
    ("survey_invitations", {"survey_type": "pulse"}, {}, "invalid_survey_type"),
    ("survey_invitations", {"sent_at": " "}, {}, "missing_sent_at"),
    ("survey_invitations", {"sent_at": "2026-01-10T10:00:00 UTC"}, {}, "invalid_sent_at"),
    ("survey_invitations", {"contact_id": "C9"}, {}, "unknown_contact"),
    ("survey_invitations", {}, {"crm_contacts": {"account_id": "A9"}}, "contact_quarantined"),
    ("survey_responses", {"invitation_id": ""}, {}, "missing_invitation_id"),
    ("survey_responses", {"contact_id": ""}, {}, "missing_contact_id"),
    ("survey_responses", {"score": "   "}, {}, "missing_score"),
    ("survey_responses", {"score": "7.0"}, {}, "invalid_score"),
    ("survey_responses", {"score": "ten"}, {}, "invalid_score"),
    ("survey_responses", {"score": "1e1"}, {}, "invalid_score"),
    ("survey_responses", {"score": "11"}, {}, "score_out_of_range"),
    ("survey_responses", {"score": "-1"}, {}, "score_out_of_range"),
    ("survey_responses", {"responded_at": ""}, {}, "missing_responded_at"),
    ("survey_responses", {"responded_at": "2026-13-45T00:00:00Z"}, {}, "invalid_responded_at"),
    ("survey_responses", {"invitation_id": "I9"}, {}, "unknown_invitation"),
    ("survey_responses", {}, {"survey_invitations": {"sent_at": "x"}}, "invitation_quarantined"),
    ("survey_responses", {"contact_id": "C9"}, {}, "unknown_contact"),
    ("survey_responses", {"contact_id": "C2"}, {"C2": {"account_id": ""}}, "contact_quarantined"),
    ("survey_responses", {"contact_id": "C2"}, {"C2": {}}, "contact_mismatch"),
    (
        "survey_responses",
        {"responded_at": "2026-01-10T00:59:00+01:00"},
        {},
        "response_before_invitation",
    ),
    ("support_tickets", {"account_id": " "}, {}, "missing_account_id"),
    ("support_tickets", {"created_at": ""}, {}, "missing_created_at"),
    ("support_tickets", {"created_at": "soon"}, {}, "invalid_created_at"),
    ("support_tickets", {"account_id": "A9"}, {}, "unknown_account"),
    ("loop_followups", {"response_id": ""}, {}, "missing_response_id"),
    ("loop_followups", {"followed_up_at": ""}, {}, "missing_followed_up_at"),
    ("loop_followups", {"followed_up_at": "tomorrow"}, {}, "invalid_followed_up_at"),
    ("loop_followups", {"response_id": "R9"}, {}, "unknown_response"),
    ("loop_followups", {}, {"survey_responses": {"score": "99"}}, "response_quarantined"),
    ("loop_followups", {"followed_up_at": "2026-01-10T23:59:59Z"}, {}, "followup_before_response"),
    *[(entity, {"updated_at": " "}, {}, "missing_updated_at") for entity in oracle.ENTITIES],
    *[
        (entity, {"updated_at": "03/01/2026"}, {}, "invalid_updated_at")
        for entity in oracle.ENTITIES
    ],
]


# (entity, changes to the base row, column, expected value problem): the row is staged, the
# value null, nothing cascades.
VALUE_CASES = [
    ("crm_accounts", {"arr": "12k", "currency": ""}, "arr", "invalid_arr"),
    ("crm_accounts", {"arr": "1,200"}, "arr", "invalid_arr"),
    ("crm_accounts", {"arr": "210,000.00"}, "arr", "invalid_arr"),
    ("crm_accounts", {"arr": "-0.01"}, "arr", "negative_arr"),
    ("crm_accounts", {"currency": "  "}, "currency", "missing_currency"),
    ("crm_accounts", {"currency": "XYZ"}, "currency", "unknown_currency"),
    ("crm_accounts", {"arr": "", "currency": "XYZ"}, "currency", "unknown_currency"),
    ("crm_accounts", {"employee_count": "7.5"}, "employee_count", "invalid_employee_count"),
    ("crm_accounts", {"employee_count": "-1"}, "employee_count", "invalid_employee_count"),
    (
        "crm_accounts",
        {"contract_start_date": "2025-02-30"},
        "contract_start_date",
        "invalid_contract_start_date",
    ),
    (
        "crm_accounts",
        {"renewal_date": "2026-01-01T00:00:00"},
        "renewal_date",
        "invalid_renewal_date",
    ),
    ("crm_accounts", {"churned_at": "yesterday"}, "churned_at", "invalid_churned_at"),
    ("crm_contacts", {"role": " "}, "role", "missing_role"),
    ("crm_contacts", {"role": "admin"}, "role", "invalid_role"),
    ("crm_contacts", {"role": "---"}, "role", "invalid_role"),
    ("crm_contacts", {"created_at": "02/01/2025"}, "created_at", "invalid_created_at"),
    (
        "support_tickets",
        {"first_response_at": "2026-01-32"},
        "first_response_at",
        "invalid_first_response_at",
    ),
    ("support_tickets", {"solved_at": "06/01/2026"}, "solved_at", "invalid_solved_at"),
    ("support_tickets", {"reopened_count": "1.0"}, "reopened_count", "invalid_reopened_count"),
    ("support_tickets", {"reopened_count": "-2"}, "reopened_count", "invalid_reopened_count"),
    (
        "support_tickets",
        {"downtime_minutes": "n/a"},
        "downtime_minutes",
        "invalid_downtime_minutes",
    ),
    (
        "support_tickets",
        {"downtime_minutes": "-0.5"},
        "downtime_minutes",
        "invalid_downtime_minutes",
    ),
    (
        "support_tickets",
        {"first_response_at": "2026-01-04T23:59:59Z"},
        "first_response_at",
        "first_response_before_created",
    ),
    ("support_tickets", {"solved_at": "2026-01-04"}, "solved_at", "solved_before_created"),
]


@pytest.mark.parametrize(
    ("entity", "changes", "column", "reason"),
    VALUE_CASES,
    ids=[f"{case[0]}-{case[2]}-{case[3]}-{i}" for i, case in enumerate(VALUE_CASES)],
)
def test_value_problem(tmp_path, entity, changes, column, reason):
    """The value is unusable, not the row: it is staged with that value null; nothing cascades."""
    tables = base()
    tables[entity][0].update(changes)
    result = run(tmp_path, tables)
    assert result.quarantine.empty
    raw_id = BASE[entity][0][column_id(entity)]
    assert result.value_problems.values.tolist() == [[entity, raw_id, column, reason]]
    staged = result.staged[entity].iloc[0]
    value_column = "currency" if column == "currency" else column
    assert staged[value_column] is None or pd.isna(staged[value_column])
    assert result.summary["responses"] == 1


def reason_case_tables(entity: str, changes: dict, others: dict) -> dict:
    """Base data with ``changes`` on the base row of ``entity``.

    ``others`` maps an entity to changes of its base row, or a new contact id to the
    changes applied to a copy of the base contact.
    """
    tables = base()
    tables[entity][0].update(changes)
    for key, value in others.items():
        if key in tables:
            tables[key][0].update(value)
        else:
            tables["crm_contacts"].append({**BASE["crm_contacts"][0], "contact_id": key, **value})
    return tables


def namespaced(tables: dict, case: int) -> dict:
    """``tables`` with every non-blank ``*_id`` value suffixed ``#case`` (isolates a case)."""
    return {
        entity: [
            {
                key: f"{value}#{case}" if key.endswith("_id") and value.strip() else value
                for key, value in row.items()
            }
            for row in rows
        ]
        for entity, rows in tables.items()
    }


@pytest.fixture(scope="module")
def reason_cases(tmp_path_factory) -> oracle.Oracle:
    """One landing folder holding every REASON_CASES scenario, each in its own id space."""
    combined: dict[str, list] = {entity: [] for entity in BASE}
    for case, (entity, changes, others, _) in enumerate(REASON_CASES):
        for name, rows in namespaced(reason_case_tables(entity, changes, others), case).items():
            combined[name] += rows
    return oracle.compute(write_landing(tmp_path_factory.mktemp("reasons"), combined))


@pytest.mark.parametrize(
    ("case", "entity", "reason"),
    [(i, case[0], case[3]) for i, case in enumerate(REASON_CASES)],
    ids=[f"{case[0]}-{case[3]}-{i}" for i, case in enumerate(REASON_CASES)],
)
def test_quarantine_reason(reason_cases, case, entity, reason):
    """Each reason is triggered on the base row of ``entity``, and only on it."""
    own = {
        raw_id: why
        for raw_id, why in reasons(reason_cases, entity).items()
        if raw_id.endswith(f"#{case}")
    }
    assert own == {f"{BASE[entity][0][column_id(entity)]}#{case}": reason}


def test_a_reason_case_alone_gives_the_same_result(tmp_path):
    """The namespaced batch above is equivalent to running a case on its own."""
    alone = run(tmp_path, reason_case_tables("survey_responses", {"contact_id": "C2"}, {"C2": {}}))
    assert reasons(alone, "survey_responses") == {"R1": "contact_mismatch"}
    assert len(alone.quarantine) == 2  # the response and its follow-up


def test_winner_with_several_failures_gets_the_first_rule(tmp_path):
    tables = base()
    tables["survey_responses"][0].update({"score": "ten", "responded_at": "", "contact_id": "C9"})
    tables["support_tickets"][0].update(
        {"created_at": "soon", "reopened_count": "-1", "account_id": "A9"}
    )
    result = run(tmp_path, tables)
    assert reasons(result, "survey_responses") == {"R1": "invalid_score"}
    assert reasons(result, "support_tickets") == {"T1": "invalid_created_at"}


def test_every_unusable_value_of_a_row_is_listed(tmp_path):
    tables = base()
    tables["support_tickets"][0].update(
        {"reopened_count": "-1", "downtime_minutes": "x", "solved_at": "2020-01-01"}
    )
    result = run(tmp_path, tables)
    assert result.quarantine.empty
    assert sorted(map(tuple, result.value_problems.values.tolist())) == [
        ("support_tickets", "T1", "downtime_minutes", "invalid_downtime_minutes"),
        ("support_tickets", "T1", "reopened_count", "invalid_reopened_count"),
        ("support_tickets", "T1", "solved_at", "solved_before_created"),
    ]


def test_blank_optional_values_are_fine_but_invalid_ones_are_not(tmp_path):
    tables = base()
    tables["crm_accounts"][0].update(
        {"arr": " ", "currency": "", "employee_count": "", "renewal_date": " ", "churned_at": ""}
    )
    tables["support_tickets"][0].update(
        {"first_response_at": "", "solved_at": " ", "reopened_count": "", "downtime_minutes": ""}
    )
    result = run(tmp_path, tables)
    assert result.quarantine.empty
    account = result.staged["crm_accounts"].iloc[0]
    assert pd.isna(account["arr"]) and account["currency"] is None
    assert pd.isna(result.staged["support_tickets"].iloc[0]["solved_at"])


def test_quarantine_cascades_down_the_references(tmp_path):
    tables = base()
    tables["crm_contacts"][0]["account_id"] = "A9"
    result = run(tmp_path, tables)
    assert reasons(result, "crm_contacts") == {"C1": "unknown_account"}
    assert reasons(result, "survey_invitations") == {"I1": "contact_quarantined"}
    assert reasons(result, "survey_responses") == {"R1": "invitation_quarantined"}
    assert reasons(result, "loop_followups") == {"F1": "response_quarantined"}
    assert reasons(result, "support_tickets") == {}
    assert result.summary["quarantined_rows"] == 4
    assert result.summary["responses"] == 0


def test_a_value_problem_does_not_cascade(tmp_path):
    tables = base()
    tables["crm_accounts"][0]["arr"] = "210,000.00"
    result = run(tmp_path, tables)
    assert result.quarantine.empty
    assert result.summary["responses"] == 1


# --------------------------------------------------------------------------------------
# NPS categories, formulas and the mart
# --------------------------------------------------------------------------------------


def test_category_edges(tmp_path):
    scores = [0, 6, 7, 8, 9, 10]
    result = run(tmp_path, make_responses(scores))
    staged = result.staged["survey_responses"].set_index("score")["nps_category"]
    assert staged.to_dict() == {
        0: "detractor",
        6: "detractor",
        7: "passive",
        8: "passive",
        9: "promoter",
        10: "promoter",
    }
    assert (result.summary["promoters"], result.summary["passives"]) == (2, 2)
    assert result.summary["detractors"] == 2


def test_nps_and_margin_on_a_hand_computed_example(tmp_path):
    # 5 promoters, 2 passives, 3 detractors out of 10; 12 invitations, 10 answered
    scores = [10, 9, 9, 8, 7, 6, 0, 3, 10, 10]
    result = run(tmp_path, make_responses(scores, invitations=12))
    s = result.summary
    assert (s["responses"], s["promoters"], s["passives"], s["detractors"]) == (10, 5, 2, 3)
    assert s["nps"] == pytest.approx(20.0)
    # p = 0.5, d = 0.3: 196 * sqrt((0.8 - 0.04) / 10) = 196 * sqrt(0.076)
    assert s["nps_moe_95"] == pytest.approx(54.033471108, rel=1e-9)
    assert (s["invitations"], s["responded_invitations"]) == (12, 10)
    assert s["response_rate"] == pytest.approx(10 / 12)
    mart = result.nps_monthly
    assert len(mart) == 1
    row = mart.iloc[0]
    assert row[oracle.DIMENSIONS].tolist() == [
        date(2026, 1, 1),
        "relationship",
        "end_user",
        "EMEA",
        "pro",
        "software",
    ]
    assert row["nps"] == pytest.approx(20.0)
    assert row["nps_moe_95"] == pytest.approx(s["nps_moe_95"])
    assert row["response_rate"] == pytest.approx(10 / 12)


def test_all_promoters_margin_is_zero_and_empty_sides_are_null(tmp_path):
    tables = make_responses([10, 9], invitations=2)
    # an invitation in February with no response: a mart row with 0 responses
    tables["survey_invitations"].append(
        {**BASE["survey_invitations"][0], "invitation_id": "IF", "sent_at": "2026-02-03"}
    )
    result = run(tmp_path, tables)
    mart = result.nps_monthly.set_index("month")
    assert mart.loc[date(2026, 1, 1), "nps"] == pytest.approx(100.0)
    assert mart.loc[date(2026, 1, 1), "nps_moe_95"] == pytest.approx(0.0)
    february = mart.loc[date(2026, 2, 1)]
    assert february["responses"] == 0 and february["invitations"] == 1
    assert math.isnan(february["nps"]) and math.isnan(february["nps_moe_95"])
    assert february["response_rate"] == 0.0


def test_an_invitation_with_two_responses_is_responded_once(tmp_path):
    tables = make_responses([10, 0], invitations=3)
    tables["survey_responses"][1]["invitation_id"] = "I0"
    s = run(tmp_path, tables).summary
    assert (s["responses"], s["invitations"], s["responded_invitations"]) == (2, 3, 1)
    assert s["response_rate"] == pytest.approx(1 / 3)
    assert s["nps"] == pytest.approx(0.0)
    assert s["nps_moe_95"] == pytest.approx(196.0 * math.sqrt(1.0 / 2))


def test_response_without_invitation_in_the_same_month(tmp_path):
    tables = base()
    tables["survey_responses"][0]["responded_at"] = "2026-02-02T00:00:00Z"
    result = run(tmp_path, tables)
    mart = result.nps_monthly.set_index("month")
    assert mart.loc[date(2026, 1, 1), ["responses", "invitations"]].tolist() == [0, 1]
    assert mart.loc[date(2026, 1, 1), "responded_invitations"] == 1
    assert mart.loc[date(2026, 2, 1), ["responses", "invitations"]].tolist() == [1, 0]
    assert math.isnan(mart.loc[date(2026, 2, 1), "response_rate"])


def test_offset_timestamps_across_a_month_boundary(tmp_path):
    tables = make_responses([10, 0])
    tables["survey_invitations"][0]["sent_at"] = "2026-01-20T00:00:00Z"
    tables["survey_invitations"][1]["sent_at"] = "2026-01-20T00:00:00Z"
    # local February, UTC January
    tables["survey_responses"][0]["responded_at"] = "2026-02-01T01:30:00+02:00"
    # local January, UTC February
    tables["survey_responses"][1]["responded_at"] = "2026-01-31T22:00:00-0500"
    result = run(tmp_path, tables)
    staged = result.staged["survey_responses"].set_index("response_id")["responded_at"]
    assert staged["R0"] == pd.Timestamp("2026-01-31 23:30:00")
    assert staged["R1"] == pd.Timestamp("2026-02-01 03:00:00")
    mart = result.nps_monthly.set_index("month")
    assert mart.loc[date(2026, 1, 1), ["promoters", "detractors"]].tolist() == [1, 0]
    assert mart.loc[date(2026, 2, 1), ["promoters", "detractors"]].tolist() == [0, 1]


def test_dimensions_use_the_account_version_in_effect(tmp_path):
    tables = make_responses([10, 0, 5])
    account = tables["crm_accounts"][0]
    tables["crm_accounts"] = {
        "a.csv": [
            {**account, "plan": "Basic", "region": "", "updated_at": "2026-01-05T00:00:00Z"},
            {**account, "plan": "Pro", "updated_at": "2026-01-15T00:00:00Z"},
            # an unusable ARR is a value problem: still a version (its plan applies), ARR null
            {**account, "plan": "Broken", "arr": "12k", "updated_at": "2026-01-18T00:00:00Z"},
            {**account, "plan": "Enterprise", "updated_at": "2026-01-25T00:00:00Z"},
        ]
    }
    tables["survey_invitations"][0]["sent_at"] = "2026-01-01T00:00:00Z"  # before all versions
    for inv in tables["survey_invitations"][1:]:
        inv["sent_at"] = "2026-01-02T00:00:00Z"
    responded = ["2026-01-15T00:00:00Z", "2026-01-20T00:00:00Z", "2026-01-04T00:00:00Z"]
    for response, at in zip(tables["survey_responses"], responded, strict=True):
        response["responded_at"] = at
    result = run(tmp_path, tables)
    assert result.staged["crm_accounts"].iloc[0]["plan"] == "enterprise"
    mart = result.nps_monthly
    by_plan = mart.groupby(["plan", "region"])[["responses", "invitations"]].sum()
    # responses: at 01-15 (tie -> the 01-15 version: pro), 01-20 (broken), 01-04 (first: basic)
    # invitations: all sent before the first version -> basic with blank region
    assert by_plan.to_dict("index") == {
        ("basic", "unknown"): {"responses": 1, "invitations": 3},
        ("broken", "EMEA"): {"responses": 1, "invitations": 0},
        ("pro", "EMEA"): {"responses": 1, "invitations": 0},
    }


def test_as_of_scoping(tmp_path):
    tables = make_responses([10, 0, 8], invitations=4)
    tables["survey_invitations"][3]["sent_at"] = "2026-03-01T00:00:00Z"
    tables["survey_responses"][2]["responded_at"] = "2026-02-15T12:00:00Z"
    tables["support_tickets"][0]["solved_at"] = "2026-04-01T00:00:00Z"
    default = run(tmp_path / "default", tables)
    assert default.as_of == pd.Timestamp("2026-04-01")
    assert default.summary["responses"] == 3
    assert default.summary["invitations"] == 4

    scoped = run(tmp_path / "scoped", tables, as_of="2026-02-14")
    assert scoped.as_of == pd.Timestamp("2026-02-14 23:59:59.999999")
    s = scoped.summary
    assert (s["responses"], s["invitations"], s["responded_invitations"]) == (2, 3, 2)
    assert s["quarantined_rows"] == 0
    # out of scope is not quarantined; the staged layer keeps everything
    assert len(scoped.staged["survey_responses"]) == 3
    assert scoped.nps_monthly["month"].tolist() == [date(2026, 1, 1)]

    edge = run(tmp_path / "edge", tables, as_of="2026-02-15T13:00:00+01:00")
    assert edge.as_of == pd.Timestamp("2026-02-15 12:00:00")
    assert edge.summary["responses"] == 3  # responded_at == as_of is in scope
    assert edge.summary["invitations"] == 3


def test_as_of_forms(tmp_path):
    root = write_landing(tmp_path / "raw", base())
    assert oracle.compute(root, as_of=date(2026, 1, 11)).as_of == pd.Timestamp(
        "2026-01-11 23:59:59.999999"
    )
    aware = pd.Timestamp("2026-01-11T12:00:00", tz="America/New_York")
    assert oracle.compute(root, as_of=aware).as_of == pd.Timestamp("2026-01-11 17:00:00")
    assert oracle.compute(root, as_of="2026-01-10 23:59").summary["responses"] == 0
    for bad in ["01/11/2026", "2026-02-30", "yesterday"]:
        with pytest.raises(ValueError, match="invalid as_of"):
            oracle.compute(root, as_of=bad)


def test_empty_landing(tmp_path):
    (tmp_path / "raw").mkdir()
    result = oracle.compute(tmp_path / "raw")
    assert result.nps_monthly.empty
    assert pd.isna(result.as_of)
    assert result.summary["responses"] == 0
    assert result.summary["nps"] is None and result.summary["response_rate"] is None
