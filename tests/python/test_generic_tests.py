"""The project's own generic data test for not-null columns (tests/dbt/generic/not_null_columns.sql):
what it finds on rows with nulls (run by dbt on DuckDB, no warehouse built), and that the project
lists every model's not-null columns in that one test instead of a not_null test per column."""

from __future__ import annotations

import json

import pytest

ROWS = "(select * from (values (1, null, 3), (2, null, null), (3, 5, 6)) as t (a, b, c)) as tested"


def shown(project_dbt, sql: str) -> list[dict]:
    """The rows `dbt show` returns for `sql` (with Jinja), as dictionaries."""
    done, _ = project_dbt("show", "-q", "--output", "json", "--limit", "100", "--inline", sql)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return json.loads(done.stdout[done.stdout.index("{") :])["show"]


def test_not_null_columns_counts_the_nulls_of_each_listed_column(project_dbt):
    rows = shown(
        project_dbt, f"{{{{ test_not_null_columns(model='{ROWS}', columns=['a', 'b', 'c']) }}}}"
    )
    assert sorted((row["column_name"], row["null_rows"]) for row in rows) == [("b", 2), ("c", 1)]


def test_not_null_columns_passes_when_the_listed_columns_are_filled(project_dbt):
    assert (
        shown(project_dbt, f"{{{{ test_not_null_columns(model='{ROWS}', columns=['a']) }}}}") == []
    )


@pytest.fixture(scope="module")
def manifest(project_dbt) -> dict:
    done, target = project_dbt("parse", "-q")
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return json.loads((target / "manifest.json").read_text())


def test_every_not_null_column_is_listed_once_in_its_models_test(manifest):
    """No not_null test per column (one read of the model per column); each model's or seed's
    not_null_columns test names columns it documents, each once."""
    tests = [node for node in manifest["nodes"].values() if node["resource_type"] == "test"]
    per_column = [
        t["name"] for t in tests if (t.get("test_metadata") or {}).get("name") == "not_null"
    ]
    assert per_column == [], "use the model's not_null_columns test instead"
    listed = [t for t in tests if (t.get("test_metadata") or {}).get("name") == "not_null_columns"]
    assert listed, "no not_null_columns test found"
    for test in listed:
        parent = manifest["nodes"][test["attached_node"]]
        columns = test["test_metadata"]["kwargs"]["columns"]
        assert len(columns) == len(set(columns)), test["name"]
        undocumented = set(columns) - set(parent["columns"])
        assert not undocumented, f"{parent['name']}: {sorted(undocumented)} are not its columns"
