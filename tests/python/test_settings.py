"""The settings the Python side shares (src/nps_warehouse/settings.py) agree with the dbt
project's own single definitions: the CSV reader options, the timestamp pattern, the sample salt
and its message, the default landing folder, and the profile's defaults. One `dbt compile` of the
macros; no warehouse is built."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import PROJECT_DIR

from nps_warehouse import bench, pg_load, quality, settings
from nps_warehouse.contract import SAMPLE_MARKER

SEPARATOR = "<<next>>"
MACROS = {
    "csv_options": "{{ landing_csv_options({'is_gzip': false}) }}",
    "timestamp_pattern": "{{ timestamp_pattern() }}",
    "sample_salt": "{{ sample_pii_salt() }}",
    "salt_message": "{{ pii_salt_missing_message() }}",
    "landing_dir": "{{ landing_dir() }}",
}


@pytest.fixture(scope="module")
def dbt_values(tmp_path_factory) -> dict[str, str]:
    """Each macro of MACROS rendered by dbt, with NPS_RAW_DIR unset (its default shows)."""
    work_dir = tmp_path_factory.mktemp("settings_dbt")
    env = {
        **os.environ,
        "NPS_DUCKDB_PATH": str(work_dir / "nps.duckdb"),
        "DBT_TARGET_PATH": str(work_dir / "target"),
        "DBT_LOG_PATH": str(work_dir / "logs"),
        "NPS_PII_SALT": "pytest-salt",
    }
    env.pop(settings.RAW_DIR_ENV, None)
    done = subprocess.run(
        [
            str(Path(sys.executable).with_name("dbt")),
            "compile",
            "-q",
            "--profiles-dir",
            "profiles",
            "--inline",
            SEPARATOR.join(MACROS.values()),
        ],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    parts = done.stdout.strip().split(SEPARATOR)
    assert len(parts) == len(MACROS), done.stdout
    return {name: " ".join(part.split()) for name, part in zip(MACROS, parts, strict=True)}


def test_csv_options_are_the_dbt_readers(dbt_values):
    assert dbt_values["csv_options"] == settings.CSV_OPTIONS
    # and every Python reader uses them
    assert quality.CSV_OPTIONS == settings.CSV_OPTIONS
    assert pg_load.CSV_OPTIONS == settings.CSV_OPTIONS
    assert bench.CSV_OPTIONS.endswith(settings.CSV_OPTIONS)


def test_timestamp_pattern_is_the_staging_models(dbt_values):
    assert settings.TIMESTAMP_PATTERN == "^" + dbt_values["timestamp_pattern"] + "$"
    assert quality.TIMESTAMP == settings.TIMESTAMP_PATTERN


@pytest.mark.parametrize(
    "text, accepted",
    [
        ("2026-03-01", True),
        ("2026-03-01T01:30:00+02:00", True),
        ("2026-03-01 01:30:00.123456Z", True),
        ("2026-03-01T01:30-0500", True),
        ("03/01/2026", False),
        ("2026-03-01T01", False),
        ("yesterday", False),
    ],
)
def test_timestamp_pattern_accepts_iso_8601_only(text, accepted):
    assert bool(re.fullmatch(settings.TIMESTAMP_PATTERN, text)) is accepted


def test_sample_salt_and_its_message_are_dbts(dbt_values):
    assert dbt_values["sample_salt"] == settings.SAMPLE_SALT
    assert dbt_values["salt_message"] == settings.PII_SALT_MISSING.format(marker=SAMPLE_MARKER)


def test_default_landing_folder_is_dbts(dbt_values):
    assert dbt_values["landing_dir"] == settings.DEFAULT_RAW_DIR


def test_profile_defaults_are_the_settings():
    """profiles/profiles.yml reads the same variables, with the same defaults."""
    profile = (PROJECT_DIR / "profiles" / "profiles.yml").read_text()
    defaults = dict(re.findall(r"env_var\('(\w+)', '([^']*)'\)", profile))
    assert defaults[settings.TARGET_ENV] == settings.DEFAULT_TARGET
    assert defaults[settings.DUCKDB_PATH_ENV] == settings.DEFAULT_DUCKDB_PATH
    assert set(settings.PG_ENVS) <= set(defaults)
