"""The simulated world: accounts, contacts, tickets, invitations, responses, churn, follow-ups."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from nps_warehouse.generate.vocabulary import (
    CHERRY_PICK_MONTHS_BEFORE_END,
    CHERRY_PICK_SKIP_P,
    CHURN_MEAN_DAYS,
    CHURN_P,
    CHURN_P_SCALE,
    CLOSED,
    COUNTRIES,
    COUNTRY_CURRENCY,
    COUNTRY_USD_PER_UNIT,
    CSM_OWNERS,
    DAY,
    DECISION_MAKER_TITLES,
    EMOJIS,
    END_USER_TITLES,
    FIRST_NAMES,
    FOLLOWUP_ACTIONS,
    FOLLOWUP_OUTCOME_P,
    GAMING_BOOST_P,
    GAMING_OWNER,
    HOUR,
    INDUSTRIES,
    INDUSTRY_P,
    LANGUAGE_P,
    LANGUAGES,
    LAST_NAMES,
    N_NEG_EMOJIS,
    N_VARIANTS,
    NA,
    NAME_A,
    NAME_B,
    NEG,
    NEG_THEME_BAD,
    NEG_THEME_BASE,
    NEG_THEME_OUTAGE,
    NEVER,
    OUTAGE,
    PLAN_ARR_USD,
    POS,
    POS_THEME_BASE,
    POS_THEME_GOOD,
    RESOLUTION_MEDIAN_HOURS,
    ROLE_TEXT,
    SLA_FIRST_RESPONSE_MINUTES,
    SOLVED,
    TICKET_CATEGORIES,
    TICKET_CATEGORY_P,
    TICKET_CHANNELS,
    TXN_THEME_BONUS,
)

Frame = dict[str, np.ndarray]
"""An entity as named, equally long numpy columns (codes, indices and epoch seconds)."""


# ---------------------------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Window:
    """The simulated period: ``start`` (inclusive) to the export time ``end`` (seconds)."""

    start: int
    end: int
    end_date: dt.date


@dataclass
class World:
    """All simulated entities (full arrays, indexed by id - 1) and what survives churn.

    A world may be one block of the accounts (nps-generate --chunk-accounts): ``offsets``
    then shifts its ids past the earlier blocks' (rendered id = local id + offset), and
    ``id_space`` bounds every block's ids (the ids that point nowhere start above it).
    """

    window: Window
    frames: dict[str, Frame]
    keep: dict[str, np.ndarray] = field(default_factory=dict)
    offsets: dict[str, int] = field(default_factory=dict)
    id_space: dict[str, int] = field(default_factory=dict)


def make_window(end_date: str, months: int) -> Window:
    """The ``months`` calendar months ending at ``end_date``; export at 23:59:59 UTC."""
    end = dt.date.fromisoformat(end_date)
    after = end + dt.timedelta(days=1)
    year, month0 = divmod(after.year * 12 + after.month - 1 - months, 12)
    day = min(after.day, calendar.monthrange(year, month0 + 1)[1])
    start = dt.date(year, month0 + 1, day)
    epoch = dt.date(1970, 1, 1)
    return Window((start - epoch).days * DAY, (after - epoch).days * DAY - 1, end)


def take(frame: Frame, index: np.ndarray) -> Frame:
    """Rows of a frame by integer index or boolean mask."""
    return {name: column[index] for name, column in frame.items()}


def sort_by(frame: Frame, key: np.ndarray) -> Frame:
    """Rows ordered by ``key`` (stable), with ``id`` set to the 1-based position."""
    out = take(frame, np.argsort(key, kind="stable"))
    out["id"] = np.arange(1, len(key) + 1)
    return out


def floor(values: np.ndarray) -> np.ndarray:
    """Floats (seconds, positions) floored to int64."""
    return np.floor(values).astype(np.int64)


def choice(rng: np.random.Generator, p: np.ndarray) -> np.ndarray:
    """One category per row of a (rows x categories) weight matrix."""
    cumulative = np.cumsum(p, axis=1)
    u = rng.random(len(p)) * cumulative[:, -1]
    return np.minimum((cumulative < u[:, None]).sum(axis=1), p.shape[1] - 1)


def duplicate_rank(keys: np.ndarray) -> np.ndarray:
    """0 for the first row with a key, 1 for the second, and so on (row order)."""
    order = np.argsort(keys, kind="stable")
    ordered = keys[order]
    starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
    group_start = np.repeat(starts, np.diff(np.r_[starts, len(keys)]))
    rank = np.empty(len(keys), np.int64)
    rank[order] = np.arange(len(keys)) - group_start
    return rank


def updated_after(
    rng: np.random.Generator,
    latest: np.ndarray,
    end: int,
    median_hours: float = 20.0,
    p_late: float = 0.15,
) -> np.ndarray:
    """An updated_at at or after ``latest`` and at or before ``end``."""
    n = len(latest)
    lag = rng.lognormal(np.log(median_hours * HOUR), 1.2, n)
    late = rng.random(n) < p_late
    lag = np.where(late, rng.random(n) * (end - latest), lag)
    return np.maximum(np.minimum(latest + floor(lag), end), latest)


# ---------------------------------------------------------------------------------------
# Simulation, one function per entity
# ---------------------------------------------------------------------------------------


def simulate_accounts(rng: np.random.Generator, n: int, window: Window) -> Frame:
    """Accounts with firmographics, plan, ARR (local currency) and latent traits.

    ``quality`` is the latent support quality (higher = worse support) and ``baseline``
    the account's latent NPS score; ids follow contract start.
    """
    country = rng.choice(len(COUNTRIES), size=n, p=[c[3] for c in COUNTRIES])
    employees = np.clip(np.round(rng.lognormal(np.log(250), 1.3, n)), 5, 250_000)
    size = np.log10(employees) + rng.normal(0, 0.35, n)
    plan = np.digitize(size, [2.1, 3.1])
    low, high = PLAN_ARR_USD[plan].T
    arr_usd = np.exp(rng.uniform(np.log(low), np.log(high)))
    window_days = (window.end + 1 - window.start) // DAY
    before = rng.random(n) < 0.7
    offset_days = np.where(
        before,
        -rng.integers(1, 4 * 365, n),
        rng.integers(0, max(int(window_days * 0.92), 1), n),
    )
    frame = {
        "name_a": rng.integers(len(NAME_A), size=n),
        "name_b": rng.integers(len(NAME_B), size=n),
        "industry": rng.choice(len(INDUSTRIES), size=n, p=INDUSTRY_P),
        "country": country,
        "employees": employees.astype(np.int64),
        "plan": plan,
        "arr_cents": money_cents(arr_usd, country),
        "start_day": window.start // DAY + offset_days,
        "csm": rng.integers(len(CSM_OWNERS), size=n),
        "quality": rng.normal(0, 1, n),
        "baseline": rng.normal(8.1, 1.0, n),
    }
    frame = sort_by(frame, frame["start_day"])
    frame["domain_rank"] = duplicate_rank(frame["name_a"] * len(NAME_B) + frame["name_b"])
    return frame


def money_cents(usd: np.ndarray, country: np.ndarray) -> np.ndarray:
    """US dollars to integer cents of the country's currency (whole yen for JPY)."""
    local = usd / COUNTRY_USD_PER_UNIT[country]
    whole_units = COUNTRY_CURRENCY[country] == "JPY"
    return np.where(whole_units, np.round(local) * 100, np.round(local * 100)).astype(np.int64)


def simulate_contacts(rng: np.random.Generator, acc: Frame, window: Window) -> Frame:
    """2-15 contacts per account (more for bigger accounts), the first a decision maker."""
    n_acc = len(acc["id"])
    size = np.log10(acc["employees"] / 10)
    per_account = np.clip(np.round(4 + 4 * size + rng.normal(0, 1.2, n_acc)), 2, 15)
    per_account = per_account.astype(np.int64)
    account = np.repeat(np.arange(n_acc), per_account)
    m = len(account)
    ordinal = np.arange(m) - np.repeat(np.cumsum(per_account) - per_account, per_account)
    start = acc["start_day"][account] * DAY
    horizon = np.maximum(window.end - 21 * DAY - start, DAY)
    u = rng.random(m)
    early = rng.random(m) < 0.7
    offset = np.where(ordinal == 0, u * 3 * DAY, np.where(early, u * 120 * DAY, u * horizon))
    created = np.minimum(start + floor(offset), window.end - DAY)
    role = np.where(ordinal == 0, 1, rng.random(m) < 0.16).astype(np.int64)
    title = np.where(
        role == 1,
        len(END_USER_TITLES) + rng.integers(len(DECISION_MAKER_TITLES), size=m),
        rng.integers(len(END_USER_TITLES), size=m),
    )
    messy = rng.random(m) < 0.2
    frame = {
        "account": account,
        "first": rng.integers(len(FIRST_NAMES), size=m),
        "last": rng.integers(len(LAST_NAMES), size=m),
        "role": role,
        "role_text": np.where(messy, rng.integers(1, len(ROLE_TEXT[0]), size=m), 0),
        "title": title,
        "created": created,
    }
    frame = sort_by(frame, created)
    name_key = (frame["account"] * len(FIRST_NAMES) + frame["first"]) * len(LAST_NAMES)
    frame["email_rank"] = duplicate_rank(name_key + frame["last"])
    return frame


def simulate_tickets(rng: np.random.Generator, acc: Frame, con: Frame, window: Window) -> Frame:
    """Support tickets: Poisson per account, timings driven by the latent support quality."""
    n_acc = len(acc["id"])
    by_account = np.lexsort((con["created"], con["account"]))
    contact_key = (con["account"][by_account] << 32) + con["created"][by_account]
    first_contact_pos = np.searchsorted(contact_key, np.arange(n_acc) << 32)
    first_contact = con["created"][by_account][first_contact_pos]
    begin = np.maximum(window.start, first_contact + HOUR)
    span = np.maximum(window.end - begin, 0)
    monthly_rate = 0.3 * (acc["employees"] / 10) ** 0.35
    account = np.repeat(np.arange(n_acc), rng.poisson(monthly_rate * span / (30 * DAY)))
    m = len(account)
    created = begin[account] + floor(rng.random(m) * span[account])
    # The requester is one of the account's contacts created before the ticket.
    eligible = (
        np.searchsorted(contact_key, (account << 32) + created, side="right")
        - first_contact_pos[account]
    )
    requester = by_account[first_contact_pos[account] + floor(rng.random(m) * eligible)]

    category = rng.choice(len(TICKET_CATEGORIES), size=m, p=TICKET_CATEGORY_P)
    priority = np.where(
        category == OUTAGE,
        rng.choice(4, size=m, p=[0.0, 0.05, 0.35, 0.60]),
        rng.choice(4, size=m, p=[0.30, 0.45, 0.18, 0.07]),
    )
    quality = acc["quality"][account]
    target = SLA_FIRST_RESPONSE_MINUTES[priority]
    first_minutes = np.clip(
        target * np.exp(np.log(0.45) + 0.7 * quality + rng.normal(0, 0.8, m)), 1, 10 * 1440
    )
    reopened = rng.choice(3, size=m, p=[0.88, 0.09, 0.03])
    res_hours = np.clip(
        RESOLUTION_MEDIAN_HOURS[category]
        * np.exp(0.6 * quality + rng.normal(0, 1.0, m))
        * (1 + 0.6 * reopened),
        0.25,
        45 * 24,
    )
    res_hours = np.maximum(res_hours, first_minutes / 60 + 1 / 60)
    first_response = created + floor(first_minutes * 60)
    solved = created + floor(res_hours * HOUR)
    is_solved = solved <= window.end
    closed = is_solved & (window.end - solved > 7 * DAY) & (rng.random(m) < 0.7)
    unsolved_status = np.where(first_response <= window.end, rng.integers(0, 2, m), 0)
    frame = {
        "account": account,
        "requester": requester,
        "category": category,
        "priority": priority,
        "channel": rng.choice(len(TICKET_CHANNELS), size=m, p=[0.5, 0.3, 0.15, 0.05]),
        "status": np.where(is_solved, np.where(closed, CLOSED, SOLVED), unsolved_status),
        "created": created,
        "first_response": np.where(first_response <= window.end, first_response, NA),
        "solved": np.where(is_solved, solved, NA),
        "reopened": np.where(is_solved, reopened, 0),
        "downtime": np.where(
            category == OUTAGE,
            np.clip(np.round(rng.lognormal(np.log(45), 1.0, m)), 1, 2880).astype(np.int64),
            -1,
        ),
        "res_hours": res_hours,
        "breached": first_minutes > target,
    }
    return sort_by(frame, created)


def simulate_invitations(rng: np.random.Generator, con: Frame, tkt: Frame, window: Window) -> Frame:
    """Relationship surveys every ~60 days per contact, plus transactional ones.

    ~30% of solved tickets trigger a transactional survey to the requester 1-48 h later.
    """
    m = len(con["id"])
    first = np.maximum(con["created"], window.start) + floor(rng.uniform(0.02, 60, m) * DAY)
    waves = int(np.ceil((window.end - window.start) / (53 * DAY))) + 1
    gaps = floor(rng.uniform(53, 67, (m, waves)) * DAY)
    gaps[:, 0] = 0
    times = first[:, None] + np.cumsum(gaps, axis=1)
    contact_rel, wave = np.nonzero(times <= window.end)
    sent_rel = times[contact_rel, wave]

    solved = tkt["solved"] != NA
    trigger = np.flatnonzero(solved & (rng.random(len(solved)) < 0.3))
    sent_txn = tkt["solved"][trigger] + floor(rng.uniform(1, 48, len(trigger)) * HOUR)
    trigger, sent_txn = trigger[sent_txn <= window.end], sent_txn[sent_txn <= window.end]

    n_rel, n_txn = len(sent_rel), len(sent_txn)
    frame = {
        "contact": np.concatenate([contact_rel, tkt["requester"][trigger]]),
        "kind": np.r_[np.zeros(n_rel, np.int64), np.ones(n_txn, np.int64)],
        "ticket": np.r_[np.full(n_rel, -1), trigger],
        "sent": np.concatenate([sent_rel, sent_txn]),
        "channel": (rng.random(n_rel + n_txn) < 0.28).astype(np.int64),
    }
    return sort_by(frame, frame["sent"])


def ticket_history(
    tkt: Frame, account: np.ndarray, at: np.ndarray, days: int = 90
) -> dict[str, np.ndarray]:
    """Per (account, time): the account's tickets created in the ``days`` before.

    Returns the count, SLA-breach share, mean log resolution hours (the log of the
    geometric mean, a stand-in for the median) and the number of outages.
    """
    order = np.lexsort((tkt["created"], tkt["account"]))
    key = (tkt["account"][order] << 32) + tkt["created"][order]
    hi = np.searchsorted(key, (account << 32) + at)
    lo = np.searchsorted(key, (account << 32) + at - days * DAY)
    count = hi - lo

    def window_sum(values: np.ndarray) -> np.ndarray:
        cumulative = np.r_[0.0, np.cumsum(values[order])]
        return cumulative[hi] - cumulative[lo]

    safe = np.maximum(count, 1)
    return {
        "count": count,
        "breach_share": window_sum(tkt["breached"].astype(float)) / safe,
        "log_res": window_sum(np.log(tkt["res_hours"])) / safe,
        "outages": window_sum((tkt["category"] == OUTAGE).astype(float)),
    }


def simulate_responses(rng: np.random.Generator, world: World) -> Frame:
    """Answered invitations with a score driven by account, role and ticket history."""
    frames = world.frames
    acc, con = frames["crm_accounts"], frames["crm_contacts"]
    tkt, inv = frames["support_tickets"], frames["survey_invitations"]
    n = len(inv["id"])
    decision_maker = con["role"][inv["contact"]] == 1
    answered = rng.random(n) < np.where(decision_maker, 0.34, 0.405)
    delay = np.clip(rng.lognormal(np.log(8 * HOUR), 1.5, n), 600, 10 * DAY)
    responded = inv["sent"] + floor(delay)
    index = np.flatnonzero(answered & (responded <= world.window.end))
    m = len(index)
    responded = responded[index]
    account = con["account"][inv["contact"][index]]
    transactional = inv["kind"][index] == 1
    decision_maker = decision_maker[index]

    history = ticket_history(tkt, account, responded)
    relationship_effect = np.where(
        history["count"] > 0,
        -3.0 * (history["breach_share"] - 0.2) - 0.9 * (history["log_res"] - np.log(24)),
        0.3,
    )
    ticket = np.maximum(inv["ticket"][index], 0)
    own_ticket_effect = (
        -1.3 * (np.log(tkt["res_hours"][ticket]) - np.log(12))
        - 2.0 * tkt["breached"][ticket]
        - 0.6 * tkt["reopened"][ticket]
    )
    effect = np.where(transactional, own_ticket_effect, np.clip(relationship_effect, -4, 1.5))
    latent = acc["baseline"][account] - 0.8 * decision_maker + effect + rng.normal(0, 1.4, m)
    score = np.clip(np.round(latent), 0, 10).astype(np.int64)

    # Inputs for the comment themes: how bad support was (0-2) and whether an outage hit.
    recent_bad_support = 2 * history["breach_share"] + 0.5 * np.maximum(history["log_res"] - 3, 0)
    own_bad_support = tkt["breached"][ticket] + (tkt["res_hours"][ticket] > 24)
    bad_support = np.where(transactional, own_bad_support, np.clip(recent_bad_support, 0, 2))
    own_outage = tkt["category"][ticket] == OUTAGE
    outage = np.where(transactional, own_outage, history["outages"] > 0).astype(float)
    frame = {
        "invitation": index,
        "score": score,
        "responded": responded,
        **comment_codes(rng, score, transactional, bad_support, outage),
    }
    return sort_by(frame, responded)


def comment_codes(
    rng: np.random.Generator,
    score: np.ndarray,
    transactional: np.ndarray,
    bad_support: np.ndarray,
    outage: np.ndarray,
) -> Frame:
    """Codes from which a response's comment and tags are rendered.

    Detractors write negative sentences, promoters positive ones, passives a positive one
    and often a negative one.  Themes are drawn with weights that follow the ticket
    history; a second sentence adds a second, different theme.
    """
    m = len(score)
    detractor, promoter = score <= 6, score >= 9
    good_support = np.clip(1 - bad_support, 0, 1)
    neg_weights = (
        NEG_THEME_BASE
        + bad_support[:, None] * NEG_THEME_BAD
        + outage[:, None] * NEG_THEME_OUTAGE
        + transactional[:, None] * TXN_THEME_BONUS
    )
    pos_weights = (
        POS_THEME_BASE
        + good_support[:, None] * POS_THEME_GOOD
        + transactional[:, None] * TXN_THEME_BONUS
    )
    first_sentiment = np.where(detractor, NEG, POS)
    second_sentiment = np.where(promoter, POS, NEG)
    first = choice(rng, np.where(detractor[:, None], neg_weights, pos_weights))
    second_weights = np.where(promoter[:, None], pos_weights, neg_weights)
    second_weights[np.arange(m), first] = 0
    second = choice(rng, second_weights)
    has_second = rng.random(m) < np.where(detractor, 0.35, np.where(promoter, 0.3, 0.6))
    language = rng.choice(len(LANGUAGES), size=m, p=LANGUAGE_P)
    variant = np.where(language == 0, rng.integers(0, 2, m), language + 1)
    emoji = np.where(
        first_sentiment == NEG,
        rng.integers(0, N_NEG_EMOJIS, m),
        rng.integers(N_NEG_EMOJIS, len(EMOJIS), m),
    )
    return {
        "commented": rng.random(m) < np.where(detractor, 0.72, np.where(promoter, 0.62, 0.6)),
        "tagged": rng.random(m) < 0.85,
        "language": language,
        "theme1": first,
        "sentence1": (first * 2 + first_sentiment) * N_VARIANTS + variant,
        "theme2": np.where(has_second, second, -1),
        "sentence2": (second * 2 + second_sentiment) * N_VARIANTS + variant,
        "newline": rng.random(m) < 0.2,
        "emoji": np.where(rng.random(m) < 0.12, emoji, -1),
        "edited": np.zeros(m, bool),
    }


def simulate_churn(rng: np.random.Generator, world: World) -> None:
    """Plant churn from responses and drop every row after an account's churn.

    Each response starts a churn clock with a chance that falls with the score (scaled by
    1 / the account's contacts); the clock runs an exponential time whose mean grows with
    the score.  The account churns at its earliest clock if that is before the export.
    """
    frames = world.frames
    acc, con = frames["crm_accounts"], frames["crm_contacts"]
    tkt, inv = frames["support_tickets"], frames["survey_invitations"]
    rsp = frames["survey_responses"]
    n_acc = len(acc["id"])
    account = con["account"][inv["contact"][rsp["invitation"]]]
    contacts_per_account = np.bincount(con["account"], minlength=n_acc)
    band = np.digitize(rsp["score"], [4, 7, 9])
    n = len(band)
    p = CHURN_P[band] * CHURN_P_SCALE / contacts_per_account[account]
    clock = rsp["responded"] + floor(rng.exponential(CHURN_MEAN_DAYS[band]) * DAY + 1)
    clock = np.where(rng.random(n) < p, clock, NEVER)
    churn = np.full(n_acc, NEVER)
    np.minimum.at(churn, account, clock)
    churn = np.where(churn <= world.window.end, churn, NEVER)

    weights = np.tile([1.0, 0.4, 1.2, 1.0, 0.8, 0.7, 0.2], (n_acc, 1))
    worse = np.maximum(acc["quality"], 0)
    weights[:, 0] += 1.5 * worse
    weights[:, 1] += 0.8 * worse
    acc["churned"] = np.where(churn < NEVER, churn, NA)
    acc["churn_reason"] = np.where(churn < NEVER, choice(rng, weights), -1)
    acc["renewal_day"] = renewal_day(acc, world.window)
    world.keep = {
        "crm_accounts": np.ones(n_acc, bool),
        "crm_contacts": con["created"] < churn[con["account"]],
        "support_tickets": tkt["created"] < churn[tkt["account"]],
        "survey_invitations": inv["sent"] < churn[con["account"][inv["contact"]]],
        "survey_responses": rsp["responded"] < churn[account],
    }


def renewal_day(acc: Frame, window: Window) -> np.ndarray:
    """Next contract anniversary after the end date, or on/after the churn date."""
    start = acc["start_day"].astype("datetime64[D]")
    start_month = start.astype("datetime64[M]")
    day_in_month = start - start_month.astype("datetime64[D]")
    churned = acc["churned"] != NA
    end_day = np.datetime64(window.end_date, "D")
    reference = np.where(churned, (acc["churned"] // DAY).astype("datetime64[D]"), end_day)
    years = reference.astype("datetime64[Y]").astype(int) - start.astype("datetime64[Y]").astype(
        int
    )

    def anniversary(k: np.ndarray) -> np.ndarray:
        return (start_month + 12 * k).astype("datetime64[D]") + day_in_month

    candidate = anniversary(years)
    too_early = np.where(churned, candidate < reference, candidate <= reference)
    return np.where(too_early, anniversary(years + 1), candidate).astype(np.int64)


def simulate_followups(rng: np.random.Generator, world: World) -> Frame:
    """Closed-loop follow-ups on detractors (~70%) and passives (~40%), some twice."""
    frames = world.frames
    acc, con = frames["crm_accounts"], frames["crm_contacts"]
    inv, rsp = frames["survey_invitations"], frames["survey_responses"]
    kept = np.flatnonzero(world.keep["survey_responses"])
    score = rsp["score"][kept]
    m = len(kept)
    detractor = score <= 6
    has = rng.random(m) < np.where(detractor, 0.7, np.where(score <= 8, 0.4, 0.0))
    twice = has & (rng.random(m) < 0.2)
    median = np.where(detractor, 30.0, 80.0) * HOUR
    first = rsp["responded"][kept] + floor(rng.lognormal(np.log(median), 0.9))
    second = first + floor(rng.lognormal(np.log(72 * HOUR), 0.8, m))
    response = np.r_[kept[has], kept[twice]]
    when = np.r_[first[has], second[twice]]
    account = con["account"][inv["contact"][rsp["invitation"][response]]]
    churned = acc["churned"][account]
    ok = (when <= world.window.end) & ((churned == NA) | (when < churned))
    response, when, account = response[ok], when[ok], account[ok]
    k = len(response)
    band = np.minimum(np.digitize(rsp["score"][response], [4, 7]), 2)
    frame = {
        "response": response,
        "owner": np.where(
            rng.random(k) < 0.85, acc["csm"][account], rng.integers(len(CSM_OWNERS), size=k)
        ),
        "action": rng.choice(len(FOLLOWUP_ACTIONS), size=k, p=[0.35, 0.45, 0.2]),
        "followed_up": when,
        "outcome": choice(rng, FOLLOWUP_OUTCOME_P[band]),
    }
    return sort_by(frame, when)


def previous_scores(world: World, contact: np.ndarray, before: np.ndarray) -> np.ndarray:
    """Each (contact, time)'s latest kept response score strictly before ``time``; -1 for none."""
    frames = world.frames
    rsp, inv = frames["survey_responses"], frames["survey_invitations"]
    kept = np.flatnonzero(world.keep["survey_responses"])
    owner = inv["contact"][rsp["invitation"][kept]]
    order = np.lexsort((rsp["responded"][kept], owner))
    key = (owner[order] << 34) + rsp["responded"][kept][order]
    position = np.searchsorted(key, (contact << 34) + before, side="left") - 1
    found = position >= 0
    found[found] = owner[order][position[found]] == contact[found]
    return np.where(found, rsp["score"][kept][order][np.maximum(position, 0)], -1)


def plant_cherry_picking(rng: np.random.Generator, world: World) -> None:
    """One relationship campaign sent mostly to past promoters (drops after churn's keep).

    In the campaign month CHERRY_PICK_MONTHS_BEFORE_END months before the export's month,
    each relationship invitation to a contact whose last answer before the month was not a
    promoter (or who never answered) is skipped with probability CHERRY_PICK_SKIP_P, and
    with it any response to it.
    """
    inv, rsp = world.frames["survey_invitations"], world.frames["survey_responses"]
    month = inv["sent"].astype("datetime64[s]").astype("datetime64[M]")
    end_month = np.datetime64(world.window.end_date, "M")
    target = end_month - CHERRY_PICK_MONTHS_BEFORE_END
    month_start = target.astype("datetime64[s]").astype(np.int64)
    in_campaign = (month == target) & (inv["kind"] == 0) & world.keep["survey_invitations"]
    index = np.flatnonzero(in_campaign)
    last = previous_scores(world, inv["contact"][index], np.full(len(index), month_start))
    skip = (last < 9) & (rng.random(len(index)) < CHERRY_PICK_SKIP_P)
    dropped = np.zeros(len(inv["id"]), bool)
    dropped[index[skip]] = True
    world.keep["survey_invitations"] &= ~dropped
    world.keep["survey_responses"] &= ~dropped[rsp["invitation"]]


def plant_gaming_owner(rng: np.random.Generator, world: World) -> None:
    """GAMING_OWNER's followed-up contacts answer their next survey with a 9 or 10.

    For each of the owner's follow-ups, the contact's first response after it becomes a 9 or
    10 with probability GAMING_BOOST_P (its comment rewritten to match); a follow-up on a
    response that is now a promoter is dropped (follow-ups target detractors and passives).
    """
    frames = world.frames
    rsp, inv, fup = (
        frames["survey_responses"],
        frames["survey_invitations"],
        frames["loop_followups"],
    )
    kept = np.flatnonzero(world.keep["survey_responses"])
    contact = inv["contact"][rsp["invitation"][kept]]
    order = np.lexsort((rsp["responded"][kept], contact))
    key = (contact[order] << 34) + rsp["responded"][kept][order]
    own = np.flatnonzero(fup["owner"] == GAMING_OWNER)
    followed = inv["contact"][rsp["invitation"][fup["response"][own]]]
    position = np.searchsorted(key, (followed << 34) + fup["followed_up"][own], side="right")
    found = position < len(key)
    found[found] = contact[order][position[found]] == followed[found]
    boosted = np.unique(kept[order][position[found]])
    boosted = boosted[rng.random(len(boosted)) < GAMING_BOOST_P]
    rsp["score"][boosted] = rng.integers(9, 11, len(boosted))
    codes = comment_codes(
        rng,
        rsp["score"][boosted],
        inv["kind"][rsp["invitation"][boosted]] == 1,
        np.zeros(len(boosted)),
        np.zeros(len(boosted)),
    )
    for name, values in codes.items():
        rsp[name][boosted] = values
    world.keep["loop_followups"] &= ~np.isin(fup["response"], boosted)


def latest_event(entity: str, frame: Frame) -> np.ndarray:
    """The time of a row's latest event (its updated_at may not be earlier)."""
    if entity == "crm_accounts":
        return np.maximum(frame["start_day"] * DAY, frame["churned"])
    if entity == "support_tickets":
        return np.maximum(np.maximum(frame["created"], frame["first_response"]), frame["solved"])
    column = {
        "crm_contacts": "created",
        "survey_invitations": "sent",
        "survey_responses": "responded",
        "loop_followups": "followed_up",
    }[entity]
    return frame[column]


def simulate_world(
    rng_for: Callable[[str], np.random.Generator],
    n: int,
    window: Window,
    integrity_problems: bool = True,
) -> World:
    """Run every simulation step in dependency order and set each row's updated_at.

    With ``integrity_problems`` one campaign is cherry-picked and one owner games the score
    (plant_cherry_picking, plant_gaming_owner); without, the world is exactly as before they
    were planted (they draw from their own random stream).
    """
    world = World(window, {})
    frames = world.frames
    frames["crm_accounts"] = simulate_accounts(rng_for("accounts"), n, window)
    frames["crm_contacts"] = simulate_contacts(rng_for("contacts"), frames["crm_accounts"], window)
    frames["support_tickets"] = simulate_tickets(
        rng_for("tickets"), frames["crm_accounts"], frames["crm_contacts"], window
    )
    frames["survey_invitations"] = simulate_invitations(
        rng_for("invitations"), frames["crm_contacts"], frames["support_tickets"], window
    )
    frames["survey_responses"] = simulate_responses(rng_for("responses"), world)
    simulate_churn(rng_for("churn"), world)
    integrity_rng = rng_for("integrity")
    if integrity_problems:
        plant_cherry_picking(integrity_rng, world)
    frames["loop_followups"] = simulate_followups(rng_for("followups"), world)
    world.keep["loop_followups"] = np.ones(len(frames["loop_followups"]["id"]), bool)
    if integrity_problems:
        plant_gaming_owner(integrity_rng, world)
    rng = rng_for("updated_at")
    for entity, frame in frames.items():
        p_late = 0.8 if entity == "crm_accounts" else 0.15  # CRM records get touched often
        frame["updated"] = updated_after(
            rng, latest_event(entity, frame), window.end, p_late=p_late
        )
    return world
