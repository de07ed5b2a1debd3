"""generate(): simulate the world for a seed and scale and write the landing files."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa

from nps_warehouse import landing_folder, settings
from nps_warehouse.generate.faults import bad_rows, interleave_order, reexport
from nps_warehouse.generate.render import render
from nps_warehouse.generate.vocabulary import (
    CHUNK_ACCOUNTS_ENV,
    DAY,
    DEFAULT_CHUNK_ACCOUNTS,
    ENTITY_COLUMNS,
    FORMATS,
    MANIFEST_NAME,
    NAME_A,
    NAME_B,
)
from nps_warehouse.generate.world import Frame, make_window, simulate_world, take
from nps_warehouse.generate.writers import PieceWriter, clear_landing, write_table

# The random streams, in the order they are spawned from a block's seed sequence (append new
# ones at the end: the first ones stay what they were).
STREAMS = ("accounts", "contacts", "tickets", "invitations", "responses", "churn", "followups") + (
    "updated_at",
    "render",
    "reexport",
    "bad",
    "shuffle",
    "integrity",
    "daily",
)
# Block b of a chunked run draws from SeedSequence(seed, spawn_key=(BLOCK_SPAWN_KEY, b)); a run
# of one block from SeedSequence(seed) itself, as before chunking existed.
BLOCK_SPAWN_KEY = 7_919
# A chunked run cannot know its final id counts in advance; every entity's ids stay below
# this many per account (checked), and the ids that point nowhere start above it.
ID_SPACE_PER_ACCOUNT = 2_000


def default_chunk_accounts() -> int:
    """$NPS_GENERATE_CHUNK_ACCOUNTS, or DEFAULT_CHUNK_ACCOUNTS."""
    return int(settings.env(CHUNK_ACCOUNTS_ENV, str(DEFAULT_CHUNK_ACCOUNTS)))


def account_blocks(n: int, chunk_accounts: int) -> list[int]:
    """``n`` accounts split into the fewest blocks of at most ``chunk_accounts``, sizes even."""
    blocks = -(-n // chunk_accounts)
    size, bigger = divmod(n, blocks)
    return [size + 1] * bigger + [size] * (blocks - bigger)


def block_streams(seed: int, block: int, blocks: int) -> Callable[[str], np.random.Generator]:
    """``rng_for(name)``: a fresh generator of the named stream of one block of accounts."""
    if blocks == 1:
        root = np.random.SeedSequence(seed)
    else:
        root = np.random.SeedSequence(seed, spawn_key=(BLOCK_SPAWN_KEY, block))
    streams = dict(zip(STREAMS, root.spawn(len(STREAMS)), strict=True))
    return lambda name: np.random.default_rng(streams[name])


@dataclass
class Rows:
    """One entity's rows from one block of accounts, as the export files hold them."""

    frame: Frame  # the valid rows, in main-file order
    valid: pa.Table  # ``frame`` rendered
    again: pa.Table  # the re-exported versions
    again_updated: np.ndarray  # their updated_at (seconds)
    again_positions: np.ndarray  # their rows in ``frame``
    bad: pa.Table | None = None
    order: np.ndarray | None = None  # where the bad rows go among the valid ones
    bad_day: np.ndarray | None = None  # daily files: the day each bad row is delivered

    def main(self) -> pa.Table:
        """The main file's rows: the valid rows with the bad ones interleaved."""
        if self.bad is None:
            return self.valid
        return pa.concat_tables([self.valid, self.bad]).take(pa.array(self.order))


class MainFiles:
    """The non-daily layout: one main and one re-export file per entity, written at once or,
    over several blocks of accounts, piece by piece."""

    def __init__(self, out: Path, stamp: str, fmt: str, pieces: bool) -> None:
        self.out, self.stamp, self.pieces = out, stamp, pieces
        self.main_ext = ".parquet" if fmt == "parquet" else ".csv"
        self.reexport_ext = ".csv" if fmt == "csv" else ".parquet"
        self.writers: dict[Path, PieceWriter] = {}

    def write(self, entity: str, main: pa.Table, again: pa.Table) -> None:
        folder = self.out / entity
        folder.mkdir(parents=True, exist_ok=True)
        for table, path in (
            (main, folder / f"{entity}_{self.stamp}{self.main_ext}"),
            (again, folder / f"{entity}_{self.stamp}_reexport{self.reexport_ext}"),
        ):
            if self.pieces:
                self.writers.setdefault(path, PieceWriter(path)).write(table)
            else:
                write_table(table, path)

    def close(self) -> None:
        for writer in self.writers.values():
            writer.close()


def generate(
    out_dir: str | os.PathLike[str],
    seed: int = 42,
    scale: float = 1.0,
    end_date: str = "2026-06-30",
    months: int = 24,
    fmt: str = "csv",
    bad_share: float = 0.0,
    integrity_problems: bool = True,
    *,
    daily_files: bool = False,
    chunk_accounts: int | None = None,
) -> dict[str, int]:
    """Simulate and write the landing files; returns raw rows written per entity.

    ``integrity_problems`` plants one owner who games the score and one cherry-picked
    campaign (what mart_nps_integrity should find); False writes a clean sample without them.

    The counts include the re-export rows and the bad rows.  A manifest of the bad rows
    (``_expected_quarantine.csv``) is written only when ``bad_share > 0``.

    ``daily_files`` writes one file per entity and day instead (see daily.py: the same rows
    plus planted situations for incremental builds, listed in ``_planted.csv``, and the
    delivery schedule ``_deliveries.csv``).  ``chunk_accounts`` (default
    $NPS_GENERATE_CHUNK_ACCOUNTS or DEFAULT_CHUNK_ACCOUNTS) bounds memory: the accounts are
    simulated and written in blocks of at most that many.
    """
    from nps_warehouse.generate.daily import DailyFiles, daily_rows

    if fmt not in FORMATS:
        raise ValueError(f"fmt must be one of {FORMATS}, not {fmt!r}")
    if scale <= 0 or months < 1 or bad_share < 0:
        raise ValueError("scale must be > 0, months >= 1 and bad_share >= 0")
    chunk = default_chunk_accounts() if chunk_accounts is None else chunk_accounts
    if chunk < 1:
        raise ValueError("chunk_accounts must be >= 1")
    window = make_window(end_date, months)
    n_accounts = max(1, round(300 * scale))
    blocks = account_blocks(n_accounts, chunk)
    chunked = len(blocks) > 1

    out = Path(out_dir)
    clear_landing(out)
    stamp = window.end_date.strftime("%Y%m%d")
    sink = (
        DailyFiles(out, window, fmt, chunked)
        if daily_files
        else MainFiles(out, stamp, fmt, chunked)
    )
    counts = dict.fromkeys(ENTITY_COLUMNS, 0)
    offsets = dict.fromkeys(ENTITY_COLUMNS, 0)
    id_space = dict.fromkeys(ENTITY_COLUMNS, ID_SPACE_PER_ACCOUNT * n_accounts) if chunked else {}
    domains_seen = np.zeros(len(NAME_A) * len(NAME_B), np.int64)
    manifests = []
    for block, n_block in enumerate(blocks):
        rng_for = block_streams(seed, block, len(blocks))
        world = simulate_world(rng_for, n_block, window, integrity_problems)
        world.offsets, world.id_space = dict(offsets), id_space
        # E-mail domains stay unique across blocks: number the same company name on.
        acc = world.frames["crm_accounts"]
        name = acc["name_a"] * len(NAME_B) + acc["name_b"]
        acc["domain_rank"] = acc["domain_rank"] + domains_seen[name]
        domains_seen += np.bincount(name, minlength=len(domains_seen))

        render_rng, reexport_rng = rng_for("render"), rng_for("reexport")
        bad_rng, shuffle_rng, daily_rng = rng_for("bad"), rng_for("shuffle"), rng_for("daily")
        block_rows = {}
        for entity in ENTITY_COLUMNS:
            frame = take(world.frames[entity], world.keep[entity])
            frame = take(frame, shuffle_rng.permutation(len(frame["id"])))  # main rows unsorted
            valid = render(render_rng, entity, frame, world)
            rows = Rows(frame, valid, *reexport(reexport_rng, entity, frame, valid, world))
            if bad_share > 0:
                rows.bad, manifest = bad_rows(bad_rng, entity, world, bad_share)
                rows.order = interleave_order(shuffle_rng, valid.num_rows, rows.bad.num_rows)
                manifests.append(manifest)
            offsets[entity] += len(world.frames[entity]["id"])
            offsets[entity] += 0 if rows.bad is None else rows.bad.num_rows
            if daily_files:
                if rows.bad is not None:  # on a random day of the window
                    days = (window.start // DAY, window.end // DAY + 1)
                    rows.bad_day = daily_rng.integers(*days, rows.bad.num_rows)
                block_rows[entity] = rows
            else:
                main = rows.main()
                sink.write(entity, main, rows.again)
                counts[entity] += main.num_rows + rows.again.num_rows
        if daily_files:
            tables, planted = daily_rows(daily_rng, world, block_rows, fmt)
            sink.planted.append(planted)
            for entity, table, file_keys in tables:
                counts[entity] += table.num_rows
                sink.write(entity, table, file_keys)
                del table
        del world, block_rows
    sink.close()
    if id_space and any(offsets[e] >= id_space[e] for e in offsets):
        raise RuntimeError(f"more ids than ID_SPACE_PER_ACCOUNT allows: {offsets}")
    if manifests:
        write_table(pa.concat_tables(manifests), out / MANIFEST_NAME)
    data_set = [f"seed {seed}", f"scale {scale:g}"]
    data_set += [f"end date {end_date}"] if end_date != "2026-06-30" else []
    data_set += [f"{months} months"] if months != 24 else []
    data_set += [f"{fmt} files"] if fmt != "csv" else []
    data_set += [f"bad share {bad_share:g}"] if bad_share > 0 else []
    data_set += [] if integrity_problems else ["no planted integrity problems"]
    data_set += ["daily files"] if daily_files else []
    data_set += [f"blocks of {chunk} accounts"] if chunked else []
    landing_folder.write_marker(out, ", ".join(data_set))
    return counts
