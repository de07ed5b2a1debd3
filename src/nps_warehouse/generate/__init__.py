"""Synthetic raw-data generator for the NPS warehouse.

Simulates a B2B SaaS company: CRM accounts and contacts, support tickets, NPS survey
invitations and responses, churn, and closed-loop follow-ups.  The result lands as raw
exports (one folder per entity, a main file plus a re-export with duplicates, newer and
stale versions, and optionally bad rows) following the landing contract.

Planted signals the marts should recover:

* scores drop with slow ticket resolution and SLA breaches in the 90 days before a
  response (transactional scores follow the triggering ticket itself);
* decision makers score about 0.8 points lower than end users;
* detractors churn more often, and 0-3 scorers churn sooner than 6s;
* comment themes and tags follow the score and the ticket history.

Everything is vectorised with numpy and pyarrow (a Python loop runs per entity or per
feature, never per row) and driven by one seed, so the same arguments always produce
byte-identical files.  All times are handled as int64 seconds since the Unix epoch (UTC).
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

import numpy as np
import pyarrow as pa

from nps_warehouse.contract import SAMPLE_MARKER
from nps_warehouse.generate.faults import (
    BAD_KINDS,
    bad_rows,
    interleave,
    reexport,
)
from nps_warehouse.generate.render import (
    render,
)
from nps_warehouse.generate.vocabulary import (
    ENTITY_COLUMNS,
    FORMATS,
    ID_PREFIX,
    MANIFEST_NAME,
    THEMES,
)
from nps_warehouse.generate.world import (
    make_window,
    simulate_world,
    take,
)
from nps_warehouse.generate.writers import (
    clear_landing,
    write_table,
)

__all__ = [
    "BAD_KINDS",
    "ENTITY_COLUMNS",
    "FORMATS",
    "ID_PREFIX",
    "MANIFEST_NAME",
    "THEMES",
    "clear_landing",
    "generate",
    "main",
]


def generate(
    out_dir: str | os.PathLike[str],
    seed: int = 42,
    scale: float = 1.0,
    end_date: str = "2026-06-30",
    months: int = 24,
    fmt: str = "csv",
    bad_share: float = 0.0,
) -> dict[str, int]:
    """Simulate and write the landing files; returns raw rows written per entity.

    The counts include the re-export rows and the bad rows.  A manifest of the bad rows
    (``_expected_quarantine.csv``) is written only when ``bad_share > 0``.
    """
    if fmt not in FORMATS:
        raise ValueError(f"fmt must be one of {FORMATS}, not {fmt!r}")
    if scale <= 0 or months < 1 or bad_share < 0:
        raise ValueError("scale must be > 0, months >= 1 and bad_share >= 0")
    window = make_window(end_date, months)
    streams = dict(
        zip(
            ("accounts", "contacts", "tickets", "invitations", "responses", "churn")
            + ("followups", "updated_at", "render", "reexport", "bad", "shuffle"),
            np.random.SeedSequence(seed).spawn(12),
            strict=True,
        )
    )

    def rng_for(name: str) -> np.random.Generator:
        return np.random.default_rng(streams[name])

    world = simulate_world(rng_for, max(1, round(300 * scale)), window)
    render_rng, reexport_rng = rng_for("render"), rng_for("reexport")
    bad_rng, shuffle_rng = rng_for("bad"), rng_for("shuffle")

    out = Path(out_dir)
    clear_landing(out)
    stamp = window.end_date.strftime("%Y%m%d")
    main_ext = ".parquet" if fmt == "parquet" else ".csv"
    reexport_ext = ".csv" if fmt == "csv" else ".parquet"
    counts, manifests = {}, []
    for entity in ENTITY_COLUMNS:
        frame = take(world.frames[entity], world.keep[entity])
        frame = take(frame, shuffle_rng.permutation(len(frame["id"])))  # main rows unsorted
        main = render(render_rng, entity, frame, world)
        again = reexport(reexport_rng, entity, frame, main, world)
        if bad_share > 0:
            bad, manifest = bad_rows(bad_rng, entity, world, bad_share)
            main = interleave(shuffle_rng, main, bad)
            manifests.append(manifest)
        folder = out / entity
        folder.mkdir(parents=True, exist_ok=True)
        write_table(main, folder / f"{entity}_{stamp}{main_ext}")
        write_table(again, folder / f"{entity}_{stamp}_reexport{reexport_ext}")
        counts[entity] = main.num_rows + again.num_rows
    if manifests:
        write_table(pa.concat_tables(manifests), out / MANIFEST_NAME)
    (out / SAMPLE_MARKER).write_text(
        f"Synthetic sample data written by nps-generate (seed {seed}, scale {scale}): no real\n"
        "people. Builds of this folder hash emails and names with the public sample salt\n"
        "when NPS_PII_SALT is unset; without this file, a build needs NPS_PII_SALT.\n"
        "Delete this file before putting real exports here.\n"
    )
    return counts


def main(argv: list[str] | None = None) -> None:
    """Command line: ``nps-generate --out DIR --seed 42 --scale 1.0 ...``."""
    parser = argparse.ArgumentParser(
        prog="nps-generate", description="Write synthetic raw NPS landing files."
    )
    parser.add_argument("--out", default=os.environ.get("NPS_RAW_DIR", "data/raw"))
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--scale", type=float, default=1.0, help="1.0 = ~300 accounts")
    parser.add_argument("--end-date", default="2026-06-30", help="export date, YYYY-MM-DD")
    parser.add_argument("--months", type=int, default=24, help="months of history")
    parser.add_argument("--format", choices=FORMATS, default="csv", dest="fmt")
    parser.add_argument("--bad-share", type=float, default=0.0, help="bad rows per valid row")
    parser.add_argument("--quiet", action="store_true", help="print nothing")
    args = parser.parse_args(argv)
    counts = generate(
        args.out, args.seed, args.scale, args.end_date, args.months, args.fmt, args.bad_share
    )
    if not args.quiet:
        print(f"Wrote raw landing files to {args.out} (seed {args.seed}, scale {args.scale}):")
        for entity, rows in counts.items():
            files = sorted(p.name for p in (Path(args.out) / entity).iterdir())
            print(f"  {entity:<20} {rows:>10,} rows  {', '.join(files)}")
        if args.bad_share > 0:
            print(f"  {MANIFEST_NAME} lists the bad rows")


if __name__ == "__main__":
    main()
