"""The DuckDB warehouse file: a usable path, not locked by another program, one data set per file."""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path

from nps_warehouse import landing_folder, settings
from nps_warehouse.settings import SAMPLE_SALT

# DuckDB names the database after the file; these names are DuckDB's own catalogs.
RESERVED_NAMES = ("main", "system", "temp")
DATA_SET_TABLE = "audit.warehouse_data_set"


class WarehouseError(RuntimeError):
    """The warehouse file cannot be used as asked; the message says what to do."""


def check_path(
    path: Path,
    setting: str = settings.DUCKDB_PATH_ENV,
    example: str = settings.DEFAULT_DUCKDB_PATH,
) -> None:
    """Refuses a DuckDB file path DuckDB or dbt-duckdb cannot use, and creates its folder.
    `setting` names where the path came from (the warehouse's NPS_DUCKDB_PATH, the publication's
    NPS_PUBLISH_PATH) and `example` the path the messages suggest."""
    text = str(path)
    name = Path(example).name
    if text.startswith((":", "md:")) or "://" in text:
        raise WarehouseError(f"{setting} must be a file path (e.g. {example}), not {text!r}.")
    if path.is_dir():
        raise WarehouseError(
            f"{setting} {text} is a folder; name a file inside it, e.g. {path / name}."
        )
    if path.stem.lower() in RESERVED_NAMES or re.search(r"^[.]|['\"\\]", path.name):
        raise WarehouseError(
            f"{setting} {text} cannot be used: DuckDB names the database after the file "
            f"({path.stem!r}), and {', '.join(RESERVED_NAMES)} are DuckDB's own names (quotes and "
            f"backslashes break SQL names). Choose another file name, e.g. {name}."
        )
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise WarehouseError(
            f"Cannot create the folder of {setting} {text}: {error.strerror or error}. "
            "Choose a path in a folder you can write to."
        ) from None


def lock_holder(message: str) -> tuple[str, str] | None:
    """(program, PID) from DuckDB's "Conflicting lock is held in <program> (PID <n>)" error
    message, or None when the error is not a lock held by another process."""
    held = re.search(r"Conflicting lock is held in (.+?) \(PID (\d+)\)", message)
    return (held[1], held[2]) if held else None


def check_not_locked(path: Path) -> None:
    """Opens the warehouse for writing once, so a lock held by another program (a BI tool, a
    notebook, another build) stops here with one message rather than in dbt's tracebacks."""
    import duckdb

    if not path.exists():
        return
    try:
        duckdb.connect(str(path)).close()
    except duckdb.Error as error:
        message = str(error).splitlines()[0]
        held = lock_holder(message)
        if held:
            raise WarehouseError(
                f"The warehouse {path} is in use: {held[0]} (PID {held[1]}) holds its lock. "
                "Close that program or its connection and build again; BI tools and notebooks "
                "should read a copy of the file (or connect while no build runs)."
            ) from None
        raise WarehouseError(f"Cannot open the warehouse {path}: {message}") from None


@dataclass(frozen=True)
class DataSet:
    """What a warehouse was built from: the landing folder, its salt, and whether it is sample."""

    landing_folder: str
    salt_fingerprint: str
    sample_data_set: str | None

    def describe(self) -> str:
        kind = f"sample data: {self.sample_data_set}" if self.sample_data_set else "not sample"
        return f"{self.landing_folder} ({kind}; salt fingerprint {self.salt_fingerprint})"


def salt_fingerprint(salt: str) -> str:
    """16 hex characters identifying a salt without revealing it (the dbt macro computes the
    same with local_md5)."""
    return hashlib.md5(f"nps-warehouse salt fingerprint:{salt}".encode()).hexdigest()[:16]


def absolute_folder(raw_dir: str | os.PathLike[str]) -> str:
    """The landing folder as an absolute, normalised path (symlinks kept, as dbt sees them)."""
    return os.path.abspath(raw_dir)


def current_data_set(raw_dir: Path) -> DataSet | None:
    """The data set a build of `raw_dir` makes; None when it cannot build (no salt, not sample)."""
    state = landing_folder.inspect(raw_dir)
    sample = state.data_set if state.kind == "sample" else None
    salt = settings.env(settings.PII_SALT_ENV) or (SAMPLE_SALT if sample is not None else None)
    if salt is None:
        return None
    return DataSet(absolute_folder(raw_dir), salt_fingerprint(salt), sample)


def recorded_data_set(path: Path) -> DataSet | None:
    """The data set the warehouse was last built from; None for a new or older warehouse."""
    import duckdb

    if not path.is_file():
        return None
    with duckdb.connect(str(path), read_only=True) as connection:
        found = connection.execute(
            "select count(*) from information_schema.tables "
            "where table_schema = 'audit' and table_name = 'warehouse_data_set'"
        ).fetchone()[0]
        if not found:
            return None
        row = connection.execute(
            f"select landing_folder, salt_fingerprint, sample_data_set from {DATA_SET_TABLE}"
        ).fetchone()
    return DataSet(*row) if row else None


def mismatch_message(
    path, recorded: DataSet, current: DataSet, fresh_start: str | None = None
) -> str:
    """One data set per warehouse: what differs, and the two ways on (never deleting landing).
    `fresh_start` replaces the DuckDB advice (a separate file, or deleting this one)."""
    fresh_start = fresh_start or (
        "use a separate warehouse file "
        "(e.g. `export NPS_DUCKDB_PATH=data/warehouse/other.duckdb`), or start fresh by deleting "
        f"{path} (`make clean` deletes the default data/warehouse/nps.duckdb)"
    )
    return (
        f"The warehouse {path} holds another data set. It was built from {recorded.describe()}; "
        f"this build is of {current.describe()}. One warehouse file holds one data set, so that "
        "its score-edit audit (mart_score_edits) never compares loads of different data. To "
        f"build this folder, either {fresh_start}, which drops its score-edit "
        "history. Neither touches your landing files. To add a new export to this data set, put "
        f"its files into {recorded.landing_folder} and keep the same NPS_PII_SALT."
    )


def check_data_set(path: Path, raw_dir: Path) -> None:
    """Raises WarehouseError when the warehouse was built from another data set."""
    current = current_data_set(raw_dir)
    recorded = recorded_data_set(path)
    if current is not None and recorded is not None and recorded != current:
        raise WarehouseError(mismatch_message(path, recorded, current))


def frames_of(relation, rows: int):
    """A DuckDB relation's rows as dataframes of `rows` rows each, the last of what is left.
    DuckDB's arrow reader yields record batches of its own size (122,880 rows) whatever size is
    asked for, so they are gathered and cut here: a caller with a cost per batch (a Great
    Expectations checkpoint run) pays it once per `rows`, and memory stays bounded by `rows`."""
    import pyarrow as pa

    gathered, count = [], 0
    for batch in relation.to_arrow_reader(rows):
        gathered.append(batch)
        count += batch.num_rows
        while count >= rows:
            table = pa.Table.from_batches(gathered)
            yield table.slice(0, rows).to_pandas()
            rest = table.slice(rows)
            gathered, count = rest.to_batches(), rest.num_rows
    if count:
        yield pa.Table.from_batches(gathered).to_pandas()
