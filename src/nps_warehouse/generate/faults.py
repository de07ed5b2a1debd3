"""Faults planted in the landing files: re-exported versions, bad rows and their manifest."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from nps_warehouse.generate.render import _NULL, ids, labels, render
from nps_warehouse.generate.vocabulary import (
    CLOSED,
    COUNTRY_USD_PER_UNIT,
    DAY,
    DECISION_MAKER_TITLES,
    END_USER_TITLES,
    ENTITY_COLUMNS,
    HOUR,
    ID_PREFIX,
    NA,
    SOLVED,
)
from nps_warehouse.generate.world import (
    Frame,
    World,
    comment_codes,
    floor,
    latest_event,
    money_cents,
    take,
    updated_after,
)

# Re-exports: a share of each entity's ids again, split in three equal groups.
REEXPORT_SHARE = 0.03

# Faults for bad rows, per entity, in the order they are cycled.
BAD_KINDS: dict[str, tuple[str, ...]] = {
    "crm_accounts": (
        "missing_id",
        "invalid_updated_at",
        "invalid_arr",
        "negative_arr",
        "unknown_currency",
        "invalid_employee_count",
    ),
    "crm_contacts": ("missing_id", "invalid_updated_at", "invalid_role", "unknown_account"),
    "survey_invitations": (
        "missing_id",
        "invalid_updated_at",
        "invalid_survey_type",
        "invalid_sent_at",
        "unknown_contact",
    ),
    "survey_responses": (
        "missing_id",
        "invalid_updated_at",
        "invalid_score",
        "score_out_of_range",
        "missing_score",
        "invalid_responded_at",
        "unknown_invitation",
        "response_before_invitation",
    ),
    "support_tickets": (
        "missing_id",
        "invalid_updated_at",
        "invalid_created_at",
        "solved_before_created",
        "unknown_account",
    ),
    "loop_followups": (
        "missing_id",
        "invalid_updated_at",
        "unknown_response",
        "followup_before_response",
    ),
}
# Faults that are just a bad text in one column: kind -> (column, texts to cycle through).
BAD_TEXT: dict[str, tuple[str, tuple[str | None, ...]]] = {
    "invalid_updated_at": ("updated_at", ("yesterday", "2026-13-45T00:00:00Z")),
    "invalid_arr": ("arr", ("12k", "n/a")),
    "negative_arr": ("arr", ("-5000.00",)),
    "unknown_currency": ("currency", ("XYZ",)),
    "invalid_employee_count": ("employee_count", ("many",)),
    "invalid_role": ("role", ("manager",)),
    "invalid_survey_type": ("survey_type", ("nps_pulse",)),
    "invalid_score": ("score", ("7.5", "ten")),
    "score_out_of_range": ("score", ("11", "-1")),
    "missing_score": ("score", (None,)),
    "invalid_responded_at": ("responded_at", ("2026-02-30T12:00:00Z", "last tuesday")),
    "invalid_created_at": ("created_at", ("2026-02-30T09:15:00Z", "last week")),
}
# Faults that point at an id that does not exist: kind -> (column, entity of that id).
BAD_REFERENCE = {
    "unknown_account": ("account_id", "crm_accounts"),
    "unknown_contact": ("contact_id", "crm_contacts"),
    "unknown_invitation": ("invitation_id", "survey_invitations"),
    "unknown_response": ("response_id", "survey_responses"),
}


# ---------------------------------------------------------------------------------------
# Re-exports: identical copies, newer versions and stale versions
# ---------------------------------------------------------------------------------------


def revise(rng: np.random.Generator, entity: str, f: Frame, newer: bool) -> Frame:
    """Another version of some rows with different content (``f`` is a copy).

    ``f["updated"]`` already holds the version's updated_at; newer versions are what
    happened after the main export, older ones a stale earlier state.
    """
    n = len(f["id"])
    if entity == "crm_accounts":
        upgrade = newer & (rng.random(n) < 0.5)
        f["plan"] = np.where(upgrade, np.minimum(f["plan"] + 1, 2), f["plan"])
        factor = rng.uniform(1.1, 1.6, n) if newer else rng.uniform(0.8, 0.95, n)
        usd = f["arr_cents"] / 100 * COUNTRY_USD_PER_UNIT[f["country"]]
        f["arr_cents"] = money_cents(usd * factor, f["country"])
    elif entity == "crm_contacts":
        dm = f["role"] == 1
        group_size = np.where(dm, len(DECISION_MAKER_TITLES), len(END_USER_TITLES))
        group_start = np.where(dm, len(END_USER_TITLES), 0)
        step = 1 + floor(rng.random(n) * (group_size - 1))
        f["title"] = group_start + (f["title"] - group_start + step) % group_size
    elif entity == "survey_invitations":
        f["channel"] = 1 - f["channel"]
    elif entity == "support_tickets" and newer:
        unsolved = f["status"] < SOLVED
        first = np.where(f["first_response"] == NA, (3 * f["created"] + f["updated"]) // 4, NA)
        first = np.where(f["first_response"] == NA, first, f["first_response"])
        f["first_response"] = first
        f["solved"] = np.where(unsolved, (first + f["updated"]) // 2, f["solved"])
        f["status"] = np.where(unsolved, SOLVED, CLOSED)
    elif entity == "support_tickets":
        f["priority"] = (f["priority"] + 1 + rng.integers(0, 3, n)) % 4
    elif entity == "survey_responses" and newer:
        f["edited"] = f["commented"].copy()  # edits an existing comment, or adds one
        f["commented"] = np.ones(n, bool)
        rescore = rng.random(n) < 1 / 3
        f["score"] = np.where(rescore, shifted_scores(rng, f["score"]), f["score"])
    elif entity == "survey_responses":
        # The stale copy predates the comment, or (without a comment) the final score.
        f["score"] = np.where(f["commented"], f["score"], shifted_scores(rng, f["score"]))
        f["commented"] = np.zeros(n, bool)
    elif entity == "loop_followups":
        target = 0 if newer else 2  # newer: resolved, stale: no answer yet
        f["outcome"] = np.where(f["outcome"] == target, 1, target)
    return f


def shifted_scores(rng: np.random.Generator, score: np.ndarray) -> np.ndarray:
    """Scores moved by 1-2 points, always changed and within 0-10."""
    delta = rng.choice(np.array([-2, -1, 1, 2]), size=len(score))
    moved = score + delta
    return np.where((moved < 0) | (moved > 10), score - delta, moved)


def reexport_groups(
    rng: np.random.Generator, entity: str, f: Frame, latest: np.ndarray, end: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Row positions to re-export identical, as a newer version and as a stale version."""
    n = len(f["id"])
    k = max(1, round(n * REEXPORT_SHARE / 3)) if n >= 3 else 0
    order = rng.permutation(n)
    taken = np.zeros(n, bool)
    can_newer = end - f["updated"] >= 120
    if entity == "support_tickets":
        can_newer &= f["status"] != CLOSED
    can_older = f["updated"] - latest >= 120

    def first_k(allowed: np.ndarray) -> np.ndarray:
        picked = order[allowed[order] & ~taken[order]][:k]
        taken[picked] = True
        return np.sort(picked)

    newer = first_k(can_newer)
    older = first_k(can_older)
    return first_k(np.ones(n, bool)), newer, older


def reexport(
    rng: np.random.Generator, entity: str, f: Frame, main: pa.Table, world: World
) -> tuple[pa.Table, np.ndarray, np.ndarray]:
    """The re-export file: ~3% of ids again, a third each identical, newer and stale.

    Also returns each re-exported row's updated_at (seconds) and its position in ``f``.
    """
    end = world.window.end
    latest = latest_event(entity, f)
    same, newer, older = reexport_groups(rng, entity, f, latest, end)
    versions = [main.take(pa.array(same, pa.int64()))]
    updated = [f["updated"][same]]
    for rows, is_newer in ((newer, True), (older, False)):
        version = take(f, rows)
        if is_newer:  # strictly between the main version and the export
            room = end - version["updated"]
            version["updated"] += 60 + floor(rng.random(len(rows)) * (room - 60))
        else:  # at or after the latest event, strictly before the main version
            room = version["updated"] - latest[rows]
            version["updated"] = latest[rows] + floor(rng.random(len(rows)) * (room - 60))
        updated.append(version["updated"])
        versions.append(render(rng, entity, revise(rng, entity, version, is_newer), world))
    table = pa.concat_tables(versions)
    order = rng.permutation(table.num_rows)
    positions = np.concatenate([same, newer, older])[order]
    return table.take(pa.array(order, pa.int64())), np.concatenate(updated)[order], positions


# ---------------------------------------------------------------------------------------
# Bad rows
# ---------------------------------------------------------------------------------------


def bad_templates(rng: np.random.Generator, allowed: np.ndarray, n: int) -> np.ndarray:
    """``n`` row positions drawn from the allowed ones (without replacement if possible)."""
    pool = np.flatnonzero(allowed)
    if len(pool) == 0:
        raise ValueError("no valid rows to build bad rows from; use a larger --scale")
    return rng.choice(pool, size=n, replace=n > len(pool))


def bad_frame(rng: np.random.Generator, entity: str, world: World, kinds: np.ndarray) -> Frame:
    """Valid rows (fresh ids, copied from rows of accounts that never churn) to break.

    Rows for faults about event order get their times moved here; every other field
    stays consistent so each row fails for exactly one reason.
    """
    frames, window = world.frames, world.window
    names = BAD_KINDS[entity]
    acc, con = frames["crm_accounts"], frames["crm_contacts"]
    inv, rsp = frames["survey_invitations"], frames["survey_responses"]
    loyal = acc["churned"] == NA
    n = len(kinds)
    end = window.end

    def kind_is(name: str) -> np.ndarray:
        return kinds == names.index(name) if name in names else np.zeros(n, bool)

    if entity == "crm_accounts":
        f = take(acc, bad_templates(rng, loyal, n))
    elif entity == "crm_contacts":
        f = take(con, bad_templates(rng, loyal[con["account"]] & world.keep[entity], n))
        f["email_rank"] = 100 + np.arange(n)  # a fresh e-mail address
    elif entity == "survey_invitations":
        allowed = (inv["kind"] == 0) & loyal[con["account"][inv["contact"]]]
        f = take(inv, bad_templates(rng, allowed & (inv["sent"] <= end - 2 * HOUR), n))
        f["sent"] = f["sent"] + rng.integers(60, HOUR, n)
    elif entity == "survey_responses":
        answered = np.zeros(len(inv["id"]), bool)
        answered[rsp["invitation"][world.keep[entity]]] = True
        allowed = world.keep["survey_invitations"] & ~answered & (inv["sent"] <= end - DAY)
        invitation = bad_templates(rng, allowed & loyal[con["account"][inv["contact"]]], n)
        codes = comment_codes(rng, np.full(n, 8), np.zeros(n, bool), np.zeros(n), np.zeros(n))
        f = {
            "invitation": invitation,
            "score": rng.integers(0, 11, n),
            "responded": inv["sent"][invitation] + rng.integers(600, 12 * HOUR, n),
            **codes,
            "commented": np.zeros(n, bool),
        }
        before = inv["sent"][invitation] - rng.integers(HOUR, 3 * DAY, n)
        f["responded"] = np.where(kind_is("response_before_invitation"), before, f["responded"])
    elif entity == "support_tickets":
        tkt = frames[entity]
        allowed = (tkt["status"] >= SOLVED) & loyal[tkt["account"]] & world.keep[entity]
        f = take(tkt, bad_templates(rng, allowed, n))
        early = f["created"] - rng.integers(HOUR, 2 * DAY, n)
        f["solved"] = np.where(kind_is("solved_before_created"), early, f["solved"])
    else:
        fup = frames[entity]
        account = con["account"][inv["contact"][rsp["invitation"][fup["response"]]]]
        f = take(fup, bad_templates(rng, loyal[account], n))
        responded = rsp["responded"][f["response"]]
        later = np.minimum(f["followed_up"] + rng.integers(HOUR, DAY, n), end)
        early = responded - rng.integers(HOUR, 3 * DAY, n)
        f["followed_up"] = np.where(kind_is("followup_before_response"), early, later)
    f["id"] = len(frames[entity]["id"]) + 1 + np.arange(n)
    f["updated"] = updated_after(rng, latest_event(entity, f), end)
    return f


def unknown_id_base(world: World, entity: str) -> int:
    """The first number of the ids that point nowhere (above every id the data set holds)."""
    space = world.id_space.get(entity, len(world.frames[entity]["id"]))
    return 9 * 10 ** max(6, len(str(2 * space)))


def fault_values(world: World, name: str, n: int) -> tuple[str, pa.Array]:
    """The column a one-column fault breaks and ``n`` bad values for it (BAD_TEXT cycled, or
    BAD_REFERENCE ids that exist nowhere)."""
    if name in BAD_TEXT:
        column, texts = BAD_TEXT[name]
        return column, pc.take(pa.array(texts, pa.string()), pa.array(np.arange(n) % len(texts)))
    column, target = BAD_REFERENCE[name]
    return column, ids(ID_PREFIX[target], unknown_id_base(world, target) + np.arange(n))


def bad_rows(
    rng: np.random.Generator, entity: str, world: World, share: float
) -> tuple[pa.Table, pa.Table]:
    """About ``share`` x rows of bad rows, each with exactly one fault, and their manifest."""
    names = BAD_KINDS[entity]
    valid_rows = int(world.keep[entity].sum())
    n = max(len(names), round(share * valid_rows))
    kinds = np.arange(n) % len(names)
    frame = bad_frame(rng, entity, world, kinds)
    table = render(rng, entity, frame, world)
    id_column = ENTITY_COLUMNS[entity][0]
    for k, name in enumerate(names):
        mask = pa.array(kinds == k)
        if name == "missing_id":
            column, values = id_column, _NULL
        elif name in BAD_TEXT or name in BAD_REFERENCE:
            column, values = fault_values(world, name, n)
        elif name == "invalid_sent_at":
            us_date = frame["sent"].astype("datetime64[s]")
            column, values = "sent_at", pc.strftime(pa.array(us_date), format="%m/%d/%Y")
        else:  # an event-order fault, already planted in the frame
            continue
        position = table.schema.get_field_index(column)
        table = table.set_column(position, column, pc.if_else(mask, values, table[column]))
    manifest = pa.table(
        {
            "entity": pa.array([entity] * n, pa.string()),
            "raw_id": pc.if_else(
                pa.array(kinds == names.index("missing_id")), _NULL, table[id_column]
            ),
            "reason": labels(names, kinds),
        }
    )
    return table, manifest


def interleave_order(rng: np.random.Generator, n: int, k: int) -> np.ndarray:
    """Positions into ``n`` rows followed by ``k`` extra rows that insert the extra rows at
    random places (the main rows keep their order)."""
    is_extra = np.zeros(n + k, bool)
    is_extra[rng.choice(n + k, size=k, replace=False)] = True
    order = np.empty(n + k, np.int64)
    order[~is_extra] = np.arange(n)
    order[is_extra] = n + rng.permutation(k)
    return order


def interleave(rng: np.random.Generator, main: pa.Table, extra: pa.Table) -> pa.Table:
    """``main`` with the rows of ``extra`` inserted at random positions."""
    order = interleave_order(rng, main.num_rows, extra.num_rows)
    return pa.concat_tables([main, extra]).take(pa.array(order))
