"""Daily files (nps-generate --daily-files) and delivering them day by day to a landing folder.

Instead of one main file per entity, every row lands in the file of the day it was exported,
``<entity>/<entity>_<YYYYMMDD>.<ext>``: the UTC date of its updated_at (re-exported versions
too; a bad row on a seeded random day of the window).  Over all days the files hold exactly
the rows of the non-daily output for the same seed, plus the rows planted for incremental
builds in the last PLANT_DAYS days, each listed in ``_planted.csv``:

* ``edit_of_old_row`` (added): a newer version of a row first delivered at least OLD_DAYS days
  before (related: that first delivery);
* ``late_parent``: a child (contact, ticket, invitation, response, follow-up) delivered
  before its parent row, whose export is held back one to three days (related: the parent's
  delivery); the row itself is unchanged;
* ``bad_then_fixed`` (added): a version of a row that is quarantined (``reason``) delivered
  before its valid version, with a later updated_at (related: the fixed version); for some
  invitations, contacts and responses the fix is held back past a child's delivery,
  ``child_of_bad_parent``, so the child arrives while its parent is quarantined and comes
  back when the fix arrives;
* ``reexport_repeat`` / ``reexport_change`` (added): the rows of a second file for an
  earlier day, ``<entity>_<YYYYMMDD>_reexport.<ext>``, delivered REEXPORT_LAG_DAYS days after
  that day: identical copies of rows of the day's file, and newer versions of others.

``_deliveries.csv`` is the schedule: the day each file is delivered (its own day, or later
for a re-export file).  Each file's modification time is 06:00 UTC of that day, and
deliver() copies the files due by a day into a landing folder with their times, which is how
an incremental build tells them new (name + size + modification time).
"""

from __future__ import annotations

import csv
import datetime as dt
import filecmp
import os
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from nps_warehouse.generate.faults import fault_values, revise
from nps_warehouse.generate.render import render, timestamps
from nps_warehouse.generate.vocabulary import CLOSED, DAY, ENTITY_COLUMNS, HOUR
from nps_warehouse.generate.world import Window, World, floor, latest_event, take
from nps_warehouse.generate.writers import write_table

DELIVERIES_NAME = "_deliveries.csv"
PLANTED_NAME = "_planted.csv"
# The planted situations fall in the last PLANT_DAYS days of the window.
PLANT_DAYS = 8
# An edited "old" row was first delivered at least this many days before the end.
OLD_DAYS = 30
# Rows planted per situation and entity: this share of the entity's valid rows, at least
# PLANT_MIN (fewer when too few rows qualify).
PLANT_SHARE = 0.0005
PLANT_MIN = 3
# A day's re-export file arrives this many days after the day it re-exports.
REEXPORT_LAG_DAYS = 2
# A quarantined version precedes its fix by at most this many days.
BAD_LEAD_DAYS = 3
# Delivered files' modification time: this hour (UTC) of their delivery day.
DELIVERY_HOUR = 6
# A row's file is a key: its day (days since the epoch), plus REEXPORT_KEY for the day's
# re-export file.
REEXPORT_KEY = 1 << 32

# Each child's parent: (column of the child's frame holding the parent's row, parent entity).
PARENTS = {
    "crm_contacts": ("account", "crm_accounts"),
    "support_tickets": ("requester", "crm_contacts"),
    "survey_invitations": ("contact", "crm_contacts"),
    "survey_responses": ("invitation", "survey_invitations"),
    "loop_followups": ("response", "survey_responses"),
}
# The fault of a quarantined version that a later version fixes (faults.fault_values).
BAD_VERSIONS = {
    "crm_contacts": "unknown_account",
    "survey_invitations": "invalid_survey_type",
    "survey_responses": "invalid_score",
    "support_tickets": "invalid_created_at",
    "loop_followups": "unknown_response",
}
# (child, parent) pairs where a child arrives while its parent is quarantined.
BAD_PARENTS = (
    ("survey_responses", "survey_invitations"),
    ("survey_invitations", "crm_contacts"),
    ("loop_followups", "survey_responses"),
)
PLANTED_COLUMNS = (
    "situation",
    "entity",
    "raw_id",
    "updated_at",
    "file",
    "delivered_on",
    "added",
    "reason",
    "related_entity",
    "related_id",
    "related_file",
    "related_delivered_on",
)
DELIVERY_COLUMNS = ("delivered_on", "entity", "file", "rows")


def extensions(fmt: str) -> tuple[str, str]:
    """The daily files' and the re-export files' extensions (as the main and re-export files
    of the non-daily layout)."""
    return (".parquet" if fmt == "parquet" else ".csv", ".csv" if fmt == "csv" else ".parquet")


def delivery_days(keys: np.ndarray) -> np.ndarray:
    """The day each file key's file is delivered."""
    keys = np.asarray(keys, np.int64)
    return np.where(keys >= REEXPORT_KEY, keys - REEXPORT_KEY + REEXPORT_LAG_DAYS, keys)


def file_names(entity: str, keys: np.ndarray, fmt: str) -> list[str]:
    """``<entity>_<YYYYMMDD>.<ext>`` or ``<entity>_<YYYYMMDD>_reexport.<ext>`` per file key."""
    keys = np.asarray(keys, np.int64)
    daily, again = extensions(fmt)
    reexport = keys >= REEXPORT_KEY
    days = np.where(reexport, keys - REEXPORT_KEY, keys).astype("datetime64[D]")
    stamps = np.datetime_as_string(days).tolist()
    return [
        f"{entity}_{stamp.replace('-', '')}{'_reexport' + again if r else daily}"
        for stamp, r in zip(stamps, reexport.tolist(), strict=True)
    ]


def iso_days(days: np.ndarray) -> list[str]:
    return np.datetime_as_string(np.asarray(days, np.int64).astype("datetime64[D]")).tolist()


@dataclass
class EntityDays:
    """One entity's rows of a block on their way to the daily files."""

    entity: str
    rows: object  # core.Rows
    day: np.ndarray  # the delivery day of each valid row
    free: np.ndarray  # valid rows not yet used by a planted situation (nor re-exported)
    position: np.ndarray  # row of the block's full frame -> valid row (-1: not valid)
    k: int  # rows to plant per situation
    added: list[tuple[pa.Table, np.ndarray]] = field(default_factory=list)

    @classmethod
    def of(cls, entity: str, rows, world: World) -> EntityDays:
        frame = rows.frame
        n = len(frame["id"])
        position = np.full(len(world.frames[entity]["id"]), -1)
        position[frame["id"] - 1] = np.arange(n)
        free = np.ones(n, bool)
        free[rows.again_positions] = False
        k = max(PLANT_MIN, round(PLANT_SHARE * n))
        return cls(entity, rows, frame["updated"] // DAY, free, position, k)

    def ids(self, rows: np.ndarray) -> pa.Array:
        return self.rows.valid.column(0).take(pa.array(rows, pa.int64()))

    def valid(self, rows: np.ndarray) -> pa.Table:
        return self.rows.valid.take(pa.array(rows, pa.int64()))

    def bad_version(
        self, rng: np.random.Generator, world: World, rows: np.ndarray, updated: np.ndarray
    ) -> pa.Table:
        """The valid rows broken by BAD_VERSIONS' fault, with an earlier updated_at."""
        table = self.valid(rows)
        column, values = fault_values(world, BAD_VERSIONS[self.entity], len(rows))
        table = table.set_column(table.schema.get_field_index(column), column, values)
        at = table.schema.get_field_index("updated_at")
        return table.set_column(at, "updated_at", timestamps(rng, updated))

    def table_and_keys(self) -> tuple[pa.Table, np.ndarray]:
        """Every row of the block (main file order, then re-exports, then planted) and its
        file key."""
        rows = self.rows
        table, keys = rows.valid, self.day
        if rows.bad is not None:
            table = pa.concat_tables([rows.valid, rows.bad]).take(pa.array(rows.order))
            keys = np.concatenate([self.day, rows.bad_day])[rows.order]
        tables = [table, rows.again] + [t for t, _ in self.added]
        keys = [keys, rows.again_updated // DAY] + [k for _, k in self.added]
        return pa.concat_tables(tables), np.concatenate(keys).astype(np.int64)


def pick(rng: np.random.Generator, allowed: np.ndarray, k: int) -> np.ndarray:
    """Up to ``k`` allowed positions, at random."""
    pool = np.flatnonzero(allowed)
    return pool[rng.permutation(len(pool))[:k]]


def one_per_parent(child: np.ndarray, parent: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """The first ``k`` (child, parent) pairs, in order, with a parent not seen before."""
    _, first = np.unique(parent, return_index=True)
    keep = np.sort(first)[:k]
    return child[keep], parent[keep]


class Planter:
    """Plants the situations of one block and logs them (the rows of ``_planted.csv``)."""

    def __init__(self, rng: np.random.Generator, world: World, state: dict, fmt: str) -> None:
        self.rng, self.world, self.state, self.fmt = rng, world, state, fmt
        self.end = world.window.end // DAY
        self.first = self.end - PLANT_DAYS + 1
        self.log: list[pa.Table] = []

    def record(
        self,
        situation: str,
        entity: str,
        table: pa.Table,
        keys: np.ndarray,
        added: bool,
        reason: str | None,
        related_entity: str,
        related_ids: pa.Array,
        related_keys: np.ndarray,
    ) -> None:
        n = table.num_rows
        columns = {
            "situation": [situation] * n,
            "entity": [entity] * n,
            "raw_id": table.column(0),
            "updated_at": table["updated_at"],
            "file": file_names(entity, keys, self.fmt),
            "delivered_on": iso_days(delivery_days(keys)),
            "added": ["true" if added else "false"] * n,
            "reason": [reason] * n,
            "related_entity": [related_entity] * n,
            "related_id": related_ids,
            "related_file": file_names(related_entity, related_keys, self.fmt),
            "related_delivered_on": iso_days(delivery_days(related_keys)),
        }
        self.log.append(pa.table({c: pa.array(v, pa.string()) for c, v in columns.items()}))

    def edits(self) -> None:
        """Newer versions, in the last days, of rows first delivered long before."""
        rng = self.rng
        for entity, s in self.state.items():
            allowed = s.free & (s.day <= self.end - OLD_DAYS)
            if entity == "support_tickets":
                allowed &= s.rows.frame["status"] != CLOSED
            rows = pick(rng, allowed, s.k)
            s.free[rows] = False
            days = rng.integers(self.first, self.end + 1, len(rows))
            version = take(s.rows.frame, rows)
            version["updated"] = days * DAY + rng.integers(0, DAY, len(rows))
            table = render(rng, entity, revise(rng, entity, version, True), self.world)
            s.added.append((table, days))
            self.record(
                "edit_of_old_row", entity, table, days, True, None, entity, s.ids(rows), s.day[rows]
            )

    def child_parent_pairs(self, child: str, parent: str) -> tuple[np.ndarray, np.ndarray]:
        """Free children delivered in the last days but the end, and their free parents."""
        c, p = self.state[child], self.state[parent]
        parent_row = p.position[c.rows.frame[PARENTS[child][0]]]
        rows = np.flatnonzero(
            c.free & (c.day >= self.first) & (c.day < self.end) & (parent_row >= 0)
        )
        parent_row = parent_row[rows]
        ok = p.free[parent_row]
        return rows[ok], parent_row[ok]

    def late_parents(self) -> None:
        """Hold back a parent's export until one to three days after its child's."""
        rng = self.rng
        for child, (_, parent) in PARENTS.items():
            c, p = self.state[child], self.state[parent]
            rows, parents = self.child_parent_pairs(child, parent)
            ok = p.day[parents] <= c.day[rows]
            rows, parents = rows[ok], parents[ok]
            gap = c.day[rows] - p.day[parents]  # prefer parents due about the same day
            order = np.lexsort((rng.random(len(rows)), gap))
            rows, parents = one_per_parent(rows[order], parents[order], c.k)
            day = np.minimum(c.day[rows] + 1 + rng.integers(0, 3, len(rows)), self.end)
            c.free[rows], p.free[parents] = False, False
            p.day[parents] = day
            self.record(
                "late_parent",
                child,
                c.valid(rows),
                c.day[rows],
                False,
                None,
                parent,
                p.ids(parents),
                day,
            )

    def bad_parents(self) -> None:
        """A parent quarantined when its child arrives, fixed one to three days later."""
        rng = self.rng
        for child, parent in BAD_PARENTS:
            c, p = self.state[child], self.state[parent]
            rows, parents = self.child_parent_pairs(child, parent)
            latest = latest_event(parent, p.rows.frame)[parents]
            updated = p.rows.frame["updated"][parents]
            recent = (c.day[rows] - BAD_LEAD_DAYS) * DAY  # the quarantined version's earliest
            ok = (updated > np.maximum(latest, recent)) & (latest < (c.day[rows] + 1) * DAY)
            order = rng.permutation(int(ok.sum()))
            rows, parents = one_per_parent(rows[ok][order], parents[ok][order], c.k)
            n, day = len(rows), c.day[rows]
            latest = latest_event(parent, p.rows.frame)[parents]
            high = np.minimum(p.rows.frame["updated"][parents], (day + 1) * DAY)
            low = np.maximum(latest, (day - BAD_LEAD_DAYS) * DAY)
            bad_at = low + floor(rng.random(n) * (high - low))
            fixed = np.maximum(
                p.day[parents], np.minimum(day + 1 + rng.integers(0, 3, n), self.end)
            )
            bad = p.bad_version(rng, self.world, parents, bad_at)
            p.added.append((bad, bad_at // DAY))
            c.free[rows], p.free[parents] = False, False
            p.day[parents] = fixed
            reason = BAD_VERSIONS[parent]
            self.record(
                "bad_then_fixed",
                parent,
                bad,
                bad_at // DAY,
                True,
                reason,
                parent,
                p.ids(parents),
                fixed,
            )
            self.record(
                "child_of_bad_parent",
                child,
                c.valid(rows),
                day,
                False,
                reason,
                parent,
                p.ids(parents),
                fixed,
            )

    def bad_then_fixed(self) -> None:
        """A quarantined version up to BAD_LEAD_DAYS days before the valid one."""
        rng = self.rng
        for entity, reason in BAD_VERSIONS.items():
            s = self.state[entity]
            latest = latest_event(entity, s.rows.frame)
            start = s.day * DAY  # a free row is delivered on its updated_at's day
            rows = pick(rng, s.free & (s.day > self.first) & (latest < start), s.k)
            s.free[rows] = False
            low = np.maximum(latest[rows], start[rows] - BAD_LEAD_DAYS * DAY)
            bad_at = low + floor(rng.random(len(rows)) * (start[rows] - low))
            bad = s.bad_version(rng, self.world, rows, bad_at)
            s.added.append((bad, bad_at // DAY))
            self.record(
                "bad_then_fixed",
                entity,
                bad,
                bad_at // DAY,
                True,
                reason,
                entity,
                s.ids(rows),
                s.day[rows],
            )

    def reexport_files(self) -> None:
        """A second file for the busiest of the last days, delivered REEXPORT_LAG_DAYS later."""
        rng = self.rng
        for entity, s in self.state.items():
            last = self.end - REEXPORT_LAG_DAYS
            window = (s.day >= self.first) & (s.day <= last)
            if not window.any():
                continue
            day = self.first + int(np.argmax(np.bincount(s.day[window] - self.first)))
            on_day = s.day == day
            allowed = s.free & on_day
            if entity == "support_tickets":
                allowed &= s.rows.frame["status"] != CLOSED
            changed = pick(rng, allowed, s.k)
            s.free[changed] = False
            on_day[changed] = False
            repeated = pick(rng, on_day, s.k)
            version = take(s.rows.frame, changed)
            room = (day + REEXPORT_LAG_DAYS) * DAY - version["updated"] - 60
            version["updated"] = version["updated"] + 60 + floor(rng.random(len(changed)) * room)
            repeats = s.valid(repeated)
            changes = render(rng, entity, revise(rng, entity, version, True), self.world)
            key = REEXPORT_KEY + day
            s.added.append(
                (pa.concat_tables([repeats, changes]), np.full(len(repeated) + len(changed), key))
            )
            for situation, table, rows in (
                ("reexport_repeat", repeats, repeated),
                ("reexport_change", changes, changed),
            ):
                keys = np.full(len(rows), key)
                self.record(
                    situation, entity, table, keys, True, None, entity, s.ids(rows), s.day[rows]
                )


def daily_rows(
    rng: np.random.Generator, world: World, block_rows: dict, fmt: str
) -> tuple[Iterator[tuple[str, pa.Table, np.ndarray]], pa.Table]:
    """The block's rows of ``_planted.csv``, and an iterator over each entity's rows with
    their file keys, the planted ones included (it takes the entities out of ``block_rows``
    one by one, so one entity's copy is in memory at a time)."""
    state = {e: EntityDays.of(e, rows, world) for e, rows in block_rows.items()}
    planter = Planter(rng, world, state, fmt)
    planter.edits()
    planter.late_parents()
    planter.bad_parents()
    planter.bad_then_fixed()
    planter.reexport_files()

    def tables() -> Iterator[tuple[str, pa.Table, np.ndarray]]:
        for entity in list(state):
            del block_rows[entity]
            yield entity, *state.pop(entity).table_and_keys()

    return tables(), pa.concat_tables(planter.log) if planter.log else empty_planted()


def empty_planted() -> pa.Table:
    return pa.table({c: pa.array([], pa.string()) for c in PLANTED_COLUMNS})


class DailyFiles:
    """Writes each entity's rows into one file per file key.

    A run of one block writes the files directly; over several blocks each block's rows are
    first spilled to a temporary Parquet file per entity (a row group per file key) and the
    files are assembled at the end, one at a time.
    """

    def __init__(self, out: Path, window: Window, fmt: str, chunked: bool) -> None:
        self.out, self.fmt, self.chunked = out, fmt, chunked
        self.rows: dict[tuple[str, int], int] = {}
        self.planted: list[pa.Table] = []
        self.spilled: dict[tuple[str, int], list[tuple[Path, int]]] = {}
        self.spill_dir = tempfile.TemporaryDirectory(prefix="nps-generate-") if chunked else None
        self.spills = 0

    def path(self, entity: str, key: int) -> Path:
        return self.out / entity / file_names(entity, np.array([key]), self.fmt)[0]

    def write(self, entity: str, table: pa.Table, keys: np.ndarray) -> None:
        order = np.argsort(keys, kind="stable")
        keys = keys[order]
        table = table.take(pa.array(order))
        starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
        stops = np.r_[starts[1:], len(keys)]
        (self.out / entity).mkdir(parents=True, exist_ok=True)
        writer = None
        if self.chunked:
            spill = Path(self.spill_dir.name) / f"{self.spills}.parquet"
            self.spills += 1
            writer = pq.ParquetWriter(spill, table.schema)
        for group, (start, stop) in enumerate(zip(starts.tolist(), stops.tolist(), strict=True)):
            key = int(keys[start])
            piece = table.slice(start, stop - start)
            self.rows[(entity, key)] = self.rows.get((entity, key), 0) + piece.num_rows
            if writer is None:
                write_table(piece, self.path(entity, key))
            else:
                writer.write_table(piece, row_group_size=max(piece.num_rows, 1))
                self.spilled.setdefault((entity, key), []).append((spill, group))
        if writer is not None:
            writer.close()

    def close(self) -> None:
        if self.chunked:
            opened: dict[Path, pq.ParquetFile] = {}
            for (entity, key), pieces in sorted(self.spilled.items()):
                parts = []
                for spill, group in pieces:
                    if spill not in opened:
                        opened[spill] = pq.ParquetFile(spill)
                    parts.append(opened[spill].read_row_group(group))
                write_table(pa.concat_tables(parts), self.path(entity, key))
            for handle in opened.values():
                handle.close()
            self.spill_dir.cleanup()
        schedule = []
        for (entity, key), n in self.rows.items():
            day = int(delivery_days(np.array([key]))[0])
            path = self.path(entity, key)
            at = day * DAY + DELIVERY_HOUR * HOUR
            os.utime(path, (at, at))
            schedule.append(
                (
                    iso_days(np.array([day]))[0],
                    list(ENTITY_COLUMNS).index(entity),
                    path.name,
                    entity,
                    n,
                )
            )
        schedule.sort()
        with (self.out / DELIVERIES_NAME).open("w", newline="", encoding="utf-8") as handle:
            out = csv.writer(handle, lineterminator="\n")
            out.writerow(DELIVERY_COLUMNS)
            out.writerows((day, entity, name, n) for day, _, name, entity, n in schedule)
        write_table(
            pa.concat_tables(self.planted) if self.planted else empty_planted(),
            self.out / PLANTED_NAME,
        )


# ---------------------------------------------------------------------------------------
# Deliveries: the daily files, day by day, into a landing folder
# ---------------------------------------------------------------------------------------


class DeliveryConflict(FileExistsError):
    """The landing folder already holds a file of that name with other content."""


def as_day(day: dt.date | str) -> dt.date:
    """A date, or its text ``YYYY-MM-DD`` or ``YYYYMMDD``."""
    if isinstance(day, dt.datetime):
        return day.date()
    if isinstance(day, dt.date):
        return day
    text = str(day)
    return dt.date.fromisoformat(text if "-" in text else f"{text[:4]}-{text[4:6]}-{text[6:]}")


def schedule(source_dir: str | os.PathLike[str]) -> list[tuple[dt.date, str, str]]:
    """``(delivered_on, entity, file name)`` of every daily file, in delivery order."""
    path = Path(source_dir) / DELIVERIES_NAME
    if not path.is_file():
        raise FileNotFoundError(
            f"{path} not found: deliveries need a folder written by nps-generate --daily-files"
        )
    with path.open(encoding="utf-8", newline="") as handle:
        return [
            (dt.date.fromisoformat(row["delivered_on"]), row["entity"], row["file"])
            for row in csv.DictReader(handle)
        ]


def deliveries(source_dir: str | os.PathLike[str]) -> list[dt.date]:
    """The days on which files of a daily-files folder are delivered, in order."""
    return sorted({day for day, _, _ in schedule(source_dir)})


def same_file(src: Path, dst: Path) -> bool:
    """Whether ``dst`` is a delivered copy of ``src``: the same size and modification time (as
    the incremental build compares them), or else the same bytes."""
    if not dst.is_file():
        return False
    a, b = src.stat(), dst.stat()
    if a.st_size != b.st_size:
        return False
    return a.st_mtime_ns == b.st_mtime_ns or filecmp.cmp(src, dst, shallow=False)


def deliver(
    source_dir: str | os.PathLike[str],
    landing_dir: str | os.PathLike[str],
    through_day: dt.date | str,
) -> list[Path]:
    """Copy into ``landing_dir`` the daily files delivered on or before ``through_day`` that it
    does not hold yet; returns the files copied.

    Copies keep their modification time (shutil.copy2; the generator sets it to the delivery
    day), since an incremental build detects new files by name, size and modification time.
    Nothing in ``landing_dir`` is ever overwritten or deleted: a file already there that is
    the same (same size and modification time, else same bytes) is skipped, one with other
    content raises DeliveryConflict before anything is copied.  Each file is copied under a hidden temporary name first (never read by the
    warehouse), then renamed into place.
    """
    source, landing = Path(source_dir), Path(landing_dir)
    through = as_day(through_day)
    due = [
        (source / e / name, landing / e / name)
        for day, e, name in schedule(source)
        if day <= through
    ]
    todo = []
    for src, dst in due:
        if not dst.exists():
            todo.append((src, dst))
        elif not same_file(src, dst):
            raise DeliveryConflict(
                f"{dst} already exists with other content than {src}; deliver() never "
                "overwrites a landing file: move it away or use another landing folder"
            )
    for src, dst in todo:
        dst.parent.mkdir(parents=True, exist_ok=True)
        partial = dst.with_name(f".{dst.name}.partial")
        shutil.copy2(src, partial)
        os.replace(partial, dst)
    return [dst for _, dst in todo]
