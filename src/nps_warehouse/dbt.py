"""A thin wrapper around dbt's programmatic runner: one invocation at a time, raise on failure."""

from __future__ import annotations

import os
from contextlib import contextmanager
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


@contextmanager
def _environment(overrides: dict[str, str]):
    saved = {key: os.environ.get(key) for key in overrides}
    os.environ.update(overrides)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def invoke(args: list[str], project_dir: Path, env: dict[str, str] | None = None):
    """Run one dbt command (e.g. ["build"]) against the project and its profiles/ folder.

    Returns dbt's result object; raises DbtError when the command did not succeed.
    """
    from dbt.cli.main import dbtRunner  # imported late: dbt is slow to import

    full_args = [
        *args,
        "--project-dir",
        str(project_dir),
        "--profiles-dir",
        str(project_dir / "profiles"),
    ]
    with _environment(env or {}):
        result = dbtRunner().invoke(full_args)
    if not result.success:
        reason = f": {result.exception}" if result.exception else ""
        raise DbtError(f"`dbt {' '.join(args)}` failed{reason}. dbt's log above says which node and why.")
    return result
