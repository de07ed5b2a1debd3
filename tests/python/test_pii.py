"""Personal data: emails and names never leave staging in clear text, and hashing needs a salt."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from conftest import PROJECT_DIR, run_build

from nps_warehouse.contract import SAMPLE_MARKER
from nps_warehouse.generate import generate

EMAIL_PATTERN = r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"


def landing_contacts(raw_dir):
    """Every contact row of the landing folder (CSV and Parquet), emails and names as text."""
    folder = raw_dir / "crm_contacts"
    with duckdb.connect() as connection:
        frames = [
            connection.execute(
                f"select trim(email) as email, trim(full_name) as full_name, contact_id "
                f"from read_csv('{path}', all_varchar = true)"
                if path.suffix == ".csv"
                else f"select cast(email as varchar) as email, cast(full_name as varchar) "
                f"as full_name, cast(contact_id as varchar) as contact_id from read_parquet('{path}')"
            ).df()
            for path in sorted(folder.iterdir())
        ]
    return frames


def past_staging_relations(build):
    """(schema.table, varchar columns) of every model outside models/staging/."""
    relations = []
    for node in build.manifest["nodes"].values():
        if node["resource_type"] != "model" or node["path"].startswith("staging/"):
            continue
        name = f"{node['schema']}.{node['alias']}"
        columns = build.query(
            "select column_name from information_schema.columns "
            f"where table_schema = '{node['schema']}' and table_name = '{node['alias']}' "
            "and data_type = 'VARCHAR'"
        ).column_name.tolist()
        relations.append((name, columns))
    return relations


@pytest.mark.build
def test_no_email_or_contact_name_past_staging(sample_build):
    names = sorted(
        {
            name
            for frame in landing_contacts(sample_build.raw_dir)
            for name in frame.full_name.dropna()
            if len(name) >= 5
        }
    )
    assert len(names) > 100  # the sample has names to find
    relations = past_staging_relations(sample_build)
    assert {"marts.mart_nps_monthly", "core.fct_nps_responses", "audit.quarantine_rows"} <= {
        name for name, _ in relations
    }
    with duckdb.connect(str(sample_build.duckdb_path), read_only=True) as connection:
        connection.execute("create temp table contact_names (full_name varchar)")
        connection.executemany("insert into contact_names values (?)", [[name] for name in names])
        found = []
        for relation, columns in relations:
            for column in columns:
                emails = connection.execute(
                    f"select count(*) from {relation} "
                    f"where regexp_matches({column}, '{EMAIL_PATTERN}')"
                ).fetchone()[0]
                named = connection.execute(
                    f"select count(*) from {relation} inner join contact_names "
                    f"on contains({relation}.{column}, contact_names.full_name)"
                ).fetchone()[0]
                if emails or named:
                    found.append((relation, column, emails, named))
    assert found == []


@pytest.mark.build
def test_the_scan_would_see_an_email_and_a_name(sample_build):
    """The patterns above do match personal data as it arrives (the scan can fail)."""
    frame = landing_contacts(sample_build.raw_dir)[0].dropna()
    email, name = frame.email.iloc[0], frame.full_name.iloc[0]
    with duckdb.connect() as connection:
        assert connection.execute(
            f"select regexp_matches('x {email} y', '{EMAIL_PATTERN}')"
        ).fetchone()[0]
        assert connection.execute(f"select contains('Hi {name}!', '{name}')").fetchone()[0]


@pytest.mark.build
def test_sample_data_is_hashed_with_the_public_sample_salt(sample_build):
    assert (sample_build.raw_dir / SAMPLE_MARKER).is_file()
    frame = landing_contacts(sample_build.raw_dir)[0].dropna()
    contact = frame.iloc[0]
    expected = hashlib.md5(f"nps-sample-data{contact.email.lower()}".encode()).hexdigest()
    hashes = sample_build.query(
        "select email_hash from staging.stg_crm__contacts "
        f"where contact_id = '{contact.contact_id}'"
    ).email_hash.tolist()
    assert hashes == [expected]


@pytest.mark.build
def test_real_data_without_a_salt_stops_with_what_to_do(tmp_path):
    """Unset, the salt stops a build of anything but sample data, before any check runs."""
    raw = tmp_path / "raw"
    shutil.copytree(PROJECT_DIR / "tests" / "fixtures" / "landing_header_only", raw)
    build = run_build(raw, tmp_path / "build", env={"NPS_PII_SALT": None})
    assert build.returncode == 1
    assert "NPS_PII_SALT is not set" in build.output
    assert "export NPS_PII_SALT=" in build.output
    assert "Landing checks" not in build.output
    assert "Traceback" not in build.output
    assert not (tmp_path / "build" / "nps.duckdb").exists()


@pytest.fixture(scope="module")
def dbt_alone_dir(tmp_path_factory) -> dict[str, str]:
    """One DuckDB path and target folder for this module's `dbt compile` runs (none writes a
    table), so that dbt parses the project once and then only the files an environment variable
    changed (partial parsing)."""
    work = tmp_path_factory.mktemp("dbt_alone")
    return {
        "NPS_DUCKDB_PATH": str(work / "nps.duckdb"),
        "DBT_TARGET_PATH": str(work / "target"),
        "DBT_LOG_PATH": str(work / "logs"),
    }


def test_dbt_alone_without_a_salt_stops_too(tmp_path, dbt_alone_dir):
    """The macro guards the same rule for whoever runs dbt directly."""
    raw = tmp_path / "raw"
    shutil.copytree(PROJECT_DIR / "tests" / "fixtures" / "landing_header_only", raw)
    env = {key: value for key, value in os.environ.items() if key != "NPS_PII_SALT"} | {
        "NPS_RAW_DIR": str(raw),
        **dbt_alone_dir,
    }
    completed = subprocess.run(
        [str(Path(sys.executable).with_name("dbt")), "compile", "--select", "base_crm__contacts_validated",
         "--profiles-dir", "profiles"],
        cwd=PROJECT_DIR, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert completed.returncode != 0
    assert "NPS_PII_SALT is not set" in completed.stdout


def test_dbt_alone_proves_sample_data_file_by_file(tmp_path, dbt_alone_dir):
    """Without the proof the command line passes to dbt, the macro proves a sample folder itself (sizes, then each
    file's sha256, one file per query): the untouched sample needs no salt; a file grown by a
    byte, or changed at the same size, makes it real data that does."""
    raw = tmp_path / "raw"
    generate(raw, seed=3, scale=0.05, fmt="csv")
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("NPS_PII_SALT", "NPS_PROVEN_SAMPLE_DATA_SET", "NPS_PROVEN_SAMPLE_FOLDER")
    } | {
        "NPS_RAW_DIR": str(raw),
        **dbt_alone_dir,
    }

    def compile_contacts() -> subprocess.CompletedProcess:
        return subprocess.run(
            [str(Path(sys.executable).with_name("dbt")), "compile", "--select",
             "base_crm__contacts_validated", "--profiles-dir", "profiles"],
            cwd=PROJECT_DIR, env=env, capture_output=True, text=True, check=False,
        )  # fmt: skip

    proven = compile_contacts()
    assert proven.returncode == 0, proven.stdout[-3000:]
    tickets = next((raw / "support_tickets").glob("*.csv"))
    original = tickets.read_bytes()
    same_size = original[:-2] + (b"X\n" if original[-2:] != b"X\n" else b"Y\n")
    for changed in (original + b"\n", same_size):
        tickets.write_bytes(changed)
        refused = compile_contacts()
        assert refused.returncode != 0
        assert "NPS_PII_SALT is not set" in refused.stdout, refused.stdout[-3000:]
