"""Invariants of the sample-data generator (``nps_warehouse.generate``).

The landing files are read back with pyarrow and deduplicated in DuckDB with the
warehouse's rule: per entity and id the latest ``updated_at`` (as an instant) wins, ties
go to the file whose name sorts last, and within one file the later row wins.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest

from nps_warehouse import generate
from nps_warehouse.landing_folder import LandingFolderError

ENTITIES = generate.ENTITY_COLUMNS
EXPORT = "2026-06-30 23:59:59+00"
CURRENCIES = ("USD", "EUR", "GBP", "CAD", "AUD", "JPY", "BRL", "INR", "CHF", "SEK")


def id_column(entity: str) -> str:
    return ENTITIES[entity][0]


def read_file(path: Path) -> pa.Table:
    """One landing file, every column as text (blanks null)."""
    if path.suffix == ".parquet":
        return pq.read_table(path)
    columns = {name: pa.string() for name in ENTITIES[path.parent.name]}
    options = pacsv.ConvertOptions(column_types=columns, strings_can_be_null=True, null_values=[""])
    parse = pacsv.ParseOptions(newlines_in_values=True)
    return pacsv.read_csv(path, parse_options=parse, convert_options=options)


def landing_files(root: Path, entity: str) -> list[Path]:
    return sorted(p for p in (root / entity).iterdir() if p.is_file())


def load(root: Path) -> duckdb.DuckDBPyConnection:
    """DuckDB with ``raw_<entity>`` (all rows, file and row order) and deduped ``<entity>``."""
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    for entity in ENTITIES:
        parts = []
        for path in landing_files(root, entity):
            table = read_file(path)
            n = table.num_rows
            table = table.append_column("_file", pa.array(np.full(n, path.name)))
            parts.append(table.append_column("_row", pa.array(np.arange(n))))
        con.register(f"raw_{entity}", pa.concat_tables(parts))
        con.execute(
            f"""
            create table {entity} as
            select * exclude (_file, _row, _rank) from (
                select *, row_number() over (
                    partition by {id_column(entity)}
                    order by try_cast(updated_at as timestamptz) desc, _file desc, _row desc
                ) as _rank
                from raw_{entity}
            )
            where _rank = 1
            """
        )
    con.execute(
        """
        create table answers as
        select
            r.*,
            try_cast(r.score as int) as s,
            try_cast(r.responded_at as timestamptz) as responded,
            c.account_id,
            regexp_replace(lower(trim(c.role)), '[^a-z]+', '_', 'g') as role_norm,
            try_cast(a.churned_at as timestamptz) as churned,
            i.survey_type,
            i.trigger_ticket_id
        from survey_responses r
        join survey_invitations i using (invitation_id)
        join crm_contacts c on c.contact_id = i.contact_id
        join crm_accounts a using (account_id)
        """
    )
    return con


def rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[tuple]:
    return con.execute(sql).fetchall()


def value(con: duckdb.DuckDBPyConnection, sql: str):
    return rows(con, sql)[0][0]


def digests(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def landing(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, int]]:
    root = tmp_path_factory.mktemp("landing")
    return root, generate.generate(root, seed=42, scale=1.0)


@pytest.fixture(scope="module")
def db(landing: tuple[Path, dict[str, int]]) -> duckdb.DuckDBPyConnection:
    return load(landing[0])


# -- files --------------------------------------------------------------------------------


def test_same_seed_same_bytes_other_seed_other_bytes(tmp_path: Path) -> None:
    for name, seed in (("a", 7), ("b", 7), ("c", 8)):
        generate.generate(tmp_path / name, seed=seed, scale=0.3, bad_share=0.01)
    first, second, other = (digests(tmp_path / name) for name in "abc")
    assert first == second
    assert first.keys() == other.keys()
    assert all(first[name] != other[name] for name in first)


def test_files_headers_and_counts(landing: tuple[Path, dict[str, int]]) -> None:
    root, counts = landing
    assert list(counts) == list(ENTITIES)
    assert not (root / generate.MANIFEST_NAME).exists()
    for entity, columns in ENTITIES.items():
        files = landing_files(root, entity)
        assert [p.name for p in files] == [
            f"{entity}_20260630.csv",
            f"{entity}_20260630_reexport.csv",
        ]
        for path in files:
            with path.open(encoding="utf-8") as handle:
                assert handle.readline().rstrip("\n") == ",".join(columns)
        assert sum(read_file(p).num_rows for p in files) == counts[entity]


def test_scale_one_volumes(db: duckdb.DuckDBPyConnection) -> None:
    assert 250 <= value(db, "select count(*) from crm_accounts") <= 350
    # ~9,800 rows: the planted cherry-picked campaign skips ~500 invitations and ~200 responses
    assert 9_500 <= value(db, "select count(*) from survey_responses") <= 15_000
    per_account = rows(
        db,
        """select count(*) from crm_contacts join crm_accounts using (account_id)
           where churned_at is null group by account_id""",
    )
    assert all(2 <= n <= 15 for (n,) in per_account)


def test_main_file_is_shuffled(landing: tuple[Path, dict[str, int]]) -> None:
    root, _ = landing
    for entity in ENTITIES:
        ids = read_file(landing_files(root, entity)[0])[id_column(entity)].to_pylist()
        assert ids != sorted(ids)


def test_rerun_replaces_only_its_own_files(tmp_path: Path) -> None:
    """A re-run replaces the sample files it wrote (the manifest of a bad-share run included); a
    file it did not write stops it before anything is deleted (test_safety.py has the rest)."""
    generate.generate(tmp_path, scale=0.2, bad_share=0.05)
    assert (tmp_path / generate.MANIFEST_NAME).exists()
    generate.generate(tmp_path, scale=0.2)
    assert not (tmp_path / generate.MANIFEST_NAME).exists()
    stray = tmp_path / "crm_accounts" / "old_export.csv"
    stray.write_text("stale")
    keep = tmp_path / "notes" / "keep.txt"
    keep.parent.mkdir()
    keep.write_text("mine")
    before = sorted(path for path in tmp_path.rglob("*") if path.is_file())
    with pytest.raises(LandingFolderError, match="old_export.csv"):
        generate.generate(tmp_path, scale=0.2, seed=9)
    assert sorted(path for path in tmp_path.rglob("*") if path.is_file()) == before
    assert stray.read_text() == "stale" and keep.read_text() == "mine"


@pytest.mark.parametrize("fmt", ["parquet", "mixed"])
def test_parquet_and_mixed_formats(tmp_path: Path, fmt: str) -> None:
    generate.generate(tmp_path / "csv", seed=3, scale=0.3)
    generate.generate(tmp_path / fmt, seed=3, scale=0.3, fmt=fmt)
    main_ext = ".parquet" if fmt == "parquet" else ".csv"
    for entity, columns in ENTITIES.items():
        main, again = landing_files(tmp_path / fmt, entity)
        assert (main.suffix, again.suffix) == (main_ext, ".parquet")
        for path in (main, again):
            table = read_file(path)
            assert table.column_names == list(columns)
            assert all(t == pa.string() for t in table.schema.types)
        as_csv = [read_file(p) for p in landing_files(tmp_path / "csv", entity)]
        assert [read_file(main), read_file(again)] == as_csv


def test_cli_summary_and_quiet(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    generate.main(["--out", str(tmp_path / "a"), "--scale", "0.1", "--seed", "1"])
    out = capsys.readouterr().out
    assert all(entity in out for entity in ENTITIES)
    generate.main(["--out", str(tmp_path / "b"), "--scale", "0.1", "--seed", "1", "--quiet"])
    assert capsys.readouterr().out == ""
    assert digests(tmp_path / "a") == digests(tmp_path / "b")


def test_scale_ten_runs(tmp_path: Path) -> None:
    counts = generate.generate(tmp_path, scale=10)
    assert 2_800 <= counts["crm_accounts"] <= 3_300
    assert counts["survey_responses"] > 100_000


# -- ids, versions and references --------------------------------------------------------


def test_ids_unique_after_dedup(db: duckdb.DuckDBPyConnection) -> None:
    for entity in ENTITIES:
        key = id_column(entity)
        total, distinct, blank = rows(
            db, f"select count(*), count(distinct {key}), count(*) - count({key}) from {entity}"
        )[0]
        assert total == distinct and blank == 0
        prefix = generate.ID_PREFIX[entity]
        assert value(db, f"select bool_and({key} similar to '{prefix}-[0-9]{{6,}}') from {entity}")


def test_reexport_has_identical_newer_and_stale_versions(
    landing: tuple[Path, dict[str, int]],
) -> None:
    root, _ = landing
    for entity in ENTITIES:
        key = id_column(entity)
        main, again = (read_file(p).to_pylist() for p in landing_files(root, entity))
        by_id = {row[key]: row for row in main}
        assert len(by_id) == len(main)
        share = len(again) / len(main)
        assert 0.02 <= share <= 0.05 or len(main) < 400
        kinds = {"same": 0, "newer": 0, "older": 0}
        for row in again:
            old = by_id[row[key]]
            if row == old:
                kinds["same"] += 1
                continue
            assert {k for k in row if row[k] != old[k]} - {"updated_at"}, "content must change"
            newer = instant(row["updated_at"]) > instant(old["updated_at"])
            kinds["newer" if newer else "older"] += 1
        assert min(kinds.values()) >= 1
        assert max(kinds.values()) - min(kinds.values()) <= 1


def instant(text: str) -> np.datetime64:
    """An ISO timestamp (Z, offset or none = UTC) as a UTC numpy datetime."""
    base = np.datetime64(text[:19], "s")
    if len(text) == 25:
        sign = 1 if text[19] == "+" else -1
        base -= sign * np.timedelta64(int(text[20:22]) * 60 + int(text[23:25]), "m")
    return base


def test_references_resolve(db: duckdb.DuckDBPyConnection) -> None:
    orphans = {
        "contact -> account": """
            select count(*) from crm_contacts c
            anti join crm_accounts a using (account_id)""",
        "ticket -> account and requester of that account": """
            select count(*) from support_tickets t
            left join crm_contacts c on c.contact_id = t.requester_contact_id
            where c.contact_id is null or c.account_id <> t.account_id""",
        "invitation -> contact created before": """
            select count(*) from survey_invitations i
            left join crm_contacts c using (contact_id)
            where c.contact_id is null
               or cast(c.created_at as timestamptz) > cast(i.sent_at as timestamptz)""",
        "transactional -> solved ticket of the contact, sent after solving": """
            select count(*) from survey_invitations i
            left join support_tickets t on t.ticket_id = i.trigger_ticket_id
            where i.survey_type = 'transactional' and (
                t.ticket_id is null or t.requester_contact_id <> i.contact_id
                or t.status not in ('solved', 'closed')
                or cast(t.solved_at as timestamptz) > cast(i.sent_at as timestamptz))""",
        "relationship has no trigger": """
            select count(*) from survey_invitations
            where survey_type = 'relationship' and trigger_ticket_id is not null""",
        "response -> invitation of the same contact and campaign, answered after": """
            select count(*) from survey_responses r
            left join survey_invitations i using (invitation_id)
            where i.invitation_id is null or i.contact_id <> r.contact_id
               or i.campaign_id <> r.campaign_id
               or cast(r.responded_at as timestamptz) < cast(i.sent_at as timestamptz)""",
        "one response per invitation": """
            select count(*) - count(distinct invitation_id) from survey_responses""",
        "follow-up -> response, after it": """
            select count(*) from loop_followups f
            left join survey_responses r using (response_id)
            where r.response_id is null
               or cast(f.followed_up_at as timestamptz) < cast(r.responded_at as timestamptz)""",
    }
    for name, sql in orphans.items():
        assert value(db, sql) == 0, name


def test_timelines_and_updated_at(db: duckdb.DuckDBPyConnection) -> None:
    events = {
        "crm_accounts": ["cast(contract_start_date as timestamptz)", "churned_at"],
        "crm_contacts": ["created_at"],
        "survey_invitations": ["sent_at"],
        "survey_responses": ["responded_at"],
        "support_tickets": ["created_at", "first_response_at", "solved_at"],
        "loop_followups": ["followed_up_at"],
    }
    for entity, columns in events.items():
        latest = "greatest(" + ", ".join(f"cast({c} as timestamptz)" for c in columns) + ")"
        updated = "cast(updated_at as timestamptz)"
        bad = value(
            db,
            f"""select count(*) from raw_{entity}
                where {updated} is null or {updated} < {latest} or {updated} > '{EXPORT}'""",
        )
        assert bad == 0, entity
    tickets = """
        select count(*) from support_tickets
        where cast(first_response_at as timestamptz) <= cast(created_at as timestamptz)
           or cast(solved_at as timestamptz) < cast(first_response_at as timestamptz)
           or (status in ('solved', 'closed')) <> (solved_at is not null)
           or (category = 'outage') <> (downtime_minutes is not null)"""
    assert value(db, tickets) == 0
    renewals = f"""
        select count(*) from crm_accounts
        where cast(renewal_date as date) <= cast(contract_start_date as date)
           or (churned_at is null and cast(renewal_date as date) <= date '{EXPORT[:10]}')
           or (churned_at is null) <> (churn_reason is null)"""
    assert value(db, renewals) == 0


def test_churned_accounts_have_no_later_activity(db: duckdb.DuckDBPyConnection) -> None:
    after_churn = {
        "crm_contacts": "created_at",
        "survey_invitations": "sent_at",
        "survey_responses": "responded_at",
    }
    for entity, column in after_churn.items():
        sql = f"""
            select count(*) from {entity} x
            join crm_contacts c using (contact_id)
            join crm_accounts a on a.account_id = c.account_id
            where cast(x.{column} as timestamptz) > cast(a.churned_at as timestamptz)"""
        assert value(db, sql) == 0, entity
    tickets = """
        select count(*) from support_tickets t join crm_accounts a using (account_id)
        where cast(t.created_at as timestamptz) > cast(a.churned_at as timestamptz)"""
    assert value(db, tickets) == 0


# -- values ------------------------------------------------------------------------------


def test_value_vocabularies(db: duckdb.DuckDBPyConnection) -> None:
    checks = {
        "crm_accounts": """
            region not in ('NA', 'EMEA', 'APAC', 'LATAM')
            or plan not in ('starter', 'growth', 'enterprise')
            or not regexp_full_match(arr, '[0-9]+[.][0-9]{2}')
            or not regexp_full_match(employee_count, '[0-9]+')""",
        "crm_contacts": """
            regexp_replace(lower(trim(role)), '[^a-z]+', '_', 'g')
                not in ('end_user', 'decision_maker')
            or not regexp_full_match(email, '[a-z]+[.][a-z]+[0-9]*@[a-z0-9-]+[.]example')""",
        "survey_invitations": "channel not in ('email', 'in_app')",
        "survey_responses": """
            not regexp_full_match(score, '[0-9]|10')
            or not regexp_full_match(campaign_id, '(REL|TXN)-[0-9]{4}-[0-9]{2}')""",
        "support_tickets": """
            priority not in ('low', 'normal', 'high', 'urgent')
            or status not in ('open', 'pending', 'solved', 'closed')
            or category not in ('how_to', 'bug', 'outage', 'billing', 'access', 'performance')""",
        "loop_followups": """
            action not in ('call', 'email', 'meeting')
            or outcome not in ('resolved', 'escalated', 'no_answer', 'churn_risk')""",
    }
    for entity, condition in checks.items():
        assert value(db, f"select count(*) from {entity} where {condition}") == 0, entity
    tags = rows(db, "select distinct unnest(string_split(tags, ';')) from survey_responses")
    assert {t for (t,) in tags if t} == set(generate.THEMES)


def test_currencies_by_region(db: duckdb.DuckDBPyConnection) -> None:
    shares = dict(
        rows(db, "select currency, count(*) / sum(count(*)) over () from crm_accounts group by 1")
    )
    assert set(shares) <= set(CURRENCIES) and len(shares) >= 3
    assert 0.4 <= shares["USD"] <= 0.6
    regions = "select count(distinct region) from crm_accounts group by country"
    assert {n for (n,) in rows(db, regions)} == {1}


def test_timestamp_styles_and_month_boundaries(db: duckdb.DuckDBPyConnection) -> None:
    styles = dict(
        rows(
            db,
            r"""
            select case when sent_at like '%Z' then 'utc'
                        when regexp_matches(sent_at, '[+-][0-9]{2}:[0-9]{2}$') then 'offset'
                        else 'naive' end,
                   count(*) / sum(count(*)) over ()
            from survey_invitations group by 1""",
        )
    )
    assert 0.65 <= styles["utc"] <= 0.75
    assert 0.15 <= styles["offset"] <= 0.25
    assert 0.05 <= styles["naive"] <= 0.15
    assert value(db, "select count(*) from survey_invitations where sent_at like '%+00:00'") == 0
    crossing = r"""
        select count(*) from survey_invitations
        where regexp_matches(sent_at, '[+-][0-9]{2}:[0-9]{2}$')
          and substr(sent_at, 1, 7) <> strftime(cast(sent_at as timestamptz), '%Y-%m')"""
    assert value(db, crossing) > 0


def test_roles_are_messy_and_every_account_has_a_decision_maker(
    db: duckdb.DuckDBPyConnection,
) -> None:
    canonical = value(
        db, "select avg((role in ('end_user', 'decision_maker'))::int) from crm_contacts"
    )
    assert 0.75 <= canonical <= 0.85
    norm = "regexp_replace(lower(trim(role)), '[^a-z]+', '_', 'g')"
    share = value(db, f"select avg(({norm} = 'decision_maker')::int) from crm_contacts")
    assert 0.2 <= share <= 0.3
    without = f"""
        select count(*) from crm_accounts a
        anti join (select account_id from crm_contacts where {norm} = 'decision_maker')
        using (account_id)"""
    assert value(db, without) == 0


def test_comments_are_messy_text(db: duckdb.DuckDBPyConnection) -> None:
    for pattern in (",", '"', "\n", "😡", "サポート", "é", "ü"):
        sql = "select count(*) from survey_responses where contains(comment, ?)"
        assert db.execute(sql, [pattern]).fetchall()[0][0] > 0, pattern
    tagged = "select avg((tags is not null)::int) from survey_responses where comment is not null"
    assert value(db, tagged) > 0.75
    assert (
        value(db, "select count(*) from survey_responses where comment is null and tags > ''") == 0
    )


# -- planted signals ---------------------------------------------------------------------


def test_response_rate_and_comment_share(db: duckdb.DuckDBPyConnection) -> None:
    rate = value(
        db,
        "select (select count(*) from survey_responses) / (select count(*) from survey_invitations)",
    )
    assert 0.30 <= rate <= 0.45
    comments = value(db, "select avg((comment is not null)::int) from survey_responses")
    assert 0.60 <= comments <= 0.70


def test_score_mix(db: duckdb.DuckDBPyConnection) -> None:
    promoters, detractors = rows(db, "select avg((s >= 9)::int), avg((s <= 6)::int) from answers")[
        0
    ]
    assert 0.40 <= promoters <= 0.50
    assert 0.20 <= detractors <= 0.30


def test_relationship_cadence(db: duckdb.DuckDBPyConnection) -> None:
    median_gap = value(
        db,
        """
        select median(gap) from (
            select date_diff('second', lag(cast(sent_at as timestamptz)) over w,
                             cast(sent_at as timestamptz)) / 86400 as gap
            from survey_invitations where survey_type = 'relationship'
            window w as (partition by contact_id order by cast(sent_at as timestamptz))
        ) where gap is not null""",
    )
    assert 53 <= median_gap <= 67


def test_detractors_churn_more_and_sooner(db: duckdb.DuckDBPyConnection) -> None:
    churn = dict(
        rows(
            db,
            """select case when s <= 6 then 'detractor' when s >= 9 then 'promoter' end,
                      avg((churned is not null)::int)
               from answers group by 1""",
        )
    )
    assert churn["detractor"] > 1.5 * churn["promoter"]
    days = dict(
        rows(
            db,
            """select s <= 3, median(date_diff('day', responded, churned))
               from answers where churned is not null and (s <= 3 or s = 6) group by 1""",
        )
    )
    assert days[True] < days[False]


def test_support_experience_drives_scores(db: duckdb.DuckDBPyConnection) -> None:
    db.execute(
        """
        create or replace temp table account_support as
        select
            account_id,
            avg((date_diff('minute', cast(created_at as timestamptz),
                           cast(first_response_at as timestamptz))
                 > case priority when 'low' then 1440 when 'normal' then 480
                                 when 'high' then 240 else 60 end)::int) as breach_share,
            median(date_diff('minute', cast(created_at as timestamptz),
                             cast(solved_at as timestamptz))) as resolution_minutes
        from support_tickets group by 1
        """
    )
    for driver in ("breach_share", "resolution_minutes"):
        by_tercile = rows(
            db,
            f"""
            select tercile, avg(mean_score) from (
                select ntile(3) over (order by {driver}) as tercile, mean_score
                from account_support
                join (select account_id, avg(s) as mean_score from answers group by 1)
                using (account_id)
            ) group by 1 order by 1""",
        )
        best, _, worst = (score for _, score in by_tercile)
        assert best - worst > 1.0, driver
    transactional = dict(rows(db, "select survey_type, avg(s) from answers group by 1"))
    assert transactional["transactional"] < transactional["relationship"]


def test_decision_makers_score_lower(db: duckdb.DuckDBPyConnection) -> None:
    means = dict(rows(db, "select role_norm, avg(s) from answers group by 1"))
    gap = means["end_user"] - means["decision_maker"]
    assert 0.3 <= gap <= 1.3


def test_followups_target_detractors_and_passives(db: duckdb.DuckDBPyConnection) -> None:
    shares = dict(
        rows(
            db,
            """select case when s <= 6 then 'detractor' when s <= 8 then 'passive'
                           else 'promoter' end,
                      avg((response_id in (select response_id from loop_followups))::int)
               from answers group by 1""",
        )
    )
    assert 0.6 <= shares["detractor"] <= 0.8
    assert 0.3 <= shares["passive"] <= 0.5
    assert shares["promoter"] < 0.02


# -- bad rows ----------------------------------------------------------------------------

REASON_CHECKS = {
    "crm_accounts": {
        "invalid_arr": "not regexp_full_match(trim(arr), '[+-]?([0-9]+([.][0-9]*)?|[.][0-9]+)')",
        "negative_arr": "try_cast(arr as double) < 0",
        "unknown_currency": f"currency not in {CURRENCIES}",
        "invalid_employee_count": "not regexp_full_match(trim(employee_count), '[0-9]+')",
    },
    "crm_contacts": {
        "invalid_role": """regexp_replace(lower(trim(role)), '[^a-z]+', '_', 'g')
            not in ('end_user', 'decision_maker')""",
        "unknown_account": "account_id not in (select account_id from raw_crm_accounts "
        "where account_id is not null)",
    },
    "survey_invitations": {
        "invalid_survey_type": "survey_type not in ('relationship', 'transactional')",
        "invalid_sent_at": "try_cast(sent_at as timestamptz) is null",
        "unknown_contact": "contact_id not in (select contact_id from raw_crm_contacts "
        "where contact_id is not null)",
    },
    "survey_responses": {
        "invalid_score": "not regexp_full_match(trim(score), '-?[0-9]+')",
        "score_out_of_range": "try_cast(score as int) not between 0 and 10",
        "missing_score": "score is null",
        "invalid_responded_at": "try_cast(responded_at as timestamptz) is null",
        "unknown_invitation": "invitation_id not in (select invitation_id "
        "from raw_survey_invitations where invitation_id is not null)",
        "response_before_invitation": """try_cast(responded_at as timestamptz) < (
            select max(try_cast(i.sent_at as timestamptz)) from raw_survey_invitations i
            where i.invitation_id = x.invitation_id)""",
    },
    "support_tickets": {
        "invalid_created_at": "try_cast(created_at as timestamptz) is null",
        "solved_before_created": "try_cast(solved_at as timestamptz) < try_cast(created_at as timestamptz)",
        "unknown_account": "account_id not in (select account_id from raw_crm_accounts "
        "where account_id is not null)",
    },
    "loop_followups": {
        "unknown_response": "response_id not in (select response_id from raw_survey_responses "
        "where response_id is not null)",
        "followup_before_response": """try_cast(followed_up_at as timestamptz) < (
            select max(try_cast(r.responded_at as timestamptz)) from raw_survey_responses r
            where r.response_id = x.response_id)""",
    },
}


def test_bad_rows_match_the_manifest_exactly(tmp_path: Path) -> None:
    counts = generate.generate(tmp_path, seed=5, scale=0.5, bad_share=0.02)
    clean = generate.generate(tmp_path / "clean", seed=5, scale=0.5)
    manifest = read_file_manifest(tmp_path / generate.MANIFEST_NAME)
    injected = {entity: counts[entity] - clean[entity] for entity in ENTITIES}
    assert len(manifest) == sum(injected.values())
    for entity, kinds in generate.BAD_KINDS.items():
        listed = [reason for e, _, reason in manifest if e == entity]
        assert len(listed) == injected[entity] >= len(kinds)
        assert set(listed) == set(kinds)

    con = load(tmp_path)
    found = []
    for entity, checks in REASON_CHECKS.items():
        key = id_column(entity)
        checks = {
            "missing_id": f"{key} is null",
            "invalid_updated_at": "try_cast(updated_at as timestamptz) is null",
            **checks,
        }
        for reason, condition in checks.items():
            sql = (
                f"select coalesce({key}, '') from raw_{entity} x where coalesce({condition}, false)"
            )
            found += [(entity, raw_id, reason) for (raw_id,) in rows(con, sql)]
    assert sorted(found) == sorted(manifest)
    bad_ids = {raw_id for _, raw_id, _ in manifest if raw_id}
    references = """
        select contact_id from raw_survey_invitations union all
        select requester_contact_id from raw_support_tickets union all
        select account_id from raw_crm_contacts union all
        select invitation_id from raw_survey_responses union all
        select trigger_ticket_id from raw_survey_invitations union all
        select response_id from raw_loop_followups"""
    referenced = {r for (r,) in rows(con, references)}
    assert not bad_ids & referenced


def read_file_manifest(path: Path) -> list[tuple[str, str, str]]:
    table = pacsv.read_csv(
        path,
        convert_options=pacsv.ConvertOptions(
            column_types={"entity": pa.string(), "raw_id": pa.string(), "reason": pa.string()},
            strings_can_be_null=True,
            null_values=[""],
        ),
    )
    assert table.column_names == ["entity", "raw_id", "reason"]
    return [(r["entity"], r["raw_id"] or "", r["reason"]) for r in table.to_pylist()]
