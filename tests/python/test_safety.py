"""User mistakes that used to destroy or fake data, mix data sets or crash: each stops with one
message (no traceback) and leaves the user's files and the published warehouse as they were."""

from __future__ import annotations

import dataclasses
import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from conftest import PROJECT_DIR, run_build

from nps_warehouse import landing_folder, warehouse
from nps_warehouse.contract import SAMPLE_MARKER
from nps_warehouse.generate import generate

HEADER_ONLY = PROJECT_DIR / "tests" / "fixtures" / "landing_header_only"
DBT = str(Path(sys.executable).with_name("dbt"))


def snapshot_files(folder: Path) -> dict[str, str]:
    """Every file under `folder` (relative path -> sha256), to prove nothing was touched."""
    return {
        path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def user_landing(tmp_path: Path, without: str | None = "loop_followups") -> Path:
    """A user's own landing folder (hand-made exports), missing one entity by default."""
    raw = tmp_path / "exports"
    shutil.copytree(HEADER_ONLY, raw)
    if without:
        shutil.rmtree(raw / without)
    (raw / "survey_responses" / "survey_responses.csv").write_text(
        (raw / "survey_responses" / "survey_responses.csv").read_text()
        + "R1,I1,K1,C1,9,great,,2026-01-11,2026-01-11\n"
    )
    return raw


def run(command: list[str], env: dict[str, str | None] | None = None, cwd: Path = PROJECT_DIR):
    environment = {**os.environ}
    for name, value in (env or {}).items():
        environment.pop(name, None)
        if value is not None:
            environment[name] = value
    return subprocess.run(
        command, cwd=cwd, env=environment, capture_output=True, text=True, check=False, timeout=900
    )


def output(completed) -> str:
    return completed.stdout + completed.stderr


def dbt_env(tmp_path: Path, **extra: str | None) -> dict[str, str | None]:
    return {
        "DBT_TARGET_PATH": str(tmp_path / "target"),
        "DBT_LOG_PATH": str(tmp_path / "logs"),
        "NPS_DUCKDB_PATH": str(tmp_path / "nps.duckdb"),
        **extra,
    }


def assert_one_message(text: str, *expected: str) -> None:
    assert "Traceback" not in text
    for part in expected:
        assert part in text, text[-3000:]


# --------------------------------------------------------------------------------------
# 1. Never destroy or fake user data
# --------------------------------------------------------------------------------------


def test_make_sample_on_a_user_folder_deletes_nothing(tmp_path):
    """The reported case: a folder missing one entity, `NPS_RAW_DIR=<it> make sample`."""
    raw = user_landing(tmp_path)
    before = snapshot_files(raw)
    completed = run(["make", "--no-print-directory", "sample"], env={"NPS_RAW_DIR": str(raw)})
    assert completed.returncode != 0
    assert_one_message(output(completed), "Not writing sample data to", "Nothing was changed")
    assert snapshot_files(raw) == before
    assert not (raw / SAMPLE_MARKER).exists()


def sample_folder(tmp_path: Path) -> Path:
    raw = tmp_path / "sample"
    generate(raw, seed=3, scale=0.2)
    return raw


def add_user_file(raw: Path) -> None:
    (raw / "crm_accounts" / "accounts_from_crm.csv").write_text("account_id\nA1\n")


def edit_sample_file(raw: Path) -> None:
    path = min((raw / "survey_responses").glob("*.csv"))
    data = bytearray(path.read_bytes())
    digit = (
        data.index(b"\n")
        + 1
        + next(i for i, byte in enumerate(data[data.index(b"\n") + 1 :]) if chr(byte).isdigit())
    )
    data[digit] = ord("0") if data[digit] != ord("0") else ord("1")  # same size, other content
    path.write_bytes(bytes(data))


def add_stray_folder(raw: Path) -> None:
    (raw / "archive" / "2025").mkdir(parents=True)
    (raw / "archive" / "2025" / "responses.csv").write_text("response_id\nR0\n")


def add_top_level_file(raw: Path) -> None:
    (raw / "notes.txt").write_text("my notes\n")


def old_marker_only(raw: Path) -> None:
    """A marker without a file listing (older nps-generate, or the bug's marker in a user folder)."""
    (raw / SAMPLE_MARKER).write_text("Synthetic sample data written by nps-generate.\n")


@pytest.mark.parametrize(
    "change",
    [add_user_file, edit_sample_file, add_stray_folder, add_top_level_file, old_marker_only],
)
def test_generate_refuses_a_folder_with_anything_but_its_own_sample_files(tmp_path, change):
    raw = sample_folder(tmp_path)
    change(raw)
    before = snapshot_files(raw)
    assert landing_folder.inspect(raw).kind == "other"
    completed = run([sys.executable, "-m", "nps_warehouse.generate", "--out", str(raw), "--quiet"])
    assert completed.returncode == 1
    assert_one_message(output(completed), "nps-generate: Not writing sample data to")
    assert len(completed.stderr.strip().splitlines()) == 1
    assert snapshot_files(raw) == before


def test_generate_writes_into_new_empty_and_its_own_sample_folders(tmp_path):
    new = tmp_path / "new"
    generate(new, seed=3, scale=0.2)
    assert landing_folder.inspect(new).kind == "sample"
    (tmp_path / "empty" / "crm_accounts").mkdir(parents=True)  # folders, no file: empty
    assert landing_folder.inspect(tmp_path / "empty").kind == "empty"
    generate(tmp_path / "empty", seed=3, scale=0.2)
    assert snapshot_files(tmp_path / "empty") == snapshot_files(new)
    generate(new, seed=4, scale=0.2)  # its own sample is replaced
    state = landing_folder.inspect(new)
    assert (state.kind, state.data_set) == ("sample", "seed 4, scale 0.2")


@pytest.mark.build
def test_nps_build_sample_refuses_a_user_folder(tmp_path):
    raw = user_landing(tmp_path, without=None)
    before = snapshot_files(raw)
    build = run_build(raw, tmp_path / "build", "--sample")
    assert build.returncode == 1
    assert_one_message(build.output, "nps-build: Not writing sample data to")
    assert snapshot_files(raw) == before
    assert not (tmp_path / "build" / "nps.duckdb").exists()


@pytest.mark.build
def test_a_named_landing_folder_that_does_not_exist_stops_at_once(tmp_path):
    """The reported case: a typo in NPS_RAW_DIR made `make build` generate and publish sample
    data. Now one message, nothing written, no warehouse."""
    typo = tmp_path / "exprots"
    warehouse = tmp_path / "wh" / "nps.duckdb"
    completed = run(
        ["make", "--no-print-directory", "build"],
        env={**dbt_env(tmp_path), "NPS_RAW_DIR": str(typo), "NPS_DUCKDB_PATH": str(warehouse)},
    )
    assert completed.returncode != 0
    assert_one_message(output(completed), f"The landing folder {typo} does not exist")
    assert "Writing sample" not in output(completed)
    assert not typo.exists() and not warehouse.exists() and not warehouse.parent.exists()
    build = run_build(typo, tmp_path / "build", "--sample-if-empty")  # --raw-dir names it
    assert build.returncode == 1
    assert_one_message(build.output, "does not exist")
    assert not typo.exists()


@pytest.mark.build
def test_a_named_empty_folder_is_not_filled_with_sample_data(tmp_path):
    raw = tmp_path / "exports"
    raw.mkdir()
    build = run_build(raw, tmp_path / "build", "--sample-if-empty")
    assert build.returncode == 1
    assert_one_message(build.output, "holds no files", "Nothing was built")
    assert list(raw.iterdir()) == []


@pytest.mark.build
def test_sample_files_with_a_user_file_added_need_the_salt(tmp_path):
    """The marker no longer exempts a folder from NPS_PII_SALT once it holds other files: not in
    nps-build, not in dbt alone."""
    raw = sample_folder(tmp_path)
    add_user_file(raw)
    build = run_build(raw, tmp_path / "build", env={"NPS_PII_SALT": None})
    assert build.returncode == 1
    assert_one_message(build.output, "NPS_PII_SALT is not set", "accounts_from_crm.csv")
    completed = run(
        [DBT, "compile", "--select", "base_crm__contacts_validated", "--profiles-dir", "profiles"],
        env=dbt_env(tmp_path, NPS_RAW_DIR=str(raw), NPS_PII_SALT=None),
    )
    assert completed.returncode != 0
    assert "NPS_PII_SALT is not set" in completed.stdout
    shutil.rmtree(raw / "crm_accounts")
    shutil.copytree(sample_folder(tmp_path / "again") / "crm_accounts", raw / "crm_accounts")
    completed = run(
        [DBT, "compile", "--select", "base_crm__contacts_validated", "--profiles-dir", "profiles"],
        env=dbt_env(tmp_path, NPS_RAW_DIR=str(raw), NPS_PII_SALT=None),
    )
    assert completed.returncode == 0, completed.stdout[-3000:]  # sample data again: public salt


# --------------------------------------------------------------------------------------
# Builds of sample data: the summary says so; 2. one data set per warehouse
# --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def small_sample_build(sample_build, tmp_path_factory):
    """The session's build of generated sample data, its warehouse copied into a folder of its own
    (these tests run dbt and nps-build against it; the session's warehouse stays as built). The
    copy is the same data set: it records the same landing folder and the public sample salt."""
    work = tmp_path_factory.mktemp("safety") / "build"
    work.mkdir()
    shutil.copy2(sample_build.duckdb_path, work / sample_build.duckdb_path.name)
    return dataclasses.replace(sample_build, duckdb_path=work / sample_build.duckdb_path.name)


@pytest.mark.build
def test_the_summary_of_sample_data_says_so_in_its_first_line(small_sample_build, tmp_path):
    summary = small_sample_build.output[small_sample_build.output.index("NPS warehouse summary") :]
    assert summary.splitlines()[0].startswith(
        "NPS warehouse summary — SAMPLE DATA"
        " (synthetic: seed 7, scale 0.6, mixed files, bad share 0.02) (as of "
    )
    only = run(
        [sys.executable, "-m", "nps_warehouse.cli", "--summary-only"],
        env={"NPS_DUCKDB_PATH": str(small_sample_build.duckdb_path)},
    )
    assert only.returncode == 0, output(only)
    assert only.stdout.splitlines()[0].startswith("NPS warehouse summary — SAMPLE DATA")


@pytest.mark.build
def test_a_summary_of_other_data_does_not_say_sample(header_only_build):
    build = header_only_build
    assert build.returncode == 0, build.output[-3000:]
    assert "SAMPLE" not in build.output[build.output.index("NPS warehouse summary") :]


def audit_state(build) -> tuple:
    return (
        build.query("select * from marts.mart_score_edits order by all").to_dict("records"),
        build.query("select count(*) as n from snapshots.snap_survey_responses").n[0],
        build.query("select * from audit.warehouse_data_set").to_dict("records"),
    )


@pytest.mark.build
def test_another_landing_folder_into_the_same_warehouse_is_refused(small_sample_build, tmp_path):
    """The reported case: building folder B into the warehouse of folder A listed every response
    of A as disappeared. Now both nps-build and dbt alone stop, and the audit is unchanged."""
    before = audit_state(small_sample_build)
    assert before[2][0]["landing_folder"] == str(small_sample_build.raw_dir)
    other = tmp_path / "b"
    generate(other, seed=12, scale=0.2)
    work = small_sample_build.duckdb_path.parent
    build = run_build(other, work)
    assert build.returncode == 1
    assert_one_message(
        build.output,
        "holds another data set",
        f"built from {small_sample_build.raw_dir}",
        "NPS_DUCKDB_PATH",
        "start fresh",
    )
    assert "Landing checks" not in build.output
    assert build.output.count("holds another data set") == 1
    completed = run(
        [DBT, "build", "--profiles-dir", "profiles"],
        env=dbt_env(
            work, NPS_RAW_DIR=str(other), NPS_DUCKDB_PATH=str(small_sample_build.duckdb_path)
        ),
    )
    assert completed.returncode != 0
    assert_one_message(completed.stdout, "holds another data set")
    assert audit_state(small_sample_build) == before
    # the same data with another salt is another data set too (every hash would change)
    salted = run_build(small_sample_build.raw_dir, work, env={"NPS_PII_SALT": "another"})
    assert salted.returncode == 1
    assert_one_message(salted.output, "holds another data set")
    assert audit_state(small_sample_build) == before


@pytest.mark.build
def test_a_relative_landing_folder_is_the_same_data_set(small_sample_build):
    """dbt alone with a relative NPS_RAW_DIR (read from the project folder) builds into the
    warehouse nps-build made from the same folder by its absolute path."""
    relative = os.path.relpath(small_sample_build.raw_dir, PROJECT_DIR)
    work = small_sample_build.duckdb_path.parent
    completed = run(
        [DBT, "run", "--select", "stg_survey__responses", "--profiles-dir", "profiles"],
        env=dbt_env(
            work, NPS_RAW_DIR=relative, NPS_DUCKDB_PATH=str(small_sample_build.duckdb_path)
        ),
    )
    assert completed.returncode == 0, completed.stdout[-3000:]
    recorded = small_sample_build.query("select landing_folder from audit.warehouse_data_set")
    assert recorded.landing_folder.tolist() == [str(small_sample_build.raw_dir)]


# --------------------------------------------------------------------------------------
# 7. Rough edges
# --------------------------------------------------------------------------------------


@pytest.mark.build
@pytest.mark.parametrize(
    "value", ["2026-06-31", "2026-02-29", "2026-13-01", "2026-06-30T24:00", "last tuesday"]
)
def test_as_of_is_validated_before_anything_runs(tmp_path, value):
    build = run_build(HEADER_ONLY, tmp_path / "build", "--as-of", value)
    assert build.returncode == 1
    assert_one_message(build.output, f"--as-of '{value}' is not an ISO-8601 date or timestamp")
    assert "2026-06-30T12:00:00Z" in build.output
    assert len(build.output.strip().splitlines()) == 1
    assert "Landing checks" not in build.output
    assert not (tmp_path / "build" / "nps.duckdb").exists()


def test_dbt_alone_explains_an_as_of_that_is_not_on_the_calendar(tmp_path):
    completed = run(
        [DBT, "compile", "--select", "int_build_as_of", "--vars", "{as_of: '2026-06-31'}",
         "--profiles-dir", "profiles"],
        env=dbt_env(tmp_path, NPS_RAW_DIR=str(HEADER_ONLY), NPS_PII_SALT="pytest-salt"),
    )  # fmt: skip
    assert completed.returncode != 0
    assert_one_message(completed.stdout, "The as_of var '2026-06-31' is not an ISO-8601 date")


@pytest.mark.build
@pytest.mark.parametrize(
    "name", ["main.duckdb", "MAIN.duckdb", "system.duckdb", "temp.duckdb", "o'brien.duckdb"]
)
def test_warehouse_names_duckdb_cannot_use_are_refused_up_front(tmp_path, name):
    path = tmp_path / name
    build = run_build(HEADER_ONLY, tmp_path / "build", env={"NPS_DUCKDB_PATH": str(path)})
    assert build.returncode == 1
    assert_one_message(build.output, "cannot be used", "Choose another file name")
    assert "Landing checks" not in build.output
    assert not path.exists()


@pytest.mark.build
def test_dbt_alone_refuses_main_duckdb_with_one_message(tmp_path):
    completed = run(
        [DBT, "seed", "--select", "fx_rates", "--profiles-dir", "profiles"],
        env=dbt_env(tmp_path, NPS_DUCKDB_PATH=str(tmp_path / "main.duckdb")),
    )
    assert completed.returncode != 0
    assert_one_message(completed.stdout, "DuckDB names the database after the file ('main')")


@pytest.mark.build
def test_a_folder_or_an_impossible_parent_as_warehouse_is_refused(tmp_path):
    folder = tmp_path / "warehouse_dir"
    folder.mkdir()
    build = run_build(HEADER_ONLY, tmp_path / "b1", env={"NPS_DUCKDB_PATH": str(folder)})
    assert build.returncode == 1
    assert_one_message(build.output, "is a folder; name a file inside it")
    blocker = tmp_path / "a_file"
    blocker.write_text("not a folder\n")
    build = run_build(
        HEADER_ONLY, tmp_path / "b2", env={"NPS_DUCKDB_PATH": str(blocker / "nps.duckdb")}
    )
    assert build.returncode == 1
    assert_one_message(build.output, "Cannot create the folder of NPS_DUCKDB_PATH")
    assert blocker.read_text() == "not a folder\n"


@pytest.mark.build
def test_dbt_alone_creates_the_warehouse_folder(tmp_path):
    """A fresh checkout has no data/warehouse/ (it is kept in git now) and NPS_DUCKDB_PATH may
    name a folder that does not exist yet: dbt alone creates it instead of a traceback."""
    listed = run(["git", "ls-files", "data/warehouse/.gitkeep"])
    assert listed.stdout.strip() == "data/warehouse/.gitkeep"
    path = tmp_path / "not" / "yet" / "nps.duckdb"
    completed = run(
        [DBT, "seed", "--select", "fx_rates", "--profiles-dir", "profiles"],
        env=dbt_env(tmp_path, NPS_DUCKDB_PATH=str(path)),
    )
    assert completed.returncode == 0, completed.stdout[-3000:]
    assert path.is_file()


@pytest.mark.build
def test_dbt_from_the_project_root_finds_the_profile(tmp_path):
    """No --profiles-dir, and no ~/.dbt: the root profiles.yml (a link to profiles/) is used."""
    completed = run(
        [DBT, "seed", "--select", "fx_rates"],
        env={**dbt_env(tmp_path), "HOME": str(tmp_path), "DBT_PROFILES_DIR": None},
    )
    assert completed.returncode == 0, completed.stdout[-3000:]
    assert (PROJECT_DIR / "profiles.yml").resolve() == PROJECT_DIR / "profiles" / "profiles.yml"


HOLD_LOCK = (
    "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('ready', flush=True); "
    "time.sleep(3600)"
)


@pytest.fixture
def locked_warehouse(tmp_path):
    path = tmp_path / "locked" / "nps.duckdb"
    path.parent.mkdir()
    duckdb.connect(str(path)).close()
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(path)], stdout=subprocess.PIPE, text=True
    )
    assert holder.stdout.readline().strip() == "ready"
    yield path, holder.pid
    holder.kill()
    holder.wait()


@pytest.mark.build
def test_a_locked_warehouse_stops_with_the_program_holding_it(tmp_path, locked_warehouse):
    path, pid = locked_warehouse
    build = run_build(HEADER_ONLY, tmp_path / "build", env={"NPS_DUCKDB_PATH": str(path)})
    assert build.returncode == 1
    assert_one_message(build.output, f"The warehouse {path} is in use", f"(PID {pid})", "Close")
    assert len(build.output.strip().splitlines()) == 1
    completed = run(
        [DBT, "seed", "--select", "fx_rates", "--profiles-dir", "profiles"],
        env=dbt_env(tmp_path, NPS_DUCKDB_PATH=str(path)),
    )
    assert completed.returncode != 0
    assert_one_message(completed.stdout, f"(PID {pid})")
    only = run(
        [sys.executable, "-m", "nps_warehouse.cli", "--summary-only"],
        env={"NPS_DUCKDB_PATH": str(path)},
    )
    assert only.returncode == 1
    assert_one_message(output(only), f"(PID {pid})")


def test_the_lock_holder_is_read_from_duckdbs_message():
    message = (
        'IO Error: Could not set lock on file "/tmp/w.duckdb": Conflicting lock is held in '
        "/usr/bin/python3.11 (PID 4242) by user root. See also https://duckdb.org/docs"
    )
    assert warehouse.lock_holder(message) == ("/usr/bin/python3.11", "4242")
    assert warehouse.lock_holder("IO Error: No such file or directory") is None


def test_only_the_project_s_own_empty_data_raw_gets_sample_data(tmp_path, monkeypatch):
    """`make build` (--sample-if-empty): sample data for data/raw while it holds no file; never
    for a folder named by NPS_RAW_DIR or --raw-dir, nor for a data/raw holding anything."""
    from nps_warehouse import cli

    monkeypatch.delenv("NPS_RAW_DIR", raising=False)
    project = tmp_path / "project"
    project.mkdir()
    args = cli.parse_args(["--sample-if-empty"])
    assert cli.resolve_landing(args, project) == (project / "data" / "raw", True)
    (project / "data" / "raw" / "crm_accounts").mkdir(parents=True)
    assert cli.resolve_landing(args, project) == (project / "data" / "raw", True)
    (project / "data" / "raw" / "notes.txt").write_text("mine\n")
    assert cli.resolve_landing(args, project) == (project / "data" / "raw", False)
    monkeypatch.setenv("NPS_RAW_DIR", str(tmp_path / "named"))
    with pytest.raises(cli.SetupError, match="does not exist"):
        cli.resolve_landing(args, project)
    (tmp_path / "named").mkdir()
    with pytest.raises(cli.SetupError, match="holds no files"):
        cli.resolve_landing(args, project)
