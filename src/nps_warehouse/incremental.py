"""Incremental or full: what `nps-build` builds, decided before anything runs.

The landing models keep every row of every landing file they read, with the file's size and
modification time (macros/landing.sql): that is the manifest of the files read. A build adds only
the files the manifest does not hold. A file it holds whose size or modification time changed, or
that is gone, would need its rows taken back: dbt stops on that (landing_files_to_read), and
nps-build rebuilds from scratch instead, saying why. The same for a warehouse whose landing models
an earlier version built (no manifest), or when the user asks (`--full-refresh`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from nps_warehouse import quality
from nps_warehouse.contract import LANDING_CONTRACT

# Entity folder -> its landing model (models/staging/<source>/base/).
LANDING_MODELS = {
    "crm_accounts": "base_crm__accounts",
    "crm_contacts": "base_crm__contacts",
    "survey_invitations": "base_survey__invitations",
    "survey_responses": "base_survey__responses",
    "support_tickets": "base_support__tickets",
    "loop_followups": "base_loop__followups",
}
SCHEMA = "staging"

# name -> (size in bytes, modification time in whole seconds since 1970)
Manifest = dict[str, tuple[int, int]]


@dataclass
class Plan:
    """What this build does: full (and why) or incremental, and the files it reads."""

    full_refresh: bool
    reason: str
    new_files: dict[str, list[str]] = field(default_factory=dict)

    def describe(self) -> str:
        if self.full_refresh:
            return f"Full build: {self.reason}."
        count = sum(len(names) for names in self.new_files.values())
        if count == 0:
            return "Incremental build: no new landing files since the last build."
        parts = [f"{entity} {len(names)}" for entity, names in self.new_files.items() if names]
        return f"Incremental build: {count} new landing file(s) ({', '.join(parts)})."


def current_manifest(raw_dir: Path) -> dict[str, Manifest]:
    """The files a build reads now, per entity (empty, 0-byte files are skipped by every reader)."""
    found: dict[str, Manifest] = {}
    for entity in LANDING_CONTRACT:
        files: Manifest = {}
        for entry in quality.landing_files(Path(raw_dir) / entity):
            if entry.unread_reason is None:
                stat = entry.path.stat()
                if stat.st_size > 0:
                    files[entry.name] = (stat.st_size, int(stat.st_mtime))
        found[entity] = files
    return found


def fetch_rows(warehouse, sql: str) -> list[tuple]:
    """Rows of a query on the warehouse: a DuckDB file (read-only) or an engine's warehouse."""
    if isinstance(warehouse, (str, Path)):
        import duckdb

        with duckdb.connect(str(warehouse), read_only=True) as connection:
            return connection.execute(sql).fetchall()
    return warehouse.fetch(sql)[1]


def stored_manifest(warehouse) -> dict[str, Manifest] | None:
    """The files the landing models hold, per entity; None when there is no usable manifest (no
    warehouse yet, or landing models an earlier version built)."""
    if isinstance(warehouse, (str, Path)) and not Path(warehouse).is_file():
        return None
    stored: dict[str, Manifest] = {}
    try:
        for entity, model in LANDING_MODELS.items():
            rows = fetch_rows(
                warehouse,
                "select _file_name, max(_file_size), max(_file_modified)"
                f" from {SCHEMA}.{model} group by _file_name",
            )
            stored[entity] = {name: (size, modified) for name, size, modified in rows}
    except Exception:  # noqa: BLE001 - any failure to read it means: no usable manifest
        return None
    return stored


def plan(raw_dir: Path, warehouse, full_refresh: bool = False, stored: dict | None = None) -> Plan:
    """Incremental when the warehouse holds a manifest and every file in it is unchanged."""
    current = current_manifest(raw_dir)
    every = {entity: sorted(files) for entity, files in current.items()}
    if full_refresh:
        return Plan(True, "asked for (--full-refresh); every landing file is read", every)
    stored = stored_manifest(warehouse) if stored is None else stored
    if stored is None:
        return Plan(True, "the warehouse holds no incremental build yet", every)
    changed = compare(stored, current)
    if changed:
        shown = ", ".join(changed[:5]) + (
            f" and {len(changed) - 5} more" if len(changed) > 5 else ""
        )
        return Plan(
            True,
            f"landing files the last build read have changed or are gone ({shown}); "
            "rebuilding from the files present",
            every,
        )
    new = {
        entity: sorted(name for name in files if name not in stored.get(entity, {}))
        for entity, files in current.items()
    }
    return Plan(False, "", new)


def compare(stored: dict[str, Manifest], current: dict[str, Manifest]) -> list[str]:
    """The stored files that changed (size or modification time) or are gone, as
    '<entity>/<name> (changed|gone)'; the dbt macro landing_files_to_read is the same rule."""
    found = []
    for entity, files in stored.items():
        now = current.get(entity, {})
        for name, described in sorted(files.items()):
            if name not in now:
                found.append(f"{entity}/{name} (gone)")
            elif tuple(now[name]) != tuple(described):
                found.append(f"{entity}/{name} (changed)")
    return found
