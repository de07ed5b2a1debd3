"""The landing contract is written in three places (Python, the dbt column specs, the sources YAML); they agree."""

from __future__ import annotations

import re

import yaml
from conftest import PROJECT_DIR

from nps_warehouse.contract import LANDING_CONTRACT


def test_dbt_column_specs_list_the_same_columns():
    specs = (PROJECT_DIR / "macros" / "landing_spec.sql").read_text()
    for entity, columns in LANDING_CONTRACT.items():
        found = re.search(rf"macro get_{entity}_columns\(\) %}}(.*?)endmacro", specs, re.DOTALL)
        assert found, entity
        assert tuple(re.findall(r"'name': '([a-z_]+)'", found.group(1))) == columns, entity


def test_sources_document_every_column_in_order():
    documented = {}
    for path in (PROJECT_DIR / "models" / "staging").glob("*/_*__sources.yml"):
        for source in yaml.safe_load(path.read_text())["sources"]:
            for table in source["tables"]:
                assert table.get("description"), table["name"]
                assert all(column.get("description") for column in table["columns"]), table["name"]
                documented[table["name"]] = tuple(column["name"] for column in table["columns"])
    assert documented == LANDING_CONTRACT
