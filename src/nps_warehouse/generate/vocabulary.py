"""Word lists, names, themes and the constants the simulation and the rendering share."""

from __future__ import annotations

import numpy as np

from nps_warehouse.contract import LANDING_CONTRACT

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

# Planted integrity problems (generate(integrity_problems=True), the default): the owner whose
# followed-up contacts are coached into a 9-10 at their next answer, how often that works, and
# the relationship campaign (months before the export's month) sent mostly to past promoters,
# with the share of other contacts it skips.
GAMING_OWNER = CSM_OWNERS.index("csm.kenji")
GAMING_BOOST_P = 0.75
CHERRY_PICK_MONTHS_BEFORE_END = 8
CHERRY_PICK_SKIP_P = 0.8

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

# nps-generate simulates and writes the accounts in blocks of at most this many (with their
# contacts, tickets, surveys and follow-ups), so its memory stays bounded whatever the scale
# (about 1 GB per 25,000 accounts). A run of at most one block is the unchunked data set the
# checksum tests pin; more blocks draw each block from its own random streams.
CHUNK_ACCOUNTS_ENV = "NPS_GENERATE_CHUNK_ACCOUNTS"
DEFAULT_CHUNK_ACCOUNTS = 25_000
