"""A thin wrapper around the dbt command line: one invocation at a time, raise on failure.

dbt runs in a child process so its DuckDB connection is closed when it returns (DuckDB allows one
configuration of a database file per process) and its progress lines stream straight to the user.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

PROJECT_FILE = "dbt_project.yml"


class DbtError(RuntimeError):
    """dbt finished without success; the message says what to look at."""


def find_project_dir(start: Path | None = None) -> Path:
    """The folder holding dbt_project.yml: `start` (default: the working directory) or a parent."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / PROJECT_FILE).is_file():
            return folder
    raise DbtError(
        f"No {PROJECT_FILE} in {here} or its parents: run this from the nps-warehouse checkout."
    )


def dbt_executable() -> str:
    """The dbt installed beside this Python (the project's virtual environment), else the PATH's."""
    beside = Path(sys.executable).with_name("dbt")
    found = str(beside) if beside.is_file() else shutil.which("dbt")
    if not found:
        raise DbtError("dbt is not installed here: run `make install` (or `make build`) first.")
    return found


def invoke(args: list[str], project_dir: Path, env: dict[str, str] | None = None) -> None:
    """Run one dbt command (e.g. ["build"]) against the project and its profiles/ folder.

    Raises DbtError when dbt exits with an error; its own log has already said which node and why.
    """
    command = [
        dbt_executable(),
        *args,
        "--project-dir",
        str(project_dir),
        "--profiles-dir",
        str(project_dir / "profiles"),
    ]
    completed = subprocess.run(
        command, check=False, cwd=project_dir, env={**os.environ, **(env or {})}
    )
    if completed.returncode != 0:
        raise DbtError(
            f"`dbt {' '.join(args)}` failed (exit code {completed.returncode}); "
            "dbt's log above says which node and why."
        )
