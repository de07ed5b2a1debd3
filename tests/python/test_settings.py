"""The settings the Python side shares (src/nps_warehouse/settings.py) agree with the dbt
project's own single definitions: the CSV reader options, the timestamp pattern, the sample salt
and its message (one `dbt compile` of the macros; no warehouse is built), the default landing
folder and the profile's defaults."""

from __future__ import annotations

import re

import pytest
import yaml
from conftest import PROJECT_DIR

from nps_warehouse import bench, pg_load, quality, settings
from nps_warehouse.contract import SAMPLE_MARKER

SEPARATOR = "<<next>>"
MACROS = {
    "csv_options": "{{ landing_csv_options({'is_gzip': false}) }}",
    "timestamp_pattern": "{{ timestamp_pattern() }}",
    "sample_salt": "{{ sample_pii_salt() }}",
    "salt_message": "{{ pii_salt_missing_message() }}",
}


@pytest.fixture(scope="module")
def dbt_values(project_dbt) -> dict[str, str]:
    """Each macro of MACROS as dbt renders it."""
    done, _ = project_dbt("compile", "-q", "--inline", SEPARATOR.join(MACROS.values()))
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


def test_default_landing_folder_is_dbts():
    """macros/landing.sql (landing_dir) reads NPS_RAW_DIR with the same default."""
    landing = (PROJECT_DIR / "macros" / "landing.sql").read_text()
    defaults = re.findall(r"env_var\('NPS_RAW_DIR', '([^']*)'\)", landing)
    assert defaults == [settings.DEFAULT_RAW_DIR]


def test_profile_defaults_are_the_settings():
    """profiles/profiles.yml reads the same variables, with the same defaults."""
    profile = (PROJECT_DIR / "profiles" / "profiles.yml").read_text()
    defaults = dict(re.findall(r"env_var\('(\w+)', '([^']*)'\)", profile))
    assert defaults[settings.TARGET_ENV] == settings.DEFAULT_TARGET
    assert defaults[settings.DUCKDB_PATH_ENV] == settings.DEFAULT_DUCKDB_PATH
    assert set(settings.PG_ENVS) <= set(defaults)
    assert defaults[settings.DUCKDB_THREADS_ENV] == settings.DEFAULT_DUCKDB_THREADS
    assert defaults[settings.DUCKDB_MEMORY_LIMIT_ENV] == settings.DEFAULT_DUCKDB_MEMORY_LIMIT
    assert defaults[settings.DUCKDB_TEMP_DIR_ENV] == settings.DEFAULT_DUCKDB_TEMP_DIR
    # Set once when the file opens: dbt-duckdb SETs `settings` on every new cursor, and DuckDB
    # refuses SET temp_directory once it has spilled (a build at 10 M responses stopped on it).
    duckdb_output = yaml.safe_load(profile)["nps_warehouse"]["outputs"]["duckdb"]
    assert {"threads", "memory_limit", "temp_directory"} <= set(duckdb_output["config_options"])
    assert not {"threads", "memory_limit", "temp_directory"} & set(duckdb_output["settings"])
    spark_dirs = re.findall(r"env_var\('NPS_SPARK_DIR', '([^']*)'\)", profile)
    assert spark_dirs and set(spark_dirs) == {settings.DEFAULT_SPARK_DIR}


def test_the_spark_folder_default_is_the_settings():
    """macros/data_set.sql names the Spark folder with the same default as the profile."""
    data_set = (PROJECT_DIR / "macros" / "data_set.sql").read_text()
    defaults = re.findall(r"env_var\('NPS_SPARK_DIR', '([^']*)'\)", data_set)
    assert defaults and set(defaults) == {settings.DEFAULT_SPARK_DIR}


@pytest.mark.parametrize(
    "value, excluded",
    [
        (None, ["unit_test"]),
        ("", ["unit_test"]),
        ("test", ["unit_test", "test"]),
        ("unit_test  test test exposure", ["unit_test", "test", "exposure"]),
    ],
)
def test_the_build_leaves_out_what_dbts_own_variable_names(monkeypatch, value, excluded):
    """The build command passes `--exclude-resource-type` (the unit tests), so dbt would ignore its
    own DBT_EXCLUDE_RESOURCE_TYPES: the command adds what that variable names."""
    from nps_warehouse import cli

    if value is None:
        monkeypatch.delenv("DBT_EXCLUDE_RESOURCE_TYPES", raising=False)
    else:
        monkeypatch.setenv("DBT_EXCLUDE_RESOURCE_TYPES", value)
    assert cli.excluded_resource_types() == excluded
