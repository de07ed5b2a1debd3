"""`nps-build`: (optionally) write sample landing data, run `dbt build` (models and data tests;
the unit tests run in `make test`) on DuckDB (or the NPS_TARGET engine), print a summary."""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
from pathlib import Path

from nps_warehouse import (
    dbt,
    engines,
    incremental,
    landing_folder,
    pg_load,
    publish,
    quality,
    settings,
    warehouse,
)
from nps_warehouse.contract import SAMPLE_MARKER
from nps_warehouse.summary import format_summary, read_summary

# The forms the as_of var accepts (macros/as_of.sql): a date, or a date-time with optional offset.
AS_OF_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
AS_OF_TIMESTAMP = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}(:[0-9]{2}([.][0-9]{1,6})?)?"
    r"([+-][0-9]{2}:?[0-9]{2})?"
)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="nps-build",
        description="Build the NPS warehouse on DuckDB from a landing folder and print a summary.",
    )
    parser.add_argument(
        "--raw-dir",
        default=None,
        help="landing folder, one sub-folder per entity "
        f"(default: ${settings.RAW_DIR_ENV} or {settings.DEFAULT_RAW_DIR})",
    )
    parser.add_argument(
        "--sample",
        action="store_true",
        help="first write generated sample data into the landing folder; only a new or empty "
        "folder, or one holding nothing but sample data nps-generate wrote",
    )
    parser.add_argument(
        "--sample-if-empty",
        action="store_true",
        help="write the sample data into the project's own data/raw when it holds no file at all "
        "(never into a folder named by --raw-dir or NPS_RAW_DIR)",
    )
    parser.add_argument("--seed", type=int, default=42, help="sample generator seed (default 42)")
    parser.add_argument("--scale", type=float, default=1.0, help="sample size, 1 ≈ 300 accounts")
    parser.add_argument(
        "--as-of",
        default=None,
        help="the build's 'now' (ISO date or timestamp); default: the latest event in the data",
    )
    parser.add_argument(
        "--full-refresh",
        action="store_true",
        help="rebuild every table from every landing file (default: when the warehouse already "
        "holds a build of this landing folder, read only the files added since, and rebuild from "
        "scratch by itself when a file it read has changed or is gone)",
    )
    parser.add_argument(
        "--summary-only", action="store_true", help="print the summary of the last build and stop"
    )
    return parser.parse_args(argv)


def as_of_problem(value: str | None) -> str | None:
    """Why --as-of cannot be used (it is checked before anything runs), or None."""
    if value is None:
        return None
    text = value.strip()
    problem = "it is not one of the accepted forms"
    if AS_OF_DATE.fullmatch(text) or AS_OF_TIMESTAMP.fullmatch(text.replace("Z", "+00:00")):
        try:
            dt.datetime.fromisoformat(text)
            return None
        except ValueError as error:
            problem = str(error)
    return (
        f"--as-of {value!r} is not an ISO-8601 date or timestamp ({problem}). Use a real calendar "
        "date, e.g. 2026-06-30 (the end of that day, UTC), or a timestamp, e.g. "
        "2026-06-30T12:00:00Z or 2026-06-30 12:00:00+02:00 (no offset means UTC)."
    )


class SetupError(RuntimeError):
    """Something to set before building; the message says what."""


def check_pii_salt(raw_dir: Path, state: landing_folder.FolderState) -> None:
    """Without NPS_PII_SALT, only sample data builds; any other landing folder stops here."""
    if settings.env(settings.PII_SALT_ENV) or state.kind == "sample":
        return
    unproven = ""
    if (raw_dir / SAMPLE_MARKER).is_file():
        unproven = (
            f" This folder has a {SAMPLE_MARKER} file, but also files it does not list, or that "
            f"changed since nps-generate wrote them ({landing_folder.describe_foreign(state)}), so "
            "it is not sample data. (If it is sample data written by an older nps-generate, "
            "delete the folder and write the sample again.)"
        )
    raise SetupError(
        settings.PII_SALT_MISSING.format(marker=SAMPLE_MARKER)
        + f" Landing folder: {raw_dir}.{unproven}"
    )


def resolve_landing(args: argparse.Namespace, project_dir: Path) -> tuple[Path, bool]:
    """The landing folder to build and whether to write sample data into it first. Stops
    (SetupError, LandingFolderError) when writing sample data there could destroy files, or when
    there is nothing to build; nothing has been written yet."""
    named = args.raw_dir or settings.env(settings.RAW_DIR_ENV)
    raw_dir = Path(named) if named else project_dir / settings.DEFAULT_RAW_DIR
    state = landing_folder.inspect(raw_dir)
    if args.sample:
        landing_folder.check_sample_target(raw_dir)
        return raw_dir, True
    default = landing_folder.is_default_raw_dir(raw_dir, project_dir)
    if args.sample_if_empty and default and state.kind in ("missing", "empty"):
        return raw_dir, True
    if state.kind == "missing":
        raise SetupError(
            f"The landing folder {raw_dir} does not exist. Check NPS_RAW_DIR / --raw-dir (a typo?). "
            "Nothing was built. (Sample data is written on its own only into the project's own, "
            "empty data/raw; `nps-build --sample --raw-dir <new folder>` writes it elsewhere.)"
        )
    if not raw_dir.is_dir():
        raise SetupError(
            f"The landing folder {raw_dir} is a file, not a folder. Nothing was built."
        )
    if state.kind == "empty":
        raise SetupError(
            f"The landing folder {raw_dir} holds no files: put one folder per entity there with "
            "its CSV or Parquet exports (docs/landing-contract.md). Nothing was built. "
            "(Sample data is written on its own only into the project's own, empty data/raw; "
            "`nps-build --sample --raw-dir <folder>` writes it here.)"
        )
    return raw_dir, False


def excluded_resource_types() -> list[str]:
    """What the build's `dbt build` leaves out: the unit tests, and whatever dbt's own
    DBT_EXCLUDE_RESOURCE_TYPES names (space-separated, as dbt reads it: `test` builds without the
    data tests). dbt reads that variable only when the flag is not given, so it is passed on here;
    dbt itself refuses a name that is not a resource type."""
    named = (settings.env("DBT_EXCLUDE_RESOURCE_TYPES") or "").split()
    return ["unit_test", *(name for name in dict.fromkeys(named) if name != "unit_test")]


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    problem = as_of_problem(args.as_of)
    if problem:
        print(f"nps-build: {problem}", file=sys.stderr)
        return 1
    try:
        project_dir = dbt.find_project_dir()
        duckdb_path = Path(settings.env(settings.DUCKDB_PATH_ENV, settings.DEFAULT_DUCKDB_PATH))
        if not duckdb_path.is_absolute():
            duckdb_path = project_dir / duckdb_path
        # The DuckDB file, or the PostgreSQL database (NPS_TARGET=postgres) after it answered.
        target = engines.open_warehouse(duckdb_path, project_dir)
        if not args.summary_only:
            raw_dir, write_sample = resolve_landing(args, project_dir)
            # The published read-only file is DuckDB's route for BI tools; on PostgreSQL they
            # read the marts schema through the bi_reader role instead.
            published = None
            if target is duckdb_path:
                warehouse.check_path(duckdb_path)
                warehouse.check_not_locked(duckdb_path)
                published = publish.publish_path(project_dir)
                publish.check_target(published, duckdb_path)
            if write_sample:
                from nps_warehouse.generate import generate

                print(
                    f"Writing sample landing data (seed {args.seed}, scale {args.scale}) to {raw_dir}"
                )
                generate(raw_dir, seed=args.seed, scale=args.scale)
            state = landing_folder.inspect(raw_dir)
            check_pii_salt(raw_dir, state)
            engines.check_data_set(target, raw_dir)
            # Before anything runs (dbt's reader would say the same once it has parsed the project).
            problem = quality.no_files_problem(raw_dir, project_dir)
            if problem:
                raise landing_folder.LandingFolderError(problem)
            build_plan = incremental.plan(raw_dir, target, full_refresh=args.full_refresh)
            print(build_plan.describe(), flush=True)
            print("Landing checks (Great Expectations) ...", flush=True)
            checked = quality.check_landing(
                raw_dir,
                project_dir,
                progress=lambda line: print(f"  {line}", flush=True),
                only=build_plan.new_files,
            )
            for note in checked:
                print(f"  {note}", flush=True)
            engines.load_landing(target, raw_dir, progress=lambda line: print(line, flush=True))
            # dbt's unit tests check the SQL, not the data: `make test` runs them (as dbt
            # advises: in development and CI); a build runs the models and every data test.
            command = [
                "build",
                "--exclude-resource-type",
                *excluded_resource_types(),
                *(["--full-refresh"] if build_plan.full_refresh else []),
            ]
            if args.as_of:
                command += ["--vars", f"{{as_of: '{args.as_of.strip()}'}}"]
            dbt.invoke(
                command,
                project_dir,
                env={
                    settings.RAW_DIR_ENV: warehouse.absolute_folder(raw_dir),
                    settings.DUCKDB_PATH_ENV: str(duckdb_path),
                    settings.TARGET_ENV: engines.target(),
                    **engines.dbt_environment(target, raw_dir, state),
                },
            )
            for line in quality.warned_offenders(project_dir, target):
                print(f"  {line}", flush=True)
            print("Mart checks (Great Expectations) ...", flush=True)
            for note in quality.check_marts(target, project_dir):
                print(f"  {note}", flush=True)
            if published is not None:
                publication = publish.publish(duckdb_path, published)
                print(
                    f"Published the marts for readers (read-only): {published} "
                    f"(publication {publication.publication_number})"
                )
            print()
        print(format_summary(read_summary(target)))
    except (
        dbt.DbtError,
        SetupError,
        quality.QualityError,
        landing_folder.LandingFolderError,
        warehouse.WarehouseError,
        publish.PublishError,
        pg_load.LoadError,
        FileNotFoundError,
    ) as error:
        print(f"nps-build: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
