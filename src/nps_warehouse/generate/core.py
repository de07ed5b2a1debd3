"""generate(): simulate the world for a seed and scale and write the landing files."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pyarrow as pa

from nps_warehouse import landing_folder
from nps_warehouse.generate.faults import bad_rows, interleave, reexport
from nps_warehouse.generate.render import render
from nps_warehouse.generate.vocabulary import ENTITY_COLUMNS, FORMATS, MANIFEST_NAME
from nps_warehouse.generate.world import make_window, simulate_world, take
from nps_warehouse.generate.writers import clear_landing, write_table


def generate(
    out_dir: str | os.PathLike[str],
    seed: int = 42,
    scale: float = 1.0,
    end_date: str = "2026-06-30",
    months: int = 24,
    fmt: str = "csv",
    bad_share: float = 0.0,
    integrity_problems: bool = True,
) -> dict[str, int]:
    """Simulate and write the landing files; returns raw rows written per entity.

    ``integrity_problems`` plants one owner who games the score and one cherry-picked
    campaign (what mart_nps_integrity should find); False writes a clean sample without them.

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
            + ("followups", "updated_at", "render", "reexport", "bad", "shuffle", "integrity"),
            np.random.SeedSequence(seed).spawn(13),
            strict=True,
        )
    )

    def rng_for(name: str) -> np.random.Generator:
        return np.random.default_rng(streams[name])

    world = simulate_world(rng_for, max(1, round(300 * scale)), window, integrity_problems)
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
    settings = [f"seed {seed}", f"scale {scale:g}"]
    settings += [f"end date {end_date}"] if end_date != "2026-06-30" else []
    settings += [f"{months} months"] if months != 24 else []
    settings += [f"{fmt} files"] if fmt != "csv" else []
    settings += [f"bad share {bad_share:g}"] if bad_share > 0 else []
    settings += [] if integrity_problems else ["no planted integrity problems"]
    landing_folder.write_marker(out, ", ".join(settings))
    return counts
