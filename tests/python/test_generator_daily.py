"""The generator's daily files (``generate(..., daily_files=True)``), deliver(), and writing in
blocks of accounts (``chunk_accounts``). Fast: no warehouse is built."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections import Counter
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest

from nps_warehouse import generate
from nps_warehouse.generate import daily

ENTITIES = generate.ENTITY_COLUMNS
ARGS = {"seed": 5, "scale": 0.3, "bad_share": 0.02, "fmt": "mixed"}
SITUATIONS = {
    "edit_of_old_row",
    "late_parent",
    "bad_then_fixed",
    "child_of_bad_parent",
    "reexport_repeat",
    "reexport_change",
}


def read(path: Path, columns: tuple[str, ...] | None = None) -> pa.Table:
    """A landing file or manifest, every column as text (blanks null)."""
    if path.suffix == ".parquet":
        return pq.read_table(path)
    names = columns or ENTITIES[path.parent.name]
    options = pacsv.ConvertOptions(
        column_types=dict.fromkeys(names, pa.string()), strings_can_be_null=True, null_values=[""]
    )
    return pacsv.read_csv(
        path, parse_options=pacsv.ParseOptions(newlines_in_values=True), convert_options=options
    )


def entity_rows(root: Path, entity: str) -> list[tuple[str, tuple]]:
    """(file name, row) of every row of an entity's files."""
    return [
        (path.name, tuple(row.values()))
        for path in sorted((root / entity).iterdir())
        for row in read(path).to_pylist()
    ]


def planted(root: Path) -> list[dict]:
    return read(root / daily.PLANTED_NAME, daily.PLANTED_COLUMNS).to_pylist()


def instant(text: str) -> np.datetime64:
    """An ISO timestamp (Z, offset or none = UTC) as a UTC numpy datetime."""
    base = np.datetime64(text[:19], "s")
    if len(text) == 25:
        sign = 1 if text[19] == "+" else -1
        base -= sign * np.timedelta64(int(text[20:22]) * 60 + int(text[23:25]), "m")
    return base


def digests(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def landings(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The same seed as daily files and not, unchunked and in blocks of 40 accounts."""
    root = tmp_path_factory.mktemp("daily")
    for name, extra in {
        "flat": {},
        "daily": {"daily_files": True},
        "flat_blocks": {"chunk_accounts": 40},
        "daily_blocks": {"daily_files": True, "chunk_accounts": 40},
    }.items():
        generate.generate(root / name, **ARGS, **extra)
    return {name: root / name for name in ("flat", "daily", "flat_blocks", "daily_blocks")}


@pytest.mark.parametrize("layout", ["", "_blocks"])
def test_daily_files_hold_the_same_rows_plus_the_planted_ones(
    landings: dict[str, Path], layout: str
) -> None:
    flat, days = landings[f"flat{layout}"], landings[f"daily{layout}"]
    added = {
        (p["file"], p["raw_id"], p["updated_at"]) for p in planted(days) if p["added"] == "true"
    }
    assert added
    removed = 0
    for entity in ENTITIES:
        expected = Counter(row for _, row in entity_rows(flat, entity))
        found = Counter()
        for name, row in entity_rows(days, entity):
            if (name, row[0], row[-1]) in added:
                removed += 1
            else:
                found[row] += 1
        assert found == expected, entity
    assert removed == len(added)
    assert (flat / generate.MANIFEST_NAME).read_bytes() == (
        days / generate.MANIFEST_NAME
    ).read_bytes()


def test_daily_file_names_schedule_and_times(landings: dict[str, Path]) -> None:
    root = landings["daily"]
    schedule = read(root / daily.DELIVERIES_NAME, daily.DELIVERY_COLUMNS).to_pylist()
    listed = {(row["entity"], row["file"]) for row in schedule}
    on_disk = {(e, p.name) for e in ENTITIES for p in (root / e).iterdir()}
    assert listed == on_disk
    for row in schedule:
        path = root / row["entity"] / row["file"]
        match = re.fullmatch(rf"{row['entity']}_(\d{{8}})(_reexport)?\.(csv|parquet)", row["file"])
        assert match, row["file"]
        assert match[3] == ("parquet" if match[2] else "csv")  # mixed: like the non-daily files
        named = dt.datetime.strptime(match[1], "%Y%m%d").date()
        lag = daily.REEXPORT_LAG_DAYS if match[2] else 0
        assert dt.date.fromisoformat(row["delivered_on"]) == named + dt.timedelta(days=lag)
        assert read(path).num_rows == int(row["rows"])
        mtime = dt.datetime.fromtimestamp(path.stat().st_mtime, dt.UTC)
        assert mtime == dt.datetime.combine(
            dt.date.fromisoformat(row["delivered_on"]), dt.time(daily.DELIVERY_HOUR), dt.UTC
        )
    assert generate.deliveries(root) == sorted(
        {dt.date.fromisoformat(r["delivered_on"]) for r in schedule}
    )


def test_every_situation_is_planted_in_the_last_days(landings: dict[str, Path]) -> None:
    root = landings["daily"]
    rows = planted(root)
    assert {r["situation"] for r in rows} == SITUATIONS
    first = dt.date(2026, 6, 30) - dt.timedelta(days=daily.PLANT_DAYS - 1)
    by_file = {
        (e, p.name): {tuple(r.values()) for r in read(p).to_pylist()}
        for e in ENTITIES
        for p in (root / e).iterdir()
    }
    schedule = {
        (r["entity"], r["file"]): dt.date.fromisoformat(r["delivered_on"])
        for r in read(root / daily.DELIVERIES_NAME, daily.DELIVERY_COLUMNS).to_pylist()
    }

    def delivered(entity: str, raw_id: str) -> list[tuple[dt.date, tuple]]:
        """(delivery day, row) of every row of an id, in delivery order."""
        return sorted(
            (schedule[key], row) for key, file_rows in by_file.items() if key[0] == entity
            for row in file_rows if row[0] == raw_id
        )  # fmt: skip

    for r in rows:
        day = dt.date.fromisoformat(r["delivered_on"])
        related_day = dt.date.fromisoformat(r["related_delivered_on"])
        assert day >= first - dt.timedelta(days=daily.BAD_LEAD_DAYS), r
        assert any(row[0] == r["raw_id"] for row in by_file[(r["entity"], r["file"])]), r
        assert any(
            row[0] == r["related_id"] for row in by_file[(r["related_entity"], r["related_file"])]
        ), r
        situation = r["situation"]
        if situation == "edit_of_old_row":
            assert related_day <= dt.date(2026, 6, 30) - dt.timedelta(days=daily.OLD_DAYS)
            assert day >= first
        elif situation in ("late_parent", "child_of_bad_parent"):
            # the parent's first usable version arrives after the child
            assert related_day > day
            parent = delivered(r["related_entity"], r["related_id"])
            usable = [d for d, row in parent if d <= day]
            if situation == "late_parent":
                assert not usable, r
            else:  # what arrived by the child's day is the quarantined version only
                bad_days = {
                    dt.date.fromisoformat(b["delivered_on"])
                    for b in rows
                    if b["situation"] == "bad_then_fixed" and b["raw_id"] == r["related_id"]
                }
                assert usable and set(usable) <= bad_days, r
        elif situation == "bad_then_fixed":
            # the fix arrives later, with a later updated_at, so it wins
            assert related_day > day
            fixed = [row for d, row in delivered(r["entity"], r["raw_id"]) if d == related_day]
            assert fixed and all(instant(f[-1]) > instant(r["updated_at"]) for f in fixed), r
        else:  # a re-export file of an earlier day, arriving later
            assert r["file"].endswith(("_reexport.csv", "_reexport.parquet"))
            assert day == related_day + dt.timedelta(days=daily.REEXPORT_LAG_DAYS)
    reasons = {r["reason"] for r in rows if r["situation"] == "bad_then_fixed"}
    assert reasons == set(daily.BAD_VERSIONS.values())


def test_deliver_copies_only_new_files_keeps_times_never_overwrites(
    landings: dict[str, Path], tmp_path: Path
) -> None:
    source, landing = landings["daily"], tmp_path / "landing"
    days = generate.deliveries(source)
    middle, late = days[len(days) // 2], days[-3]
    copied = generate.deliver(source, landing, middle)
    assert copied and all(
        p.stat().st_mtime == (source / p.parent.name / p.name).stat().st_mtime for p in copied
    )
    schedule = read(source / daily.DELIVERIES_NAME, daily.DELIVERY_COLUMNS).to_pylist()
    due = {
        (r["entity"], r["file"])
        for r in schedule
        if dt.date.fromisoformat(r["delivered_on"]) <= middle
    }
    assert {(p.parent.name, p.name) for p in landing.rglob("*") if p.is_file()} == due
    assert generate.deliver(source, landing, middle.isoformat()) == []
    stray = landing / "crm_accounts" / "mine.csv"
    stray.write_text("account_id\n")
    later = generate.deliver(source, landing, late.strftime("%Y%m%d"))
    assert later and all(dt.date.fromisoformat(r["delivered_on"]) > middle for r in schedule
                         if (r["entity"], r["file"]) in {(p.parent.name, p.name) for p in later})  # fmt: skip
    assert stray.read_text() == "account_id\n"
    # a file of the same name with other content: refused, nothing copied, nothing changed
    changed = later[0]
    changed.write_bytes(changed.read_bytes() + b"\n")
    before = digests(landing)
    with pytest.raises(generate.DeliveryConflict, match=changed.name):
        generate.deliver(source, landing, days[-1])
    assert digests(landing) == before
    changed.write_bytes(changed.read_bytes()[:-1])  # the same size, other bytes and time
    other = later[1]
    data = other.read_bytes()
    other.write_bytes(data[:-1] + (b"X" if data[-1:] != b"X" else b"Y"))
    with pytest.raises(generate.DeliveryConflict, match=other.name):
        generate.deliver(source, landing, days[-1])
    assert not [p for p in landing.rglob(".*")]


def test_blocks_of_accounts(landings: dict[str, Path], tmp_path: Path) -> None:
    """In blocks the data set is another one, as deterministic, with the same accounts and
    unique ids whose references resolve; a block as large as the run is the unchunked data."""
    blocks, flat = landings["flat_blocks"], landings["flat"]
    generate.generate(tmp_path / "again", **ARGS, chunk_accounts=40)
    generate.generate(tmp_path / "one", **ARGS, chunk_accounts=90)
    assert digests(tmp_path / "again") == digests(blocks)
    assert digests(tmp_path / "one") == digests(flat)
    keys, references = {}, []
    for entity, columns in ENTITIES.items():
        main = read(next((blocks / entity).glob(f"{entity}_20260630.*")))
        ids = [i for i in main.column(0).to_pylist() if i is not None]
        assert len(ids) == len(set(ids)), entity
        keys[columns[0]] = set(ids)
        references += [
            (c, v) for c in columns[1:] for v in main[c].to_pylist() if c.endswith("_id")
        ]
    manifest = read(blocks / generate.MANIFEST_NAME, ("entity", "raw_id", "reason")).to_pylist()
    bad_accounts = [m for m in manifest if m["entity"] == "crm_accounts" and m["raw_id"]]
    assert len(keys["account_id"]) == 90 + len(bad_accounts)
    unknown = {m["reason"] for m in manifest if m["reason"].startswith("unknown_")}
    dangling = {(c, v) for c, v in references if v and c in keys and v not in keys[c]}
    assert dangling and all(v.split("-")[1].startswith("9") for _, v in dangling)
    assert len(dangling) <= sum(1 for m in manifest if m["reason"] in unknown)


def test_cli_flags(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    generate.main(
        ["--out", str(tmp_path / "a"), "--scale", "0.1", "--daily-files", "--chunk-accounts", "10"]
    )
    out = capsys.readouterr().out
    assert "daily files" in out and daily.DELIVERIES_NAME in out
    assert (tmp_path / "a" / daily.PLANTED_NAME).exists()
    monkeypatch.setenv("NPS_GENERATE_CHUNK_ACCOUNTS", "10")
    generate.main(["--out", str(tmp_path / "b"), "--scale", "0.1", "--daily-files", "--quiet"])
    assert digests(tmp_path / "a") == digests(tmp_path / "b")
