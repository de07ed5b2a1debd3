"""`make test`: every pytest test, in two pytest processes side by side.

Most of the suite's time goes to end-to-end builds whose dbt and Python work keeps one core busy
at a time, so on a 2-core machine two processes side by side finish in a little over half the
time. The split is by file, fixed here: OWN_BUILDS, the files whose tests build their own
warehouses (PostgreSQL, Spark, incremental batches, publication, sqlfluff...), run in
one process; every other file in the other, where the session's shared sample build is made once.
Every test file runs exactly once (the second process ignores the first one's files), each
process in its own temporary folder; `make test` fails if either process fails or collects no
test.

Output: each process's lines as they come, prefixed with its name, then both summaries, each
with the tests that failed (pytest's short summary lines). A passing run deletes its temporary
folder; a failing one keeps it and prints where it is.

    python tests/run_all.py                 # both processes (what `make test` runs)
    python tests/run_all.py --serial        # one pytest process over everything
    python tests/run_all.py -- -x -k name   # arguments after -- go to both pytest processes
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

TESTS = Path(__file__).resolve().parent / "python"
PROJECT_DIR = TESTS.parent.parent
# The files whose tests make their own warehouses and never use the shared session fixtures (the
# sample build, the header-only build, the dbt project fixture): a file listed here that used one
# would make it a second time, in this process. Balanced by the durations each process prints.
OWN_BUILDS = (
    "test_engines.py",
    "test_lint.py",
    "test_incremental.py",
    "test_publish.py",
    "test_generator.py",
    "test_generator_checksum.py",
    "test_generator_daily.py",
    "test_incremental_plan.py",
    "test_contract.py",
    "test_oracle.py",
    "test_landing_scan.py",
)
# pytest's exit codes: 0 passed, 5 collected nothing (a mistake in the split: fail).
PASSED = 0


def streams(serial: bool) -> list[tuple[str, list[str]]]:
    """(name, pytest arguments) of each process."""
    missing = [name for name in OWN_BUILDS if not (TESTS / name).is_file()]
    if missing:
        raise SystemExit(f"tests/run_all.py: OWN_BUILDS names files that do not exist: {missing}")
    if serial:
        return [("all", [str(TESTS)])]
    own = [str(TESTS / name) for name in OWN_BUILDS]
    shared = [str(TESTS), *(f"--ignore={path}" for path in own)]
    return [("own-builds", own), ("shared-build", shared)]


def pump(name: str, process: subprocess.Popen, lock: threading.Lock, tail: list[str]) -> None:
    """Prints the process's lines with its name in front, and keeps its last lines."""
    assert process.stdout is not None
    for line in process.stdout:
        with lock:
            sys.stdout.write(f"[{name}] {line}")
            sys.stdout.flush()
        tail.append(line.rstrip("\n"))
        del tail[:-40]


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    passthrough: list[str] = []
    if "--" in argv:
        at = argv.index("--")
        argv, passthrough = argv[:at], argv[at + 1 :]
    parser = argparse.ArgumentParser(prog="run_all.py", description=__doc__.splitlines()[0])
    parser.add_argument("--serial", action="store_true", help="one pytest process over everything")
    args = parser.parse_args(argv)

    work = Path(tempfile.mkdtemp(prefix="nps-tests-"))
    lock = threading.Lock()
    running: list[tuple[str, subprocess.Popen, threading.Thread, list[str]]] = []
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    try:
        for name, selection in streams(args.serial):
            command = [
                sys.executable, "-m", "pytest", *selection, "--durations=10",
                f"--basetemp={work / name}", *passthrough,
            ]  # fmt: skip
            print(f"[{name}] {' '.join(command[1:])}", flush=True)
            process = subprocess.Popen(
                command,
                cwd=PROJECT_DIR,
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
                start_new_session=True,
            )
            tail: list[str] = []
            thread = threading.Thread(target=pump, args=(name, process, lock, tail), daemon=True)
            thread.start()
            running.append((name, process, thread, tail))
        codes = {}
        for name, process, thread, _ in running:
            codes[name] = process.wait()
            thread.join()
    except KeyboardInterrupt:
        for _, process, _, _ in running:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        print(f"\nInterrupted; temporary files kept in {work}", file=sys.stderr)
        return 130
    print("\n" + "=" * 30 + " make test " + "=" * 30)
    for name, _, _, tail in running:
        last = next((line for line in reversed(tail) if line.strip()), "(no output)")
        print(f"{name}: exit {codes[name]}: {last.strip('= ')}")
        # the short test summary's lines, so that the end of the output names what failed
        for line in tail:
            if line.startswith(("FAILED ", "ERROR ")):
                print(f"  {line[:300]}")
    if all(code == PASSED for code in codes.values()):
        shutil.rmtree(work, ignore_errors=True)
        return 0
    print(f"Failed; the tests' temporary files are kept in {work}")
    return 1


if __name__ == "__main__":
    sys.exit(main())
