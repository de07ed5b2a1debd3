"""mart_nps_integrity finds the planted gaming owner and cherry-picked campaign, and nothing else.

The generator plants both by default (generate(integrity_problems=True)); a clean generation of
the same seed has neither. On the planted build the flagged subjects must be exactly the planted
owner and campaign; on the clean build nothing may be flagged.
"""

from __future__ import annotations

import numpy as np
import pytest
from conftest import run_build

from nps_warehouse.generate import generate
from nps_warehouse.generate.vocabulary import (
    CHERRY_PICK_MONTHS_BEFORE_END,
    CSM_OWNERS,
    GAMING_OWNER,
)

# End to end: builds a warehouse (`make test-fast` leaves it out).
pytestmark = pytest.mark.build

END_DATE = "2026-06-30"  # generate()'s default export date, which the test samples use
PLANTED_OWNER = CSM_OWNERS[GAMING_OWNER]
PLANTED_CAMPAIGN = "REL-" + str(np.datetime64(END_DATE, "M") - CHERRY_PICK_MONTHS_BEFORE_END)

FLAGGED = "select signal, subject from marts.mart_nps_integrity where is_flagged order by 1, 2"


@pytest.fixture(scope="module")
def clean_build(tmp_path_factory):
    """The warehouse tests' sample (seed 7, scale 0.6, mixed files, 2% bad rows) without the
    planted problems."""
    raw_dir = tmp_path_factory.mktemp("clean_landing") / "raw"
    generate(raw_dir, seed=7, scale=0.6, fmt="mixed", bad_share=0.02, integrity_problems=False)
    build = run_build(raw_dir, tmp_path_factory.mktemp("clean_build"))
    assert build.returncode == 0, build.output[-5000:]
    return build


def test_planted_owner_and_campaign_are_flagged_and_nothing_else(sample_build):
    flagged = sample_build.query(FLAGGED)
    assert set(flagged["subject"]) == {PLANTED_OWNER, PLANTED_CAMPAIGN}
    signals = set(zip(flagged["signal"], flagged["subject"], strict=True))
    assert ("followup_score_jump", PLANTED_OWNER) in signals
    assert ("invitation_skew", PLANTED_CAMPAIGN) in signals


def test_flags_carry_their_evidence(sample_build):
    owner = sample_build.query(
        "select * from marts.mart_nps_integrity"
        f" where signal = 'followup_score_jump' and subject = '{PLANTED_OWNER}'"
    ).iloc[0]
    assert owner["observed_value"] == pytest.approx(
        owner["evidence_hits"] / owner["evidence_units"]
    )
    assert owner["observed_value"] > 2 * owner["expected_value"]
    assert f"{owner['evidence_hits']} of {owner['evidence_units']}" in owner["evidence"]


def test_every_subject_is_evaluated(sample_build):
    """Flags are rare because the rules are strict, not because rows are missing: every owner with
    follow-ups and every relationship campaign after the first is judged."""
    counts = dict(
        sample_build.query(
            "select signal, count(*) from marts.mart_nps_integrity group by signal"
        ).itertuples(index=False)
    )
    assert counts["followup_score_jump"] == len(CSM_OWNERS)
    assert counts["invitation_skew"] >= 20
    assert counts["promoter_share_band"] == counts["response_rate_band"] >= 40


def test_clean_data_flags_nothing(clean_build):
    assert clean_build.query(FLAGGED).empty
    judged = clean_build.query(
        "select count(*) as n from marts.mart_nps_integrity where deviation_z is not null"
    )
    assert judged["n"][0] > 50
