"""The questions in analyses/ are runnable: each compiles and runs on a real build."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from conftest import PROJECT_DIR

from nps_warehouse.dbt import dbt_executable

ANALYSES = sorted((PROJECT_DIR / "analyses").glob("*.sql"))


@pytest.fixture(scope="module")
def compiled_dir(sample_build) -> Path:
    completed = subprocess.run(
        [
            dbt_executable(),
            "compile",
            "--select",
            "resource_type:analysis",
            "--profiles-dir",
            "profiles",
        ],
        check=False,
        cwd=PROJECT_DIR,
        env=sample_build.env,
        capture_output=True,
        text=True,
    )
    assert completed.returncode == 0, completed.stdout[-4000:]
    return Path(sample_build.env["DBT_TARGET_PATH"]) / "compiled" / "nps_warehouse" / "analyses"


def test_there_are_analyses():
    assert ANALYSES


@pytest.mark.build
@pytest.mark.parametrize("analysis", ANALYSES, ids=lambda path: path.stem)
def test_analysis_runs_and_answers(analysis, compiled_dir, sample_build):
    answer = sample_build.query((compiled_dir / analysis.name).read_text())
    assert len(answer.columns) > 0
