"""Synthetic raw-data generator for the NPS warehouse: ``generate()`` and ``nps-generate``."""

# Simulates a B2B SaaS company: CRM accounts and contacts, support tickets, NPS survey
# invitations and responses, churn, and closed-loop follow-ups.  The result lands as raw
# exports (one folder per entity, a main file plus a re-export with duplicates, newer and
# stale versions, and optionally bad rows) following the landing contract.
#
# Planted signals the marts should recover:
#
# * scores drop with slow ticket resolution and SLA breaches in the 90 days before a
#   response (transactional scores follow the triggering ticket itself);
# * decision makers score about 0.8 points lower than end users;
# * detractors churn more often, and 0-3 scorers churn sooner than 6s;
# * comment themes and tags follow the score and the ticket history;
# * respondents of one account answer alike (each account draws a latent baseline score and
#   support quality), so the account-clustered margin is wider than the simple one;
# * unless generate(integrity_problems=False) / nps-generate --clean: one owner (csm.kenji)
#   whose followed-up contacts answer 9-10 next time far more often than others', and one
#   relationship campaign (8 months before the export) sent mostly to past promoters.
#
# Everything is vectorised with numpy and pyarrow (a Python loop runs per entity or per
# feature, never per row) and driven by one seed, so the same arguments always produce
# byte-identical files.  All times are handled as int64 seconds since the Unix epoch (UTC).
#
# Modules, in the order the data flows:
#   vocabulary  word lists, names, themes and shared constants
#   world       the simulation: Frame, Window, World, one function per entity
#   render      frames to the contract's text columns (pyarrow string arrays)
#   faults      re-exported versions, bad rows and their manifest
#   writers     CSV / Parquet files, clearing a landing folder
#   daily       --daily-files: one file per day, planted situations, deliver()
#   core        generate(): seeds, blocks of accounts, simulation, rendering, faults, writing
#   cli         nps-generate (also python -m nps_warehouse.generate)

from nps_warehouse.generate.cli import main
from nps_warehouse.generate.core import generate
from nps_warehouse.generate.daily import (
    DELIVERIES_NAME,
    PLANTED_NAME,
    DeliveryConflict,
    deliver,
    deliveries,
)
from nps_warehouse.generate.faults import BAD_KINDS
from nps_warehouse.generate.vocabulary import (
    ENTITY_COLUMNS,
    FORMATS,
    ID_PREFIX,
    MANIFEST_NAME,
    THEMES,
)
from nps_warehouse.generate.writers import clear_landing

__all__ = [
    "BAD_KINDS",
    "DELIVERIES_NAME",
    "ENTITY_COLUMNS",
    "FORMATS",
    "ID_PREFIX",
    "MANIFEST_NAME",
    "PLANTED_NAME",
    "THEMES",
    "DeliveryConflict",
    "clear_landing",
    "deliver",
    "deliveries",
    "generate",
    "main",
]
