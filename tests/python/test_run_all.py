"""`make test`'s runner (tests/run_all.py): two pytest processes that together run every test file
once, and only the shared-build process makes the session's sample build."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

from conftest import PROJECT_DIR

SPEC = importlib.util.spec_from_file_location("run_all", PROJECT_DIR / "tests" / "run_all.py")
run_all = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(run_all)
SHARED_FIXTURES = re.compile(r"\b(sample_build|sample_landing|header_only_build|project_dbt)\b")


def test_every_test_file_runs_in_exactly_one_process():
    own, shared = run_all.streams(serial=False)
    assert own[0] == "own-builds" and shared[0] == "shared-build"
    own_files = {Path(path).name for path in own[1]}
    ignored = {Path(arg.split("=", 1)[1]).name for arg in shared[1] if arg.startswith("--ignore=")}
    every = {path.name for path in (PROJECT_DIR / "tests" / "python").glob("test_*.py")}
    assert own_files == ignored == set(run_all.OWN_BUILDS)
    assert own_files < every  # the rest run in the shared-build process
    assert [arg for arg in shared[1] if not arg.startswith("--ignore=")] == [str(run_all.TESTS)]
    assert run_all.streams(serial=True) == [("all", [str(run_all.TESTS)])]


def test_the_own_builds_process_never_makes_the_shared_sample_build():
    for name in run_all.OWN_BUILDS:
        source = (run_all.TESTS / name).read_text(encoding="utf-8")
        assert not SHARED_FIXTURES.search(source), f"{name} uses a shared session fixture"
