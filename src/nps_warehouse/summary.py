"""Reads the one-row build summary (mart_nps_summary) and the quarantine from the warehouse."""

from __future__ import annotations

from pathlib import Path

SUMMARY_SQL = "select * from marts.mart_nps_summary"
QUARANTINE_SQL = (
    "select entity, reason, count(*) as rows from audit.quarantine_rows"
    " group by entity, reason order by rows desc, entity, reason"
)


def read_summary(duckdb_path) -> dict:
    """The summary row as a dict, plus the quarantine counts by entity and reason.

    `duckdb_path` is the DuckDB file, or an engines.PgWarehouse or SparkWarehouse."""
    if not isinstance(duckdb_path, (str, Path)):
        columns, rows = duckdb_path.fetch(SUMMARY_SQL)
        summary = dict(zip(columns, rows[0]))
        summary["quarantine"] = duckdb_path.fetch(QUARANTINE_SQL)[1]
        data_set = recorded_pg_data_set(duckdb_path)
        summary["sample_data_set"] = data_set.sample_data_set if data_set else None
        return summary

    import duckdb

    from nps_warehouse.warehouse import check_not_locked, recorded_data_set

    if not Path(duckdb_path).is_file():
        raise FileNotFoundError(f"No warehouse at {duckdb_path}: run `make build` first.")
    try:
        with duckdb.connect(str(duckdb_path), read_only=True) as connection:
            relation = connection.sql(SUMMARY_SQL)
            summary = dict(zip(relation.columns, relation.fetchall()[0]))
            summary["quarantine"] = connection.sql(QUARANTINE_SQL).fetchall()
    except duckdb.IOException:
        check_not_locked(Path(duckdb_path))  # names the program holding the lock
        raise
    data_set = recorded_data_set(Path(duckdb_path))
    summary["sample_data_set"] = data_set.sample_data_set if data_set else None
    return summary


def recorded_pg_data_set(warehouse):
    """The data set a PostgreSQL warehouse was last built from (audit.warehouse_data_set)."""
    from nps_warehouse.warehouse import DATA_SET_TABLE, DataSet

    if not warehouse.table_exists("audit", "warehouse_data_set"):
        return None
    rows = warehouse.fetch(
        f"select landing_folder, salt_fingerprint, sample_data_set from {DATA_SET_TABLE}"
    )[1]
    return DataSet(*rows[0]) if rows else None


def format_summary(summary: dict) -> str:
    """A short, human-readable summary of a build; its first line says when it is sample data."""

    def number(value, pattern):
        return "n/a" if value is None else format(value, pattern)

    rate = summary["response_rate"]
    as_of = summary["as_of_at"]
    sample = summary.get("sample_data_set")
    lines = [
        "NPS warehouse summary "
        + (f"— SAMPLE DATA (synthetic: {sample}) " if sample is not None else "")
        + (f"(as of {as_of:%Y-%m-%d %H:%M} UTC)" if as_of else "(no events in the landing data)"),
        (
            f"  NPS                 {number(summary['nps'], '+.1f')}"
            f" ± {number(summary['nps_moe_95'], '.1f')} (95% margin of error)"
        ),
        (
            f"  responses           {summary['responses']:,}"
            f" ({summary['promoters']:,} promoters, {summary['passives']:,} passives,"
            f" {summary['detractors']:,} detractors)"
        ),
        (
            f"  response rate       {number(None if rate is None else 100 * rate, '.1f')}%"
            f" of {summary['invitations']:,} invitations"
        ),
        f"  quarantined rows    {summary['quarantined_rows']:,}",
    ]
    unusable = summary.get("unusable_values") or 0
    if unusable:
        lines.insert(
            len(lines) - 1,
            f"  unusable values     {unusable:,} (rows staged, values null: audit.value_problems)",
        )
    for entity, reason, rows in summary["quarantine"][:8]:
        lines.append(f"    {rows:>6,}  {entity}: {reason}")
    if len(summary["quarantine"]) > 8:
        lines.append("    … (all of them: select * from audit.quarantine_rows)")
    return "\n".join(lines)
