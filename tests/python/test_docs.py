"""Documented: every source, model, column and macro of the project has a description, and every
model's description states its grain."""

from __future__ import annotations

import re

PACKAGE = "nps_warehouse"


def test_every_model_and_column_is_described_with_its_grain(sample_build):
    manifest = sample_build.manifest
    models = [n for n in manifest["nodes"].values() if n["resource_type"] in ("model", "seed")]
    assert models
    problems = []
    for node in models:
        if not node["description"].strip():
            problems.append(f"{node['name']}: no description")
        elif node["resource_type"] == "model" and not re.search(
            r"One row( per|\.)", node["description"]
        ):
            problems.append(
                f"{node['name']}: description does not state its grain ('One row per …')"
            )
        for name, column in node["columns"].items():
            if not column["description"].strip():
                problems.append(f"{node['name']}.{name}: no description")
    assert not problems, "\n".join(problems)


def test_every_model_column_is_documented_in_yaml(sample_build):
    """Columns present in the built tables but missing from the YAML are undocumented too."""
    manifest = sample_build.manifest
    problems = []
    for node in manifest["nodes"].values():
        if node["resource_type"] != "model":
            continue
        schema, name = node["schema"], node["alias"]
        built = sample_build.query(
            "select column_name from information_schema.columns"
            f" where table_schema = '{schema}' and table_name = '{name}'"
        )["column_name"]
        missing = set(built) - set(node["columns"])
        if missing:
            problems.append(f"{name}: {sorted(missing)}")
    assert not problems, "\n".join(problems)


def test_every_source_and_macro_is_described(sample_build):
    manifest = sample_build.manifest
    problems = [
        f"source {s['source_name']}.{s['name']}"
        for s in manifest["sources"].values()
        if not s["description"].strip() or not s["source_description"].strip()
    ]
    problems += [
        f"macro {m['name']}"
        for m in manifest["macros"].values()
        if m["package_name"] == PACKAGE and not m["description"].strip()
    ]
    assert not problems, "\n".join(problems)
