"""What the Python side shares: default paths, environment variable names, the landing CSV
reader's options, the timestamp pattern and the messages more than one command prints.

Each value is defined once here and imported where it is used. Where the dbt project needs the
same value it keeps its own single definition (a macro), named beside each constant below;
tests/python/test_settings.py proves each pair agrees.
"""

from __future__ import annotations

import os

# --------------------------------------------------------------------------------------
# Environment variables (README, 'Running it on your data'; profiles/profiles.yml reads the
# NPS_TARGET, NPS_DUCKDB_PATH and NPS_PG_* ones)
# --------------------------------------------------------------------------------------
RAW_DIR_ENV = "NPS_RAW_DIR"
DUCKDB_PATH_ENV = "NPS_DUCKDB_PATH"
PUBLISH_PATH_ENV = "NPS_PUBLISH_PATH"
PII_SALT_ENV = "NPS_PII_SALT"
TARGET_ENV = "NPS_TARGET"
QUALITY_CONFIG_ENV = "NPS_QUALITY_CONFIG"
GX_ROOT_ENV = "NPS_GX_ROOT"
PG_HOST_ENV = "NPS_PG_HOST"
PG_PORT_ENV = "NPS_PG_PORT"
PG_USER_ENV = "NPS_PG_USER"
PG_PASSWORD_ENV = "NPS_PG_PASSWORD"
PG_DBNAME_ENV = "NPS_PG_DBNAME"
# Every variable the postgres target needs, in the order messages list them.
PG_ENVS = (PG_HOST_ENV, PG_PORT_ENV, PG_USER_ENV, PG_PASSWORD_ENV, PG_DBNAME_ENV)
# The spark target's folder (its metastore_db and warehouse/ of Parquet tables).
SPARK_DIR_ENV = "NPS_SPARK_DIR"
# DuckDB's worker threads, memory limit and spill folder (profiles/profiles.yml; the benchmark's
# floor uses the same).
DUCKDB_THREADS_ENV = "NPS_DUCKDB_THREADS"
DUCKDB_MEMORY_LIMIT_ENV = "NPS_DUCKDB_MEMORY_LIMIT"
DUCKDB_TEMP_DIR_ENV = "NPS_DUCKDB_TEMP_DIR"
DEFAULT_DUCKDB_THREADS = "2"
DEFAULT_DUCKDB_MEMORY_LIMIT = "4GB"
DEFAULT_DUCKDB_TEMP_DIR = "data/warehouse/tmp"
# nps-build's proof that a folder holds only sample data, passed to dbt on Spark (which cannot
# read the _SAMPLE_DATA marker): the sample's settings, and the folder they are proven for.
PROVEN_SAMPLE_DATA_SET_ENV = "NPS_PROVEN_SAMPLE_DATA_SET"
PROVEN_SAMPLE_FOLDER_ENV = "NPS_PROVEN_SAMPLE_FOLDER"

# --------------------------------------------------------------------------------------
# Default paths, relative to the project folder (where dbt and nps-build run)
# --------------------------------------------------------------------------------------
# The project's own landing folder: the only one `make build` fills with sample data on its own.
# dbt: macros/landing.sql (landing_dir) has the same default.
DEFAULT_RAW_DIR = "data/raw"
# The warehouse file. dbt: profiles/profiles.yml has the same default.
DEFAULT_DUCKDB_PATH = "data/warehouse/nps.duckdb"
# The read-only publication of the marts for readers (nps-build writes it, nps-report reads it).
DEFAULT_PUBLISH_PATH = "data/published/nps_marts.duckdb"
# The report nps-report writes.
DEFAULT_REPORT_PATH = "data/report/index.html"
# The data-quality settings (thresholds, severities).
DEFAULT_QUALITY_CONFIG = "quality.yml"
# The throwaway PostgreSQL server of `make postgres-local` (nps_warehouse.pg_local).
DEFAULT_PG_DATA_DIR = "data/postgres"
# The spark target's folder. dbt: profiles/profiles.yml and macros/data_set.sql have the same default.
DEFAULT_SPARK_DIR = "data/spark"
# The profile target when NPS_TARGET is unset. dbt: profiles/profiles.yml has the same default.
DEFAULT_TARGET = "duckdb"

# --------------------------------------------------------------------------------------
# The landing files
# --------------------------------------------------------------------------------------
# DuckDB read_csv options of a landing CSV: RFC 4180 (comma, double quotes doubled inside), every
# column as text, strict. The header, compression and error options are added by each reader.
# dbt: macros/landing.sql (landing_csv_options) is the same list.
CSV_OPTIONS = "all_varchar = true, delim = ',', quote = '\"', escape = '\"', strict_mode = true"

# An ISO-8601 date, or date-time with optional fraction and offset, as the staging models accept
# it. Values arrive stripped, so the pattern needs no \s* (without it pandas runs it in pyarrow's
# RE2, vectorised, instead of Python's re one value at a time).
# dbt: macros/parsing.sql (timestamp_pattern) is the same pattern, without the anchors.
TIMESTAMP_PATTERN = (
    r"^[0-9]{4}-[0-9]{2}-[0-9]{2}([T ][0-9]{2}:[0-9]{2}(:[0-9]{2}([.][0-9]+)?)?"
    r"(Z|[+-][0-9]{2}(:?[0-9]{2})?)?)?$"
)

# --------------------------------------------------------------------------------------
# Personal data
# --------------------------------------------------------------------------------------
# The public salt of sample data. dbt: macros/parsing.sql (sample_pii_salt) is the same.
SAMPLE_SALT = "nps-sample-data"
# What nps-build says when NPS_PII_SALT is unset for a landing folder that is not sample data;
# {marker} is the sample marker file's name. dbt: macros/parsing.sql (pii_salt_missing_message)
# says the same before naming the folder.
PII_SALT_MISSING = (
    "NPS_PII_SALT is not set. Emails and names are stored only as salted hashes, so real data "
    "needs a secret salt: set one (e.g. `export NPS_PII_SALT=$(openssl rand -hex 16)`) and keep "
    "it for every build so the hashes stay joinable. Only sample data (a landing folder holding "
    "nothing but the files nps-generate wrote, as its {marker} file lists them) builds without one."
)


def env(name: str, default: str | None = None) -> str | None:
    """The environment variable `name`, or `default` when it is unset or empty."""
    return os.environ.get(name) or default
