"""Shared fixtures: builds of the warehouse on generated landing data, each in its own folder."""

from __future__ import annotations

import hashlib
import inspect
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from nps_warehouse import landing_folder, warehouse
from nps_warehouse.generate import generate

PROJECT_DIR = Path(__file__).resolve().parents[2]


@dataclass
class Build:
    """One run of `nps-build` over a landing folder, with what it printed and where it wrote."""

    raw_dir: Path
    duckdb_path: Path
    env: dict[str, str]
    returncode: int
    output: str

    @property
    def publish_path(self) -> Path:
        """The read-only publication of this build's marts (NPS_PUBLISH_PATH)."""
        return Path(self.env["NPS_PUBLISH_PATH"])

    @property
    def manifest(self) -> dict:
        """dbt's manifest.json of this build."""
        return json.loads((self.duckdb_path.parent / "target" / "manifest.json").read_text())

    def query(self, sql: str):
        with duckdb.connect(str(self.duckdb_path), read_only=True) as connection:
            return connection.sql(sql).df()


# --------------------------------------------------------------------------------------
# One dbt parse per pytest process. dbt parses the project again from scratch (about 12 s of
# CPU, the largest part of a small build) whenever its profile differs from the last parse's, and
# the DuckDB file's path is part of the profile, so every build in a folder of its own parsed
# from scratch. Here each build's DuckDB path goes through one symbolic link per process, pointed
# at the build's own folder before it runs, and its target folder starts from the last parse
# made through that link: dbt's own partial parsing then checks everything else (vars, every
# file's contents, the environment variables each file read) and parses again what changed.
# --------------------------------------------------------------------------------------
_PARSES: dict[str, Path] = {}


@pytest.fixture(scope="session", autouse=True)
def _parse_folder(tmp_path_factory):
    """The folder of this process's link and last parse (see shared_parse)."""
    _PARSES["folder"] = tmp_path_factory.mktemp("dbt_parse")
    yield
    _PARSES.clear()


@contextmanager
def shared_parse(env: dict[str, str], cli_vars: str = "") -> Iterator[dict[str, str]]:
    """`env` for one dbt or nps-build run on DuckDB whose NPS_DUCKDB_PATH is its own folder's
    nps.duckdb, with that path through this process's link and, in its empty DBT_TARGET_PATH,
    the last parse made with the same `cli_vars` (the run's `--vars` text: dbt parses again from
    scratch when they differ); after the run, its parse is the last with them. Any other run gets
    `env` as it is."""
    folder = _PARSES.get("folder")
    warehouse_path = Path(env.get("NPS_DUCKDB_PATH") or "")
    target = Path(env.get("DBT_TARGET_PATH") or "")
    if (
        folder is None
        or env.get("NPS_TARGET", "duckdb") != "duckdb"
        or warehouse_path.name != "nps.duckdb"
        or not warehouse_path.is_absolute()
        or not target.is_absolute()
    ):
        yield env
        return
    warehouse_path.parent.mkdir(parents=True, exist_ok=True)
    link, staged = folder / "warehouse", folder / "warehouse.next"
    staged.unlink(missing_ok=True)
    staged.symlink_to(warehouse_path.parent, target_is_directory=True)
    staged.replace(link)
    key = hashlib.md5(cli_vars.encode()).hexdigest()[:12]
    last, mine = folder / f"parse_{key}.msgpack", target / "partial_parse.msgpack"
    if last.is_file() and not mine.exists():
        target.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(last, mine)
    yield {**env, "NPS_DUCKDB_PATH": str(link / warehouse_path.name)}
    if mine.is_file():
        shutil.copyfile(mine, last)


DBT = str(Path(sys.executable).with_name("dbt"))


def dbt_run(*args: str, env: dict[str, str], timeout: int = 600) -> subprocess.CompletedProcess:
    """One dbt command from the project folder with its profiles folder, output captured."""
    return subprocess.run(
        [DBT, *args, "--profiles-dir", "profiles"],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=timeout,
    )


def run_build(
    raw_dir: Path, work_dir: Path, *extra_args: str, env: dict[str, str | None] | None = None
) -> Build:
    """Runs the real command line (`python -m nps_warehouse.cli`) from the project folder.

    Landing folders that are not sample data (hand-made, or sample data with files added or
    changed) get a test NPS_PII_SALT unless the environment has one; ``env`` overrides variables
    (None removes one). A build in `work_dir`'s own nps.duckdb, publishing to its own folder,
    starts from the process's last dbt parse (shared_parse); ``Build.env`` keeps the real path.
    """
    work_dir.mkdir(parents=True, exist_ok=True)
    own_paths = not {"NPS_DUCKDB_PATH", "NPS_PUBLISH_PATH", "DBT_TARGET_PATH"} & set(env or {})
    base_env = {
        **os.environ,
        "NPS_RAW_DIR": str(raw_dir),
        "NPS_DUCKDB_PATH": str(work_dir / "nps.duckdb"),
        "DBT_TARGET_PATH": str(work_dir / "target"),
        "DBT_LOG_PATH": str(work_dir / "logs"),
        "NPS_GX_ROOT": str(work_dir),
        # each build publishes its marts beside it, never into the project's data/published
        "NPS_PUBLISH_PATH": str(work_dir / "published" / "nps_marts.duckdb"),
    }
    if not landing_folder.is_sample(raw_dir):
        base_env["NPS_PII_SALT"] = base_env.get("NPS_PII_SALT") or "pytest-salt"
    for name, value in (env or {}).items():
        base_env.pop(name, None)
        if value is not None:
            base_env[name] = value
    env = base_env
    # nps-build passes --as-of to dbt as this var
    as_of = next((extra_args[i + 1] for i, a in enumerate(extra_args[:-1]) if a == "--as-of"), "")
    cli_vars = f"{{as_of: '{as_of.strip()}'}}" if as_of else ""
    with shared_parse(env, cli_vars) if own_paths else nullcontext(env) as run_env:
        completed = subprocess.run(
            [sys.executable, "-m", "nps_warehouse.cli", "--raw-dir", str(raw_dir), *extra_args],
            check=False,
            cwd=PROJECT_DIR,
            env=run_env,
            capture_output=True,
            text=True,
            timeout=900,
        )
    return Build(
        raw_dir=raw_dir,
        duckdb_path=work_dir / "nps.duckdb",
        env=env,
        returncode=completed.returncode,
        output=completed.stdout + completed.stderr,
    )


def adopt_warehouse(duckdb_path: Path, raw_dir: Path, salt: str) -> None:
    """Records a copied warehouse as built from `raw_dir` with `salt`: the copy stands for the
    same landing folder receiving a new export (one data set per warehouse; test_safety.py tests
    that another folder is refused)."""
    with duckdb.connect(str(duckdb_path)) as connection:
        connection.execute(
            f"update {warehouse.DATA_SET_TABLE} set landing_folder = ?, salt_fingerprint = ?, "
            "sample_data_set = null",
            [warehouse.absolute_folder(raw_dir), warehouse.salt_fingerprint(salt)],
        )


@pytest.fixture(scope="session")
def sample_landing(tmp_path_factory) -> Path:
    """Generated landing data with every kind of bad row, re-exports and mixed CSV/Parquet."""
    raw_dir = tmp_path_factory.mktemp("landing") / "raw"
    generate(raw_dir, seed=7, scale=0.6, fmt="mixed", bad_share=0.02)
    return raw_dir


@pytest.fixture(scope="session")
def sample_build(sample_landing, tmp_path_factory) -> Build:
    build = run_build(sample_landing, tmp_path_factory.mktemp("build"))
    assert build.returncode == 0, build.output[-5000:]
    return build


HEADER_ONLY = PROJECT_DIR / "tests" / "fixtures" / "landing_header_only"


@pytest.fixture(scope="session")
def header_only_build(tmp_path_factory) -> Build:
    """One nps-build of the header-only landing fixture (every file holds its header and no
    row), shared by the tests that read what such a build prints or writes."""
    return run_build(HEADER_ONLY, tmp_path_factory.mktemp("header_only"))


@pytest.fixture(scope="session")
def project_dbt(tmp_path_factory):
    """Runs dbt commands against the project with one environment and one target folder for
    the whole session (so dbt parses the project once and reuses it): the header-only landing
    fixture, a throwaway DuckDB file and a test salt; nothing is written into data/. Returns a
    function taking dbt's arguments and returning the finished process and the target folder."""
    work_dir = tmp_path_factory.mktemp("project_dbt")
    env = {
        **os.environ,
        "NPS_RAW_DIR": str(HEADER_ONLY),
        "NPS_DUCKDB_PATH": str(work_dir / "nps.duckdb"),
        "DBT_TARGET_PATH": str(work_dir / "target"),
        "DBT_LOG_PATH": str(work_dir / "logs"),
        "NPS_PII_SALT": "pytest-salt",
        "NPS_TARGET": "duckdb",
    }

    def run_dbt(*args: str) -> tuple[subprocess.CompletedProcess, Path]:
        return dbt_run(*args, env=env), work_dir / "target"

    return run_dbt


# --------------------------------------------------------------------------------------
# The `build` marker: every test that runs nps-build, or dbt commands that write a warehouse
# (build, run, seed, snapshot), carries it, so `make test-fast` (-m "not build") leaves exactly
# those out. Collection fails on such a test without the marker. A `dbt compile` of macros and
# the dbt unit tests (their parents created empty, test_dbt_unit_tests.py) stay in the fast tier.
# --------------------------------------------------------------------------------------
BUILDS = re.compile(
    r"\brun_build\(|[\"'](build|run|seed|snapshot)[\"']|nps_warehouse\.cli|nps-build"
)


def _builds(function) -> bool:
    """Whether a test or fixture function runs nps-build or a warehouse-writing dbt command,
    read from its source."""
    try:
        source = inspect.getsource(function)
    except (OSError, TypeError):
        return False
    return bool(BUILDS.search(source))


def pytest_collection_modifyitems(config, items):
    unmarked = []
    for item in items:
        if not isinstance(item, pytest.Function) or item.get_closest_marker("build"):
            continue
        fixtures = [
            definition.func
            for definitions in item._fixtureinfo.name2fixturedefs.values()
            for definition in definitions
        ]
        if _builds(item.function) or any(_builds(function) for function in fixtures):
            unmarked.append(item.nodeid)
    if unmarked:
        raise pytest.UsageError(
            "These tests run a build (nps-build, run_build, or dbt build, run, seed or snapshot) "
            "but have no "
            "@pytest.mark.build marker, so `make test-fast` would run them:\n  "
            + "\n  ".join(unmarked)
        )
