"""Incremental ≡ full refresh: the same landing files delivered as daily batches give the same
warehouse whether each build adds only the new files (plain `nps-build`) or rebuilds everything
(`dbt build --full-refresh` after each batch, so both keep the same score-edit history).

The batches come from the generated test data (bad rows, re-exports, mixed CSV and Parquet): every
landing file is cut into three parts by row, delivered on three days, so rows arrive before their
parents (late parents), newer versions of rows arrive after the rows they replace (edits of old
rows), and a contact is broken on day 2 (its account cleared, so it and its invitations and
responses are quarantined) and fixed on day 3 (they come back). Every mart, the audit tables and
the staging and intermediate tables must agree (counts exactly, doubles to 1e-9). as_of moves
forward on day 2 (the latest event) and back on day 3 (`--as-of`, ten days before day 2's), so the
models built by increments (per response, per invitation) follow it both ways. Then a file read
earlier changes: dbt alone refuses to add to it, and other settings make the models built by
increments recompute every row. (What nps-build decides then is test_incremental_plan.py, without
a build.)
"""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import compare
import duckdb
import pyarrow.parquet as pq
import pytest
from conftest import PROJECT_DIR, run_build, shared_parse

from nps_warehouse.contract import LANDING_CONTRACT
from nps_warehouse.generate import generate

pytestmark = pytest.mark.build

DAYS = 3
SALT = "pytest-incremental-salt"
# Columns that say which build wrote a row, not what it holds.
BOOKKEEPING = {"_build_number"}
# Tables that log builds (one row per build), not data: the reference is one build, not three.
BUILD_LOGS = ("build_log", "warehouse_data_set", "int_build_settings")


def split_csv(path: Path, parts: int) -> list[bytes]:
    """The file's records in `parts` consecutive slices, each with the header (undecodable bytes
    and quoted line breaks kept as they are)."""
    text = path.read_bytes().decode("utf-8", errors="surrogateescape")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    header, records = rows[0], rows[1:]
    size = -(-len(records) // parts)
    slices = []
    for start in range(0, size * parts, size):
        out = io.StringIO(newline="")
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(records[start : start + size])
        slices.append(out.getvalue().encode("utf-8", errors="surrogateescape"))
    return slices


def write_batches(source: Path, batches: Path) -> list[Path]:
    """Day folders batches/day<N>/<entity>/ holding part N of every landing file of `source`."""
    days = [batches / f"day{day}" for day in range(1, DAYS + 1)]
    for entity in LANDING_CONTRACT:
        for path in sorted((source / entity).iterdir()):
            stem, suffix = path.name.split(".", 1)
            for day, folder in enumerate(days, start=1):
                (folder / entity).mkdir(parents=True, exist_ok=True)
            target = [
                folder / entity / f"{stem}_part{day}.{suffix}" for day, folder in enumerate(days, 1)
            ]
            if suffix == "parquet":
                table = pq.read_table(path)
                size = -(-table.num_rows // DAYS)
                for day, out in enumerate(target):
                    pq.write_table(table.slice(day * size, size), out)
            else:
                for out, content in zip(target, split_csv(path, DAYS), strict=True):
                    out.write_bytes(content)
    return days


def break_and_fix_a_contact(source: Path, days: list[Path]) -> str:
    """A contact with invitations: a newer version without its account on day 2, a newer one
    with it on day 3. Returns the contact id."""
    with duckdb.connect() as connection:
        contact_id, account_id, updated_at = connection.sql(
            f"""
            select contacts.contact_id, contacts.account_id, contacts.updated_at
            from read_csv('{source}/crm_contacts/*.csv', all_varchar = true, ignore_errors = true) as contacts
            inner join read_csv('{source}/survey_invitations/*.csv', all_varchar = true, ignore_errors = true) as invitations
                on invitations.contact_id = contacts.contact_id
            where try_cast(contacts.updated_at as timestamp) is not null
            order by contacts.contact_id
            limit 1
            """
        ).fetchall()[0]
    columns = LANDING_CONTRACT["crm_contacts"]
    for day, account, stamp in (
        (2, "", "2030-01-01T00:00:00Z"),
        (3, account_id, "2030-01-02T00:00:00Z"),
    ):
        values = {column: "" for column in columns}
        values.update(contact_id=contact_id, account_id=account, updated_at=stamp, role="end_user")
        out = io.StringIO(newline="")
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(columns)
        writer.writerow([values[column] for column in columns])
        (days[day - 1] / "crm_contacts" / f"crm_contacts_fix_day{day}.csv").write_text(
            out.getvalue()
        )
    assert updated_at < "2030"
    return contact_id


def day_rows(days: list[Path], entity: str) -> str:
    """SQL: every landing row of an entity in the given day folders, as text, with its day."""
    parts = []
    for number, day in enumerate(days, start=1):
        for suffix, reader in (("csv", "read_csv({}, all_varchar = true, ignore_errors = true)"),
                               ("parquet", "read_parquet({})")):  # fmt: skip
            if list((day / entity).glob(f"*.{suffix}")):
                files = reader.format(f"'{day / entity}/*.{suffix}'")
                parts.append(f"select {number} as day, columns(*)::varchar from {files}")
    return " union all by name ".join(parts)


def move_an_invitation(days: list[Path]) -> str:
    """An unanswered invitation of days 1-2 whose contact has a later invitation within the
    look-back of mart_survey_fatigue and nothing on day 3 (no invitation, response or contact row,
    no account row of its account, nothing sent in the month before the data's end): a newer
    version on day 3 names another contact. Only the move can make the last build recompute the
    old contact's invitation history. Returns the invitation's id."""
    with duckdb.connect() as connection:
        row = connection.sql(
            f"""
            with invitations as (
                select *, try_cast(sent_at as timestamp) as sent from ({day_rows(days, "survey_invitations")})
            ),
            responses as ({day_rows(days, "survey_responses")}),
            contacts as ({day_rows(days, "crm_contacts")}),
            accounts as ({day_rows(days, "crm_accounts")}),
            touched as (
                select contact_id from invitations where day = {DAYS}
                union select contact_id from responses where day = {DAYS}
                union select contact_id from contacts where day = {DAYS}
                union select contact_id from contacts
                where account_id in (select account_id from accounts where day = {DAYS})
            ),
            good_contacts as (
                select contact_id from contacts group by contact_id
                having count(*) = 1 and min(try_cast(updated_at as timestamp)) is not null
                    and min(account_id) is not null
            ),
            good as (
                select * from invitations
                where try_cast(updated_at as timestamp) is not null and sent is not null
                    and survey_type in ('relationship', 'transactional') and campaign_id is not null
                    and contact_id in (select contact_id from good_contacts)
                    and sent < (select max(sent) from invitations) - interval 30 day
            ),
            once as (
                select invitation_id from invitations group by invitation_id having count(*) = 1
            ),
            answered as (
                select invitation_id from responses where invitation_id is not null
            )
            select moved.*, other.contact_id as new_contact_id
            from good as moved
            inner join once on moved.invitation_id = once.invitation_id
            inner join good as later
                on moved.contact_id = later.contact_id
                    and later.sent > moved.sent and later.sent <= moved.sent + interval 300 day
            cross join (select max(contact_id) as contact_id from good) as other
            where moved.day < {DAYS}
                and moved.contact_id not in (select contact_id from touched where contact_id is not null)
                and moved.invitation_id not in (select invitation_id from answered)
                and moved.contact_id <> other.contact_id
            order by moved.invitation_id desc
            limit 1
            """
        ).df()
    assert len(row) == 1, "no invitation to move in the generated data"
    values = row.iloc[0].to_dict()
    columns = LANDING_CONTRACT["survey_invitations"]
    values.update(contact_id=values["new_contact_id"], updated_at="2030-01-03T00:00:00Z")
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    writer.writerow([values[column] for column in columns])
    (days[-1] / "survey_invitations" / "survey_invitations_move_day3.csv").write_text(
        out.getvalue()
    )
    return values["invitation_id"]


def deliver(day: Path, landing: Path) -> None:
    """Copies a day's files into the landing folder (never over a file already there)."""
    for path in sorted(day.rglob("*")):
        if path.is_file():
            target = landing / path.relative_to(day)
            target.parent.mkdir(parents=True, exist_ok=True)
            assert not target.exists(), target
            target.write_bytes(path.read_bytes())


def full_refresh(landing: Path, work: Path, as_of: str) -> subprocess.CompletedProcess:
    """The reference: every model rebuilt from every file (tests are the incremental side's)."""
    env = {**os.environ, "NPS_RAW_DIR": str(landing), "NPS_PII_SALT": SALT, "NPS_TARGET": "duckdb",
           "NPS_DUCKDB_PATH": str(work / "nps.duckdb"),
           "DBT_TARGET_PATH": str(work / "target"), "DBT_LOG_PATH": str(work / "logs")}  # fmt: skip
    cli_vars = f"{{as_of: '{as_of}'}}"  # as nps-build passes --as-of: day 3's parse is reused
    with shared_parse(env, cli_vars) as run_env:
        return subprocess.run(
            [str(Path(sys.executable).with_name("dbt")), "build", "--full-refresh",
             "--vars", cli_vars,
             "--exclude", "resource_type:test", "resource_type:unit_test",
             "--project-dir", str(PROJECT_DIR), "--profiles-dir", str(PROJECT_DIR / "profiles")],
            cwd=PROJECT_DIR, capture_output=True, text=True, check=False, env=run_env,
        )  # fmt: skip


@pytest.fixture(scope="module")
def daily(tmp_path_factory):
    """The incremental warehouse after each day, a reference warehouse, the outputs of nps-build,
    the broken contact and how many of its rows day 2 quarantined.

    The reference is a copy of the incremental warehouse as day 2 left it, rebuilt with
    `dbt build --full-refresh` after day 3: both keep the same score-edit history (one snapshot a
    day), and whatever day 2 computed incrementally is either still right on day 3 or shows."""
    root = tmp_path_factory.mktemp("incremental")
    source = root / "source"
    generate(source, seed=7, scale=0.3, fmt="mixed", bad_share=0.02)
    days = write_batches(source, root / "batches")
    contact_id = break_and_fix_a_contact(source, days)
    move_an_invitation(days)
    landing = root / "landing"
    builds, broken, as_of = [], None, None
    for number, day in enumerate(days, start=1):
        deliver(day, landing)
        extra = []
        if number == DAYS:
            (root / "full").mkdir()
            shutil.copyfile(builds[-1].duckdb_path, root / "full" / "nps.duckdb")
            with duckdb.connect(str(builds[-1].duckdb_path), read_only=True) as connection:
                as_of = (
                    connection.sql(
                        "select cast(cast(as_of_at as date) - interval 10 day as date)"
                        " from intermediate.int_build_as_of"
                    )
                    .fetchall()[0][0]
                    .isoformat()
                )
            extra = ["--as-of", as_of]
        build = run_build(landing, root / "incremental", *extra, env={"NPS_PII_SALT": SALT})
        assert build.returncode == 0, build.output[-5000:]
        builds.append(build)
        if number == 2:
            with duckdb.connect(str(build.duckdb_path), read_only=True) as connection:
                broken = connection.sql(
                    "select count(*) from audit.quarantine_rows"
                    f" where reason = 'contact_quarantined' and raw_values like '%{contact_id}%'"
                ).fetchall()[0][0]
    reference = full_refresh(landing, root / "full", as_of)
    assert reference.returncode == 0, (reference.stdout + reference.stderr)[-5000:]
    return builds, root / "full" / "nps.duckdb", contact_id, broken, landing, root


def tables(path: Path) -> list[str]:
    with duckdb.connect(str(path), read_only=True) as connection:
        return [
            f"{schema}.{name}"
            for schema, name in connection.sql(
                "select table_schema, table_name from information_schema.tables"
                " where table_schema in ('marts', 'core', 'audit', 'staging', 'intermediate')"
                f" and table_name not in {BUILD_LOGS}"
                " order by 1, 2"
            ).fetchall()
        ]


def rows(path: Path, table: str):
    with duckdb.connect(str(path), read_only=True) as connection:
        columns = [c for c in connection.sql(f"select * from {table} limit 0").columns]
        kept = [c for c in columns if c not in BOOKKEEPING]
        relation = connection.sql(f"select {', '.join(map(quote, kept))} from {table}")
        return kept, relation.fetchall()


def quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def test_each_build_after_the_first_reads_only_the_new_files(daily):
    builds, *_ = daily
    assert "Full build: the warehouse holds no incremental build yet" in builds[0].output
    for day, build in enumerate(builds[1:], start=2):
        found = re.search(r"Incremental build: (\d+) new landing file\(s\)", build.output)
        assert found, build.output[:2000]
        # the day's 13 files (12 parts and a fix), and header-only parts of earlier days, which
        # hold no row to remember them by (looked at again, for nothing)
        assert 13 <= int(found.group(1)) < 13 * day
        # the landing check reads the day's files, not the earlier ones
        assert "file(s) checked by earlier builds" in build.output


def test_incremental_equals_full_refresh(daily):
    builds, full_path, *_ = daily
    incremental_path = builds[-1].duckdb_path
    names = tables(incremental_path)
    assert len(names) > 50
    assert names == tables(full_path)
    for table in names:
        compare.assert_same_rows(
            table,
            rows(full_path, table),
            rows(incremental_path, table),
            names=("full refresh", "incremental"),
        )


def test_a_fixed_parent_brings_its_children_back(daily):
    builds, _, contact_id, broken, *_ = daily
    assert broken > 0  # day 2: the contact's invitations (and responses) were quarantined
    with duckdb.connect(str(builds[-1].duckdb_path), read_only=True) as connection:
        still = connection.sql(
            "select count(*) from audit.quarantine_rows"
            f" where reason = 'contact_quarantined' and raw_values like '%{contact_id}%'"
        ).fetchall()[0][0]
        staged = connection.sql(
            f"select count(*) from staging.stg_survey__invitations where contact_id = '{contact_id}'"
        ).fetchall()[0][0]
    assert still == 0
    assert staged > 0


def test_dbt_alone_refuses_to_add_to_a_changed_file(daily):
    builds, _, _, _, landing, root = daily
    changed = min((landing / "support_tickets").glob("*part2.*"))
    os.utime(changed, (changed.stat().st_atime, changed.stat().st_mtime + 3600))
    done = subprocess.run(
        [str(Path(sys.executable).with_name("dbt")), "run", "--select", "base_support__tickets",
         "--project-dir", str(PROJECT_DIR), "--profiles-dir", str(PROJECT_DIR / "profiles")],
        cwd=PROJECT_DIR, capture_output=True, text=True, check=False,
        env={**os.environ, "NPS_RAW_DIR": str(landing), "NPS_PII_SALT": SALT, "NPS_TARGET": "duckdb",
             "NPS_DUCKDB_PATH": str(builds[-1].duckdb_path),
             "DBT_TARGET_PATH": str(root / "alone" / "target"), "DBT_LOG_PATH": str(root / "alone" / "logs")},
    )  # fmt: skip
    assert done.returncode != 0
    assert f"{changed.name} (changed: size or modification time differs)" in done.stdout
    assert "--full-refresh" in done.stdout


# The models built by increments (per response, and fct_survey_invitations per invitation).
RECOMPUTED_MODELS = (
    "fct_nps_responses",
    "fct_survey_invitations",
    "int_invitation_history",
    "int_relationship_campaign_contacts",
    "int_response_themes",
    "int_response_ticket_windows",
    "mart_sentiment_vs_resolution",
)


def compiled_recompute_filters(root: Path, landing: Path, warehouse: Path, *vars_: str) -> dict:
    """`dbt compile` of the models built by increments on a copy of the incremental warehouse:
    for each, whether its compiled SQL keeps only the responses (invitations) to recompute."""
    work = root / f"compile{len(vars_)}"
    work.mkdir()
    shutil.copyfile(warehouse, work / "nps.duckdb")
    env = {**os.environ, "NPS_RAW_DIR": str(landing), "NPS_PII_SALT": SALT, "NPS_TARGET": "duckdb",
           "NPS_DUCKDB_PATH": str(work / "nps.duckdb"),
           "DBT_TARGET_PATH": str(work / "target"), "DBT_LOG_PATH": str(work / "logs")}  # fmt: skip
    with shared_parse(env, " ".join(vars_[1:])) as run_env:
        done = subprocess.run(
            [str(Path(sys.executable).with_name("dbt")), "compile", "--select", *RECOMPUTED_MODELS,
             *vars_, "--project-dir", str(PROJECT_DIR),
             "--profiles-dir", str(PROJECT_DIR / "profiles")],
            cwd=PROJECT_DIR, capture_output=True, text=True, check=False, env=run_env,
        )  # fmt: skip
    assert done.returncode == 0, (done.stdout + done.stderr)[-3000:]
    return {
        name: "_build_number >"
        in next((work / "target" / "compiled").rglob(f"{name}.sql")).read_text()
        for name in RECOMPUTED_MODELS
    }


def test_other_settings_recompute_every_response(daily):
    """The models built by increments keep the rows nothing touched only under the settings
    they were built with: another value of a var (here the SLA clock) and they recompute every
    row, as a full refresh would."""
    builds, _, _, _, landing, root = daily
    last = builds[-1].duckdb_path
    assert compiled_recompute_filters(root, landing, last) == dict.fromkeys(RECOMPUTED_MODELS, True)
    other = ["--vars", "{sla_clock: business}"]
    assert compiled_recompute_filters(root, landing, last, *other) == dict.fromkeys(
        RECOMPUTED_MODELS, False
    )


def test_a_moved_invitation_is_staged_under_its_new_contact(daily):
    """The day-3 version of move_an_invitation names another contact and wins: what makes the
    equivalence test check that both contacts' invitation histories are recomputed."""
    builds = daily[0]
    with duckdb.connect(str(builds[-1].duckdb_path), read_only=True) as connection:
        moved = connection.sql(
            """
            select staged.contact_id, earlier.contact_id, history.invitation_id is not null
            from staging.stg_survey__invitations as staged
            inner join staging.base_survey__invitations_validated as earlier
                on staged.invitation_id = earlier.invitation_id and earlier.row_status = 'superseded'
            left join intermediate.int_invitation_history as history
                on staged.invitation_id = history.invitation_id and staged.contact_id = history.contact_id
            where staged.updated_at = timestamp '2030-01-03 00:00:00'
            """
        ).fetchall()
    assert len(moved) == 1, moved
    new_contact, old_contact, in_history = moved[0]
    assert new_contact != old_contact and in_history
