"""`nps-bench`: how long the warehouse takes to build, at several sizes, against a hand-written floor.

For each size (S = the sample, M ≈ 1 M responses, L ≈ 10 M responses, or a number: that scale),
with landing data generated once and cached under data/bench/ (mixed CSV/Parquet, 2% bad rows):

  nps-build full     `nps-build --full-refresh` into a fresh warehouse: landing checks (GX), dbt
                     build with data and unit tests, mart checks, publication
  dbt build          `dbt build --full-refresh` alone (what nps-build runs), fresh warehouse
  dbt floor tables   `dbt build` of the seeds and models the floor also builds and everything
                     upstream (no tests), fresh warehouse: the like-for-like side of the ratio
  floor              bench/floor.sql through the duckdb Python API, fresh file, with the profile's
                     threads, memory limit and temp folder (NPS_DUCKDB_*, settings.py defaults)
  nps-build daily    one day of new files: the same size written as daily files, a full build
                     through day D-1 (untimed), then per run a copy of that warehouse, day D's
                     files delivered and an incremental `nps-build` (timed)

Every step runs in a child process; its peak memory is the larger of the child's own maximum
resident set (wait4) and the largest sum of resident memory over its process tree, polled from
/proc. After every run the floor's tables are compared with dbt's (counts exact, doubles to 1e-9)
and the benchmark stops if they differ. `--steps` runs some steps only. Results go to
bench/results/<date>_<sizes>.md and .csv with the machine; in the README's table between its bench
markers each size measured replaces that size's row (the others keep theirs, each row linking to
its results).
The wall clock is read here only: timing is what this command is for; no model reads it.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import json
import math
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from nps_warehouse import dbt, settings
from nps_warehouse.contract import LANDING_CONTRACT

FLOOR_SCRIPT = Path("bench") / "floor.sql"
RESULTS_DIR = Path("bench") / "results"
BENCH_DIR = Path("data") / "bench"
SIZES = {"S": 1.0, "M": 100.0, "L": 1000.0}  # scales: the sample; ~1 M and ~10 M responses
BENCH_SALT = "nps-bench-salt"  # daily-delivered landing folders carry no sample marker
TOLERANCE = 1e-9
CSV_OPTIONS = f"header = true, {settings.CSV_OPTIONS}"
DIMENSIONS = ["month", "survey_type", "respondent_role", "region", "plan", "industry"]
# The tables compared after every run: dbt schema and the columns that order their rows.
DBT_FLOOR_TABLES: dict[str, tuple[str, tuple[str, ...]]] = {
    "mart_nps_monthly": ("marts", tuple(DIMENSIONS)),
    "mart_nps_summary": ("marts", ()),
    "fct_support_tickets": ("core", ("ticket_id",)),
    "mart_churn_by_score": ("marts", ("group_type", "score_group")),
    "mart_revenue_at_risk": ("marts", ("account_id",)),
}
# The models the floor builds, with everything upstream (the other marts are left out so both
# sides build the same tables).
MAIN_PATH = (
    "+mart_nps_summary",
    "+mart_nps_monthly",
    "+dim_accounts",
    "+dim_contacts",
    "+fct_support_tickets",
    "+mart_churn_by_score",
    "+mart_revenue_at_risk",
)
STEPS = ("nps-build full", "dbt build", "dbt floor tables", "floor", "nps-build daily")
# --steps names each step by a short name.
STEP_NAMES = dict(zip(("full", "dbt", "floor-tables", "floor", "daily"), STEPS, strict=True))
# A landing check's progress line (quality.check_landing) and nps-build's phase markers: the
# line each phase starts with. The publication starts when the mart checks' last line ("Mart
# checks: N marts tables validated") is printed; "Published the marts" is printed once it is done.
GX_LINE = re.compile(r"^\s*(\w+): ([\d,]+) rows in (\d+) file\(s\) checked \(([\d.]+) s\)")
PHASES = (
    ("landing checks", "Landing checks (Great Expectations)"),
    ("dbt build", "Running with dbt="),
    ("mart checks", "Mart checks (Great Expectations)"),
    ("publish + summary", "Mart checks: "),
)


class BenchError(RuntimeError):
    """The benchmark cannot give an honest number (a step failed or the two sides disagree)."""


def sql_string(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


# --------------------------------------------------------------------------------------
# The floor
# --------------------------------------------------------------------------------------
def readable_files(folder: Path) -> dict[str, list[str]]:
    """The files of an entity folder the contract reads, by reader: 'csv', 'csv_gz', 'parquet'
    (quality.landing_files, the Python twin of dbt's rule); empty (0-byte) files are left out, as
    dbt skips them."""
    from nps_warehouse import quality

    files: dict[str, list[str]] = {"csv": [], "csv_gz": [], "parquet": []}
    for entry in quality.landing_files(folder):
        if entry.unread_reason is not None or entry.path.stat().st_size == 0:
            continue
        kind = "parquet" if entry.format == "parquet" else "csv_gz" if entry.is_gzip else "csv"
        files[kind].append(str(entry.path))
    return files


# The floor's reader of each kind of landing file (bench/floor.sql), {} the list of paths.
READERS = {
    "csv": "csv_files([{}], 'none')",
    "csv_gz": "csv_files([{}], 'gzip')",
    "parquet": "parquet_files([{}])",
}


def landing_views(raw_dir: Path) -> str:
    """One temp view per entity, landing_<entity>: the union of the floor's readers (csv_files,
    plain or gzip, and parquet_files) over the formats the folder holds, the contract's columns
    in order, then _file_name and _row_number."""
    statements = []
    for entity, columns in LANDING_CONTRACT.items():
        files = readable_files(raw_dir / entity)
        selects = [
            f"select {', '.join(columns)}, _file_name, _row_number "
            f"from {READERS[kind].format(', '.join(sql_string(path) for path in paths))}"
            for kind, paths in files.items()
            if paths
        ]
        if not selects:
            raise BenchError(f"no readable landing files in {raw_dir / entity}")
        statements.append(
            f"create or replace temp view landing_{entity} as\n"
            + "\nunion all\n".join(selects)
            + ";"
        )
    return "\n".join(statements)


def floor_sql(
    raw_dir: Path, project_dir: Path, as_of: str | None = None, pii_salt: str | None = None
) -> str:
    """bench/floor.sql with its placeholders filled in."""
    raw_dir = Path(raw_dir).resolve()
    as_of_sql = "null"
    if as_of:
        text = as_of if "T" in as_of or " " in as_of else f"{as_of}T23:59:59.999999"
        as_of_sql = f"cast(cast({sql_string(text)} as timestamptz) as timestamp)"
    salt = (
        settings.env(settings.PII_SALT_ENV, settings.SAMPLE_SALT) if pii_salt is None else pii_salt
    )
    values = {
        "{raw_dir}": sql_string(str(raw_dir)),
        "{seed_dir}": sql_string(str(project_dir / "seeds")),
        "{as_of}": as_of_sql,
        "{pii_salt}": sql_string(salt),
        "{landing_views}": landing_views(raw_dir),
    }
    script = (project_dir / FLOOR_SCRIPT).read_text()
    for placeholder, value in values.items():
        script = script.replace(placeholder, value)
    return script


def duckdb_config(project_dir: Path) -> dict[str, str]:
    """The profile's DuckDB settings (threads, memory limit, temp folder), from the same
    environment variables and defaults as profiles/profiles.yml."""
    temp = Path(settings.env(settings.DUCKDB_TEMP_DIR_ENV, settings.DEFAULT_DUCKDB_TEMP_DIR))
    return {
        "threads": settings.env(settings.DUCKDB_THREADS_ENV, settings.DEFAULT_DUCKDB_THREADS),
        "memory_limit": settings.env(
            settings.DUCKDB_MEMORY_LIMIT_ENV, settings.DEFAULT_DUCKDB_MEMORY_LIMIT
        ),
        "temp_directory": str(temp if temp.is_absolute() else project_dir / temp),
    }


def run_floor(
    raw_dir: Path, duckdb_path: Path, project_dir: Path, as_of: str | None = None
) -> None:
    """Builds the floor tables (schema `floor`) into a DuckDB file with the profile's settings."""
    import duckdb

    script = floor_sql(raw_dir, project_dir, as_of)
    with duckdb.connect(str(duckdb_path), config=duckdb_config(project_dir)) as connection:
        connection.execute(script)


# --------------------------------------------------------------------------------------
# Comparing the floor with dbt
# --------------------------------------------------------------------------------------
def read_table(duckdb_path: Path, relation: str, keys: tuple[str, ...]):
    """A table as a DataFrame sorted by `keys`."""
    import duckdb

    with duckdb.connect(str(duckdb_path), read_only=True) as connection:
        frame = connection.sql(f"select * from {relation}").df()
    if keys:
        frame = frame.sort_values(list(keys), na_position="last").reset_index(drop=True)
    return frame


def frame_differences(name: str, got, want, keys: tuple[str, ...] = ()) -> list[str]:
    """What differs between two tables: columns, rows, then values (exact, doubles to 1e-9)."""
    if list(got.columns) != list(want.columns):
        return [f"{name}: columns {list(got.columns)} != {list(want.columns)}"]
    if len(got) != len(want):
        return [f"{name}: {len(got)} rows in the floor, {len(want)} in dbt"]
    problems = []
    for column in got.columns:
        for index, (a, b) in enumerate(zip(got[column].tolist(), want[column].tolist())):
            if not same_value(a, b):
                where = {key: want.loc[index, key] for key in keys}
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
    """Differences between dbt's tables and the floor's; empty when they are equal."""
    problems = []
    for table, (schema, keys) in DBT_FLOOR_TABLES.items():
        problems += frame_differences(
            table,
            read_table(floor_path, f"floor.{table}", keys),
            read_table(dbt_path, f"{schema}.{table}", keys),
            keys,
        )
    return problems


# --------------------------------------------------------------------------------------
# Child processes and their peak memory
# --------------------------------------------------------------------------------------
@dataclass
class StepRun:
    seconds: float
    peak_bytes: int
    lines: list[tuple[float, str]] = field(default_factory=list)  # (seconds since start, line)


def _tree_rss(root: int) -> int:
    """Resident memory (bytes) of a process and all its descendants, from /proc."""
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as handle:
                stat = handle.read().rsplit(b")", 1)[1].split()
        except OSError:
            continue
        pid = int(entry.name)
        parents[pid] = int(stat[1])
        rss[pid] = int(stat[21]) * os.sysconf("SC_PAGE_SIZE")
    total, todo = 0, [root]
    children: dict[int, list[int]] = {}
    for pid, parent in parents.items():
        children.setdefault(parent, []).append(pid)
    while todo:
        pid = todo.pop()
        total += rss.get(pid, 0)
        todo += children.get(pid, [])
    return total


def run_child(
    command: list[str], env: dict[str, str], cwd: Path, log_path: Path | None = None
) -> StepRun:
    """Runs a command, timing it and polling its process tree's memory; raises BenchError with
    the end of its output when it fails."""
    started = time.perf_counter()
    process = subprocess.Popen(
        command,
        cwd=cwd,
        env={**os.environ, **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        bufsize=1,
    )
    peak = 0
    done = threading.Event()

    def poll() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _tree_rss(process.pid))
            done.wait(0.2)

    poller = threading.Thread(target=poll, daemon=True)
    poller.start()
    lines = []
    assert process.stdout is not None
    for line in process.stdout:
        lines.append((time.perf_counter() - started, line.rstrip("\n")))
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    done.set()
    poller.join()
    if log_path is not None:
        log_path.write_text("".join(f"{at:8.2f} {text}\n" for at, text in lines))
    if process.returncode != 0:
        tail = "\n    ".join(text for _, text in lines[-15:])
        raise BenchError(f"`{' '.join(command[:3])} ...` failed:\n    {tail}")
    return StepRun(seconds, max(peak, usage.ru_maxrss * 1024), lines)


def remove_duckdb(path: Path) -> None:
    for stale in (path, path.with_name(path.name + ".wal")):
        stale.unlink(missing_ok=True)


# --------------------------------------------------------------------------------------
# Landing data
# --------------------------------------------------------------------------------------
def size_scale(size: str) -> float:
    if size.upper() in SIZES:
        return SIZES[size.upper()]
    try:
        scale = float(size)
    except ValueError:
        raise BenchError(f"size {size!r}: use S, M, L or a scale number") from None
    if scale <= 0:
        raise BenchError(f"size {size!r}: a scale must be > 0")
    return scale


def size_label(size: str) -> str:
    return size.upper() if size.upper() in SIZES else f"scale{float(size):g}"


def sample_landing(project_dir: Path, seed: int, scale: float) -> Path:
    """Mixed CSV/Parquet sample data with 2% bad rows, generated once per seed and scale."""
    from nps_warehouse import landing_folder
    from nps_warehouse.generate import generate

    raw_dir = project_dir / BENCH_DIR / "raw" / f"seed{seed}-scale{scale:g}"
    # The marker is written last and lists every file: a complete, untouched sample.
    if not landing_folder.is_sample(raw_dir):
        print(f"Generating landing data (seed {seed}, scale {scale:g}) ...", flush=True)
        shutil.rmtree(raw_dir, ignore_errors=True)
        generate(raw_dir, seed=seed, scale=scale, fmt="mixed", bad_share=0.02)
    return raw_dir


def daily_source(project_dir: Path, seed: int, scale: float) -> Path:
    """The same size written as daily files (one per entity and day), generated once."""
    from nps_warehouse.generate import generate

    source = project_dir / BENCH_DIR / "daily" / f"seed{seed}-scale{scale:g}"
    complete = source / "_bench_complete"
    if not complete.is_file():
        print(f"Generating daily files (seed {seed}, scale {scale:g}) ...", flush=True)
        shutil.rmtree(source, ignore_errors=True)
        generate(source, seed=seed, scale=scale, fmt="mixed", bad_share=0.02, daily_files=True)
        complete.write_text("written by nps-bench\n")
    return source


def landing_rows(raw_dir: Path) -> int:
    """Rows in every readable landing file (bad rows and re-exports included)."""
    import duckdb

    total = 0
    with duckdb.connect() as connection:
        for entity in LANDING_CONTRACT:
            for kind, paths in readable_files(raw_dir / entity).items():
                for path in paths:
                    if kind == "parquet":
                        reader = f"read_parquet({sql_string(path)})"
                    else:
                        gzip = ", compression = 'gzip'" if kind == "csv_gz" else ""
                        reader = f"read_csv({sql_string(path)}, {CSV_OPTIONS}{gzip})"
                    total += connection.sql(f"select count(*) from {reader}").fetchall()[0][0]
    return total


def count_responses(duckdb_path: Path) -> int:
    import duckdb

    with duckdb.connect(str(duckdb_path), read_only=True) as connection:
        # the floor's file has its own schema; a dbt or nps-build warehouse has core
        schemas = {
            row[0] for row in connection.sql("select schema_name from duckdb_schemas()").fetchall()
        }
        schema = "floor" if "floor" in schemas else "core"
        return connection.sql(f"select count(*) from {schema}.fct_nps_responses").fetchall()[0][0]


# --------------------------------------------------------------------------------------
# One size
# --------------------------------------------------------------------------------------
def bin_command(name: str) -> str:
    beside = Path(sys.executable).with_name(name)
    return str(beside) if beside.is_file() else name


def floor_command(raw_dir: Path, duckdb_path: Path, project_dir: Path) -> list[str]:
    code = (
        "from pathlib import Path; from nps_warehouse import bench; "
        f"bench.run_floor(Path({str(raw_dir)!r}), Path({str(duckdb_path)!r}), "
        f"Path({str(project_dir)!r}))"
    )
    return [sys.executable, "-c", code]


def dbt_command(args: list[str], project_dir: Path) -> list[str]:
    return [
        dbt.dbt_executable(),
        *args,
        "--project-dir",
        str(project_dir),
        "--profiles-dir",
        str(project_dir / "profiles"),
    ]


def sample_proof(raw_dir: Path) -> dict[str, str]:
    """nps-build's proof that the folder holds only sample data, for the dbt steps too: dbt run
    alone would prove it itself, reading each file whole (macros/data_set.sql)."""
    from nps_warehouse import landing_folder
    from nps_warehouse import warehouse as duckdb_warehouse

    state = landing_folder.inspect(raw_dir)
    if state.kind != "sample" or state.data_set is None:
        return {}
    return {
        settings.PROVEN_SAMPLE_DATA_SET_ENV: state.data_set,
        settings.PROVEN_SAMPLE_FOLDER_ENV: duckdb_warehouse.absolute_folder(raw_dir.resolve()),
    }


def step_env(
    raw_dir: Path, duckdb_path: Path, work: Path, name: str, proof: dict[str, str] | None = None
) -> dict[str, str]:
    """Each step its own warehouse file, dbt target folder (its own partial parse) and logs."""
    return {
        **(proof or {}),
        settings.RAW_DIR_ENV: str(raw_dir.resolve()),
        settings.DUCKDB_PATH_ENV: str(duckdb_path),
        settings.PUBLISH_PATH_ENV: str(work / f"{name}_published.duckdb"),
        "DBT_TARGET_PATH": str(work / f"target_{name}"),
        "DBT_LOG_PATH": str(work / f"logs_{name}"),
    }


def phase_seconds(lines: list[tuple[float, str]], total: float) -> dict[str, float]:
    """nps-build's phases from the times its marker lines were printed."""
    starts = []
    for name, marker in PHASES:
        at = next((at for at, text in lines if marker in text), None)
        if at is not None:
            starts.append((name, at))
    phases = {}
    for index, (name, at) in enumerate(starts):
        end = starts[index + 1][1] if index + 1 < len(starts) else total
        phases[name] = round(end - at, 2)
    return phases


def gx_seconds(lines: list[tuple[float, str]]) -> dict[str, float]:
    """Seconds of the landing check per entity, from nps-build's progress lines."""
    found = {}
    for _, text in lines:
        match = GX_LINE.match(text)
        if match:
            found[match.group(1)] = float(match.group(4))
    return found


def slowest_models(target_dir: Path, top: int = 10) -> list[tuple[str, float]]:
    path = target_dir / "run_results.json"
    if not path.is_file():
        return []
    results = json.loads(path.read_text())["results"]
    models = [
        (result["unique_id"].split(".")[-1], round(result["execution_time"], 2))
        for result in results
        if result["unique_id"].startswith("model.")
    ]
    return sorted(models, key=lambda item: -item[1])[:top]


@dataclass
class SizeResult:
    size: str
    scale: float
    landing_rows: int = 0
    responses: int = 0
    runs: dict[str, list[StepRun]] = field(default_factory=dict)
    phases: dict[str, float] = field(default_factory=dict)
    daily_phases: dict[str, float] = field(default_factory=dict)
    daily_base_seconds: float = 0.0
    gx: dict[str, float] = field(default_factory=dict)
    top_models: list[tuple[str, float]] = field(default_factory=list)
    daily_top_models: list[tuple[str, float]] = field(default_factory=list)
    daily_day: str = ""
    daily_files: int = 0
    notes: list[str] = field(default_factory=list)
    stopped: bool = (
        False  # a step failed or the run was interrupted: its results stay out of the README
    )


def selected_steps(args: argparse.Namespace) -> tuple[str, ...]:
    """The steps to run, in STEPS order: --steps, less the daily one with --no-daily."""
    names = [name.strip() for name in args.steps.split(",") if name.strip()]
    unknown = [name for name in names if name not in STEP_NAMES]
    if unknown or not names:
        raise BenchError(
            f"--steps: unknown step(s) {', '.join(unknown) or '(none given)'}; "
            f"choose from {', '.join(STEP_NAMES)}"
        )
    chosen = {STEP_NAMES[name] for name in names}
    if args.no_daily:
        chosen.discard("nps-build daily")
    if not chosen:
        raise BenchError("--steps with --no-daily leaves no step to run")
    return tuple(name for name in STEPS if name in chosen)


def bench_size(result: SizeResult, args: argparse.Namespace, project_dir: Path) -> SizeResult:
    """Fills `result` as the steps finish, so a size stopped part-way still reports its runs."""
    scale, label = result.scale, result.size
    raw_dir = sample_landing(project_dir, args.seed, scale)
    result.landing_rows = landing_rows(raw_dir)
    work = project_dir / BENCH_DIR / "runs" / label
    logs = project_dir / BENCH_DIR / "logs" / label  # every step's output, kept (not in git)
    for folder in (work, logs):
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
    paths = {
        name: work / f"bench_{name.replace(' ', '_').replace('-', '_')}.duckdb" for name in STEPS
    }
    print(f"\n== {label}: scale {scale:g}, {result.landing_rows:,} landing rows", flush=True)
    proof = sample_proof(raw_dir)
    print("Untimed warm-up: dbt parse for each dbt step", flush=True)
    for name in ("nps-build full", "dbt build", "dbt floor tables"):
        key = name.replace(" ", "_").replace("-", "_")
        run_child(
            dbt_command(["--quiet", "parse"], project_dir),
            step_env(raw_dir, paths[name], work, key, proof),
            project_dir,
        )
    steps = selected_steps(args)
    daily = (
        prepare_daily(project_dir, args, scale, work, logs, paths["nps-build daily"])
        if "nps-build daily" in steps
        else None
    )
    if daily:
        result.daily_day, result.daily_base_seconds = daily["day"], daily["base_seconds"]
    for run in range(1, args.runs + 1):
        for name in steps:
            key = name.replace(" ", "_").replace("-", "_")
            path = paths[name]
            remove_duckdb(path)
            env = step_env(raw_dir, path, work, key, proof)
            if name == "nps-build full":
                command = [bin_command("nps-build"), "--full-refresh"]
            elif name == "dbt build":
                command = dbt_command(["build", "--full-refresh"], project_dir)
            elif name == "dbt floor tables":
                command = dbt_command(
                    [
                        "build",
                        "--full-refresh",
                        "--resource-type",
                        "seed",
                        "--resource-type",
                        "model",
                        "--select",
                        *MAIN_PATH,
                    ],
                    project_dir,
                )
            elif name == "floor":
                command, env = floor_command(raw_dir, path, project_dir), {}
            else:
                command, env = daily_run(daily, path, work)
            step = run_child(command, env, project_dir, logs / f"{key}_run{run}.log")
            result.runs.setdefault(name, []).append(step)
            if not result.responses and name != "nps-build daily":
                # counted as soon as a step has built the whole size, so a run that stops at a
                # later step still reports it (the daily warehouse holds days up to D only)
                result.responses = count_responses(path)
            if name == "nps-build full":
                result.phases = phase_seconds(step.lines, step.seconds)
                result.gx = gx_seconds(step.lines)
                result.top_models = slowest_models(work / f"target_{key}")
            if name == "nps-build daily":
                result.daily_phases = phase_seconds(step.lines, step.seconds)
                result.daily_top_models = slowest_models(work / f"target_{key}")
                result.daily_files = len(daily["files"])
                for file in daily["files"]:
                    file.unlink()
        problems = []
        if "floor" in steps:
            for other in ("dbt floor tables", "nps-build full"):
                if other in steps:
                    problems += compare_marts(paths[other], paths["floor"])
        if problems:
            raise BenchError(
                "the floor's tables differ from dbt's, so its time is not a fair floor:\n  "
                + "\n  ".join(problems[:20])
            )
        times = "   ".join(
            f"{name} {result.runs[name][-1].seconds:.1f} s" for name in STEPS if name in result.runs
        )
        print(f"{label} run {run}/{args.runs}: {times}   floor = dbt", flush=True)
        if not result.responses:
            # only the daily step ran: its warehouse, which holds days up to D only
            result.responses = count_responses(paths[steps[0]])
        if args.keep:
            for path in paths.values():
                if path.exists():
                    shutil.copyfile(path, path.with_name(f"{path.stem}-run{run}.duckdb"))
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    return result


def prepare_daily(
    project_dir: Path, args, scale: float, work: Path, logs: Path, path: Path
) -> dict:
    """Daily files delivered through day D-1 into a landing folder and built in full (untimed);
    what each timed run then needs: that warehouse, and day D's delivery. The warehouse is built
    at `path`, where the timed runs build, as a daily job builds the same file each day: dbt's
    partial parsing keeps its parse only while the profile (the file's path included) is the
    same, and a parse from scratch costs about 15 s that a daily job does not pay."""
    from nps_warehouse.generate import deliver, deliveries

    source = daily_source(project_dir, args.seed, scale)
    days = deliveries(source)
    day, before = days[-1], days[-2]
    landing = work / "daily_landing"
    deliver(source, landing, before)
    base = work / "daily_base.duckdb"
    env = step_env(landing, path, work, "nps_build_daily")
    env[settings.PII_SALT_ENV] = BENCH_SALT
    print(f"Untimed: full nps-build of the daily files through {before}", flush=True)
    remove_duckdb(path)
    built = run_child(
        [bin_command("nps-build"), "--full-refresh"], env, project_dir, logs / "daily_base.log"
    )
    shutil.copyfile(path, base)
    return {"source": source, "landing": landing, "base": base, "day": day.isoformat(),
            "env": env, "files": [], "base_seconds": built.seconds}  # fmt: skip


def daily_run(daily: dict, path: Path, work: Path) -> tuple[list[str], dict[str, str]]:
    """A copy of the D-1 warehouse and day D's files delivered: the incremental build to time."""
    from nps_warehouse.generate import deliver

    shutil.copyfile(daily["base"], path)
    daily["files"] = deliver(daily["source"], daily["landing"], daily["day"])
    env = {**daily["env"], settings.DUCKDB_PATH_ENV: str(path)}
    return [bin_command("nps-build")], env


# --------------------------------------------------------------------------------------
# Results
# --------------------------------------------------------------------------------------
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


def load_average() -> str:
    try:
        return " / ".join(f"{value:.2f}" for value in os.getloadavg())
    except OSError:
        return "unknown"


def median(values: list[float]) -> float:
    return statistics.median(values)


def gib(value: int) -> str:
    return f"{value / 1024**3:.2f}"


def summary_rows(results: list[SizeResult]) -> list[dict[str, str]]:
    """One row per size: medians of each step, peak memory, the ratio and the daily share."""
    rows = []
    for r in results:
        med = {name: median([s.seconds for s in runs]) for name, runs in r.runs.items()}
        peak = {name: max(s.peak_bytes for s in runs) for name, runs in r.runs.items()}
        row = {"size": r.size, "scale": f"{r.scale:g}", "responses": f"{r.responses:,}"}
        for name in STEPS:
            if name in med:
                row[f"{name} s"] = f"{med[name]:.1f}"
                row[f"{name} peak GiB"] = gib(peak[name])
        if "dbt floor tables" in med and "floor" in med:
            row["dbt / floor"] = f"{med['dbt floor tables'] / med['floor']:.2f}"
        if "nps-build daily" in med and "nps-build full" in med:
            share = 100 * med["nps-build daily"] / med["nps-build full"]
            row["daily % of full"] = f"{share:.1f}"
        rows.append(row)
    return rows


def table_header(results_column: bool = False) -> list[str]:
    header = ["size", "responses"]
    for name in STEPS:
        header.append(f"{name}: s (peak GiB)")
    header += ["dbt / floor", "daily % of full"]
    if results_column:
        header.append("results")
    return ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]


def table_row(row: dict[str, str], results_link: str | None = None) -> str:
    cells = [row["size"], row["responses"]]
    for name in STEPS:
        if f"{name} s" in row:
            cells.append(f"{row[f'{name} s']} ({row[f'{name} peak GiB']})")
        else:
            cells.append("not run")
    cells += [row.get("dbt / floor", "not run"), row.get("daily % of full", "not run")]
    if results_link is not None:
        cells.append(results_link)
    return "| " + " | ".join(cells) + " |"


def markdown_table(rows: list[dict[str, str]]) -> str:
    """The headline table: seconds (medians) and peak GiB per step, the ratio, the daily share."""
    return "\n".join([*table_header(), *(table_row(row) for row in rows)])


TARGETS = (
    ("L full nps-build < 10 min", "L", lambda row: float(row["nps-build full s"]) < 600),
    ("L full nps-build peak < 6 GiB", "L", lambda row: float(row["nps-build full peak GiB"]) < 6),
    ("dbt build / floor ≤ 1.5 at M", "M", lambda row: float(row["dbt / floor"]) <= 1.5),
    ("dbt build / floor ≤ 1.5 at L", "L", lambda row: float(row["dbt / floor"]) <= 1.5),
    ("L daily incremental < 60 s", "L", lambda row: float(row["nps-build daily s"]) < 60),
    ("L daily incremental < 10% of full", "L", lambda row: float(row["daily % of full"]) < 10),
    ("S full nps-build < 60 s (sample make build)", "S",
     lambda row: float(row["nps-build full s"]) < 60),
)  # fmt: skip


def target_lines(rows: list[dict[str, str]]) -> list[str]:
    by_size = {row["size"]: row for row in rows}
    lines = []
    for label, size, check in TARGETS:
        row = by_size.get(size)
        try:
            verdict = "not measured" if row is None else ("met" if check(row) else "**missed**")
        except KeyError:
            verdict = "not measured"
        lines.append(f"- {label}: {verdict}")
    return lines


def write_results(
    results: list[SizeResult], info: dict, out_dir: Path, stamp: str, sizes: str
) -> tuple[Path, Path]:
    """bench/results/<date>_<sizes>.md and .csv (every run of every step); no absolute paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    csv_path, md_path = out_dir / f"{stamp}_{sizes}.csv", out_dir / f"{stamp}_{sizes}.md"
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(
        ["size", "scale", "responses", "landing_rows", "step", "run", "seconds", "peak_rss_bytes"]
    )
    for r in results:
        for name, runs in r.runs.items():
            for index, step in enumerate(runs, 1):
                writer.writerow(
                    [r.size, f"{r.scale:g}", r.responses, r.landing_rows, name, index,
                     f"{step.seconds:.3f}", step.peak_bytes]
                )  # fmt: skip
    csv_path.write_text(buffer.getvalue())
    m = info["machine"]
    rows = summary_rows(results)
    lines = [
        f"# nps-bench {info['finished_at']}",
        "",
        (
            f"`{info['command']}` — medians of {info['runs']} run(s) per step; peak memory is the "
            "largest of any run (resident set of the step's process tree). Each step's runs are in "
            f"[{csv_path.name}]({csv_path.name}); what each step measures: "
            "[docs/performance.md](../../docs/performance.md)."
        ),
        "",
        markdown_table(rows),
        "",
        "Targets:",
        *target_lines(rows),
        "",
        (
            f"Machine: {m['cpu']}, {m['cores']} cores, {m['memory_gib']} GiB, {m['os']}; "
            f"Python {m['python']}, DuckDB {m['duckdb']}, dbt-core {m['dbt_core']}, "
            f"dbt-duckdb {m['dbt_duckdb']}. DuckDB settings: {info['duckdb_settings']}. "
            f"Load average (1/5/15 min) before: {info['load_before']}; after: {info['load_after']}."
        ),
    ]
    for r in results:
        lines += ["", f"## {r.size} (scale {r.scale:g}, {r.landing_rows:,} landing rows)", ""]
        if r.phases:
            lines.append(
                "- Full nps-build by phase (last run): "
                + ", ".join(f"{name} {seconds:.1f} s" for name, seconds in r.phases.items())
                + "."
            )
        if r.gx:
            lines.append(
                "- Landing checks (GX) per entity: "
                + ", ".join(f"{name} {seconds:.1f} s" for name, seconds in r.gx.items())
                + "."
            )
        if r.daily_day:
            lines.append(
                f"- Daily incremental: day {r.daily_day}, {r.daily_files} new file(s) on a warehouse "
                f"built from the daily files through the day before (that full build, untimed "
                f"setup: {r.daily_base_seconds:.1f} s)"
                + (
                    "; by phase (last run): "
                    + ", ".join(
                        f"{name} {seconds:.1f} s" for name, seconds in r.daily_phases.items()
                    )
                    if r.daily_phases
                    else ""
                )
                + "."
            )
        if r.top_models:
            lines += ["", "Slowest models of the full nps-build (last run):", ""]
            lines += ["| model | s |", "|---|---|"]
            lines += [f"| {name} | {seconds:.2f} |" for name, seconds in r.top_models]
        if r.daily_top_models:
            lines += ["", "Slowest models of the daily incremental nps-build (last run):", ""]
            lines += ["| model | s |", "|---|---|"]
            lines += [f"| {name} | {seconds:.2f} |" for name, seconds in r.daily_top_models]
        for note in r.notes:
            lines += ["", note]
    md_path.write_text("\n".join(lines) + "\n")
    return md_path, csv_path


README_START = "<!-- nps-bench:latest -->"
README_END = "<!-- /nps-bench:latest -->"


SIZE_ORDER = {"S": 0, "M": 1, "L": 2}
DETAILS_LINK = re.compile(r"\[details\]\(([^)]+)\)")


def readme_rows(block: str) -> dict[str, str]:
    """The rows of the README's bench table, by size, each ending in its results link (a table
    written before the table had a results column gets the block's single details link)."""
    details = DETAILS_LINK.search(block)
    width = len(table_header(True)[0].split(" | "))
    rows = {}
    for line in block.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if not line.startswith("| ") or cells[0] in ("size", "") or set(cells[0]) <= {"-"}:
            continue
        if len(cells) == width - 1 and details:
            date = Path(details.group(1)).name[:10]
            cells.append(f"[{date}]({details.group(1)})")
        if len(cells) == width:
            rows[cells[0]] = "| " + " | ".join(cells) + " |"
    return rows


def update_readme(readme: Path, md_path: Path, results: list[SizeResult], info: dict) -> bool:
    """Puts this run's rows into the README's table between its nps-bench markers; the rows of
    sizes this run did not measure, or stopped part-way (their results file says what failed),
    stay, each with the link to the run that measured it."""
    finished = [result for result in results if not result.stopped]
    if not finished or not readme.is_file():
        return False
    text = readme.read_text()
    if README_START not in text or README_END not in text:
        return False
    before, rest = text.split(README_START, 1)
    old_block, after = rest.split(README_END, 1)
    relative = md_path.relative_to(readme.parent).as_posix()
    rows = readme_rows(old_block)
    for row in summary_rows(finished):
        rows[row["size"]] = table_row(row, f"[{info['finished_at'][:10]}]({relative})")
    ordered = sorted(rows, key=lambda size: (SIZE_ORDER.get(size, 3), size))
    block = "\n".join(
        [
            README_START,
            *table_header(True),
            *(rows[size] for size in ordered),
            "",
            (
                "Medians in seconds, peak memory in GiB, each size from its latest run (linked: "
                f"the machine, the targets, where the time goes); {info['machine']['cores']} "
                f"cores, {info['machine']['memory_gib']} GiB."
            ),
            README_END,
        ]
    )
    readme.write_text(before + block + after)
    return True


# --------------------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------------------
def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="nps-bench",
        description="Time the full nps-build, the dbt build, the hand-written DuckDB floor "
        "(bench/floor.sql) and a daily incremental nps-build at several sizes; write "
        "bench/results/ and the README's table.",
    )
    parser.add_argument(
        "--sizes",
        default="S",
        help="comma-separated: S (the sample, scale 1), M (scale 100, ~1 M responses), "
        "L (scale 1000, ~10 M responses) or a scale number (default S)",
    )
    parser.add_argument("--runs", type=int, default=3, help="runs of each step (default 3)")
    parser.add_argument("--seed", type=int, default=42, help="generator seed (default 42)")
    parser.add_argument("--keep", action="store_true", help="keep every run's DuckDB files")
    parser.add_argument(
        "--no-daily", action="store_true", help="leave out the daily incremental step"
    )
    parser.add_argument(
        "--steps",
        default=",".join(STEP_NAMES),
        help="comma-separated steps to run: " + ", ".join(STEP_NAMES) + " (default all; the "
        "floor is compared with dbt only when both run)",
    )
    parser.add_argument(
        "--results-dir", default=str(RESULTS_DIR), help="where results go (default bench/results)"
    )
    parser.add_argument("--no-readme", action="store_true", help="do not update the README's table")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    sizes = [size.strip() for size in args.sizes.split(",") if size.strip()]
    if args.runs < 1 or not sizes:
        print("nps-bench: --runs must be >= 1 and --sizes name at least one size", file=sys.stderr)
        return 2
    try:
        for size in sizes:
            size_scale(size)
        selected_steps(args)
    except BenchError as error:
        print(f"nps-bench: {error}", file=sys.stderr)
        return 2
    project_dir = dbt.find_project_dir()
    out_dir = Path(args.results_dir)
    if not out_dir.is_absolute():
        out_dir = project_dir / out_dir
    stamp = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H%MZ")
    load_before = load_average()
    results: list[SizeResult] = []
    status = 0
    # Results are written after each size (and when one stops), so a long run that is stopped
    # part-way keeps what it measured.
    for size in sizes:
        try:
            result = SizeResult(size_label(size), size_scale(size))
            results.append(result)
            bench_size(result, args, project_dir)
        except (BenchError, dbt.DbtError, KeyboardInterrupt) as error:
            message = str(error) or type(error).__name__
            print(f"nps-bench: {message}", file=sys.stderr)
            if results:
                # the failing command and its last line (the cause), paths relative to the project
                lines = [line.strip() for line in message.splitlines() if line.strip()] or [message]
                said = " ".join(dict.fromkeys([lines[0], lines[-1]]))
                said = said.replace(f"{project_dir}/", "").replace(str(project_dir), ".")
                results[-1].stopped = True
                results[-1].notes.append(
                    f"**Stopped part-way** ({said}): only the runs listed were measured."
                )
            status = 1
        report(results, args, argv, project_dir, out_dir, stamp, sizes, load_before)
        if status:
            break
    return status


def report(results, args, argv, project_dir, out_dir, stamp, sizes, load_before) -> None:
    """Writes the results files and the README table for the sizes measured so far."""
    info = {
        "command": "nps-bench " + " ".join(sys.argv[1:] if argv is None else argv),
        "finished_at": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "runs": args.runs,
        "machine": machine(),
        "duckdb_settings": ", ".join(
            f"{key} {value if key != 'temp_directory' else os.path.relpath(value, project_dir)}"
            for key, value in duckdb_config(project_dir).items()
        ),
        "load_before": load_before,
        "load_after": load_average(),
    }
    md_path, csv_path = write_results(
        results, info, out_dir, stamp, "-".join(size_label(s) for s in sizes)
    )
    print("\n" + markdown_table(summary_rows(results)))
    print("\n".join(target_lines(summary_rows(results))))
    print(f"Written: {md_path.name}, {csv_path.name} in {out_dir}", flush=True)
    if not args.no_readme and update_readme(project_dir / "README.md", md_path, results, info):
        print("README.md: the Performance table now shows these results", flush=True)


if __name__ == "__main__":
    sys.exit(main())
