"""Synthetic raw-data generator for the NPS warehouse.

Simulates a B2B SaaS company: CRM accounts and contacts, support tickets, NPS survey
invitations and responses, churn, and closed-loop follow-ups.  The result lands as raw
exports (one folder per entity, a main file plus a re-export with duplicates, newer and
stale versions, and optionally bad rows) following the landing contract.

Planted signals the marts should recover:

* scores drop with slow ticket resolution and SLA breaches in the 90 days before a
  response (transactional scores follow the triggering ticket itself);
* decision makers score about 0.8 points lower than end users;
* detractors churn more often, and 0-3 scorers churn sooner than 6s;
* comment themes and tags follow the score and the ticket history.

Everything is vectorised with numpy and pyarrow (a Python loop runs per entity or per
feature, never per row) and driven by one seed, so the same arguments always produce
byte-identical files.  All times are handled as int64 seconds since the Unix epoch (UTC).
"""

from __future__ import annotations

import argparse
import calendar
import datetime as dt
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from nps_warehouse import landing_folder
from nps_warehouse.contract import LANDING_CONTRACT

Frame = dict[str, np.ndarray]
"""An entity as named, equally long numpy columns (codes, indices and epoch seconds)."""

HOUR = 3_600
DAY = 86_400
NA = np.iinfo(np.int64).min  # missing timestamp
NEVER = np.iinfo(np.int64).max  # "no churn"

ENTITY_COLUMNS = LANDING_CONTRACT  # the landing contract's folders and columns, in order
ID_PREFIX = {
    "crm_accounts": "ACC",
    "crm_contacts": "CON",
    "survey_invitations": "INV",
    "survey_responses": "RSP",
    "support_tickets": "TKT",
    "loop_followups": "FUP",
}
MANIFEST_NAME = "_expected_quarantine.csv"

FORMATS = ("csv", "parquet", "mixed")

# ---------------------------------------------------------------------------------------
# Vocabularies
# ---------------------------------------------------------------------------------------

INDUSTRIES = (
    "software",
    "healthcare",
    "finance",
    "retail",
    "manufacturing",
    "education",
    "government",
    "media",
)
INDUSTRY_P = (0.22, 0.12, 0.14, 0.12, 0.14, 0.10, 0.06, 0.10)

# country, region, currency, share of all accounts, legal suffix of the company name
COUNTRIES = (
    ("US", "NA", "USD", 0.3825, ", Inc."),
    ("CA", "NA", "CAD", 0.0675, " Ltd."),
    ("GB", "EMEA", "GBP", 0.090, " Ltd"),
    ("DE", "EMEA", "EUR", 0.066, " GmbH"),
    ("FR", "EMEA", "EUR", 0.045, " SAS"),
    ("ES", "EMEA", "EUR", 0.018, " S.L."),
    ("NL", "EMEA", "EUR", 0.021, " B.V."),
    ("CH", "EMEA", "CHF", 0.018, " AG"),
    ("SE", "EMEA", "SEK", 0.018, " AB"),
    ("AE", "EMEA", "USD", 0.024, " FZ-LLC"),
    ("JP", "APAC", "JPY", 0.045, " K.K."),
    ("IN", "APAC", "INR", 0.045, " Pvt Ltd"),
    ("AU", "APAC", "AUD", 0.0375, " Pty Ltd"),
    ("SG", "APAC", "USD", 0.0225, " Pte Ltd"),
    ("BR", "LATAM", "BRL", 0.050, " Ltda."),
    ("MX", "LATAM", "USD", 0.030, ", S.A. de C.V."),
    ("CO", "LATAM", "USD", 0.020, " S.A.S."),
)
# Rough US dollars per unit (the same illustrative rates as seeds/fx_rates.csv).
USD_PER_UNIT = {
    "USD": 1.0,
    "EUR": 1.08,
    "GBP": 1.27,
    "CAD": 0.73,
    "AUD": 0.66,
    "JPY": 0.0067,
    "BRL": 0.18,
    "INR": 0.012,
    "CHF": 1.12,
    "SEK": 0.095,
}
COUNTRY_CURRENCY = np.array([c[2] for c in COUNTRIES])
COUNTRY_USD_PER_UNIT = np.array([USD_PER_UNIT[c] for c in COUNTRY_CURRENCY])
PLANS = ("starter", "growth", "enterprise")
PLAN_ARR_USD = np.array([[5_000, 20_000], [20_000, 100_000], [100_000, 1_000_000]], float)
CHURN_REASONS = (
    "poor_support",
    "downtime",
    "price",
    "competitor",
    "product_fit",
    "budget_cuts",
    "acquired",
)
CSM_OWNERS = (
    "csm.alex",
    "csm.maria",
    "csm.kenji",
    "csm.fatima",
    "csm.lucas",
    "csm.sofia",
    "csm.oliver",
    "csm.priya",
)

# (display, slug) pairs for company names; the slugs build the e-mail domain.
NAME_A = (
    ("Northwind", "northwind"),
    ("Acme", "acme"),
    ("Blue Harbor", "blue-harbor"),
    ("Crescent", "crescent"),
    ("Evergreen", "evergreen"),
    ("Falcon", "falcon"),
    ("Granite", "granite"),
    ("Helix", "helix"),
    ("Ironwood", "ironwood"),
    ("Juniper", "juniper"),
    ("Kestrel", "kestrel"),
    ("Lumen", "lumen"),
    ("Meridian", "meridian"),
    ("Nimbus", "nimbus"),
    ("Orchard", "orchard"),
    ("Pinnacle", "pinnacle"),
    ("Quantum", "quantum"),
    ("Redwood", "redwood"),
    ("Summit", "summit"),
    ("Tidewater", "tidewater"),
    ("Umbra", "umbra"),
    ("Vertex", "vertex"),
    ("Willow", "willow"),
    ("Zenith", "zenith"),
    ("Müller", "muller"),
    ("Nørdlys", "nordlys"),
    ("Élan", "elan"),
    ("Sakura", "sakura"),
    ("Alpina", "alpina"),
    ("Cobalt", "cobalt"),
    ("Delta", "delta"),
    ("Ember", "ember"),
    ("Fjord", "fjord"),
    ("Harbor & Hill", "harbor-hill"),
    ("Polaris", "polaris"),
    ("Sierra", "sierra"),
    ("Solstice", "solstice"),
    ("Tanager", "tanager"),
    ("Aurora", "aurora"),
    ("Beacon", "beacon"),
)
NAME_B = (
    ("Analytics", "analytics"),
    ("Systems", "systems"),
    ("Logistics", "logistics"),
    ("Health", "health"),
    ("Capital", "capital"),
    ("Foods", "foods"),
    ("Labs", "labs"),
    ("Media", "media"),
    ("Robotics", "robotics"),
    ("Software", "software"),
    ("Energy", "energy"),
    ("Retail", "retail"),
    ("Partners", "partners"),
    ("Learning", "learning"),
    ("Dynamics", "dynamics"),
    ("Works", "works"),
    ("Networks", "networks"),
    ("Solutions", "solutions"),
    ("Ventures", "ventures"),
    ("Group", "group"),
)
FIRST_NAMES = (
    ("Olivia", "olivia"),
    ("Liam", "liam"),
    ("Emma", "emma"),
    ("Noah", "noah"),
    ("Ava", "ava"),
    ("Lucas", "lucas"),
    ("Sofia", "sofia"),
    ("Mateo", "mateo"),
    ("José", "jose"),
    ("Zoë", "zoe"),
    ("Søren", "soren"),
    ("François", "francois"),
    ("Jürgen", "jurgen"),
    ("Chloé", "chloe"),
    ("Haruto", "haruto"),
    ("Yuki", "yuki"),
    ("Aiko", "aiko"),
    ("Priya", "priya"),
    ("Aarav", "aarav"),
    ("Ananya", "ananya"),
    ("Fatima", "fatima"),
    ("Omar", "omar"),
    ("Wei", "wei"),
    ("Mei", "mei"),
    ("Ingrid", "ingrid"),
    ("Lars", "lars"),
    ("Camila", "camila"),
    ("Diego", "diego"),
    ("Amara", "amara"),
    ("Kwame", "kwame"),
    ("Nina", "nina"),
    ("Ethan", "ethan"),
    ("Grace", "grace"),
    ("Hannah", "hannah"),
    ("Mohammed", "mohammed"),
    ("Sean", "sean"),
    ("Siobhán", "siobhan"),
    ("Björn", "bjorn"),
    ("Elena", "elena"),
    ("Marco", "marco"),
)
LAST_NAMES = (
    ("Smith", "smith"),
    ("Johnson", "johnson"),
    ("García", "garcia"),
    ("Müller", "muller"),
    ("O'Brien", "obrien"),
    ("Sato", "sato"),
    ("Tanaka", "tanaka"),
    ("Dubois", "dubois"),
    ("Nguyen", "nguyen"),
    ("da Silva", "dasilva"),
    ("Kowalski", "kowalski"),
    ("Rossi", "rossi"),
    ("Schmidt", "schmidt"),
    ("Martin", "martin"),
    ("Patel", "patel"),
    ("Sharma", "sharma"),
    ("Kim", "kim"),
    ("Chen", "chen"),
    ("Andersson", "andersson"),
    ("Larsen", "larsen"),
    ("Fernández", "fernandez"),
    ("López", "lopez"),
    ("Okafor", "okafor"),
    ("Mensah", "mensah"),
    ("Novak", "novak"),
    ("Ivanova", "ivanova"),
    ("Brown", "brown"),
    ("Wilson", "wilson"),
    ("Taylor", "taylor"),
    ("Lefèvre", "lefevre"),
    ("Yamamoto", "yamamoto"),
    ("Hernández", "hernandez"),
    ("Costa", "costa"),
    ("Jensen", "jensen"),
    ("Murphy", "murphy"),
    ("Walsh", "walsh"),
    ("Singh", "singh"),
    ("Ali", "ali"),
    ("Cohen", "cohen"),
    ("Rahman", "rahman"),
)
# Column 0 is the canonical spelling; the others are the messy variants.
ROLE_TEXT = (
    ("end_user", "End User", " END_USER ", "end-user", "End_User"),
    ("decision_maker", "Decision Maker", " DECISION_MAKER ", "decision-maker", "Decision maker"),
)
END_USER_TITLES = (
    "Support Engineer",
    "Data Analyst",
    "Operations Specialist",
    "Account Executive",
    "Software Engineer",
    "Marketing Specialist",
    "Customer Success Associate",
    "Product Manager",
    "HR Coordinator",
    "Finance Analyst",
)
DECISION_MAKER_TITLES = (
    "VP Customer Success",
    "Head of Operations",
    "Chief Technology Officer",
    "Director of IT",
    "Chief Revenue Officer",
    "Head of Procurement",
    "VP Engineering",
    "Chief Operating Officer",
)
JOB_TITLES = END_USER_TITLES + DECISION_MAKER_TITLES

TICKET_CATEGORIES = ("how_to", "bug", "outage", "billing", "access", "performance")
TICKET_CATEGORY_P = (0.28, 0.22, 0.07, 0.12, 0.13, 0.18)
OUTAGE = TICKET_CATEGORIES.index("outage")
RESOLUTION_MEDIAN_HOURS = np.array([8.0, 60.0, 6.0, 20.0, 4.0, 40.0])
PRIORITIES = ("low", "normal", "high", "urgent")
SLA_FIRST_RESPONSE_MINUTES = np.array([1440.0, 480.0, 240.0, 60.0])
TICKET_CHANNELS = ("email", "web", "chat", "phone")
TICKET_STATUSES = ("open", "pending", "solved", "closed")
SOLVED, CLOSED = 2, 3

SURVEY_TYPES = ("relationship", "transactional")
CAMPAIGN_PREFIX = ("REL", "TXN")
INVITATION_CHANNELS = ("email", "in_app")
FOLLOWUP_ACTIONS = ("call", "email", "meeting")
FOLLOWUP_OUTCOMES = ("resolved", "escalated", "no_answer", "churn_risk")
# Outcome probabilities by score band (0-3, 4-6, 7-8).
FOLLOWUP_OUTCOME_P = np.array(
    [[0.30, 0.25, 0.20, 0.25], [0.45, 0.20, 0.25, 0.10], [0.55, 0.10, 0.30, 0.05]]
)

# Timestamp rendering: ~70% "Z", ~20% a non-zero UTC offset, ~10% no offset (UTC).
TS_STYLE_P = (0.7, 0.2, 0.1)
OFFSETS = ("+01:00", "+02:00", "+03:00", "+05:30", "+09:00", "+10:00")
OFFSETS += ("-03:00", "-04:00", "-05:00", "-06:00", "-07:00", "-08:00")
OFFSET_SECONDS = np.array(
    [(1 if o[0] == "+" else -1) * (int(o[1:3]) * HOUR + int(o[4:]) * 60) for o in OFFSETS]
)
TS_SUFFIXES = ("Z", "") + OFFSETS

# Comment themes double as tag slugs.
THEMES = (
    "support_speed",
    "downtime",
    "price",
    "ease_of_use",
    "communication",
    "reliability",
    "onboarding",
    "features",
)
SUPPORT, DOWNTIME = THEMES.index("support_speed"), THEMES.index("downtime")
NEG, POS = 0, 1
LANGUAGES = ("en", "fr", "de", "es", "ja")
LANGUAGE_P = (0.80, 0.05, 0.05, 0.05, 0.05)
# COMMENT_SENTENCES[theme][sentiment] = (English, English, French, German, Spanish, Japanese)
COMMENT_SENTENCES = (
    (
        (
            "Support took days to answer our ticket, and we had to chase them twice.",
            'Response times are way too slow; the "urgent" label on our ticket changed nothing.',
            "Le support met des jours à répondre, c'est frustrant.",
            "Der Support braucht viel zu lange, um zu antworten.",
            "El soporte tarda días en responder, y nadie nos avisa.",
            "サポートの返信が遅すぎます。",
        ),
        (
            "Great support, they fixed our issue within the hour.",
            "The support team is fast, friendly and actually knows the product.",
            "Support très réactif, merci à l'équipe !",
            "Super Support, schnelle und kompetente Hilfe.",
            "Excelente soporte, respondieron en minutos.",
            "サポートがとても迅速で助かりました。",
        ),
    ),
    (
        (
            "Another outage this month, our team couldn't work for hours.",
            'The downtime last week cost us real money, and the status page still said "operational".',
            "Encore une panne ce mois-ci, inacceptable.",
            "Schon wieder ein Ausfall, das kostet uns Umsatz.",
            "Otra caída del servicio este mes, inaceptable.",
            "今月もシステム障害があり、業務が止まりました。",
        ),
        (
            "No downtime at all since we switched, which is a relief.",
            "Uptime has been rock solid this year.",
            "Aucune interruption depuis des mois, parfait.",
            "Seit Monaten keine Ausfälle, sehr zuverlässig.",
            "Sin caídas desde hace meses, muy estable.",
            "ダウンタイムが全くなく安心です。",
        ),
    ),
    (
        (
            "Too expensive for what we get, especially after the last price increase.",
            "Pricing is hard to justify to our CFO, $$$ for features we don't use.",
            "Trop cher pour ce que c'est, surtout après la hausse.",
            "Zu teuer, die letzte Preiserhöhung war zu viel.",
            "Demasiado caro, sobre todo tras la última subida.",
            "価格が高すぎます。",
        ),
        (
            "Good value for the money.",
            "Fair pricing, and the ROI was obvious within a quarter.",
            "Bon rapport qualité-prix.",
            "Gutes Preis-Leistungs-Verhältnis.",
            "Buena relación calidad-precio.",
            "コストパフォーマンスが良いです。",
        ),
    ),
    (
        (
            "The UI is confusing, and new users get lost quickly.",
            "Too many clicks to do simple things.",
            "L'interface est compliquée, pas très intuitive.",
            "Die Oberfläche ist unübersichtlich und kompliziert.",
            "La interfaz es confusa y poco intuitiva.",
            "画面が分かりにくく、使いにくいです。",
        ),
        (
            "Super easy to use, the whole team got started without training.",
            'Intuitive, clean and fast. It "just works".',
            "Très facile à utiliser, même pour les débutants.",
            "Sehr einfach zu bedienen und intuitiv.",
            "Muy fácil de usar, todo es intuitivo.",
            "とても使いやすいです！",
        ),
    ),
    (
        (
            "Nobody told us about the changes before they shipped.",
            "Communication from our account team is poor, we only hear from them at renewal.",
            "Aucune communication sur les changements, c'est dommage.",
            "Die Kommunikation ist schlecht, wir erfahren nichts.",
            "La comunicación es mala, nunca nos informan de nada.",
            "変更の連絡がなく、困っています。",
        ),
        (
            "Our CSM keeps us informed, proactive and clear.",
            "Clear release notes and great communication, thanks!",
            "Communication claire et proactive, merci.",
            "Klare und proaktive Kommunikation, danke!",
            "Comunicación clara y proactiva, gracias.",
            "連絡が丁寧で分かりやすいです。",
        ),
    ),
    (
        (
            "Reports fail randomly and we lose data, not reliable enough.",
            "Sync errors every week, we can't trust the numbers.",
            "Des bugs à répétition, pas assez fiable.",
            "Ständig Fehler, das System ist nicht zuverlässig.",
            "Errores constantes, no es fiable.",
            "エラーが多く、信頼できません。",
        ),
        (
            "Rock-solid and reliable, it never lets us down.",
            "Reliable platform, our data is always there when we need it.",
            "Fiable et stable, rien à redire.",
            "Stabil und zuverlässig, top.",
            "Fiable y estable, sin problemas.",
            "安定していて信頼できます。",
        ),
    ),
    (
        (
            "Onboarding was painful, it took us 3 months to go live.",
            "The setup documentation is outdated, and the kickoff call didn't help.",
            "La mise en place a été longue et pénible.",
            "Das Onboarding war mühsam und hat zu lange gedauert.",
            "La implementación fue lenta y complicada.",
            "導入に時間がかかりすぎました。",
        ),
        (
            "Smooth onboarding, we were live in a week.",
            "The onboarding team was fantastic, clear plan and no surprises.",
            "Onboarding rapide et bien accompagné.",
            "Das Onboarding lief reibungslos.",
            "La incorporación fue rápida y sencilla.",
            "導入がスムーズでした。",
        ),
    ),
    (
        (
            "Still missing basic features like SSO and custom reports.",
            'We keep asking for an export API, the answer is always "on the roadmap".',
            "Il manque encore des fonctionnalités essentielles.",
            "Es fehlen immer noch wichtige Funktionen.",
            "Faltan funciones básicas que necesitamos.",
            "必要な機能がまだ足りません。",
        ),
        (
            "Love the new dashboards, exactly what we needed.",
            "Feature set keeps getting better, the automation rules are a game changer.",
            "Les nouvelles fonctionnalités sont top !",
            "Die neuen Funktionen sind klasse!",
            "Las nuevas funciones son geniales.",
            "新機能が素晴らしいです。",
        ),
    ),
)
N_VARIANTS = 6  # two English sentences, then one per other language
# Flat catalogue: index (theme * 2 + sentiment) * N_VARIANTS + variant.
SENTENCES = tuple(s for theme in COMMENT_SENTENCES for sentiment in theme for s in sentiment)
EDIT_NOTES = (  # appended to a comment edited after submission, by language
    "Update: support followed up and we're sorted now.",
    "Mise à jour : le support nous a recontactés.",
    "Nachtrag: Der Support hat sich inzwischen gemeldet.",
    "Actualización: soporte ya nos contactó.",
    "追記：サポートから連絡がありました。",
)
EMOJIS = (" 😡", " 🙁", " 👎", " 🚀", " 👍", " 🙏", " 😊", " ❤️")
N_NEG_EMOJIS = 3

# Theme weights for the first sentence: base weight, plus extra weight per unit of
# "bad support" (breaches/slow resolution), of "good support", of a recent outage, and
# for transactional surveys (which are about one ticket).
#                     support downtime price  ease  comm  rely  onboard features
NEG_THEME_BASE = np.array([0.6, 0.15, 1.0, 0.25, 0.7, 0.6, 0.3, 0.6])
NEG_THEME_BAD = np.array([2.5, 0.0, 0.0, 0.0, 0.2, 0.0, 0.0, 0.0])
NEG_THEME_OUTAGE = np.array([0.3, 2.5, 0.0, 0.0, 0.0, 0.8, 0.0, 0.0])
POS_THEME_BASE = np.array([0.4, 0.05, 0.4, 1.6, 0.4, 0.6, 0.5, 0.8])
POS_THEME_GOOD = np.array([1.2, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0])
TXN_THEME_BONUS = np.array([2.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0])

# Churn planted from responses, by score band (0-3, 4-6, 7-8, 9-10): the chance that a
# response starts a churn clock (scaled by 1 / contacts of the account) and its mean days.
CHURN_P = np.array([0.45, 0.25, 0.08, 0.03])
CHURN_MEAN_DAYS = np.array([60.0, 180.0, 250.0, 300.0])
CHURN_P_SCALE = 1.0

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
    """All simulated entities (full arrays, indexed by id - 1) and what survives churn."""

    window: Window
    frames: dict[str, Frame]
    keep: dict[str, np.ndarray] = field(default_factory=dict)


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


def simulate_world(rng_for: Callable[[str], np.random.Generator], n: int, window: Window) -> World:
    """Run every simulation step in dependency order and set each row's updated_at."""
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
    frames["loop_followups"] = simulate_followups(rng_for("followups"), world)
    world.keep["loop_followups"] = np.ones(len(frames["loop_followups"]["id"]), bool)
    rng = rng_for("updated_at")
    for entity, frame in frames.items():
        p_late = 0.8 if entity == "crm_accounts" else 0.15  # CRM records get touched often
        frame["updated"] = updated_after(
            rng, latest_event(entity, frame), window.end, p_late=p_late
        )
    return world


# ---------------------------------------------------------------------------------------
# Rendering to text (pyarrow string arrays)
# ---------------------------------------------------------------------------------------

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
        "account_id": ids("ACC", f["id"]),
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
        "contact_id": ids("CON", f["id"]),
        "account_id": ids("ACC", f["account"] + 1),
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
        "invitation_id": ids("INV", f["id"]),
        "campaign_id": campaign_ids(f["kind"], f["sent"]),
        "contact_id": ids("CON", f["contact"] + 1),
        "survey_type": labels(SURVEY_TYPES, f["kind"]),
        "trigger_ticket_id": ids("TKT", f["ticket"] + 1),
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
        "response_id": ids("RSP", f["id"]),
        "invitation_id": ids("INV", invitation + 1),
        "campaign_id": campaign_ids(inv["kind"][invitation], inv["sent"][invitation]),
        "contact_id": ids("CON", inv["contact"][invitation] + 1),
        "score": integers(f["score"]),
        "comment": pc.if_else(pa.array(f["commented"]), comment, _NULL),
        "tags": pc.if_else(pa.array(f["commented"] & f["tagged"]), tags, _NULL),
        "responded_at": timestamps(rng, f["responded"]),
        "updated_at": timestamps(rng, f["updated"]),
    }


def render_tickets(rng: np.random.Generator, f: Frame, world: World) -> dict[str, pa.Array]:
    """support_tickets columns."""
    return {
        "ticket_id": ids("TKT", f["id"]),
        "account_id": ids("ACC", f["account"] + 1),
        "requester_contact_id": ids("CON", f["requester"] + 1),
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
        "followup_id": ids("FUP", f["id"]),
        "response_id": ids("RSP", f["response"] + 1),
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
) -> pa.Table:
    """The re-export file: ~3% of ids again, a third each identical, newer and stale."""
    end = world.window.end
    latest = latest_event(entity, f)
    same, newer, older = reexport_groups(rng, entity, f, latest, end)
    versions = [main.take(pa.array(same, pa.int64()))]
    for rows, is_newer in ((newer, True), (older, False)):
        version = take(f, rows)
        if is_newer:  # strictly between the main version and the export
            room = end - version["updated"]
            version["updated"] += 60 + floor(rng.random(len(rows)) * (room - 60))
        else:  # at or after the latest event, strictly before the main version
            room = version["updated"] - latest[rows]
            version["updated"] = latest[rows] + floor(rng.random(len(rows)) * (room - 60))
        versions.append(render(rng, entity, revise(rng, entity, version, is_newer), world))
    table = pa.concat_tables(versions)
    return table.take(pa.array(rng.permutation(table.num_rows), pa.int64()))


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
        elif name in BAD_TEXT:
            column, texts = BAD_TEXT[name]
            values = pc.take(pa.array(texts, pa.string()), pa.array(np.arange(n) % len(texts)))
        elif name in BAD_REFERENCE:
            column, target = BAD_REFERENCE[name]
            base = 9 * 10 ** max(6, len(str(2 * len(world.frames[target]["id"]))))
            values = ids(ID_PREFIX[target], base + np.arange(n))
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


# ---------------------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------------------


def interleave(rng: np.random.Generator, main: pa.Table, extra: pa.Table) -> pa.Table:
    """``main`` with the rows of ``extra`` inserted at random positions."""
    n, k = main.num_rows, extra.num_rows
    is_extra = np.zeros(n + k, bool)
    is_extra[rng.choice(n + k, size=k, replace=False)] = True
    order = np.empty(n + k, np.int64)
    order[~is_extra] = np.arange(n)
    order[is_extra] = n + rng.permutation(k)
    return pa.concat_tables([main, extra]).take(pa.array(order))


def write_table(table: pa.Table, path: Path) -> None:
    """CSV (header, UTF-8, RFC 4180 quoting, blanks empty) or Parquet, by file suffix."""
    if path.suffix == ".parquet":
        pq.write_table(table, path)
    else:
        options = pacsv.WriteOptions(quoting_style="needed", quoting_header="none")
        pacsv.write_csv(table, path, write_options=options)


def clear_landing(out: Path) -> None:
    """Delete the sample files a previous run wrote (the marker lists them), nothing else; refuse
    (LandingFolderError) a folder holding any other file."""
    landing_folder.remove_sample_files(out)


def generate(
    out_dir: str | os.PathLike[str],
    seed: int = 42,
    scale: float = 1.0,
    end_date: str = "2026-06-30",
    months: int = 24,
    fmt: str = "csv",
    bad_share: float = 0.0,
) -> dict[str, int]:
    """Simulate and write the landing files; returns raw rows written per entity.

    The counts include the re-export rows and the bad rows.  A manifest of the bad rows
    (``_expected_quarantine.csv``) is written only when ``bad_share > 0``.
    """
    if fmt not in FORMATS:
        raise ValueError(f"fmt must be one of {FORMATS}, not {fmt!r}")
    if scale <= 0 or months < 1 or bad_share < 0:
        raise ValueError("scale must be > 0, months >= 1 and bad_share >= 0")
    window = make_window(end_date, months)
    streams = dict(
        zip(
            ("accounts", "contacts", "tickets", "invitations", "responses", "churn")
            + ("followups", "updated_at", "render", "reexport", "bad", "shuffle"),
            np.random.SeedSequence(seed).spawn(12),
            strict=True,
        )
    )

    def rng_for(name: str) -> np.random.Generator:
        return np.random.default_rng(streams[name])

    world = simulate_world(rng_for, max(1, round(300 * scale)), window)
    render_rng, reexport_rng = rng_for("render"), rng_for("reexport")
    bad_rng, shuffle_rng = rng_for("bad"), rng_for("shuffle")

    out = Path(out_dir)
    clear_landing(out)
    stamp = window.end_date.strftime("%Y%m%d")
    main_ext = ".parquet" if fmt == "parquet" else ".csv"
    reexport_ext = ".csv" if fmt == "csv" else ".parquet"
    counts, manifests = {}, []
    for entity in ENTITY_COLUMNS:
        frame = take(world.frames[entity], world.keep[entity])
        frame = take(frame, shuffle_rng.permutation(len(frame["id"])))  # main rows unsorted
        main = render(render_rng, entity, frame, world)
        again = reexport(reexport_rng, entity, frame, main, world)
        if bad_share > 0:
            bad, manifest = bad_rows(bad_rng, entity, world, bad_share)
            main = interleave(shuffle_rng, main, bad)
            manifests.append(manifest)
        folder = out / entity
        folder.mkdir(parents=True, exist_ok=True)
        write_table(main, folder / f"{entity}_{stamp}{main_ext}")
        write_table(again, folder / f"{entity}_{stamp}_reexport{reexport_ext}")
        counts[entity] = main.num_rows + again.num_rows
    if manifests:
        write_table(pa.concat_tables(manifests), out / MANIFEST_NAME)
    settings = [f"seed {seed}", f"scale {scale:g}"]
    settings += [f"end date {end_date}"] if end_date != "2026-06-30" else []
    settings += [f"{months} months"] if months != 24 else []
    settings += [f"{fmt} files"] if fmt != "csv" else []
    settings += [f"bad share {bad_share:g}"] if bad_share > 0 else []
    landing_folder.write_marker(out, ", ".join(settings))
    return counts


def main(argv: list[str] | None = None) -> None:
    """Command line: ``nps-generate --out DIR --seed 42 --scale 1.0 ...``."""
    parser = argparse.ArgumentParser(
        prog="nps-generate", description="Write synthetic raw NPS landing files."
    )
    parser.add_argument("--out", default=os.environ.get("NPS_RAW_DIR", "data/raw"))
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--scale", type=float, default=1.0, help="1.0 = ~300 accounts")
    parser.add_argument("--end-date", default="2026-06-30", help="export date, YYYY-MM-DD")
    parser.add_argument("--months", type=int, default=24, help="months of history")
    parser.add_argument("--format", choices=FORMATS, default="csv", dest="fmt")
    parser.add_argument("--bad-share", type=float, default=0.0, help="bad rows per valid row")
    parser.add_argument("--quiet", action="store_true", help="print nothing")
    args = parser.parse_args(argv)
    try:
        landing_folder.check_sample_target(args.out)
        counts = generate(
            args.out, args.seed, args.scale, args.end_date, args.months, args.fmt, args.bad_share
        )
    except landing_folder.LandingFolderError as error:
        parser.exit(1, f"nps-generate: {error}\n")
    if not args.quiet:
        print(f"Wrote raw landing files to {args.out} (seed {args.seed}, scale {args.scale}):")
        for entity, rows in counts.items():
            files = sorted(p.name for p in (Path(args.out) / entity).iterdir())
            print(f"  {entity:<20} {rows:>10,} rows  {', '.join(files)}")
        if args.bad_share > 0:
            print(f"  {MANIFEST_NAME} lists the bad rows")


if __name__ == "__main__":
    main()
