"""Landing folders that cannot be read stop the build with a message that says what to do."""

from __future__ import annotations

import shutil

import pytest
from conftest import PROJECT_DIR, run_build

from nps_warehouse import quality

# Every test here runs or reads a whole build (end to end); `make test-fast` leaves them out.
pytestmark = pytest.mark.build

HEADER_ONLY = PROJECT_DIR / "tests" / "fixtures" / "landing_header_only"


def test_header_only_landing_builds_empty_marts(header_only_build):
    build = header_only_build
    assert build.returncode == 0, build.output[-5000:]
    assert build.query("select count(*) as n from marts.mart_nps_monthly").iloc[0, 0] == 0
    assert "responses           0" in build.output


def test_missing_column_names_file_and_column(tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(HEADER_ONLY, raw)
    responses = raw / "survey_responses" / "survey_responses.csv"
    responses.write_text(responses.read_text().replace("score", "nps_score"))
    build = run_build(raw, tmp_path / "build")
    assert build.returncode == 1
    assert "survey_responses.csv lacks the column(s) score" in build.output
    assert "Traceback" not in build.output


def test_missing_entity_folder_says_where_to_look(tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(HEADER_ONLY, raw)
    shutil.rmtree(raw / "loop_followups")
    build = run_build(raw, tmp_path / "build")
    assert build.returncode == 1
    assert quality.no_files_message(raw, "loop_followups", []) in build.output
    assert "NPS_RAW_DIR" in build.output
    assert "Traceback" not in build.output
    assert "Landing checks" not in build.output  # asked before anything runs
    assert "Running with dbt" not in build.output


@pytest.mark.parametrize("unread", [[], ["notes.txt (not a landing file type)"]])
def test_dbt_alone_says_what_nps_build_says_about_an_entity_without_files(project_dbt, unread):
    """dbt's reader (macro landing_readable_files), which dbt alone meets, words it as nps-build
    does."""
    entity = "loop_followups"
    listing = [
        {"name": name, "unread_reason": reason.rstrip(")")}
        for name, reason in (entry.split(" (", 1) for entry in unread)
    ]
    done, _ = project_dbt(
        "compile", "-q", "--inline",
        f"{{{{ landing_readable_files('{entity}', '{HEADER_ONLY}/{entity}', {listing}) }}}}",
    )  # fmt: skip
    assert done.returncode != 0
    output = " ".join((done.stdout + done.stderr).split())
    assert quality.no_files_message(HEADER_ONLY, entity, unread) in output, output[-3000:]


def test_invalid_as_of_is_explained(tmp_path):
    build = run_build(HEADER_ONLY, tmp_path / "build", "--as-of", "last tuesday")
    assert build.returncode == 1
    assert "is not an ISO-8601 date or timestamp" in build.output
