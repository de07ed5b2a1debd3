"""The project's own model-level data tests for not-null columns and value ranges
(tests/dbt/generic): what they find on rows with nulls and values out of range (run by dbt on
DuckDB, no warehouse built), and that the project lists every model's not-null columns and ranges
in those two tests instead of a test per column."""

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


def test_accepted_ranges_counts_the_values_outside_each_range(project_dbt):
    ranges = (
        "[{'column': 'a', 'min_value': 1, 'max_value': 2},"
        " {'column': 'b', 'min_value': 5, 'inclusive': false},"
        " {'column': 'c', 'max_value': 6}]"
    )
    rows = shown(project_dbt, f"{{{{ test_accepted_ranges(model='{ROWS}', ranges={ranges}) }}}}")
    # a = 3 is above 2; b = 5 is not above 5 (open), its nulls are not counted; c is all within
    assert sorted((r["column_name"], r["accepted"], r["values_outside"]) for r in rows) == [
        ("a", "a >= 1 and a <= 2", 1),
        ("b", "b > 5", 1),
    ]


def test_accepted_ranges_without_a_bound_is_a_compile_error(project_dbt):
    done, _ = project_dbt(
        "show",
        "--inline",
        f"{{{{ test_accepted_ranges(model='{ROWS}', ranges=[{{'column': 'a'}}]) }}}}",
    )
    assert done.returncode != 0
    assert "each range needs a column and a min_value or a max_value" in done.stdout + done.stderr


@pytest.fixture(scope="module")
def manifest(project_dbt) -> dict:
    done, target = project_dbt("parse", "-q")
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return json.loads((target / "manifest.json").read_text())


@pytest.mark.parametrize(
    ("per_column", "per_model", "columns_of"),
    [
        ("not_null", "not_null_columns", lambda kwargs: kwargs["columns"]),
        (
            "accepted_range",
            "accepted_ranges",
            lambda kwargs: [r["column"] for r in kwargs["ranges"]],
        ),
    ],
)
def test_each_model_lists_its_columns_once_in_one_test(manifest, per_column, per_model, columns_of):
    """No not_null or accepted_range test per column (one read of the model per column); each
    model's or seed's not_null_columns and accepted_ranges test names columns it documents, each
    once, and a model has at most one of each."""
    tests = [node for node in manifest["nodes"].values() if node["resource_type"] == "test"]
    named = [(t.get("test_metadata") or {}).get("name") for t in tests]
    assert per_column not in named, f"use the model's {per_model} test instead"
    listed = [t for t, name in zip(tests, named, strict=True) if name == per_model]
    assert listed, f"no {per_model} test found"
    parents = [test["attached_node"] for test in listed]
    assert len(parents) == len(set(parents)), f"a model with two {per_model} tests"
    for test in listed:
        parent = manifest["nodes"][test["attached_node"]]
        columns = columns_of(test["test_metadata"]["kwargs"])
        assert len(columns) == len(set(columns)), test["name"]
        undocumented = set(columns) - set(parent["columns"])
        assert not undocumented, f"{parent['name']}: {sorted(undocumented)} are not its columns"
