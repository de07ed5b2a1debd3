"""The landing contract is written in three places (Python, the dbt macro, the sources YAML); they agree."""

from __future__ import annotations

import re

import yaml
from conftest import PROJECT_DIR

from nps_warehouse.contract import LANDING_CONTRACT


def test_dbt_macro_lists_the_same_columns():
    macro = (PROJECT_DIR / "macros" / "landing.sql").read_text()
    for entity, columns in LANDING_CONTRACT.items():
        found = re.search(rf"'{entity}': \[([^\]]*)\]", macro)
        assert found, entity
        assert tuple(re.findall(r"'([a-z_]+)'", found.group(1))) == columns, entity


def test_sources_document_every_column_in_order():
    documented = {}
    for path in (PROJECT_DIR / "models" / "staging").glob("*/_*__sources.yml"):
        for source in yaml.safe_load(path.read_text())["sources"]:
            for table in source["tables"]:
                assert table.get("description"), table["name"]
                assert all(column.get("description") for column in table["columns"]), table["name"]
                documented[table["name"]] = tuple(column["name"] for column in table["columns"])
    assert documented == LANDING_CONTRACT
