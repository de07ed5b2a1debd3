"""Rendering simulated frames to the landing files' text columns (pyarrow string arrays)."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from nps_warehouse.generate.vocabulary import (
    CAMPAIGN_PREFIX,
    CHURN_REASONS,
    COUNTRIES,
    CSM_OWNERS,
    EDIT_NOTES,
    EMOJIS,
    ENTITY_COLUMNS,
    FIRST_NAMES,
    FOLLOWUP_ACTIONS,
    FOLLOWUP_OUTCOMES,
    INDUSTRIES,
    INVITATION_CHANNELS,
    JOB_TITLES,
    LAST_NAMES,
    NA,
    NAME_A,
    NAME_B,
    OFFSET_SECONDS,
    OFFSETS,
    PLANS,
    PRIORITIES,
    ROLE_TEXT,
    SENTENCES,
    SURVEY_TYPES,
    THEMES,
    TICKET_CATEGORIES,
    TICKET_CHANNELS,
    TICKET_STATUSES,
    TS_STYLE_P,
    TS_SUFFIXES,
)
from nps_warehouse.generate.world import Frame, World

_NULL = pa.scalar(None, pa.string())


def labels(values: tuple[str, ...], codes: np.ndarray) -> pa.Array:
    """Text labels for integer codes; negative codes give null."""
    codes = np.asarray(codes, np.int64)
    index = pa.array(codes, mask=codes < 0) if (codes < 0).any() else pa.array(codes)
    return pc.take(pa.array(values, pa.string()), index)


def join(*parts: pa.Array | str) -> pa.Array:
    """Element-wise concatenation of string arrays and literals."""
    return pc.binary_join_element_wise(*parts, "")


def integers(values: np.ndarray, null_below: int | None = None) -> pa.Array:
    """Integers as text (null where below ``null_below``)."""
    text = pc.cast(pa.array(np.asarray(values, np.int64)), pa.string())
    if null_below is None:
        return text
    return pc.if_else(pa.array(np.asarray(values) < null_below), _NULL, text)


def key(world: World, entity: str, numbers: np.ndarray) -> np.ndarray:
    """A block's 1-based ids of ``entity`` as the data set's (shifted by the block's offset;
    numbers below 1, which render as null, stay as they are)."""
    numbers = np.asarray(numbers, np.int64)
    offset = world.offsets.get(entity, 0)
    return numbers if offset == 0 else np.where(numbers < 1, numbers, numbers + offset)


def ids(prefix: str, numbers: np.ndarray) -> pa.Array:
    """Ids like ``ACC-000123`` (null for numbers below 1)."""
    numbers = np.asarray(numbers, np.int64)
    text = join(prefix + "-", pc.utf8_lpad(integers(numbers), 6, padding="0"))
    return pc.if_else(pa.array(numbers < 1), _NULL, text) if (numbers < 1).any() else text


def timestamps(rng: np.random.Generator, values: np.ndarray) -> pa.Array:
    """ISO-8601 text: ~70% ``Z``, ~20% rendered in a UTC offset, ~10% without offset."""
    values = np.asarray(values, np.int64)
    n = len(values)
    u = rng.random(n)
    style = (u >= TS_STYLE_P[0]).astype(np.int64) + (u >= TS_STYLE_P[0] + TS_STYLE_P[1])
    offset = rng.integers(len(OFFSETS), size=n)
    missing = values == NA
    local = np.where(missing, 0, values + np.where(style == 1, OFFSET_SECONDS[offset], 0))
    text = join(
        iso_seconds(local), labels(TS_SUFFIXES, np.where(style == 1, 2 + offset, style // 2))
    )
    return pc.if_else(pa.array(missing), _NULL, text) if missing.any() else text


def iso_seconds(values: np.ndarray) -> pa.Array:
    """Epoch seconds as ``YYYY-MM-DDTHH:MM:SS`` (much faster than ``pc.strftime``)."""
    text = pc.cast(pa.array(np.asarray(values).astype("datetime64[s]")), pa.string())
    return pc.utf8_replace_slice(text, 10, 11, "T")


def dates(days: np.ndarray) -> pa.Array:
    """Days since the epoch as ``YYYY-MM-DD``."""
    return pc.cast(pa.array(np.asarray(days, np.int32), pa.date32()), pa.string())


def money(cents: np.ndarray) -> pa.Array:
    """Integer cents as a plain decimal text with two decimals."""
    cents = np.asarray(cents, np.int64)
    sign = labels(("", "-"), (cents < 0).astype(np.int64))
    whole, part = np.divmod(np.abs(cents), 100)
    return join(sign, integers(whole), ".", pc.utf8_lpad(integers(part), 2, padding="0"))


def rank_suffix(rank: np.ndarray, separator: str) -> pa.Array:
    """'' for rank 0, else separator + (rank + 1): disambiguates duplicate names."""
    return pc.if_else(pa.array(rank > 0), join(separator, integers(rank + 1)), "")


def account_domains(acc: Frame, account: np.ndarray) -> pa.Array:
    """The e-mail domain of each account, e.g. ``northwind-analytics-2.example``."""
    return join(
        labels(tuple(a[1] for a in NAME_A), acc["name_a"][account]),
        "-",
        labels(tuple(b[1] for b in NAME_B), acc["name_b"][account]),
        rank_suffix(acc["domain_rank"][account], "-"),
        ".example",
    )


def render_accounts(rng: np.random.Generator, f: Frame, world: World) -> dict[str, pa.Array]:
    """crm_accounts columns."""
    country = f["country"]
    return {
        "account_id": ids("ACC", key(world, "crm_accounts", f["id"])),
        "account_name": join(
            labels(tuple(a[0] for a in NAME_A), f["name_a"]),
            " ",
            labels(tuple(b[0] for b in NAME_B), f["name_b"]),
            labels(tuple(c[4] for c in COUNTRIES), country),
        ),
        "industry": labels(INDUSTRIES, f["industry"]),
        "region": labels(tuple(c[1] for c in COUNTRIES), country),
        "country": labels(tuple(c[0] for c in COUNTRIES), country),
        "employee_count": integers(f["employees"]),
        "plan": labels(PLANS, f["plan"]),
        "arr": money(f["arr_cents"]),
        "currency": labels(tuple(c[2] for c in COUNTRIES), country),
        "contract_start_date": dates(f["start_day"]),
        "renewal_date": dates(f["renewal_day"]),
        "churned_at": timestamps(rng, f["churned"]),
        "churn_reason": labels(CHURN_REASONS, f["churn_reason"]),
        "updated_at": timestamps(rng, f["updated"]),
    }


def render_contacts(rng: np.random.Generator, f: Frame, world: World) -> dict[str, pa.Array]:
    """crm_contacts columns."""
    acc = world.frames["crm_accounts"]
    return {
        "contact_id": ids("CON", key(world, "crm_contacts", f["id"])),
        "account_id": ids("ACC", key(world, "crm_accounts", f["account"] + 1)),
        "email": join(
            labels(tuple(n[1] for n in FIRST_NAMES), f["first"]),
            ".",
            labels(tuple(n[1] for n in LAST_NAMES), f["last"]),
            rank_suffix(f["email_rank"], ""),
            "@",
            account_domains(acc, f["account"]),
        ),
        "full_name": join(
            labels(tuple(n[0] for n in FIRST_NAMES), f["first"]),
            " ",
            labels(tuple(n[0] for n in LAST_NAMES), f["last"]),
        ),
        "role": labels(sum(ROLE_TEXT, ()), f["role"] * len(ROLE_TEXT[0]) + f["role_text"]),
        "job_title": labels(JOB_TITLES, f["title"]),
        "created_at": timestamps(rng, f["created"]),
        "updated_at": timestamps(rng, f["updated"]),
    }


def render_invitations(rng: np.random.Generator, f: Frame, world: World) -> dict[str, pa.Array]:
    """survey_invitations columns."""
    return {
        "invitation_id": ids("INV", key(world, "survey_invitations", f["id"])),
        "campaign_id": campaign_ids(f["kind"], f["sent"]),
        "contact_id": ids("CON", key(world, "crm_contacts", f["contact"] + 1)),
        "survey_type": labels(SURVEY_TYPES, f["kind"]),
        "trigger_ticket_id": ids("TKT", key(world, "support_tickets", f["ticket"] + 1)),
        "channel": labels(INVITATION_CHANNELS, f["channel"]),
        "sent_at": timestamps(rng, f["sent"]),
        "updated_at": timestamps(rng, f["updated"]),
    }


def campaign_ids(kind: np.ndarray, sent: np.ndarray) -> pa.Array:
    """``REL-2026-03`` / ``TXN-2026-03`` from the survey type and the UTC send month."""
    month = np.asarray(sent).astype("datetime64[s]").astype("datetime64[M]").astype(np.int64)
    first, last = (month.min(), month.max()) if len(month) else (0, 0)
    names = np.arange(first, last + 1).astype("datetime64[M]").astype(str)
    return join(labels(CAMPAIGN_PREFIX, kind), "-", labels(tuple(names), month - first))


def render_responses(rng: np.random.Generator, f: Frame, world: World) -> dict[str, pa.Array]:
    """survey_responses columns (comment and tags built from the comment codes)."""
    inv = world.frames["survey_invitations"]
    invitation = f["invitation"]

    two = f["theme2"] >= 0
    comment = join(
        labels(SENTENCES, f["sentence1"]),
        pc.if_else(pa.array(two), labels(("\n", " "), (~f["newline"]).astype(int)), ""),
        pc.if_else(pa.array(two), labels(SENTENCES, f["sentence2"]), ""),
        labels(("",) + EMOJIS, f["emoji"] + 1),
        pc.if_else(pa.array(f["edited"]), join(" ", labels(EDIT_NOTES, f["language"])), ""),
    )
    theme2 = np.maximum(f["theme2"], 0)
    tags = join(
        labels(THEMES, f["theme1"]),
        pc.if_else(pa.array(two), join(";", labels(THEMES, theme2)), ""),
    )
    return {
        "response_id": ids("RSP", key(world, "survey_responses", f["id"])),
        "invitation_id": ids("INV", key(world, "survey_invitations", invitation + 1)),
        "campaign_id": campaign_ids(inv["kind"][invitation], inv["sent"][invitation]),
        "contact_id": ids("CON", key(world, "crm_contacts", inv["contact"][invitation] + 1)),
        "score": integers(f["score"]),
        "comment": pc.if_else(pa.array(f["commented"]), comment, _NULL),
        "tags": pc.if_else(pa.array(f["commented"] & f["tagged"]), tags, _NULL),
        "responded_at": timestamps(rng, f["responded"]),
        "updated_at": timestamps(rng, f["updated"]),
    }


def render_tickets(rng: np.random.Generator, f: Frame, world: World) -> dict[str, pa.Array]:
    """support_tickets columns."""
    return {
        "ticket_id": ids("TKT", key(world, "support_tickets", f["id"])),
        "account_id": ids("ACC", key(world, "crm_accounts", f["account"] + 1)),
        "requester_contact_id": ids("CON", key(world, "crm_contacts", f["requester"] + 1)),
        "category": labels(TICKET_CATEGORIES, f["category"]),
        "priority": labels(PRIORITIES, f["priority"]),
        "channel": labels(TICKET_CHANNELS, f["channel"]),
        "status": labels(TICKET_STATUSES, f["status"]),
        "created_at": timestamps(rng, f["created"]),
        "first_response_at": timestamps(rng, f["first_response"]),
        "solved_at": timestamps(rng, f["solved"]),
        "reopened_count": integers(f["reopened"]),
        "downtime_minutes": integers(f["downtime"], null_below=0),
        "updated_at": timestamps(rng, f["updated"]),
    }


def render_followups(rng: np.random.Generator, f: Frame, world: World) -> dict[str, pa.Array]:
    """loop_followups columns."""
    return {
        "followup_id": ids("FUP", key(world, "loop_followups", f["id"])),
        "response_id": ids("RSP", key(world, "survey_responses", f["response"] + 1)),
        "owner": labels(CSM_OWNERS, f["owner"]),
        "action": labels(FOLLOWUP_ACTIONS, f["action"]),
        "followed_up_at": timestamps(rng, f["followed_up"]),
        "outcome": labels(FOLLOWUP_OUTCOMES, f["outcome"]),
        "updated_at": timestamps(rng, f["updated"]),
    }


RENDERERS = {
    "crm_accounts": render_accounts,
    "crm_contacts": render_contacts,
    "survey_invitations": render_invitations,
    "survey_responses": render_responses,
    "support_tickets": render_tickets,
    "loop_followups": render_followups,
}


def render(rng: np.random.Generator, entity: str, frame: Frame, world: World) -> pa.Table:
    """A frame as a table of the entity's contract columns (all strings, blanks null)."""
    columns = RENDERERS[entity](rng, frame, world)
    return pa.table({name: columns[name] for name in ENTITY_COLUMNS[entity]})
