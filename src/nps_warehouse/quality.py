"""Great Expectations at the landing door (before dbt) and on the finished marts (after dbt).

GX's SQLAlchemy route returns empty results on DuckDB (GX issues 10738 and 11579), so every check
hands GX pandas dataframes: DuckDB reads each landing file with the same options as the dbt
reader (every column as text) and streams it in record batches of `batch_rows`, so memory stays
bounded at any size. One GX checkpoint per entity validates each batch; the Data Docs
(gx/uncommitted/data_docs/local_site/index.html) are built once at the end. Counts are summed over batches and files, and
the severities in quality.yml decide: `error` stops the build with a message naming the file,
column and what to do; `warn` prints and goes on (dbt quarantines the bad rows).
"""

from __future__ import annotations

import bisect
import json
import logging
import math
import multiprocessing
import os
import shutil
import tempfile
import threading
import time
import warnings
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import yaml

from nps_warehouse import data_docs, settings
from nps_warehouse.contract import LANDING_CONTRACT
from nps_warehouse.warehouse import frames_of

CONFIG_FILE = settings.DEFAULT_QUALITY_CONFIG
ID_COLUMNS = {entity: columns[0] for entity, columns in LANDING_CONTRACT.items()}
# Values arrive stripped (read_batches), so the patterns need no \s*: without it pandas runs them
# in pyarrow's RE2, vectorised, instead of Python's re one value at a time.
TIMESTAMP = settings.TIMESTAMP_PATTERN
REQUIRED_TIMESTAMPS = {
    "survey_invitations": ["sent_at"],
    "survey_responses": ["responded_at"],
    "support_tickets": ["created_at"],
    "loop_followups": ["followed_up_at"],
}
# Columns whose unusable value dbt nulls and lists in audit.value_problems, the row staged
# (docs/landing-contract.md, 'Value problems'); a failing check on any other column means dbt quarantines the row.
VALUE_COLUMNS = {
    "crm_accounts": {
        "arr", "currency", "employee_count", "contract_start_date", "renewal_date", "churned_at",
    },
    "crm_contacts": {"role", "created_at"},
    "support_tickets": {"first_response_at", "solved_at", "reopened_count", "downtime_minutes"},
}  # fmt: skip
SCORE = r"^[+]?0*([0-9]|10)$"
AMOUNT = r"^[+]?([0-9]+([.][0-9]*)?|[.][0-9]+)$"
CSV_OPTIONS = settings.CSV_OPTIONS
REJECTS = "store_rejects = true, rejects_table = 'nps_rejects', rejects_scan = 'nps_scans'"
# The characters trimmed around every landing value and header name: Unicode's White_Space (tab,
# line breaks, no-break spaces, U+2000-U+200A, ideographic space, ...) plus the zero-width space
# U+200B and the byte-order mark U+FEFF. The dbt macro whitespace_code_points is the same list;
# tests/python/test_unread_and_checks.py runs both over every character.
WHITESPACE_CODE_POINTS = (
    9, 10, 11, 12, 13, 32, 133, 160, 5760,
    8192, 8193, 8194, 8195, 8196, 8197, 8198, 8199, 8200, 8201, 8202, 8203,
    8232, 8233, 8239, 8287, 12288, 65279,
)  # fmt: skip
WHITESPACE = "".join(map(chr, WHITESPACE_CODE_POINTS))


class QualityError(RuntimeError):
    """A check with severity `error` failed; the message says where and what to do."""


@dataclass
class Tally:
    """Failing rows of one expectation of one entity, summed over batches and files."""

    description: str
    unexpected: int = 0
    examples: list = field(default_factory=list)
    files: set = field(default_factory=set)


def load_config(project_dir: Path) -> dict:
    path = Path(settings.env(settings.QUALITY_CONFIG_ENV) or project_dir / CONFIG_FILE)
    with open(path, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def quiet_gx() -> None:
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    logging.getLogger("great_expectations").setLevel(logging.ERROR)
    warnings.filterwarnings("ignore", module="great_expectations")


def no_batch_fingerprints() -> None:
    """GX fingerprints every pandas batch under 1 GB (`HASH_THRESHOLD`): pandas hashes every
    value and an MD5 of the hashes becomes the batch marker `pandas_data_fingerprint` in the
    stored result, which nothing reads. It was about a third of the landing checks' time (text
    columns hash slowly) and a tenth of the mart checks'; the checks and their results are
    otherwise the same. GX leaves larger batches unfingerprinted itself; a threshold of 0 leaves
    all."""
    from great_expectations.execution_engine import pandas_execution_engine

    pandas_execution_engine.HASH_THRESHOLD = 0


def gx_context(project_dir: Path, root: Path | None = None):
    """The file context under <root, else NPS_GX_ROOT, else the project>/gx, progress bars off,
    batches not fingerprinted (no_batch_fingerprints)."""
    quiet_gx()
    no_batch_fingerprints()
    import great_expectations as gx

    root = Path(root or settings.env(settings.GX_ROOT_ENV) or project_dir)
    config_file = root / "gx" / "great_expectations.yml"
    committed = config_file.read_text(encoding="utf-8") if config_file.is_file() else None
    context = gx.get_context(mode="file", project_root_dir=str(root))
    # GX records each run's dataframe data sources in the file; docs_url puts it back as it was.
    context.committed_config = committed
    context.variables.progress_bars = {"globally": False, "metric_calculations": False}
    return context


def forget_previous_results(context, name: str) -> None:
    """Removes a suite's stored results and their Data Docs pages (the folders named in
    gx/great_expectations.yml): the docs are this build's report, and a daily build does not make
    the stores, and the time to render them, grow without end. Its validation definition and
    checkpoint go too: checkpoint_for makes them again, and one stored by an earlier version
    may name a data source that no longer exists, which GX cannot even read to replace."""
    root = Path(context.root_directory)
    for store in ("validation_definitions", "checkpoints"):
        (root / store / f"{name}.json").unlink(missing_ok=True)
    uncommitted = root / "uncommitted"
    for folder in (
        uncommitted / "validations" / name,
        uncommitted / "data_docs" / "local_site" / "validations" / name,
    ):
        shutil.rmtree(folder, ignore_errors=True)


def landing_expectations(entity: str, mostly: float) -> list:
    """The suite of one landing entity: contract columns present, ids and updated_at present,
    timestamps parseable, score a whole number 0–10, ARR a non-negative decimal."""
    import great_expectations.expectations as gxe

    columns = LANDING_CONTRACT[entity]
    suite = [gxe.ExpectColumnToExist(column=column) for column in columns]
    suite += [
        gxe.ExpectColumnValuesToNotBeNull(column=ID_COLUMNS[entity], mostly=mostly),
        gxe.ExpectColumnValuesToNotBeNull(column="updated_at", mostly=mostly),
    ]
    for column in REQUIRED_TIMESTAMPS.get(entity, []):
        suite.append(gxe.ExpectColumnValuesToNotBeNull(column=column, mostly=mostly))
    for column in (c for c in columns if c.endswith("_at")):
        suite.append(
            gxe.ExpectColumnValuesToMatchRegex(column=column, regex=TIMESTAMP, mostly=mostly)
        )
    if entity == "survey_responses":
        suite += [
            gxe.ExpectColumnValuesToNotBeNull(column="score", mostly=mostly),
            gxe.ExpectColumnValuesToMatchRegex(column="score", regex=SCORE, mostly=mostly),
        ]
    if entity == "crm_accounts":
        suite.append(gxe.ExpectColumnValuesToMatchRegex(column="arr", regex=AMOUNT, mostly=mostly))
    return suite


def dataframe_batch(context, name: str):
    """A batch definition for dataframes passed at run time, in a pandas data source of its own.
    Each data source, asset and batch definition added rewrites gx/great_expectations.yml, so
    the mart checks share one (the suite names which mart a result is about)."""
    source = context.data_sources.add_or_update_pandas(name)
    asset = source.add_dataframe_asset(name=name)
    return asset.add_batch_definition_whole_dataframe("batch")


def checkpoint_for(
    context, name: str, expectations: list, result_format: str = "SUMMARY", batch=None
):
    """A checkpoint validating a dataframe batch against `expectations`; its results are
    stored, and the Data Docs are built once after all batches (build_docs). The previous
    build's results of the suite are removed first (forget_previous_results). `batch`: a
    dataframe_batch to validate through (default: one of the suite's own)."""
    import great_expectations as gx

    forget_previous_results(context, name)
    if batch is None:
        batch = dataframe_batch(context, name)
    suite = context.suites.add_or_update(gx.ExpectationSuite(name=name, expectations=expectations))
    definition = context.validation_definitions.add_or_update(
        gx.ValidationDefinition(name=name, data=batch, suite=suite)
    )
    return context.checkpoints.add_or_update(
        gx.Checkpoint(
            name=name,
            validation_definitions=[definition],
            actions=[],
            result_format={"result_format": result_format},
        )
    )


def strip_whitespace(text: str) -> str:
    """The text without WHITESPACE at either end (dbt: the trim_whitespace macro)."""
    return text.strip(WHITESPACE)


def header_key(name: str | None) -> str:
    """A header name as matched against the contract (dbt: landing_header_key)."""
    return strip_whitespace(name or "").lower()


@dataclass(frozen=True)
class LandingFile:
    """One entry of an entity folder: read as `format` ('csv' or 'parquet'), or not read, and why."""

    path: Path
    name: str
    format: str | None
    is_gzip: bool
    unread_reason: str | None


def landing_file_kind(name: str, is_folder: bool = False) -> tuple[str | None, bool, str | None]:
    """(format, is_gzip, unread_reason) of an entity folder's entry; the dbt macro
    landing_file_kind is the same rule: *.csv, *.csv.gz and *.parquet in any case are read;
    sub-folders, hidden files and other extensions are reported, not read."""
    lowered = name.lower()
    if is_folder:
        return None, False, "a sub-folder; files in sub-folders are not read"
    if name.startswith("."):
        return None, False, "a hidden file"
    if lowered.endswith(".csv"):
        return "csv", False, None
    if lowered.endswith(".csv.gz"):
        return "csv", True, None
    if lowered.endswith(".parquet"):
        return "parquet", False, None
    return None, False, "not a .csv, .csv.gz or .parquet file"


def landing_files(folder: Path) -> list[LandingFile]:
    """Every entry of an entity folder (none when it does not exist), sorted by name; a sub-folder's
    name ends with '/'. The dbt macro landing_files lists the same."""
    if not folder.is_dir():
        return []
    entries = []
    for entry in os.scandir(folder):
        is_folder = entry.is_dir()
        entries.append(
            LandingFile(
                Path(entry.path),
                entry.name + ("/" if is_folder else ""),
                *landing_file_kind(entry.name, is_folder),
            )
        )
    return sorted(entries, key=lambda entry: entry.name)


def no_files_message(
    raw_dir: Path, entity: str, unread: list[str], project_dir: Path | None = None
) -> str:
    """What to do when an entity folder has no file to read (`unread`: its other entries, each
    'name (reason)'). dbt's reader (macro landing_readable_files) says the same words."""
    from nps_warehouse import landing_folder

    folder = os.path.abspath(raw_dir)
    own_raw = project_dir is not None and landing_folder.is_default_raw_dir(raw_dir, project_dir)
    return (
        f"No landing files for '{entity}': expected one or more *.csv, *.csv.gz or *.parquet"
        f" files in {folder}/{entity}/"
        + (f" (it holds only files that are not read: {', '.join(unread)})" if unread else "")
        + f". Set NPS_RAW_DIR to your landing folder (now '{folder}') or add the entity's"
        " export there. A file holding only the header row declares an entity with no rows."
        + (
            " This is the project's own data/raw: `make build` writes sample data into it"
            " while it holds no file at all."
            if own_raw
            else ""
        )
    )


def no_files_problem(raw_dir: Path, project_dir: Path | None = None) -> str | None:
    """no_files_message for the first entity of the contract with no file to read in `raw_dir`
    (None when every entity has one): nps-build and the PostgreSQL loader ask before anything
    runs, where dbt would stop only once it has parsed the project."""
    for entity in LANDING_CONTRACT:
        listing = landing_files(Path(raw_dir) / entity)
        if not any(entry.unread_reason is None for entry in listing):
            unread = [f"{entry.name} ({entry.unread_reason})" for entry in listing]
            return no_files_message(raw_dir, entity, unread, project_dir)
    return None


def reader_sql(file: LandingFile, header: bool = True, rejects: bool = True) -> str:
    """The DuckDB table function reading a landing file, every column as text (the dbt reader's
    options); CSV lines the reader cannot use go to the temp table nps_rejects."""
    escaped = str(file.path).replace("'", "''")
    if file.format == "parquet":
        return f"(select cast(columns(*) as varchar) from read_parquet('{escaped}'))"
    options = f"header = {str(header).lower()}, {CSV_OPTIONS}, ignore_errors = true"
    if file.is_gzip:
        options += ", compression = 'gzip'"
    if rejects:
        options += f", {REJECTS}"
    return f"read_csv('{escaped}', {options})"


def header_names(connection, file: LandingFile) -> list[str]:
    """The file's header names as written (DuckDB's own names trim spaces and rename a repeated
    name to name_1): the first line read without a header, or the Parquet schema's fields."""
    if file.format == "parquet":
        import pyarrow.parquet

        return list(pyarrow.parquet.read_schema(file.path).names)
    first = connection.sql(
        f"select * from {reader_sql(file, header=False, rejects=False)} limit 1"
    ).fetchall()
    return [name or "" for name in first[0]] if first else []


def match_header(entity: str, file: LandingFile, written: list[str]) -> dict[str, int]:
    """Contract column -> position in the file. Raises QualityError naming the file and the columns
    when two columns match one contract name or a contract column is missing."""
    columns = LANDING_CONTRACT[entity]
    positions: dict[str, int] = {}
    for position, name in enumerate(written):
        key = header_key(name)
        if key not in columns:
            continue
        if key in positions:
            raise QualityError(
                f"Landing file {file.path} has two columns for the contract column '{key}': "
                f"'{written[positions[key]]}' and '{name}' (header names are matched ignoring case "
                "and surrounding whitespace). Remove or rename one of them and re-export the file."
            )
        positions[key] = position
    missing = [column for column in columns if column not in positions]
    if missing:
        raise QualityError(
            f"Landing file {file.path} lacks the column(s) {', '.join(missing)}. The "
            f"'{entity}' contract needs: {', '.join(columns)} (docs/landing-"
            f"contract.md). Its header has: {', '.join(written)}. Rename or add the "
            "column and re-export the file."
        )
    return positions


def read_batches(connection, file: LandingFile, entity: str, batch_rows: int):
    """Batches of one file as text dataframes: the contract columns under their contract names,
    stripped (WHITESPACE), blank as None; other columns kept (so every byte is decoded, as in dbt)
    as _extra_<position>. Raises QualityError for a header that does not fit the contract."""
    relation = connection.sql(f"select * from {reader_sql(file)}")
    read_names = relation.columns
    written = header_names(connection, file)
    if len(written) != len(read_names):
        written = list(read_names)
    positions = match_header(entity, file, written)
    by_position = {position: column for column, position in positions.items()}
    names = [by_position.get(i, f"_extra_{i}") for i in range(len(read_names))]
    reader = relation.to_arrow_reader(batch_rows)
    for batch in reader:
        frame = batch.to_pandas()
        frame.columns = names
        for column in positions:
            frame[column] = frame[column].str.strip(WHITESPACE).replace("", None)
        yield frame


def rejected_lines(connection) -> list[tuple]:
    return connection.sql(
        "select line, error_type, error_message from nps_rejects order by line"
    ).fetchall()


def check_landing(
    raw_dir: Path,
    project_dir: Path,
    progress: Callable[[str], None] | None = None,
    only: dict[str, list[str]] | None = None,
) -> list[str]:
    """Validates the landing files; returns warnings, raises QualityError on an error.

    `progress`, when given, receives a line per entity as it is done (rows, files, seconds).
    `only` (entity -> file names) limits the check to those files: an incremental build checks
    the files it reads, the others were checked by the build that read them.
    Entities are checked side by side in `landing.workers` processes (quality.yml), the largest
    first; warnings and errors come back in the contract's order whatever finishes first.
    """
    config = load_config(project_dir)["landing"]
    workers = max(1, int(config.get("workers", 1)))
    context = gx_context(project_dir)  # creates the GX folder if it does not exist yet
    main_gx = Path(context.root_directory)
    jobs = {
        entity: None if only is None else list(only.get(entity, [])) for entity in LANDING_CONTRACT
    }
    found: dict[str, EntityCheck] = {}

    def done(result: EntityCheck) -> None:
        found[result.entity] = result
        if progress is not None:
            progress(result.progress)

    if workers == 1:
        for entity, names in jobs.items():
            done(check_entity(entity, raw_dir, project_dir, config, names))
    else:
        scratch = Path(tempfile.mkdtemp(prefix="nps-landing-checks-"))
        try:
            with worker_pool(min(workers, len(jobs))) as pool:
                futures = {}
                for entity in sorted(jobs, key=lambda e: -bytes_to_check(raw_dir, e, jobs[e])):
                    root = worker_gx_root(scratch / entity, main_gx)
                    future = pool.submit(
                        check_entity, entity, raw_dir, project_dir, config, jobs[entity], root
                    )
                    futures[future] = entity
                for future in as_completed(futures):
                    result = future.result()
                    adopt_results(
                        scratch / result.entity / "gx", main_gx, f"landing_{result.entity}"
                    )
                    done(result)
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
    warnings_ = [line for entity in jobs for line in found[entity].warnings]
    errors = [line for entity in jobs for line in found[entity].errors]
    # a fresh context sees every suite's stored results; the configuration it puts back is the
    # one found before any entity's check added its data source (checks in this process do)
    docs_context = gx_context(project_dir)
    docs_context.committed_config = context.committed_config
    docs = docs_url(docs_context, [f"landing_{entity}" for entity in jobs])
    if errors:
        raise QualityError(
            "Landing checks (Great Expectations) failed:\n  - "
            + "\n  - ".join(errors)
            + f"\nGX Data Docs: {docs}"
        )
    return [*warnings_, f"GX Data Docs: {docs}"]


def worker_pool(workers: int) -> ProcessPoolExecutor:
    """Processes for checks side by side. Forked: the workers inherit GX, imported already,
    instead of importing it again (seconds); only from a process with no other thread, which a
    fork would not copy (a lock one held would stay held in the child): else spawned."""
    method = "fork" if threading.active_count() == 1 else "spawn"
    return ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context(method))


def worker_gx_root(root: Path, main_gx: Path) -> Path:
    """A worker's own GX root (`root`/gx, with the build's configuration): its results are
    moved into the build's GX folder after (adopt_results)."""
    (root / "gx").mkdir(parents=True)
    shutil.copyfile(main_gx / "great_expectations.yml", root / "gx" / "great_expectations.yml")
    return root


def bytes_to_check(raw_dir: Path, entity: str, names: list[str] | None) -> int:
    """The size of the files of an entity a check reads (to start the largest first)."""
    return sum(
        entry.path.stat().st_size
        for entry in landing_files(raw_dir / entity)
        if entry.unread_reason is None and (names is None or entry.name in names)
    )


def adopt_results(worker_gx: Path, main_gx: Path, name: str) -> None:
    """Moves a suite's definitions and stored results from a worker's GX folder into the
    build's, replacing the previous build's (the Data Docs are built from them once, after)."""
    for store in ("expectations", "checkpoints", "validation_definitions"):
        made = worker_gx / store / f"{name}.json"
        if made.is_file():
            (main_gx / store).mkdir(parents=True, exist_ok=True)
            shutil.copyfile(made, main_gx / store / f"{name}.json")
    uncommitted = main_gx / "uncommitted"
    for folder in (uncommitted / "validations" / name,
                   uncommitted / "data_docs" / "local_site" / "validations" / name):  # fmt: skip
        shutil.rmtree(folder, ignore_errors=True)
    results = worker_gx / "uncommitted" / "validations" / name
    if results.is_dir():
        shutil.copytree(results, uncommitted / "validations" / name)


@dataclass
class EntityCheck:
    """What the landing check of one entity found."""

    entity: str
    warnings: list[str]
    errors: list[str]
    progress: str


def check_entity(
    entity: str,
    raw_dir: Path,
    project_dir: Path,
    config: dict,
    only_names: list[str] | None,
    gx_root: Path | None = None,
) -> EntityCheck:
    """Validates one entity's landing files (`only_names`: just those) with one GX checkpoint
    whose results are stored under `gx_root` (default: the build's GX root)."""
    severity = config["severity"]
    mostly = 1 - float(config["max_bad_share"])
    context = gx_context(project_dir, gx_root)
    warnings_: list[str] = []
    errors: list[str] = []
    # COMPLETE: the failing rows' positions, to name the files they are in (the batches hold
    # rows of many files: one checkpoint run per file costs a fraction of a second each,
    # which a folder of 1,100 daily files cannot afford).
    checkpoint = checkpoint_for(
        context, f"landing_{entity}", landing_expectations(entity, mostly), "COMPLETE"
    )
    tallies: dict[str, Tally] = {}
    rows, undecodable = 0, defaultdict(list)
    started = time.monotonic()
    listing = landing_files(raw_dir / entity)
    files = [entry for entry in listing if entry.unread_reason is None]
    earlier = 0
    if only_names is not None:
        earlier = len(files)
        files = [entry for entry in files if entry.name in set(only_names)]
        earlier -= len(files)
    for entry in listing:
        if entry.unread_reason is not None:
            warnings_.append(f"{entity}: not read: {entry.name} ({entry.unread_reason})")
    batch_rows = int(config["batch_rows"])
    pending = Pending()
    # One DuckDB connection for the entity's files: opening one per file (a database, its
    # threads and buffers) cost about 0.05 s a file, minutes on a folder of daily files.
    with duckdb.connect() as connection:
        connection.execute("set enable_progress_bar = false")
        for file in files:
            if file.path.stat().st_size == 0:
                warnings_.append(
                    f"{entity}: skipping empty file {file.name} (0 bytes, no header, no rows)"
                )
                continue
            # the rejects tables gather every scan's lines: start each file with none
            connection.execute("drop table if exists nps_rejects; drop table if exists nps_scans")
            try:
                for frame in read_batches(connection, file, entity, batch_rows):
                    rows += len(frame)
                    pending.add(frame, file.path)
                    if pending.rows >= batch_rows:
                        pending.check(checkpoint, tallies)
                rejects = rejected_lines(connection) if file.format == "csv" else []
            except QualityError as error:
                (errors if severity["missing_column"] == "error" else warnings_).append(str(error))
                continue
            except duckdb.Error as error:
                first = str(error).strip().splitlines()[0]
                message = (
                    f"Landing file {file.path} cannot be read: {first} Check it is UTF-8 CSV "
                    "with a header row (RFC 4180: quote fields holding commas, quotes or line "
                    "breaks; gzip-compressed is fine) or Parquet, and re-export the file."
                )
                (errors if severity["unreadable_file"] == "error" else warnings_).append(message)
                continue
            path = file.path
            for line, kind, text in rejects:
                if kind == "INVALID ENCODING":
                    undecodable[path].append(line)
                else:
                    message = (
                        f"Landing file {path} cannot be read at line {line}: {text} ({kind}). Fix "
                        "that line (RFC 4180: quote fields holding commas, quotes or line breaks; "
                        "double the quotes inside) and re-export the file."
                    )
                    (errors if severity["unreadable_file"] == "error" else warnings_).append(
                        message
                    )
    pending.check(checkpoint, tallies)
    summary = (
        f"{entity}: {rows:,} rows in {len(files)} file(s) checked "
        f"({time.monotonic() - started:.1f} s)"
        + (f"; {earlier} file(s) checked by earlier builds" if earlier else "")
    )
    bad_utf8 = sum(len(lines) for lines in undecodable.values())
    if bad_utf8:
        tallies["invalid_utf8"] = Tally(
            "rows that are not valid UTF-8",
            bad_utf8,
            [f"{path.name} line {line}" for path, lines in undecodable.items() for line in lines],
            set(undecodable),
        )
    total = rows + bad_utf8
    for key, found in tallies.items():
        if not found.unexpected:
            continue
        is_value = key.split(":")[-1] in VALUE_COLUMNS.get(entity, set())
        share = found.unexpected / max(total, 1)
        where = ", ".join(sorted(p.name for p in found.files))
        text = (
            f"{entity}: {found.unexpected:,} of {total:,} rows ({share:.1%}) fail "
            f"'{found.description}' (files: {where}{shown_examples(found.examples)})"
        )
        if share > 1 - mostly:
            level = severity["bad_rows_over_threshold"]
            text += (
                f", above landing.max_bad_share {1 - mostly:.0%} in {CONFIG_FILE}. Fix the "
                "export, or raise the threshold if these rows should just be quarantined."
            )
        else:
            level = severity["bad_rows_under_threshold"]
            text += (
                "; dbt stages these rows with that value null (audit.value_problems)."
                if is_value
                else "; dbt quarantines them (audit.quarantine_rows)."
            )
        (errors if level == "error" else warnings_).append(text)
    return EntityCheck(entity, warnings_, errors, summary)


class Pending:
    """Rows of one or more files waiting for one checkpoint run, and which file each came from."""

    def __init__(self) -> None:
        self.frames: list = []
        self.starts: list[int] = []
        self.paths: list[Path] = []
        self.rows = 0

    def add(self, frame, path: Path) -> None:
        if len(frame) == 0 and self.frames:
            return
        self.frames.append(frame)
        self.starts.append(self.rows)
        self.paths.append(path)
        self.rows += len(frame)

    def path_of(self, row: int) -> Path:
        return self.paths[bisect.bisect_right(self.starts, row) - 1]

    def check(self, checkpoint, tallies: dict[str, Tally]) -> None:
        """One checkpoint run over the pending rows (numbered 0..rows-1), then empty."""
        import pandas

        if not self.frames:
            return
        frame = pandas.concat(self.frames, ignore_index=True)
        tally(checkpoint.run(batch_parameters={"dataframe": frame}), tallies, self)
        self.__init__()


def tally(result, tallies: dict[str, Tally], pending: Pending) -> None:
    """Adds one checkpoint run's failing-row counts to `tallies`, by expectation, with the files
    of the failing rows (all of the batch's files if GX does not say which rows)."""
    for validation in result.run_results.values():
        for outcome in validation.results:
            config = outcome.expectation_config
            column = config.kwargs.get("column")
            if config.type == "expect_column_to_exist":
                continue
            key = f"{config.type}:{column}"
            description = {
                "expect_column_values_to_not_be_null": f"{column} is present",
                "expect_column_values_to_match_regex": f"{column} parses",
            }.get(config.type, f"{config.type} on {column}")
            found = tallies.setdefault(key, Tally(description))
            count = outcome.result.get("unexpected_count") or 0
            if count:
                found.unexpected += count
                rows = outcome.result.get("unexpected_index_list")
                if rows and all(isinstance(row, int) for row in rows):
                    found.files.update(pending.path_of(row) for row in rows)
                else:
                    found.files.update(pending.paths)
                found.examples += [v for v in outcome.result.get("partial_unexpected_list", [])][:3]


def shown_examples(values) -> str:
    """'; e.g. 'x', 'y'' for up to three distinct failing values, or '' when all are missing (a
    value that is absent says nothing more than the expectation's name)."""

    def plain(value):  # a numpy scalar as its Python value: 107.01, not np.float64(107.01)
        if isinstance(value, tuple):
            return tuple(plain(part) for part in value)
        return value.item() if hasattr(value, "item") and hasattr(value, "dtype") else value

    present: list[str] = []
    for value in values or []:
        if value is None or (isinstance(value, float) and math.isnan(value)):
            continue
        if repr(plain(value)) not in present:
            present.append(repr(plain(value)))
    return f"; e.g. {', '.join(present[:3])}" if present else ""


def docs_url(context, suites: list[str] | None = None) -> str:
    """Builds the Data Docs from the stored results; returns the index page's URL. Restores
    gx/great_expectations.yml as committed (GX adds the run's dataframe data sources to it).

    With `suites`, only those suites' pages and their results' pages are rendered again, then the
    index: the other suites' pages stay as the check that stored their results rendered them
    (checkpoint_for removes a suite's old results and pages before it runs); a site without an
    index yet is built whole. Rendering every page after each step took most of a small build's
    check time."""
    identifiers = None
    if suites is not None:
        wanted = set(suites)
        identifiers = [
            key
            for key in context.validation_results_store.list_keys()
            if key.expectation_suite_identifier.name in wanted
        ] + [key for key in context.expectations_store.list_keys() if key.name in wanted]
    index = Path(context.root_directory) / "uncommitted" / "data_docs" / "local_site" / "index.html"
    if identifiers is None or not index.is_file():
        context.build_data_docs()  # the whole site: no step's pages can be missing from it
    elif identifiers:
        context.build_data_docs(resource_identifiers=identifiers)
    data_docs.make_offline(context)
    config_file = Path(context.root_directory) / "great_expectations.yml"
    if getattr(context, "committed_config", None) is not None:
        config_file.write_text(context.committed_config, encoding="utf-8")
    sites = context.get_docs_sites_urls()
    return sites[0]["site_url"] if sites else "(none)"


# Never null where a mart has them (as_of_at is: a landing folder without events has no as_of).
KEY_COLUMNS = ("response_id", "contact_id", "account_id")
INTEGER_TYPES = ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT",
                 "UINTEGER", "UBIGINT", "UHUGEINT")  # fmt: skip
NUMERIC_TYPES = (*INTEGER_TYPES, "FLOAT", "DOUBLE", "DECIMAL")


def mart_expectations(columns: list[str], types: dict[str, str] | None = None) -> list:
    """Checks found by column name (and DuckDB type, when `types` gives it), so a new mart is
    checked as soon as it exists:

    - keys (response_id, contact_id, account_id) are never null;
    - standard errors and margins (`*_se`, `*_moe_95`, `*_moe_95_clustered`), design effects and
      effective sample sizes (`design_effect`, `effective_responses`) are ≥ 0;
    - differences (`*_change`, `*_gap`, `*_trend_*`): of a share within −1..1, of an NPS within
      −200..200;
    - scores (`score`, `score_before`, `next_score`, ...) 0–10; every other integer column is a
      count (`responses`, `accounts_with_nps`, ...) ≥ 0; NPS values (`nps`, `account_nps`,
      `nps_last_60d`, ...) −100..100; `*_rate*`, `*_share*`, `*_probability*`, `*_attainment` 0..1;
    - ARR amounts (`arr_usd`, `*_arr*`, but not `*_error_arr`) and durations (`*_hours`,
      `*_minutes`, `*_days`) ≥ 0;
    - an ARR at risk (`*arr_at_risk*`) ≤ the ARR it is part of (`arr_<rest>` when the mart has
      it), and in a mart with `arr_usd` every ARR amount but means and medians ≤ `arr_usd`;
    - lifts (`*_lift`, a ratio to a base rate) ≥ 0;
    - an interval around a value: `<x>_low_95` ≤ `<x>` ≤ `<x>_high_95` when the mart has them.
    """
    import great_expectations.expectations as gxe

    def between(column, low=None, high=None):
        return gxe.ExpectColumnValuesToBeBetween(column=column, min_value=low, max_value=high)

    def at_most(column, whole):
        return gxe.ExpectColumnPairValuesAToBeGreaterThanB(
            column_A=whole, column_B=column, or_equal=True, ignore_row_if="either_value_is_missing"
        )

    types = types or {}
    suite = []
    amounts = []
    for column in columns:
        tokens = set(column.split("_"))
        kind = types.get(column, "DOUBLE").upper()
        if column in KEY_COLUMNS:
            suite.append(gxe.ExpectColumnValuesToNotBeNull(column=column))
        if not kind.startswith(NUMERIC_TYPES):
            continue
        is_share = bool(tokens & {"rate", "share", "probability", "attainment"})
        if tokens & {"se", "moe", "effect", "effective"}:
            suite.append(between(column, 0))
        elif tokens & {"change", "gap", "trend", "error"} or column == "z":
            if is_share:
                suite.append(between(column, -1, 1))
            elif "nps" in tokens or column.endswith("_gap"):
                suite.append(between(column, -200, 200))
        elif "score" in tokens:
            suite.append(between(column, 0, 10))
        elif kind.startswith(INTEGER_TYPES):  # counts, accounts_with_nps included
            suite.append(between(column, 0))
        elif "nps" in tokens:
            suite.append(between(column, -100, 100))
        elif is_share:
            suite.append(between(column, 0, 1))
        elif "arr" in tokens:
            suite.append(between(column, 0))
            if not tokens & {"mean", "median"}:
                amounts.append(column)
        elif tokens & {"hours", "minutes", "days", "lift"}:
            suite.append(between(column, 0))
        if column.endswith("_low_95") and column[: -len("_low_95")] in columns:
            value = column[: -len("_low_95")]
            suite.append(at_most(column, value))
            if f"{value}_high_95" in columns:
                suite.append(at_most(value, f"{value}_high_95"))
    for column in amounts:
        if "arr_at_risk" in column:
            whole = "arr" + column.split("arr_at_risk", 1)[1]
            if whole in columns and whole != "arr_usd":
                suite.append(at_most(column, whole))
        if "arr_usd" in columns and column != "arr_usd":
            suite.append(at_most(column, "arr_usd"))
    return suite


def check_marts(warehouse, project_dir: Path) -> list[str]:
    """Validates every table of the marts schema; returns notes, raises QualityError.

    `warehouse` is the DuckDB file's path, or an engines.PgWarehouse or SparkWarehouse. On a
    DuckDB file the tables are checked side by side in `marts.workers` processes (quality.yml),
    each reading the file read-only; failures are reported in table order either way."""
    config = load_config(project_dir)["marts"]
    context = gx_context(project_dir)
    batch_rows = int(config["batch_rows"])
    workers = max(1, int(config.get("workers", 1)))
    if isinstance(warehouse, (str, Path)) and workers > 1:
        found = check_marts_side_by_side(Path(warehouse), project_dir, context, batch_rows, workers)
    else:
        found = validate_marts(context, mart_tables(warehouse, batch_rows))
    failures = [line for table in sorted(found) for line in found[table].failures]
    checked_tables = [table for table in sorted(found) if found[table].checked]
    docs = docs_url(context, [f"mart_{table}" for table in checked_tables])
    if failures and config["severity"] == "error":
        raise QualityError(
            "Mart checks (Great Expectations) failed:\n  - "
            + "\n  - ".join(failures)
            + f"\nGX Data Docs: {docs}"
        )
    return [
        *failures,
        f"Mart checks: {len(checked_tables)} marts tables validated; GX Data Docs: {docs}",
    ]


@dataclass
class MartCheck:
    """What the checks found on one mart: whether a suite ran, and the failure lines."""

    checked: bool
    failures: list[str] = field(default_factory=list)


def validate_marts(context, tables) -> dict[str, MartCheck]:
    """Runs each mart's suite over its batches (`tables`: what mart_tables yields)."""
    found: dict[str, MartCheck] = {}
    batch = None
    for table, types, frames in tables:
        expectations = mart_expectations(list(types), types)
        if not expectations:
            found[table] = MartCheck(
                checked=False,
                failures=[
                    (
                        f"marts.{table}: no expectation applies to its columns; every marts "
                        "table needs one (add a rule to mart_expectations in "
                        "src/nps_warehouse/quality.py)"
                    )
                ],
            )
            continue
        found[table] = MartCheck(checked=True)
        if batch is None:
            batch = dataframe_batch(context, "marts")
        # BASIC: the unexpected count and the first values, all a failure message shows;
        # SUMMARY's value counts of each expectation cost half again the checks' time.
        checkpoint = checkpoint_for(context, f"mart_{table}", expectations, "BASIC", batch)
        columns = checked_columns(expectations, list(types))
        numbers = [c for c in columns if types[c].upper().startswith(NUMERIC_TYPES)]
        for frame in frames(columns):
            frame = comparable_numbers(frame, numbers)
            result = checkpoint.run(batch_parameters={"dataframe": frame})
            for validation in result.run_results.values():
                for outcome in validation.results:
                    if not outcome.success:
                        kwargs = outcome.expectation_config.kwargs
                        found[table].failures.append(
                            f"marts.{table}: {outcome.expectation_config.type} "
                            f"{ {k: v for k, v in kwargs.items() if k != 'batch_id'} } "
                            f"failed on {outcome.result.get('unexpected_count')} rows"
                            + shown_examples(outcome.result.get("partial_unexpected_list", []))
                        )
    return found


def check_marts_side_by_side(
    path: Path, project_dir: Path, context, batch_rows: int, workers: int
) -> dict[str, MartCheck]:
    """validate_marts over the DuckDB file's marts in up to `workers` processes, each with a
    share of the tables and a GX folder of its own, whose suites and results are then moved into
    the build's (as the landing checks do). A table costs GX a fixed set-up (its suite, its
    checkpoint: about as much as checking a million values) plus its values: the shares are
    about equal in that cost, the costliest tables handed out first."""
    with duckdb.connect(str(path), read_only=True) as connection:
        # every relation mart_tables lists (a view too: duckdb_tables() has no size for it)
        costs = connection.sql(
            "select listed.table_name, "
            "1 + coalesce(sized.estimated_size * sized.column_count, 0) / 1e6 "
            "from information_schema.tables as listed "
            "left join duckdb_tables() as sized on sized.database_name = current_database() "
            "and sized.schema_name = 'marts' and sized.table_name = listed.table_name "
            "where listed.table_schema = 'marts' and listed.table_catalog = current_database()"
        ).fetchall()
    shares: list[list[str]] = [[] for _ in range(min(workers, len(costs)))]
    loads = [0.0] * len(shares)
    for table, cost in sorted(costs, key=lambda row: (-row[1], row[0])):
        least = loads.index(min(loads))
        shares[least].append(table)
        loads[least] += cost
    if len(shares) <= 1:
        return validate_marts(context, mart_tables(path, batch_rows))
    main_gx = Path(context.root_directory)
    scratch = Path(tempfile.mkdtemp(prefix="nps-mart-checks-"))
    found: dict[str, MartCheck] = {}
    try:
        with worker_pool(len(shares)) as pool:
            futures = {}
            for number, share in enumerate(shares):
                root = worker_gx_root(scratch / f"share_{number}", main_gx)
                futures[
                    pool.submit(check_mart_share, path, share, project_dir, batch_rows, root)
                ] = root
            for future in as_completed(futures):
                share_found = future.result()
                for table, check in share_found.items():
                    if check.checked:
                        adopt_results(futures[future] / "gx", main_gx, f"mart_{table}")
                found.update(share_found)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return found


def check_mart_share(
    path: Path, tables: list[str], project_dir: Path, batch_rows: int, gx_root: Path
) -> dict[str, MartCheck]:
    """validate_marts over some of the DuckDB file's marts, results stored under `gx_root`."""
    context = gx_context(project_dir, gx_root)
    return validate_marts(context, mart_tables(path, batch_rows, only=tables))


def checked_columns(expectations: list, columns: list[str]) -> list[str]:
    """The columns the expectations read, in the table's order: only these are fetched (a mart's
    text columns, which no expectation reads, would be most of the bytes moved)."""
    used = set()
    for expectation in expectations:
        for key in ("column", "column_A", "column_B"):
            if getattr(expectation, key, None):
                used.add(getattr(expectation, key))
    return [column for column in columns if column in used]


def comparable_numbers(frame, columns: list[str]):
    """The frame with its numeric columns as int64 or float64: Great Expectations compares only
    those two dtypes vectorised, and every other (int32 from an INTEGER, Decimal objects from a
    DECIMAL or a PostgreSQL numeric, nullable integers) one Python call per value (5 million
    calls for one INTEGER column of mart_close_the_loop at ~10M responses). Signed numpy integers
    widen exactly to int64; the rest become float64, which keeps order (a ≤ b stays true), so a
    bound or a column pair is judged as before."""
    import numpy as np

    for column in columns:
        dtype = frame[column].dtype
        if dtype in (np.dtype("int64"), np.dtype("float64")):
            continue
        signed = isinstance(dtype, np.dtype) and dtype.kind == "i"
        frame[column] = frame[column].astype("int64" if signed else "float64")
    return frame


def quoted(columns: list[str]) -> str:
    """A select list of the columns, each quoted (a mart column may be named like a keyword);
    DuckDB and PostgreSQL both read double quotes, and mart columns are lower case."""
    return ", ".join('"' + column.replace('"', '""') + '"' for column in columns)


def mart_tables(warehouse, batch_rows: int, only: list[str] | None = None):
    """(table, {column: DuckDB type name}, a function giving the rows of the columns named as
    dataframes) for every table of the marts schema (`only`: those of them), from the DuckDB
    file or an engine's warehouse."""
    if not isinstance(warehouse, (str, Path)):
        for table in warehouse.tables("marts"):
            if only is not None and table not in only:
                continue
            yield (
                table,
                warehouse.column_types("marts", table),
                lambda columns, table=table: warehouse.frames(
                    f"select {quoted(columns)} from marts.{table}", batch_rows
                ),
            )
        return
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        connection.execute("set enable_progress_bar = false")
        tables = [
            row[0]
            for row in connection.sql(
                "select table_name from information_schema.tables "
                "where table_schema = 'marts' order by table_name"
            ).fetchall()
            if only is None or row[0] in only
        ]
        for table in tables:
            relation = connection.sql(f"select * from marts.{table}")
            types = dict(zip(relation.columns, map(str, relation.types), strict=True))
            yield (
                table,
                types,
                lambda columns, table=table: frames_of(
                    connection.sql(f"select {quoted(columns)} from marts.{table}"), batch_rows
                ),
            )


def warned_offenders(project_dir: Path, duckdb_path, limit: int = 20) -> list[str]:
    """Lines naming the offenders of every dbt test that warned in the last run: dbt's own log
    only says "Got 4 results", so each warned test's compiled query (target/run_results.json) is
    run again on the warehouse and its first `limit` rows are listed, column by column."""
    target = Path(os.environ.get("DBT_TARGET_PATH") or "target")
    results_file = (project_dir / target) / "run_results.json"
    if not results_file.is_file():
        return []
    warned = [
        result
        for result in json.loads(results_file.read_text(encoding="utf-8"))["results"]
        if result["status"] == "warn" and result.get("compiled_code")
    ]
    lines = []
    for result in warned:
        name = result["unique_id"].split(".")[2]
        query = f"select * from (\n{result['compiled_code']}\n) as offenders limit {limit}"
        if isinstance(duckdb_path, (str, Path)):
            with duckdb.connect(str(duckdb_path), read_only=True) as connection:
                relation = connection.sql(query)
                columns, rows = relation.columns, relation.fetchall()
        else:  # engines.PgWarehouse or SparkWarehouse
            columns, rows = duckdb_path.fetch(query)
        shown = f", the first {limit}" if (result.get("failures") or 0) > limit else ""
        lines.append(f"dbt warning {name}: {result.get('failures')} row(s){shown}:")
        lines += [
            "    " + ", ".join(f"{c}={v}" for c, v in zip(columns, row, strict=True))
            for row in rows
        ]
    return lines
