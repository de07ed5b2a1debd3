"""A dbt-duckdb plugin (profiles/profiles.yml) that checks NPS_DUCKDB_PATH before DuckDB opens it."""

from __future__ import annotations

from pathlib import Path

from dbt.adapters.duckdb.plugins import BasePlugin
from dbt_common.exceptions import DbtRuntimeError

from nps_warehouse import warehouse


class Plugin(BasePlugin):
    """Plain `dbt build` gets what nps-build does first: the warehouse's folder created, a file
    name DuckDB cannot use or a folder refused, and a lock held by another program named, each
    as one message instead of a traceback."""

    def update_connection_config(self, creds, config) -> None:
        path = Path(creds.path)
        try:
            warehouse.check_path(path)
            warehouse.check_not_locked(path)
        except warehouse.WarehouseError as error:
            raise DbtRuntimeError(str(error)) from None
