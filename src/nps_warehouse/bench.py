"""`nps-bench`: how fast the dbt project builds, as a ratio against a hand-written DuckDB floor.

Generates sample landing data once (cached under data/bench/raw/), then alternates runs of
(a) the dbt project: one `dbt build` of the seeds and models, no data or unit tests, into a fresh
    DuckDB file, in a child process (dbt's start-up and parsing are part of what it costs), and
(b) the floor: bench/floor.sql, the same tables written by hand as one DuckDB script, run through
    the duckdb Python API into a fresh DuckDB file with the same thread count (2).
After every pair it checks the floor's mart_nps_monthly and mart_nps_summary equal dbt's, so the
floor is honest, and it fails loudly if they do not. It prints medians, minima and maxima, the
ratio dbt / floor (medians) and the machine, and writes the same to data/bench/results-<time>.json.
The wall clock is read here only: timing is what this command is for; no model reads it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import platform
import shutil
import statistics
import sys
import time
from importlib import metadata
from pathlib import Path

from nps_warehouse import dbt, settings

THREADS = 2  # the profile's thread count (profiles/profiles.yml); the floor uses the same
FLOOR_SCRIPT = Path("bench") / "floor.sql"
DIMENSIONS = ["month", "survey_type", "respondent_role", "region", "plan", "industry"]
# The tables compared after every run, with their dbt schema: the two marts, and the support fact
# (its calendar and business-hours SLA figures, written twice: in dbt and by hand in DuckDB).
DBT_FLOOR_TABLES = {
    "mart_nps_monthly": "marts",
    "mart_nps_summary": "marts",
    "fct_support_tickets": "core",
}
TOLERANCE = 1e-9
CSV_OPTIONS = f"header = true, {settings.CSV_OPTIONS}"


class BenchError(RuntimeError):
    """The benchmark cannot give an honest number (a build failed or the two sides disagree)."""


# The models the floor builds, with everything upstream: the main path of a build (the other
# marts are left out so both sides build the same tables).
MAIN_PATH = (
    "+mart_nps_summary",
    "+mart_nps_monthly",
    "+dim_accounts",
    "+dim_contacts",
    "+fct_support_tickets",
)


def sql_string(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def floor_sql(
    raw_dir: Path, project_dir: Path, as_of: str | None = None, pii_salt: str | None = None
) -> str:
    """bench/floor.sql with its placeholders filled in."""
    as_of_sql = "null"
    if as_of:
        text = as_of if "T" in as_of or " " in as_of else f"{as_of}T23:59:59.999999"
        as_of_sql = f"cast(cast({sql_string(text)} as timestamptz) as timestamp)"
    salt = (
        settings.env(settings.PII_SALT_ENV, settings.SAMPLE_SALT) if pii_salt is None else pii_salt
    )
    values = {
        "{raw_dir}": sql_string(str(Path(raw_dir).resolve())),
        "{seed_dir}": sql_string(str(project_dir / "seeds")),
        "{as_of}": as_of_sql,
        "{pii_salt}": sql_string(salt),
    }
    script = (project_dir / FLOOR_SCRIPT).read_text()
    for placeholder, value in values.items():
        script = script.replace(placeholder, value)
    return script


def run_floor(
    raw_dir: Path, duckdb_path: Path, project_dir: Path, as_of: str | None = None
) -> None:
    """Builds the floor tables (schema `floor`) into a DuckDB file with the profile's threads."""
    import duckdb

    script = floor_sql(raw_dir, project_dir, as_of)
    with duckdb.connect(str(duckdb_path), config={"threads": THREADS}) as connection:
        connection.execute(script)


def run_dbt(raw_dir: Path, duckdb_path: Path, work_dir: Path, project_dir: Path) -> None:
    """One `dbt build` of the seeds and models the floor also builds (no tests), quietly."""
    dbt.invoke(
        [
            "--quiet",
            "build",
            "--resource-type",
            "seed",
            "--resource-type",
            "model",
            "--select",
            *MAIN_PATH,
        ],
        project_dir,
        env=dbt_env(raw_dir, duckdb_path, work_dir),
    )


def dbt_env(raw_dir: Path, duckdb_path: Path, work_dir: Path) -> dict[str, str]:
    return {
        settings.RAW_DIR_ENV: str(Path(raw_dir).resolve()),
        settings.DUCKDB_PATH_ENV: str(duckdb_path),
        "DBT_TARGET_PATH": str(work_dir / "target"),
        "DBT_LOG_PATH": str(work_dir / "logs"),
    }


def read_table(duckdb_path: Path, relation: str):
    """A table as a DataFrame sorted by its dimension columns (those it has), or by ticket."""
    import duckdb

    with duckdb.connect(str(duckdb_path), read_only=True) as connection:
        frame = connection.sql(f"select * from {relation}").df()
    keys = [column for column in (*DIMENSIONS, "ticket_id") if column in frame.columns]
    if keys:
        frame = frame.sort_values(keys, na_position="last").reset_index(drop=True)
    return frame


def frame_differences(name: str, got, want) -> list[str]:
    """What differs between two tables: columns, rows, then values (exact, doubles to 1e-9)."""
    if list(got.columns) != list(want.columns):
        return [f"{name}: columns {list(got.columns)} != {list(want.columns)}"]
    if len(got) != len(want):
        return [f"{name}: {len(got)} rows in the floor, {len(want)} in dbt"]
    problems = []
    for column in got.columns:
        for index, (a, b) in enumerate(zip(got[column].tolist(), want[column].tolist())):
            if not same_value(a, b):
                where = {
                    key: want.loc[index, key]
                    for key in (*DIMENSIONS, "ticket_id")
                    if key in want.columns
                }
                problems.append(f"{name}.{column} differs at {where}: floor {a!r}, dbt {b!r}")
                break
    return problems


def same_value(a, b) -> bool:
    missing_a, missing_b = is_missing(a), is_missing(b)
    if missing_a or missing_b:
        return missing_a and missing_b
    if isinstance(a, float) or isinstance(b, float):
        return math.isclose(float(a), float(b), rel_tol=TOLERANCE, abs_tol=TOLERANCE)
    return a == b


def is_missing(value) -> bool:
    import pandas as pd

    return value is None or bool(pd.isna(value))  # None, NaN, NaT


def compare_marts(dbt_path: Path, floor_path: Path) -> list[str]:
    """Differences between dbt's marts and the floor's; empty when they are equal."""
    problems = []
    for table, schema in DBT_FLOOR_TABLES.items():
        problems += frame_differences(
            table,
            read_table(floor_path, f"floor.{table}"),
            read_table(dbt_path, f"{schema}.{table}"),
        )
    return problems


def sample_landing(project_dir: Path, seed: int, scale: float) -> Path:
    """Mixed CSV/Parquet sample data with 2% bad rows, generated once per seed and scale."""
    from nps_warehouse import landing_folder
    from nps_warehouse.generate import generate

    raw_dir = project_dir / "data" / "bench" / "raw" / f"seed{seed}-scale{scale:g}"
    # The marker is written last and lists every file: a complete, untouched sample (any other
    # file in the folder would make it need NPS_PII_SALT).
    if not landing_folder.is_sample(raw_dir):
        print(
            f"Generating sample data (seed {seed}, scale {scale:g}) into {raw_dir} ...", flush=True
        )
        shutil.rmtree(raw_dir, ignore_errors=True)
        generate(raw_dir, seed=seed, scale=scale, fmt="mixed", bad_share=0.02)
    return raw_dir


def landing_rows(raw_dir: Path) -> int:
    import duckdb

    total = 0
    with duckdb.connect() as connection:
        for folder in sorted(p for p in raw_dir.iterdir() if p.is_dir()):
            for file in sorted(folder.iterdir()):
                if file.suffix == ".parquet":
                    reader = f"read_parquet({sql_string(str(file))})"
                elif file.suffix == ".csv":
                    reader = f"read_csv({sql_string(str(file))}, {CSV_OPTIONS})"
                else:
                    continue
                total += connection.sql(f"select count(*) from {reader}").fetchall()[0][0]
    return total


def machine() -> dict[str, object]:
    """Where the benchmark ran."""
    cpu = platform.processor() or "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory_gib = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory_gib = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gib": memory_gib,
        "os": platform.platform(),
        "python": platform.python_version(),
        "duckdb": metadata.version("duckdb"),
        "dbt_core": metadata.version("dbt-core"),
        "dbt_duckdb": metadata.version("dbt-duckdb"),
    }


def load_average() -> list[float] | None:
    try:
        return [round(value, 2) for value in os.getloadavg()]
    except OSError:
        return None


def stats(seconds: list[float]) -> dict[str, float]:
    return {
        "median": round(statistics.median(seconds), 3),
        "min": round(min(seconds), 3),
        "max": round(max(seconds), 3),
        "runs": [round(value, 3) for value in seconds],
    }


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="nps-bench",
        description="Time the dbt build (seeds + models, no tests) against the hand-written DuckDB "
        "floor (bench/floor.sql) on the same sample data; report medians and the ratio.",
    )
    parser.add_argument("--scale", type=float, default=20, help="sample size (default 20)")
    parser.add_argument("--runs", type=int, default=5, help="runs of each side (default 5)")
    parser.add_argument("--seed", type=int, default=42, help="sample generator seed (default 42)")
    parser.add_argument("--keep", action="store_true", help="keep every run's DuckDB files")
    return parser.parse_args(argv)


def bench(args: argparse.Namespace) -> dict:
    project_dir = dbt.find_project_dir()
    raw_dir = sample_landing(project_dir, args.seed, args.scale)
    work_dir = project_dir / "data" / "bench" / "work"
    work_dir.mkdir(parents=True, exist_ok=True)
    # Fixed file names, recreated every run: dbt's partial parsing stays valid between runs (the
    # profile's path does not change), so each timed dbt run does the same work.
    dbt_path, floor_path = work_dir / "bench_dbt.duckdb", work_dir / "bench_floor.duckdb"
    rows = landing_rows(raw_dir)
    print(f"Landing data: {raw_dir} ({rows:,} rows)", flush=True)
    print("Untimed warm-up: dbt parse (so every timed run uses the same partial parse)", flush=True)
    dbt.invoke(["--quiet", "parse"], project_dir, env=dbt_env(raw_dir, dbt_path, work_dir))
    load_before = load_average()
    timings: dict[str, list[float]] = {"dbt": [], "floor": []}
    for run in range(1, args.runs + 1):
        for side in ("dbt", "floor"):
            path = dbt_path if side == "dbt" else floor_path
            for stale in (path, path.with_name(path.name + ".wal")):
                stale.unlink(missing_ok=True)
            started = time.perf_counter()
            if side == "dbt":
                run_dbt(raw_dir, path, work_dir, project_dir)
            else:
                run_floor(raw_dir, path, project_dir)
            timings[side].append(time.perf_counter() - started)
        problems = compare_marts(dbt_path, floor_path)
        if problems:
            raise BenchError(
                "the floor's marts differ from dbt's, so its time is not a fair floor:\n  "
                + "\n  ".join(problems[:20])
            )
        print(
            f"run {run}/{args.runs}: dbt {timings['dbt'][-1]:7.2f} s   "
            f"floor {timings['floor'][-1]:7.2f} s   marts equal",
            flush=True,
        )
        if args.keep:
            for path in (dbt_path, floor_path):
                shutil.copyfile(path, path.with_name(f"{path.stem}-run{run}.duckdb"))
    if not args.keep:
        for path in (dbt_path, floor_path):
            path.unlink(missing_ok=True)
    dbt_stats, floor_stats = stats(timings["dbt"]), stats(timings["floor"])
    return {
        "command": "nps-bench " + " ".join(sys.argv[1:]),
        "finished_at": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "scale": args.scale,
        "seed": args.seed,
        "runs": args.runs,
        "landing_rows": rows,
        "threads": THREADS,
        "compared": "dbt build --resource-type seed --resource-type model --select "
        + " ".join(MAIN_PATH)
        + " (the floor's tables and everything upstream; no data or unit tests), child process, "
        "fresh DuckDB file; vs bench/floor.sql via the duckdb Python API, "
        "fresh DuckDB file; both with 2 threads. Marts checked equal after every run.",
        "dbt_seconds": dbt_stats,
        "floor_seconds": floor_stats,
        "ratio_dbt_over_floor": round(dbt_stats["median"] / floor_stats["median"], 2),
        # Each run's dbt and floor ran back to back, so their ratio shares that minute's load.
        "ratio_per_run_median": round(
            statistics.median(a / b for a, b in zip(timings["dbt"], timings["floor"])), 2
        ),
        "load_average_before": load_before,
        "load_average_after": load_average(),
        "machine": machine(),
    }


def format_result(result: dict) -> str:
    m = result["machine"]
    lines = [
        "",
        (
            f"nps-bench: scale {result['scale']:g}, seed {result['seed']}, "
            f"{result['landing_rows']:,} landing rows, {result['runs']} runs each, "
            f"{result['threads']} threads"
        ),
        f"  {'':<28}{'median':>9}{'min':>9}{'max':>9}",
    ]
    for label, key in (
        ("dbt build (seeds + models)", "dbt_seconds"),
        ("floor (floor.sql)", "floor_seconds"),
    ):
        s = result[key]
        lines.append(f"  {label:<28}{s['median']:>8.2f}s{s['min']:>8.2f}s{s['max']:>8.2f}s")
    lines += [
        (
            f"  ratio dbt / floor (medians): {result['ratio_dbt_over_floor']:.2f}   "
            f"(median of per-run ratios: {result['ratio_per_run_median']:.2f})"
        ),
        (
            f"  machine: {m['cpu']}, {m['cores']} cores, {m['memory_gib']} GiB, {m['os']}; "
            f"Python {m['python']}, DuckDB {m['duckdb']}, dbt-core {m['dbt_core']}, "
            f"dbt-duckdb {m['dbt_duckdb']}"
        ),
        (
            f"  load average before / after: {result['load_average_before']} / "
            f"{result['load_average_after']} (a shared machine: compare ratios, not seconds)"
        ),
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.runs < 1 or args.scale <= 0:
        print("nps-bench: --runs must be >= 1 and --scale > 0", file=sys.stderr)
        return 2
    try:
        result = bench(args)
    except (BenchError, dbt.DbtError) as error:
        print(f"nps-bench: {error}", file=sys.stderr)
        return 1
    print(format_result(result))
    out = dbt.find_project_dir() / "data" / "bench"
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    path = out / f"results-{stamp}.json"
    path.write_text(json.dumps(result, indent=2) + "\n")
    print(f"  written to {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
