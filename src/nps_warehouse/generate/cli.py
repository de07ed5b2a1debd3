"""The nps-generate command line (also ``python -m nps_warehouse.generate``)."""

from __future__ import annotations

import argparse
from pathlib import Path

from nps_warehouse import landing_folder, settings
from nps_warehouse.generate.core import generate
from nps_warehouse.generate.vocabulary import FORMATS, MANIFEST_NAME


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
        )
    except landing_folder.LandingFolderError as error:
        parser.exit(1, f"nps-generate: {error}\n")
    if not args.quiet:
        print(f"Wrote raw landing files to {args.out} (seed {args.seed}, scale {args.scale}):")
        for entity, rows in counts.items():
            files = sorted(p.name for p in (Path(args.out) / entity).iterdir())
            print(f"  {entity:<20} {rows:>10,} rows  {', '.join(files)}")
        if args.bad_share > 0:
            print(f"  {MANIFEST_NAME} lists the bad rows")
