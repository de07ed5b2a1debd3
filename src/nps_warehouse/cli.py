"""`nps-build`: (optionally) write sample landing data, run `dbt build` on DuckDB, print a summary."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from nps_warehouse import dbt, quality
from nps_warehouse.contract import ENTITIES, SAMPLE_MARKER
from nps_warehouse.summary import format_summary, read_summary

DEFAULT_RAW_DIR = "data/raw"
DEFAULT_DUCKDB_PATH = "data/warehouse/nps.duckdb"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="nps-build",
        description="Build the NPS warehouse on DuckDB from a landing folder and print a summary.",
    )
    parser.add_argument(
        "--raw-dir",
        default=os.environ.get("NPS_RAW_DIR", DEFAULT_RAW_DIR),
        help="landing folder, one sub-folder per entity (default: $NPS_RAW_DIR or data/raw)",
    )
    parser.add_argument(
        "--sample",
        action="store_true",
        help="first write generated sample data into the landing folder (replaces its entity files)",
    )
    parser.add_argument(
        "--sample-if-empty",
        action="store_true",
        help="write the sample data only when the landing folder holds no entity files yet",
    )
    parser.add_argument("--seed", type=int, default=42, help="sample generator seed (default 42)")
    parser.add_argument("--scale", type=float, default=1.0, help="sample size, 1 ≈ 300 accounts")
    parser.add_argument(
        "--as-of",
        default=None,
        help="the build's 'now' (ISO date or timestamp); default: the latest event in the data",
    )
    parser.add_argument(
        "--summary-only", action="store_true", help="print the summary of the last build and stop"
    )
    return parser.parse_args(argv)


def has_landing_files(raw_dir: Path) -> bool:
    """Whether any entity folder of the landing folder holds anything (a *.csv.gz or a file that
    is not read counts too: --sample-if-empty must never clear a user's files)."""
    return any(quality.landing_files(raw_dir / entity) for entity in ENTITIES)


class SetupError(RuntimeError):
    """Something to set before building; the message says what."""


def check_pii_salt(raw_dir: Path) -> None:
    """Without NPS_PII_SALT, only sample data builds; any other landing folder stops here."""
    if os.environ.get("NPS_PII_SALT") or (raw_dir / SAMPLE_MARKER).is_file():
        return
    raise SetupError(
        "NPS_PII_SALT is not set. Emails and names are stored only as salted hashes, so real data "
        "needs a secret salt: set one (e.g. `export NPS_PII_SALT=$(openssl rand -hex 16)`) and "
        "keep it for every build so the hashes stay joinable. Only sample data (a landing folder "
        f"with the {SAMPLE_MARKER} file that nps-generate writes) builds without one. "
        f"Landing folder: {raw_dir}"
    )


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        project_dir = dbt.find_project_dir()
        raw_dir = Path(args.raw_dir)
        duckdb_path = Path(os.environ.get("NPS_DUCKDB_PATH", DEFAULT_DUCKDB_PATH))
        if not duckdb_path.is_absolute():
            duckdb_path = project_dir / duckdb_path
        if not args.summary_only:
            if args.sample or (args.sample_if_empty and not has_landing_files(raw_dir)):
                from nps_warehouse.generate import generate

                print(
                    f"Writing sample landing data (seed {args.seed}, scale {args.scale}) to {raw_dir}"
                )
                generate(raw_dir, seed=args.seed, scale=args.scale)
            check_pii_salt(raw_dir)
            print("Landing checks (Great Expectations) ...", flush=True)
            checked = quality.check_landing(
                raw_dir, project_dir, progress=lambda line: print(f"  {line}", flush=True)
            )
            for note in checked:
                print(f"  {note}", flush=True)
            duckdb_path.parent.mkdir(parents=True, exist_ok=True)
            command = ["build"]
            if args.as_of:
                command += ["--vars", f"{{as_of: '{args.as_of}'}}"]
            dbt.invoke(
                command,
                project_dir,
                env={"NPS_RAW_DIR": str(raw_dir.resolve()), "NPS_DUCKDB_PATH": str(duckdb_path)},
            )
            for line in quality.warned_offenders(project_dir, duckdb_path):
                print(f"  {line}", flush=True)
            print("Mart checks (Great Expectations) ...", flush=True)
            for note in quality.check_marts(duckdb_path, project_dir):
                print(f"  {note}", flush=True)
        print(format_summary(read_summary(duckdb_path)))
    except (dbt.DbtError, SetupError, quality.QualityError, FileNotFoundError) as error:
        print(f"nps-build: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
