"""Style gates: sqlfluff (dbt templater) on every model, test and analysis; ruff on the Python."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from conftest import PROJECT_DIR


def run(*command: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        command,
        check=False,
        cwd=PROJECT_DIR,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
    )


@pytest.mark.lint
def test_sqlfluff_lint_is_clean(tmp_path):
    result = run(
        sys.executable, "-m", "sqlfluff", "lint", "models", "tests/dbt/singular", "analyses",
        env={
            # The dbt templater compiles every model, and the landing reader lists files: the
            # header-only fixture is enough, and the lint writes nothing into the project.
            "NPS_RAW_DIR": str(PROJECT_DIR / "tests" / "fixtures" / "landing_header_only"),
            "NPS_DUCKDB_PATH": str(tmp_path / "lint.duckdb"),
            "DBT_TARGET_PATH": str(tmp_path / "target"),
            "DBT_LOG_PATH": str(tmp_path / "logs"),
            "NPS_PII_SALT": "lint",
        },
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-8000:] + result.stderr[-2000:]


def test_ruff_is_clean():
    check = run(sys.executable, "-m", "ruff", "check", "src", "tests")
    assert check.returncode == 0, check.stdout
    formatted = run(sys.executable, "-m", "ruff", "format", "--check", "src", "tests")
    assert formatted.returncode == 0, formatted.stdout
