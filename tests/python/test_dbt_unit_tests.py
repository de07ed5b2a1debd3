"""The dbt unit tests (YAML `unit_tests:` beside the models), run without building a warehouse.

dbt needs the relations upstream of each tested model to exist (it reads their columns), so the
parents are created empty (`dbt build --empty`, no data read) in a throwaway DuckDB file under
pytest's temporary folder; the unit tests run in the same invocation. Nothing is written into the
project's data/ folders. Part of the fast tier (`make test-fast`) and of `make test`.

Also checks that every quarantine rule of every validated staging model is pinned by a unit test
(an expected row with that quarantine_reason), so a new rule cannot arrive untested.
"""

from __future__ import annotations

import json
import re
import subprocess

import jinja2
import pytest
import yaml
from conftest import PROJECT_DIR

VALIDATED_MODELS = sorted(PROJECT_DIR.glob("models/staging/*/base/base_*_validated.sql"))
# First the parents of every unit-tested model, created empty (limit 0; no data is read), then
# the unit tests in a second run, so that a failing one does not skip those downstream of it.
EMPTY_PARENTS = [
    "build",
    "--empty",
    "--select",
    "+test_type:unit",
    "--resource-type",
    "model",
    "seed",
    "snapshot",
]
UNIT_TESTS = ["test", "--select", "test_type:unit"]


@pytest.fixture(scope="module")
def unit_test_run(project_dbt) -> tuple[subprocess.CompletedProcess, list[dict]]:
    """dbt's outcome of the unit tests: the finished process and run_results.json's results."""
    parents, _ = project_dbt(*EMPTY_PARENTS)
    assert parents.returncode == 0, parents.stdout[-6000:] + parents.stderr[-3000:]
    done, target = project_dbt(*UNIT_TESTS)
    run_results = target / "run_results.json"
    results = json.loads(run_results.read_text())["results"] if run_results.is_file() else []
    return done, results


def unit_tests_in_yaml() -> dict[str, list[dict]]:
    """model name -> its unit tests, from every YAML file under models/."""
    tests: dict[str, list[dict]] = {}
    for path in sorted(PROJECT_DIR.glob("models/**/*.yml")):
        for test in (yaml.safe_load(path.read_text()) or {}).get("unit_tests", []) or []:
            tests.setdefault(test["model"], []).append(test)
    return tests


def enabled_on_duckdb(test: dict) -> bool:
    """Whether a unit test runs on the duckdb target: its `enabled` config, rendered as dbt does
    (a test for another engine's path, e.g. Spark's score-edit history, is disabled here)."""
    enabled = (test.get("config") or {}).get("enabled", True)
    if isinstance(enabled, str):
        enabled = jinja2.Template(enabled).render(target={"type": "duckdb"}).strip() == "True"
    return bool(enabled)


def test_every_dbt_unit_test_passes(unit_test_run):
    done, results = unit_test_run
    unit = [r for r in results if r["unique_id"].startswith("unit_test.")]
    failed = [
        f"{r['unique_id']}: {r['status']}\n{r.get('message') or ''}"
        for r in unit
        if r["status"] != "pass"
    ]
    assert not failed, "\n".join(failed)
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-3000:]
    expected = sum(
        1 for tests in unit_tests_in_yaml().values() for test in tests if enabled_on_duckdb(test)
    )
    assert len(unit) == expected > 0, f"{len(unit)} unit tests ran, {expected} are declared"


def quarantine_rules(sql: str) -> set[str]:
    """The quarantine reasons a validated model can give, read from its source: the row_problem
    coalesce of rules (missing_problem, required_problem, reference_problem and literal reasons),
    plus the rules every validated model shares through quarantine_reason_of (an undecodable
    line, a missing id, a missing or unparseable updated_at)."""
    end = sql.find(") as row_problem")
    start = sql.rfind("coalesce(", 0, end)
    rules: set[str] = set()
    # the coalesce that is row_problem's own (no other column's alias in between)
    if end >= 0 and start >= 0 and ") as " not in sql[start:end]:
        body = sql[start:end]
        rules |= {f"missing_{c}" for c in re.findall(r"missing_problem\('(\w+)'", body)}
        for column in re.findall(r"required_problem\('(\w+)'", body):
            rules |= {f"missing_{column}", f"invalid_{column}"}
        for parent in re.findall(r"reference_problem\('\w+', '\w+', '(\w+)'\)", body):
            rules |= {f"unknown_{parent}", f"{parent}_quarantined"}
        rules |= set(re.findall(r"then '(\w+)'", body))
    if "quarantine_reason_of(" in sql:
        rules |= {"invalid_utf8", "missing_id", "missing_updated_at", "invalid_updated_at"}
    return rules


def test_the_rule_reader_sees_every_kind_of_rule():
    """quarantine_rules on the responses model: literal, present, required and reference rules
    and the shared ones (so the check below cannot pass by reading nothing)."""
    sql = (
        PROJECT_DIR / "models/staging/survey/base/base_survey__responses_validated.sql"
    ).read_text()
    rules = quarantine_rules(sql)
    assert {
        "score_out_of_range",
        "missing_invitation_id",
        "invalid_responded_at",
        "unknown_invitation",
        "contact_quarantined",
        "response_before_invitation",
        "invalid_utf8",
        "missing_id",
    } <= rules


@pytest.mark.parametrize("path", VALIDATED_MODELS, ids=lambda path: path.stem)
def test_every_quarantine_rule_has_a_unit_test(path):
    rules = quarantine_rules(path.read_text())
    assert rules, f"no quarantine rule found in {path.name}: has the model's shape changed?"
    tests = unit_tests_in_yaml().get(path.stem, [])
    pinned = {
        row.get("quarantine_reason")
        for test in tests
        for row in test.get("expect", {}).get("rows", [])
        if isinstance(row, dict)
    }
    statuses = {
        row.get("row_status")
        for test in tests
        for row in test.get("expect", {}).get("rows", [])
        if isinstance(row, dict)
    }
    assert sorted(rules - pinned) == [], f"{path.stem}: quarantine rules without a unit test"
    assert {"staged", "superseded", "quarantined"} <= statuses, f"{path.stem}: row_status cases"
