"""Independent reference computation ("oracle") of the NPS warehouse.

This module re-implements, in plain pandas, the written rules of the landing contract:
parsing, versioning (dedup), quarantine, point-in-time account attributes and the
``nps_monthly`` mart.  It deliberately shares no code with the dbt models so that a test
can compare the two implementations.

Entry point: :func:`compute` (``compute(raw_dir, as_of=None) -> Oracle``).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd

# --------------------------------------------------------------------------------------
# The landing contract
# --------------------------------------------------------------------------------------

ENTITY_COLUMNS: dict[str, list[str]] = {
    "crm_accounts": [
        "account_id",
        "account_name",
        "industry",
        "region",
        "country",
        "employee_count",
        "plan",
        "arr",
        "currency",
        "contract_start_date",
        "renewal_date",
        "churned_at",
        "churn_reason",
        "updated_at",
    ],
    "crm_contacts": [
        "contact_id",
        "account_id",
        "email",
        "full_name",
        "role",
        "job_title",
        "created_at",
        "updated_at",
    ],
    "survey_invitations": [
        "invitation_id",
        "campaign_id",
        "contact_id",
        "survey_type",
        "trigger_ticket_id",
        "channel",
        "sent_at",
        "updated_at",
    ],
    "survey_responses": [
        "response_id",
        "invitation_id",
        "campaign_id",
        "contact_id",
        "score",
        "comment",
        "tags",
        "responded_at",
        "updated_at",
    ],
    "support_tickets": [
        "ticket_id",
        "account_id",
        "requester_contact_id",
        "category",
        "priority",
        "channel",
        "status",
        "created_at",
        "first_response_at",
        "solved_at",
        "reopened_count",
        "downtime_minutes",
        "updated_at",
    ],
    "loop_followups": [
        "followup_id",
        "response_id",
        "owner",
        "action",
        "followed_up_at",
        "outcome",
        "updated_at",
    ],
}

#: Processing order: every entity comes after the entities it references.
ENTITIES = list(ENTITY_COLUMNS)

#: Typed columns per entity; every other column is trimmed text.
COLUMN_TYPES: dict[str, dict[str, str]] = {
    "crm_accounts": {
        "industry": "enum",
        "region": "region",
        "employee_count": "integer",
        "plan": "enum",
        "arr": "decimal",
        "currency": "currency",
        "contract_start_date": "date",
        "renewal_date": "date",
        "churned_at": "timestamp",
        "updated_at": "timestamp",
    },
    "crm_contacts": {"role": "enum", "created_at": "timestamp", "updated_at": "timestamp"},
    "survey_invitations": {
        "survey_type": "enum",
        "channel": "enum",
        "sent_at": "timestamp",
        "updated_at": "timestamp",
    },
    "survey_responses": {
        "score": "integer",
        "responded_at": "timestamp",
        "updated_at": "timestamp",
    },
    "support_tickets": {
        "category": "enum",
        "priority": "enum",
        "channel": "enum",
        "status": "enum",
        "created_at": "timestamp",
        "first_response_at": "timestamp",
        "solved_at": "timestamp",
        "reopened_count": "integer",
        "downtime_minutes": "decimal",
        "updated_at": "timestamp",
    },
    "loop_followups": {"followed_up_at": "timestamp", "updated_at": "timestamp"},
}

CURRENCIES = frozenset(
    {"USD", "EUR", "GBP", "CAD", "AUD", "JPY", "BRL", "INR"}
    | {"CHF", "SEK", "NOK", "DKK", "NZD", "SGD", "MXN", "ZAR"}
)
ROLES = frozenset({"end_user", "decision_maker"})
SURVEY_TYPES = frozenset({"relationship", "transactional"})
DIMENSIONS = ["month", "survey_type", "respondent_role", "region", "plan", "industry"]
UNKNOWN = "unknown"

INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1


@dataclass
class Oracle:
    """Everything the oracle computes for one landing folder."""

    staged: dict[str, pd.DataFrame]
    quarantine: pd.DataFrame
    value_problems: pd.DataFrame
    counts: pd.DataFrame
    as_of: pd.Timestamp
    nps_monthly: pd.DataFrame
    summary: dict = field(default_factory=dict)


# --------------------------------------------------------------------------------------
# Scalar parsers (input: trimmed text or None; output: value or None when invalid)
# --------------------------------------------------------------------------------------

_TIMESTAMP_RE = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})"
    r"(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?"
    r"(Z|[+-]\d{2}(?::?\d{2})?)?)?",
    re.ASCII,
)
_DATE_RE = re.compile(r"(\d{4})-(\d{2})-(\d{2})", re.ASCII)
_INTEGER_RE = re.compile(r"[+-]?[0-9]+", re.ASCII)
_DECIMAL_RE = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)", re.ASCII)
_NON_ALNUM_RE = re.compile(r"[^a-z0-9]+", re.ASCII)


def clean_text(value) -> str | None:
    """Trim a raw cell; blank, whitespace-only or null becomes ``None``."""
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if value is pd.NA or value is pd.NaT:
        return None
    text = str(value).strip()
    return text or None


def parse_timestamp(text: str | None) -> datetime | None:
    """ISO-8601 timestamp -> naive UTC ``datetime`` (None if blank or invalid).

    ``YYYY-MM-DD`` optionally followed by ``T``/space and ``HH:MM[:SS[.fraction]]``,
    the time optionally followed by ``Z`` or ``±HH``, ``±HHMM``, ``±HH:MM``.  No offset
    means UTC.  Fractions are truncated to microseconds.
    """
    if text is None:
        return None
    match = _TIMESTAMP_RE.fullmatch(text)
    if not match:
        return None
    year, month, day, hour, minute, second, fraction, offset = match.groups()
    micro = int((fraction or "0")[:6].ljust(6, "0"))
    try:
        value = datetime(
            int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0)
        ).replace(microsecond=micro)
    except ValueError:
        return None
    if offset and offset != "Z":
        digits = offset[1:].replace(":", "")
        off_hours, off_minutes = int(digits[:2]), int(digits[2:] or 0)
        if off_hours > 23 or off_minutes > 59:
            return None
        delta = timedelta(hours=off_hours, minutes=off_minutes)
        try:
            value = value - delta if offset[0] == "+" else value + delta
        except OverflowError:
            return None
    return value


def parse_date(text: str | None) -> date | None:
    """Exactly ``YYYY-MM-DD`` and a real calendar date, else None."""
    if text is None or not _DATE_RE.fullmatch(text):
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def parse_integer(text: str | None) -> int | None:
    """``[+-]?digits`` -> int (arbitrary precision), else None."""
    if text is None or not _INTEGER_RE.fullmatch(text):
        return None
    return int(text)


def parse_decimal(text: str | None) -> Decimal | None:
    """``[+-]?(digits[.digits*] | .digits)`` -> Decimal, else None."""
    if text is None or not _DECIMAL_RE.fullmatch(text):
        return None
    return Decimal(text)


def normalise_enum(text: str | None) -> str | None:
    """Lower-case, runs of non-alphanumerics -> ``_``, strip ``_`` (empty result -> None)."""
    if text is None:
        return None
    return _NON_ALNUM_RE.sub("_", text.lower()).strip("_") or None


# --------------------------------------------------------------------------------------
# Column-wise typing
# --------------------------------------------------------------------------------------


def _map(series: pd.Series, func) -> list:
    return [func(value) for value in series.tolist()]


def to_timestamps(series: pd.Series) -> pd.Series:
    """Text column -> ``datetime64[us]`` naive UTC (NaT when blank or invalid)."""
    return pd.Series(_map(series, parse_timestamp), index=series.index, dtype="datetime64[us]")


def to_dates(series: pd.Series) -> pd.Series:
    """Text column -> object column of ``datetime.date`` (None when blank or invalid)."""
    return pd.Series(_map(series, parse_date), index=series.index, dtype=object)


def to_integers(series: pd.Series) -> pd.Series:
    """Text column -> nullable ``Int64`` (NA when blank, invalid or outside 64 bits)."""

    def parse(text):
        value = parse_integer(text)
        return value if value is not None and INT64_MIN <= value <= INT64_MAX else None

    return pd.Series(_map(series, parse), index=series.index, dtype="Int64")


def to_decimals(series: pd.Series) -> pd.Series:
    """Text column -> ``float64`` (NaN when blank or invalid)."""

    def parse(text):
        value = parse_decimal(text)
        return np.nan if value is None else float(value)

    return pd.Series(_map(series, parse), index=series.index, dtype="float64")


def to_enums(series: pd.Series) -> pd.Series:
    return pd.Series(_map(series, normalise_enum), index=series.index, dtype=object)


def to_currency(series: pd.Series) -> pd.Series:
    return pd.Series(
        _map(series, lambda t: None if t is None else t.upper()), index=series.index, dtype=object
    )


_TYPERS = {
    "timestamp": to_timestamps,
    "date": to_dates,
    "integer": to_integers,
    "decimal": to_decimals,
    "enum": to_enums,
    "currency": to_currency,
    "region": lambda s: s.astype(object),
}


def typed_columns(entity: str, raw: pd.DataFrame) -> pd.DataFrame:
    """All contract columns of ``raw`` converted to their types (text stays text)."""
    types = COLUMN_TYPES[entity]
    typed = {}
    for column in ENTITY_COLUMNS[entity]:
        kind = types.get(column)
        typed[column] = _TYPERS[kind](raw[column]) if kind else raw[column].astype(object)
    return pd.DataFrame(typed, index=raw.index)


def is_invalid(text: pd.Series, typed: pd.Series) -> pd.Series:
    """Non-blank text whose typed value is missing."""
    return text.notna() & typed.isna()


# --------------------------------------------------------------------------------------
# Reading the landing folder
# --------------------------------------------------------------------------------------


def _normalise_header(name) -> str:
    return str(name).strip().lower()


def _read_csv(path: Path) -> pd.DataFrame:
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except pd.errors.EmptyDataError:
        return pd.DataFrame()
    return frame.astype(object)


def _read_parquet(path: Path) -> pd.DataFrame:
    """Every column as Python ``str(value)`` (nulls stay None): 3.0 -> "3.0", like CSV text."""
    import pyarrow.parquet as pq

    table = pq.read_table(path)
    columns = {
        name: pd.Series([None if v is None else str(v) for v in column.to_pylist()], dtype=object)
        for name, column in zip(table.column_names, table.columns, strict=True)
    }
    return pd.DataFrame(columns)


def read_entity(raw_dir: Path, entity: str) -> pd.DataFrame:
    """All raw rows of one entity, every contract column as trimmed text or None.

    Adds ``_file`` (file name) and ``_row`` (0-based data row within the file).  Files are
    read in file-name order; headers match ignoring case and surrounding spaces; missing
    columns are all-blank, extra columns are dropped.
    """
    columns = ENTITY_COLUMNS[entity]
    folder = Path(raw_dir) / entity
    files = sorted(
        (p for p in folder.glob("*") if p.is_file() and p.suffix.lower() in {".csv", ".parquet"}),
        key=lambda p: p.name,
    )
    data: dict[str, list] = {column: [] for column in [*columns, "_file", "_row"]}
    for path in files:
        frame = _read_parquet(path) if path.suffix.lower() == ".parquet" else _read_csv(path)
        frame.columns = [_normalise_header(c) for c in frame.columns]
        frame = frame.loc[:, ~frame.columns.duplicated()]
        for column in columns:
            source = frame[column].tolist() if column in frame.columns else [None] * len(frame)
            data[column] += [clean_text(value) for value in source]
        data["_file"] += [path.name] * len(frame)
        data["_row"] += range(len(frame))
    raw = pd.DataFrame({column: pd.Series(values, dtype=object) for column, values in data.items()})
    raw["_row"] = raw["_row"].astype("int64")
    return raw


# --------------------------------------------------------------------------------------
# Versions (steps 1-3) and step-4 checks
# --------------------------------------------------------------------------------------


def first_failure(index: pd.Index, rules: list[tuple[str, pd.Series]]) -> pd.Series:
    """Name of the first rule whose mask is true per row (None when all pass)."""
    reason = np.full(len(index), None, dtype=object)
    for name, mask in rules:
        hit = mask.reindex(index).to_numpy(dtype=bool, na_value=False)
        reason[hit & pd.isna(reason)] = name
    return pd.Series(reason, index=index, dtype=object)


def resolve_versions(entity: str, raw: pd.DataFrame) -> pd.DataFrame:
    """Steps 1-3: id / updated_at checks, then newest row per id wins.

    Returns ``raw`` plus ``raw_id``, ``_updated`` (parsed updated_at), ``reason`` (steps 1-2)
    ``outcome`` in {"winner", "superseded", "quarantined"} and ``winner`` (survives 1-3).
    """
    id_column = ENTITY_COLUMNS[entity][0]
    rows = raw.copy()
    rows["raw_id"] = rows[id_column]
    rows["_updated"] = to_timestamps(rows["updated_at"])
    rows["reason"] = first_failure(
        rows.index,
        [
            ("missing_id", rows["raw_id"].isna()),
            ("missing_updated_at", rows["updated_at"].isna()),
            ("invalid_updated_at", rows["_updated"].isna()),
        ],
    )
    candidates = rows[rows["reason"].isna()]
    ordered = candidates.sort_values(["raw_id", "_updated", "_file", "_row"], kind="stable")
    winners = ordered.groupby("raw_id", sort=False).tail(1).index
    rows["outcome"] = "quarantined"
    rows.loc[candidates.index, "outcome"] = "superseded"
    rows.loc[winners, "outcome"] = "winner"
    rows["winner"] = rows["outcome"] == "winner"
    return rows


def reference_rules(ids: pd.Series, parent: pd.DataFrame, name: str) -> list[tuple[str, pd.Series]]:
    """``unknown_<name>`` / ``<name>_quarantined`` against a resolved parent entity."""
    state = parent[parent["winner"]].set_index("raw_id")["outcome"]
    known = ids.isin(state.index)
    quarantined = pd.Series(state.reindex(ids.to_numpy()).eq("quarantined").to_numpy(), ids.index)
    return [(f"unknown_{name}", ~known), (f"{name}_quarantined", known & quarantined)]


def parent_values(ids: pd.Series, parent: pd.DataFrame, column: str) -> pd.Series:
    """Typed ``column`` of the parent's staged winner, aligned to ``ids``."""
    staged = parent[parent["outcome"] == "staged"].set_index("raw_id")[f"typed_{column}"]
    return pd.Series(staged.reindex(ids.to_numpy()).to_numpy(), index=ids.index)


def first_reason(index: pd.Index, rules: list[tuple[str, pd.Series]]) -> pd.Series:
    """Alias of first_failure for one column's value rules (None when the value is usable)."""
    return first_failure(index, rules)


def nonnegative_invalid(rows, typed, column, parse) -> pd.Series:
    """Non-blank text that does not parse as ``parse`` or is negative."""
    values = rows[column].map(parse)
    return rows[column].notna() & (typed[column].isna() | values.map(lambda v: v is None or v < 0))


def value_problems_accounts(rows: pd.DataFrame, typed: pd.DataFrame) -> dict[str, pd.Series]:
    """crm_accounts value problems per landing column: the value is unusable, the row is not."""
    arr = rows["arr"].map(parse_decimal)
    i = rows.index
    return {
        "employee_count": first_reason(
            i,
            [
                (
                    "invalid_employee_count",
                    nonnegative_invalid(rows, typed, "employee_count", parse_integer),
                )
            ],
        ),
        "arr": first_reason(
            i,
            [
                ("invalid_arr", is_invalid(rows["arr"], typed["arr"])),
                ("negative_arr", arr.map(lambda v: v is not None and v < 0)),
            ],
        ),
        "currency": first_reason(
            i,
            [
                ("missing_currency", typed["arr"].notna() & rows["currency"].isna()),
                (
                    "unknown_currency",
                    typed["currency"].notna() & ~typed["currency"].isin(CURRENCIES),
                ),
            ],
        ),
        "contract_start_date": first_reason(
            i,
            [
                (
                    "invalid_contract_start_date",
                    is_invalid(rows["contract_start_date"], typed["contract_start_date"]),
                )
            ],
        ),
        "renewal_date": first_reason(
            i, [("invalid_renewal_date", is_invalid(rows["renewal_date"], typed["renewal_date"]))]
        ),
        "churned_at": first_reason(
            i, [("invalid_churned_at", is_invalid(rows["churned_at"], typed["churned_at"]))]
        ),
    }


def value_problems_contacts(rows: pd.DataFrame, typed: pd.DataFrame) -> dict[str, pd.Series]:
    """crm_contacts value problems: the role and created_at."""
    i = rows.index
    return {
        "role": first_reason(
            i,
            [("missing_role", rows["role"].isna()), ("invalid_role", ~typed["role"].isin(ROLES))],
        ),
        "created_at": first_reason(
            i, [("invalid_created_at", is_invalid(rows["created_at"], typed["created_at"]))]
        ),
    }


def value_problems_tickets(rows: pd.DataFrame, typed: pd.DataFrame) -> dict[str, pd.Series]:
    """support_tickets value problems: first response, solve, reopened count, downtime."""
    i = rows.index
    return {
        "first_response_at": first_reason(
            i,
            [
                (
                    "invalid_first_response_at",
                    is_invalid(rows["first_response_at"], typed["first_response_at"]),
                ),
                (
                    "first_response_before_created",
                    typed["first_response_at"] < typed["created_at"],
                ),
            ],
        ),
        "solved_at": first_reason(
            i,
            [
                ("invalid_solved_at", is_invalid(rows["solved_at"], typed["solved_at"])),
                ("solved_before_created", typed["solved_at"] < typed["created_at"]),
            ],
        ),
        "reopened_count": first_reason(
            i,
            [
                (
                    "invalid_reopened_count",
                    nonnegative_invalid(rows, typed, "reopened_count", parse_integer),
                )
            ],
        ),
        "downtime_minutes": first_reason(
            i,
            [
                (
                    "invalid_downtime_minutes",
                    nonnegative_invalid(rows, typed, "downtime_minutes", parse_decimal),
                )
            ],
        ),
    }


_VALUE_PROBLEMS = {
    "crm_accounts": value_problems_accounts,
    "crm_contacts": value_problems_contacts,
    "support_tickets": value_problems_tickets,
}


def check_contacts(rows, typed, resolved) -> pd.Series:
    """crm_contacts step-4 checks (``resolved``: the entities resolved so far)."""
    return first_failure(
        rows.index,
        [
            ("missing_account_id", rows["account_id"].isna()),
            *reference_rules(rows["account_id"], resolved["crm_accounts"], "account"),
        ],
    )


def check_invitations(rows, typed, resolved) -> pd.Series:
    """survey_invitations step-4 checks."""
    return first_failure(
        rows.index,
        [
            ("missing_contact_id", rows["contact_id"].isna()),
            ("missing_survey_type", rows["survey_type"].isna()),
            ("invalid_survey_type", ~typed["survey_type"].isin(SURVEY_TYPES)),
            ("missing_sent_at", rows["sent_at"].isna()),
            ("invalid_sent_at", typed["sent_at"].isna()),
            *reference_rules(rows["contact_id"], resolved["crm_contacts"], "contact"),
        ],
    )


def check_responses(rows, typed, resolved) -> pd.Series:
    """survey_responses step-4 checks."""
    invitations = resolved["survey_invitations"]
    score = rows["score"].map(parse_integer)
    return first_failure(
        rows.index,
        [
            ("missing_invitation_id", rows["invitation_id"].isna()),
            ("missing_contact_id", rows["contact_id"].isna()),
            ("missing_score", rows["score"].isna()),
            ("invalid_score", score.isna()),
            ("score_out_of_range", score.map(lambda v: v is not None and not 0 <= v <= 10)),
            ("missing_responded_at", rows["responded_at"].isna()),
            ("invalid_responded_at", typed["responded_at"].isna()),
            *reference_rules(rows["invitation_id"], invitations, "invitation"),
            *reference_rules(rows["contact_id"], resolved["crm_contacts"], "contact"),
            (
                "contact_mismatch",
                rows["contact_id"]
                != parent_values(rows["invitation_id"], invitations, "contact_id"),
            ),
            (
                "response_before_invitation",
                typed["responded_at"]
                < parent_values(rows["invitation_id"], invitations, "sent_at"),
            ),
        ],
    )


def check_tickets(rows, typed, resolved) -> pd.Series:
    """support_tickets step-4 checks."""
    return first_failure(
        rows.index,
        [
            ("missing_account_id", rows["account_id"].isna()),
            ("missing_created_at", rows["created_at"].isna()),
            ("invalid_created_at", typed["created_at"].isna()),
            *reference_rules(rows["account_id"], resolved["crm_accounts"], "account"),
        ],
    )


def check_followups(rows, typed, resolved) -> pd.Series:
    """loop_followups step-4 checks."""
    responses = resolved["survey_responses"]
    return first_failure(
        rows.index,
        [
            ("missing_response_id", rows["response_id"].isna()),
            ("missing_followed_up_at", rows["followed_up_at"].isna()),
            ("invalid_followed_up_at", typed["followed_up_at"].isna()),
            *reference_rules(rows["response_id"], responses, "response"),
            (
                "followup_before_response",
                typed["followed_up_at"]
                < parent_values(rows["response_id"], responses, "responded_at"),
            ),
        ],
    )


_CHECKS = {
    "crm_accounts": lambda rows, typed, resolved: pd.Series(None, index=rows.index, dtype=object),
    "crm_contacts": check_contacts,
    "survey_invitations": check_invitations,
    "survey_responses": check_responses,
    "support_tickets": check_tickets,
    "loop_followups": check_followups,
}


def resolve_entity(entity: str, raw: pd.DataFrame, resolved: dict) -> pd.DataFrame:
    """Steps 1-4 for one entity, then value problems.

    Returns one row per raw row: the raw text columns, ``_file``/``_row``, ``raw_id``,
    ``_updated``, ``winner``, ``outcome`` in {"staged", "superseded", "quarantined"},
    ``reason``, the typed values as ``typed_<column>`` (null where the value has a problem) and
    ``problem_<column>`` for each column that can have a value problem.
    """
    rows = resolve_versions(entity, raw)
    typed = typed_columns(entity, rows)
    winners = rows["outcome"] == "winner"
    step4 = pd.Series(None, index=rows.index, dtype=object)
    if winners.any():
        step4[winners] = _CHECKS[entity](rows[winners], typed[winners], resolved)
    rows["reason"] = rows["reason"].where(rows["reason"].notna(), step4)
    rows.loc[winners & rows["reason"].isna(), "outcome"] = "staged"
    rows.loc[winners & rows["reason"].notna(), "outcome"] = "quarantined"
    problems = _VALUE_PROBLEMS.get(entity, lambda rows, typed: {})(rows, typed)
    for column, reason in problems.items():
        rows[f"problem_{column}"] = reason
        unusable = reason.notna()
        if column == "currency":
            # An ARR without a usable currency cannot be converted: arr_usd is unknown.
            typed.loc[unusable, "currency"] = None
        else:
            typed.loc[unusable, column] = None
    return pd.concat([rows, typed.add_prefix("typed_")], axis=1)


def value_problems_frame(resolved: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """entity, raw_id, column_name, reason of every unusable value of a staged row."""
    frames = []
    for entity, rows in resolved.items():
        staged = rows[rows["outcome"] == "staged"]
        for column in [c[len("problem_") :] for c in rows.columns if c.startswith("problem_")]:
            hit = staged[staged[f"problem_{column}"].notna()]
            frames.append(
                pd.DataFrame(
                    {
                        "entity": pd.Series(entity, index=hit.index, dtype=object),
                        "raw_id": hit["raw_id"].astype(object),
                        "column_name": pd.Series(column, index=hit.index, dtype=object),
                        "reason": hit[f"problem_{column}"].astype(object),
                    }
                )
            )
    return pd.concat(frames, ignore_index=True)


def staged_frame(entity: str, rows: pd.DataFrame) -> pd.DataFrame:
    """Typed staged rows of one entity (contract columns + source_file / source_row)."""
    staged = rows[rows["outcome"] == "staged"]
    frame = pd.DataFrame(
        {c: staged[f"typed_{c}"] for c in ENTITY_COLUMNS[entity]}, index=staged.index
    )
    if entity == "survey_responses":
        frame["nps_category"] = frame["score"].map(nps_category).astype(object)
    frame["source_file"] = staged["_file"]
    frame["source_row"] = staged["_row"]
    id_column = ENTITY_COLUMNS[entity][0]
    return frame.sort_values(id_column, kind="stable").reset_index(drop=True)


def nps_category(score) -> str | None:
    """promoter 9-10, passive 7-8, detractor 0-6."""
    if score is None or score is pd.NA:
        return None
    if score >= 9:
        return "promoter"
    if score >= 7:
        return "passive"
    return "detractor"


# --------------------------------------------------------------------------------------
# as_of and point-in-time account attributes
# --------------------------------------------------------------------------------------


def resolve_as_of(as_of, staged: dict[str, pd.DataFrame]) -> pd.Timestamp:
    """The build's 'now' as a naive UTC Timestamp.

    Given: ISO date (-> 23:59:59.999999 that day, UTC), ISO timestamp, ``date``, ``datetime``
    or ``Timestamp`` (aware values are converted to UTC).  Not given: the latest staged event.
    """
    if as_of is not None:
        if isinstance(as_of, str):
            text = as_of.strip()
            day, stamp = parse_date(text), parse_timestamp(text)
            if day is None and stamp is None:
                raise ValueError(f"invalid as_of: {as_of!r}")
            if day is None:
                return pd.Timestamp(stamp)
            as_of = day
        if isinstance(as_of, date) and not isinstance(as_of, datetime):
            return pd.Timestamp(datetime.combine(as_of, time(23, 59, 59, 999999)))
        stamp = pd.Timestamp(as_of)
        if stamp.tzinfo is not None:
            stamp = stamp.tz_convert(UTC).tz_localize(None)
        return stamp
    events = [
        staged["survey_responses"]["responded_at"],
        staged["survey_invitations"]["sent_at"],
        staged["support_tickets"]["created_at"],
        staged["support_tickets"]["first_response_at"],
        staged["support_tickets"]["solved_at"],
        staged["loop_followups"]["followed_up_at"],
    ]
    latest = pd.concat(events).max()
    return pd.Timestamp(latest) if pd.notna(latest) else pd.NaT


def account_versions(accounts: pd.DataFrame) -> pd.DataFrame:
    """Valid versions of accounts whose winner is staged, numbered in (updated_at, file, row)."""
    staged_ids = accounts.loc[accounts["outcome"] == "staged", "raw_id"]
    versions = accounts[accounts["outcome"].ne("quarantined") & accounts["raw_id"].isin(staged_ids)]
    versions = versions.sort_values(["raw_id", "_updated", "_file", "_row"], kind="stable")
    versions = pd.DataFrame(
        {
            "account_id": versions["raw_id"],
            "valid_from": versions["_updated"],
            "region": versions["typed_region"],
            "plan": versions["typed_plan"],
            "industry": versions["typed_industry"],
        }
    )
    versions["seq"] = versions.groupby("account_id").cumcount()
    return versions.reset_index(drop=True)


def attributes_at(events: pd.DataFrame, at: str, versions: pd.DataFrame) -> pd.DataFrame:
    """region / plan / industry of ``events.account_id`` in effect at ``events[at]``.

    The version in effect is the last with valid_from <= t, else the account's first version.
    Missing values become ``unknown``.
    """
    keyed = events[["account_id", at]].reset_index(names="_event")
    pairs = keyed.merge(versions, on="account_id", how="inner")
    effective = pairs[pairs["valid_from"] <= pairs[at]]
    last_effective = effective.sort_values("seq").groupby("_event").tail(1)
    first = pairs.sort_values("seq").groupby("_event").head(1)
    fallback = first[~first["_event"].isin(last_effective["_event"])]
    chosen = pd.concat([last_effective, fallback]).set_index("_event")
    dims = chosen.reindex(events.index)[["region", "plan", "industry"]]
    return dims.astype(object).where(dims.notna(), UNKNOWN)


# --------------------------------------------------------------------------------------
# The mart
# --------------------------------------------------------------------------------------


def month_start(stamps: pd.Series) -> pd.Series:
    """First day of the UTC calendar month, as ``datetime.date``."""
    return pd.Series([date(t.year, t.month, 1) for t in stamps], index=stamps.index, dtype=object)


def response_facts(staged: dict, versions: pd.DataFrame, as_of: pd.Timestamp) -> pd.DataFrame:
    """In-scope staged responses with their dimensions and nps_category."""
    responses = staged["survey_responses"]
    responses = responses[responses["responded_at"] <= as_of]
    invitations = staged["survey_invitations"][["invitation_id", "survey_type"]]
    contacts = staged["crm_contacts"][["contact_id", "account_id", "role"]]
    facts = responses.merge(invitations, on="invitation_id", how="left").merge(
        contacts, on="contact_id", how="left"
    )
    facts = facts.rename(columns={"role": "respondent_role"})
    facts["month"] = month_start(facts["responded_at"])
    facts[["region", "plan", "industry"]] = attributes_at(facts, "responded_at", versions)
    return _fill_unknown(facts)


def invitation_facts(
    staged: dict, versions: pd.DataFrame, as_of: pd.Timestamp, responded_ids: set
) -> pd.DataFrame:
    """In-scope staged invitations with their dimensions and a ``responded`` flag."""
    invitations = staged["survey_invitations"]
    invitations = invitations[invitations["sent_at"] <= as_of]
    contacts = staged["crm_contacts"][["contact_id", "account_id", "role"]]
    facts = invitations.merge(contacts, on="contact_id", how="left")
    facts = facts.rename(columns={"role": "respondent_role"})
    facts["month"] = month_start(facts["sent_at"])
    facts[["region", "plan", "industry"]] = attributes_at(facts, "sent_at", versions)
    facts["responded"] = facts["invitation_id"].isin(responded_ids)
    return _fill_unknown(facts)


def _fill_unknown(facts: pd.DataFrame) -> pd.DataFrame:
    for column in ["survey_type", "respondent_role", "region", "plan", "industry"]:
        facts[column] = facts[column].astype(object).where(facts[column].notna(), UNKNOWN)
    return facts


def add_metrics(frame: pd.DataFrame) -> pd.DataFrame:
    """nps, nps_moe_95 and response_rate from the count columns (NaN when undefined)."""
    responses = frame["responses"].astype("float64")
    p = frame["promoters"] / responses.where(responses > 0)
    d = frame["detractors"] / responses.where(responses > 0)
    frame["nps"] = 100.0 * (p - d)
    variance = (p + d - (p - d) ** 2).clip(lower=0.0)
    frame["nps_moe_95"] = 196.0 * np.sqrt(variance / responses.where(responses > 0))
    invitations = frame["invitations"].astype("float64")
    frame["response_rate"] = frame["responded_invitations"] / invitations.where(invitations > 0)
    return frame


def clustered_metrics(responses: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """nps_moe_95_clustered, design_effect and effective_responses per group of ``by`` (every
    response when ``by`` is empty), with accounts as clusters: the residual form of the linearised
    variance of the ratio r = sum(y) / sum(n) over accounts, k/(k - 1) * sum((y_i - r n_i)^2) /
    (sum n)^2, and Student's t with k - 1 degrees of freedom (scipy) for the margin.  NaN below 2
    accounts; design effect NaN when every response is in one category."""
    from scipy import stats

    scored = responses.assign(
        y=responses["nps_category"].map({"promoter": 1, "passive": 0, "detractor": -1}),
        n=1,
        y_squared=responses["nps_category"].isin(["promoter", "detractor"]).astype(int),
        _all="all",
    )
    keys = list(by) or ["_all"]
    columns = ["y", "n", "y_squared"]
    accounts = scored.groupby(keys + ["account_id"], dropna=False)[columns].sum().reset_index()
    rows = []
    for key, group in accounts.groupby(keys, dropna=False):
        y, n = group["y"].to_numpy(float), group["n"].to_numpy(float)
        k, total = len(group), n.sum()
        ratio = y.sum() / total
        row = dict(zip(keys, key if isinstance(key, tuple) else (key,), strict=True))
        # per-response variance of the +1/0/-1 indicator: E[y^2] - E[y]^2
        simple = group["y_squared"].sum() / total - ratio**2
        clustered = k / (k - 1) * ((y - ratio * n) ** 2).sum() / total**2 if k >= 2 else math.nan
        effect = clustered / (simple / total) if simple > 1e-15 else math.nan
        row["nps_moe_95_clustered"] = (
            100.0 * stats.t.ppf(0.975, k - 1) * math.sqrt(clustered) if k >= 2 else math.nan
        )
        row["design_effect"] = effect
        row["effective_responses"] = total / effect if effect > 0 else math.nan
        rows.append(row)
    metrics = ["nps_moe_95_clustered", "design_effect", "effective_responses"]
    frame = pd.DataFrame(rows, columns=keys + metrics)  # the columns even without responses
    return frame.drop(columns=["_all"], errors="ignore")


def nps_monthly(responses: pd.DataFrame, invitations: pd.DataFrame) -> pd.DataFrame:
    """The mart: full outer join of response and invitation counts per dimension tuple."""
    category = responses["nps_category"]
    response_counts = (
        responses.assign(
            promoters=category.eq("promoter").astype("int64"),
            passives=category.eq("passive").astype("int64"),
            detractors=category.eq("detractor").astype("int64"),
            responses=1,
        )
        .groupby(DIMENSIONS, as_index=False)[["responses", "promoters", "passives", "detractors"]]
        .sum()
    )
    invitation_counts = (
        invitations.assign(
            invitations=1, responded_invitations=invitations["responded"].astype("int64")
        )
        .groupby(DIMENSIONS, as_index=False)[["invitations", "responded_invitations"]]
        .sum()
    )
    mart = response_counts.merge(invitation_counts, on=DIMENSIONS, how="outer")
    counts = ["responses", "promoters", "passives", "detractors"]
    counts += ["invitations", "responded_invitations"]
    mart[counts] = mart[counts].fillna(0).astype("int64")
    mart = add_metrics(mart)
    mart = mart.merge(clustered_metrics(responses, DIMENSIONS), on=DIMENSIONS, how="left")
    clustered = ["nps_moe_95_clustered", "design_effect", "effective_responses"]
    columns = DIMENSIONS + counts[:4] + ["nps", "nps_moe_95"] + clustered + counts[4:]
    columns += ["response_rate"]
    return mart[columns].sort_values(DIMENSIONS, kind="stable").reset_index(drop=True)


def summarise(responses: pd.DataFrame, invitations: pd.DataFrame, quarantined: int) -> dict:
    """The mart's measures over everything in scope (None when undefined)."""
    category = responses["nps_category"]
    totals = pd.DataFrame(
        {
            "responses": [len(responses)],
            "promoters": [int(category.eq("promoter").sum())],
            "passives": [int(category.eq("passive").sum())],
            "detractors": [int(category.eq("detractor").sum())],
            "invitations": [len(invitations)],
            "responded_invitations": [int(invitations["responded"].sum())],
        }
    )
    row = add_metrics(totals).iloc[0]
    summary = {}
    for key in ["responses", "promoters", "passives", "detractors"]:
        summary[key] = int(row[key])
    for key in ["nps", "nps_moe_95"]:
        summary[key] = None if pd.isna(row[key]) else float(row[key])
    if len(responses):
        clustered = clustered_metrics(responses, []).iloc[0]
        for key in ["nps_moe_95_clustered", "design_effect", "effective_responses"]:
            summary[key] = None if pd.isna(clustered[key]) else float(clustered[key])
    summary["invitations"] = int(row["invitations"])
    summary["responded_invitations"] = int(row["responded_invitations"])
    summary["response_rate"] = (
        None if pd.isna(row["response_rate"]) else float(row["response_rate"])
    )
    summary["quarantined_rows"] = int(quarantined)
    return summary


def quarantine_frame(resolved: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """entity, raw_id, reason of every quarantined raw row (in entity, file, row order)."""
    frames = []
    for entity, rows in resolved.items():
        quarantined = rows[rows["outcome"] == "quarantined"]
        frames.append(
            pd.DataFrame(
                {
                    "entity": pd.Series(entity, index=quarantined.index, dtype=object),
                    "raw_id": quarantined["raw_id"].astype(object),
                    "reason": quarantined["reason"].astype(object),
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def counts_frame(resolved: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Per entity: raw rows and how many ended staged / superseded / quarantined."""
    return pd.DataFrame(
        [
            {
                "entity": entity,
                "raw_rows": len(rows),
                "staged_rows": int((rows["outcome"] == "staged").sum()),
                "superseded_rows": int((rows["outcome"] == "superseded").sum()),
                "quarantined_rows": int((rows["outcome"] == "quarantined").sum()),
            }
            for entity, rows in resolved.items()
        ]
    )


# --------------------------------------------------------------------------------------
# Entry point
# --------------------------------------------------------------------------------------


def compute(raw_dir, as_of=None) -> Oracle:
    """Run the whole reference computation on a landing folder."""
    resolved: dict[str, pd.DataFrame] = {}
    for entity in ENTITIES:
        resolved[entity] = resolve_entity(entity, read_entity(Path(raw_dir), entity), resolved)

    staged = {entity: staged_frame(entity, rows) for entity, rows in resolved.items()}
    quarantine = quarantine_frame(resolved)
    value_problems = value_problems_frame(resolved)
    counts = counts_frame(resolved)

    scope = resolve_as_of(as_of, staged)
    versions = account_versions(resolved["crm_accounts"])
    responses = response_facts(staged, versions, scope)
    invitations = invitation_facts(staged, versions, scope, set(responses["invitation_id"]))
    return Oracle(
        staged=staged,
        quarantine=quarantine,
        value_problems=value_problems,
        counts=counts,
        as_of=scope,
        nps_monthly=nps_monthly(responses, invitations),
        summary=summarise(responses, invitations, len(quarantine)),
    )
