"""The nps-generate command line (also ``python -m nps_warehouse.generate``)."""

from __future__ import annotations

import argparse
from pathlib import Path

from nps_warehouse import landing_folder, settings
from nps_warehouse.generate.core import default_chunk_accounts, generate
from nps_warehouse.generate.daily import DELIVERIES_NAME, PLANTED_NAME
from nps_warehouse.generate.vocabulary import CHUNK_ACCOUNTS_ENV, FORMATS, MANIFEST_NAME


def main(argv: list[str] | None = None) -> None:
    """Command line: ``nps-generate --out DIR --seed 42 --scale 1.0 ...``."""
    parser = argparse.ArgumentParser(
        prog="nps-generate", description="Write synthetic raw NPS landing files."
    )
    parser.add_argument(
        "--out",
        default=settings.env(settings.RAW_DIR_ENV, settings.DEFAULT_RAW_DIR),
        help=f"landing folder (default: ${settings.RAW_DIR_ENV} or {settings.DEFAULT_RAW_DIR})",
    )
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--scale", type=float, default=1.0, help="1.0 = ~300 accounts")
    parser.add_argument("--end-date", default="2026-06-30", help="export date, YYYY-MM-DD")
    parser.add_argument("--months", type=int, default=24, help="months of history")
    parser.add_argument("--format", choices=FORMATS, default="csv", dest="fmt")
    parser.add_argument("--bad-share", type=float, default=0.0, help="bad rows per valid row")
    parser.add_argument(
        "--clean",
        action="store_true",
        help="no planted integrity problems (by default one owner games the score and one "
        "campaign is sent mostly to past promoters)",
    )
    parser.add_argument(
        "--daily-files",
        action="store_true",
        help=f"one file per entity and day (the day of updated_at), with situations planted "
        f"for incremental builds in the last days ({PLANTED_NAME}) and the delivery schedule "
        f"({DELIVERIES_NAME}); nps_warehouse.generate.deliver() copies them day by day",
    )
    parser.add_argument(
        "--chunk-accounts",
        type=int,
        default=None,
        metavar="N",
        help=f"simulate and write at most N accounts at a time, bounding memory (about 1 GB "
        f"per 25,000; default: ${CHUNK_ACCOUNTS_ENV} or {default_chunk_accounts()}); more "
        "than one block gives a different (still deterministic) data set",
    )
    parser.add_argument("--quiet", action="store_true", help="print nothing")
    args = parser.parse_args(argv)
    try:
        landing_folder.check_sample_target(args.out)
        counts = generate(
            args.out,
            args.seed,
            args.scale,
            args.end_date,
            args.months,
            args.fmt,
            args.bad_share,
            integrity_problems=not args.clean,
            daily_files=args.daily_files,
            chunk_accounts=args.chunk_accounts,
        )
    except landing_folder.LandingFolderError as error:
        parser.exit(1, f"nps-generate: {error}\n")
    if not args.quiet:
        print(f"Wrote raw landing files to {args.out} (seed {args.seed}, scale {args.scale}):")
        for entity, rows in counts.items():
            files = sorted(p.name for p in (Path(args.out) / entity).iterdir())
            listed = ", ".join(files) if len(files) <= 2 else f"{len(files)} daily files"
            print(f"  {entity:<20} {rows:>10,} rows  {listed}")
        if args.bad_share > 0:
            print(f"  {MANIFEST_NAME} lists the bad rows")
        if args.daily_files:
            print(f"  {DELIVERIES_NAME} schedules the files, {PLANTED_NAME} lists planted rows")
