"""What nps-build decides before a build (incremental.plan), without building: incremental with
the new files when every file the warehouse read is unchanged; full, saying why, when one changed
or is gone, when there is no manifest, or when asked."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from nps_warehouse import incremental
from nps_warehouse.contract import LANDING_CONTRACT


@pytest.fixture
def landing(tmp_path) -> Path:
    for entity in LANDING_CONTRACT:
        (tmp_path / entity).mkdir()
        (tmp_path / entity / f"{entity}_20260101.csv").write_text("a,b\n1,2\n")
    (tmp_path / "crm_accounts" / "empty.csv").write_text("")  # 0 bytes: never read
    (tmp_path / "crm_accounts" / "notes.txt").write_text("not read")
    return tmp_path


def test_an_unchanged_folder_with_a_new_file_is_incremental(landing):
    stored = incremental.current_manifest(landing)
    new = landing / "survey_responses" / "survey_responses_20260102.csv"
    new.write_text("a,b\n3,4\n")
    plan = incremental.plan(landing, None, stored=stored)
    assert not plan.full_refresh
    assert plan.new_files["survey_responses"] == [new.name]
    assert all(
        not names for entity, names in plan.new_files.items() if entity != "survey_responses"
    )
    assert plan.describe() == "Incremental build: 1 new landing file(s) (survey_responses 1)."


def test_a_file_changed_in_place_or_gone_means_a_full_build(landing):
    stored = incremental.current_manifest(landing)
    changed = landing / "crm_contacts" / "crm_contacts_20260101.csv"
    changed.write_text("a,b\n1,2\n5,6\n")
    (landing / "loop_followups" / "loop_followups_20260101.csv").unlink()
    plan = incremental.plan(landing, None, stored=stored)
    assert plan.full_refresh
    assert "crm_contacts/crm_contacts_20260101.csv (changed)" in plan.reason
    assert "loop_followups/loop_followups_20260101.csv (gone)" in plan.reason
    assert plan.describe().startswith("Full build: landing files the last build read have changed")


def test_a_touched_file_of_the_same_size_counts_as_changed(landing):
    stored = incremental.current_manifest(landing)
    touched = landing / "support_tickets" / "support_tickets_20260101.csv"
    os.utime(touched, (touched.stat().st_atime, touched.stat().st_mtime + 60))
    assert incremental.plan(landing, None, stored=stored).full_refresh


def test_no_manifest_or_asked_means_a_full_build(landing, tmp_path):
    assert incremental.plan(landing, tmp_path / "missing.duckdb").reason == (
        "the warehouse holds no incremental build yet"
    )
    stored = incremental.current_manifest(landing)
    asked = incremental.plan(landing, None, full_refresh=True, stored=stored)
    assert asked.full_refresh
    assert asked.new_files["crm_accounts"] == ["crm_accounts_20260101.csv"]


def test_the_manifest_skips_what_no_reader_reads(landing):
    assert list(incremental.current_manifest(landing)["crm_accounts"]) == [
        "crm_accounts_20260101.csv"
    ]


def test_every_var_read_is_in_the_settings_fingerprint():
    """The per-response models built by increments recompute every response when a setting
    changes (macros/incremental_responses.sql, settings_fingerprint): a var read anywhere in the
    project and missing from settings_vars would leave rows computed with its old value."""
    project = Path(__file__).resolve().parents[2]
    macro = (project / "macros" / "incremental_responses.sql").read_text()
    listed = macro[macro.index("{% macro settings_vars() %}") :]
    listed = set(re.findall(r"'([a-z_0-9]+)'", listed[: listed.index("{% endmacro %}")]))
    read = set()
    for folder in ("models", "macros", "tests/dbt", "snapshots"):
        for path in (project / folder).rglob("*.sql"):
            read |= set(re.findall(r"""var\(\s*['"]([a-z_0-9]+)['"]""", path.read_text()))
    assert read - {"as_of", "bi_reader_role"} - listed == set()
    assert listed - read == set()  # no stale name either
