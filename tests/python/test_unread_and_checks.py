"""Nothing ignored in silence, and checks that do what they say.

- Every entry of an entity folder that is not read (another extension, a hidden file, a
  sub-folder) is named by the landing check and by dbt's log, and both sides list the same;
  `*.csv.gz` is read like CSV, `.CSV` like `.csv`.
- A header with two columns for one contract name stops, naming the file and both columns.
- Whitespace of any kind around a value is trimmed the same way by dbt and by the landing check.
- Every marts table gets expectations; ARR at risk ≤ ARR on the finance marts' real columns.
- Warn-level dbt tests name their offenders in nps-build's output.
"""

from __future__ import annotations

import csv
import gzip
import io
import os
import re
import shutil
import subprocess
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from conftest import PROJECT_DIR, dbt_run, run_build, shared_parse

from nps_warehouse import landing_folder, quality
from nps_warehouse.contract import LANDING_CONTRACT
from nps_warehouse.generate import generate

HEADER_ONLY = PROJECT_DIR / "tests" / "fixtures" / "landing_header_only"
NOT_A_DATA_FILE = "not a .csv, .csv.gz or .parquet file"
REEXPORT = "survey_responses_20260630_reexport.csv"
UNREAD = re.compile(r"(nps_warehouse: )?(\w+): not read: (.+) \((.+)\)$")


def dbt_env(work_dir: Path, raw_dir: Path) -> dict[str, str]:
    return {
        **os.environ,
        "NPS_RAW_DIR": str(raw_dir),
        "NPS_DUCKDB_PATH": str(work_dir / "nps.duckdb"),
        "DBT_TARGET_PATH": str(work_dir / "target"),
        "DBT_LOG_PATH": str(work_dir / "logs"),
        "NPS_PII_SALT": "pytest-salt",
    }


def dbt(work_dir: Path, raw_dir: Path, *args: str) -> subprocess.CompletedProcess:
    work_dir.mkdir(parents=True, exist_ok=True)
    with shared_parse(dbt_env(work_dir, raw_dir)) as env:
        return dbt_run(*args, env=env)


# --------------------------------------------------------------------------------------
# Whitespace: one set of characters, trimmed the same way on both sides
# --------------------------------------------------------------------------------------


def compiled(project_dbt, sql: str) -> str:
    """`sql` (with Jinja) compiled by dbt against this project."""
    done, _ = project_dbt("compile", "-q", "--inline", sql)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return done.stdout.strip()


def test_dbt_and_the_landing_check_trim_the_same_characters(project_dbt):
    """Every character of the Basic Multilingual Plane around 'x' and '7': dbt's trim_whitespace
    (DuckDB variant and the portable default) strips exactly what quality.strip_whitespace strips,
    and parse_integer reads a score wrapped in any of them as the landing check does."""
    expressions = compiled(
        project_dbt,
        "select {{ trim_whitespace('value') }} as trimmed, "
        "{{ default__trim_whitespace('value') }} as trimmed_default, "
        "{{ parse_integer('value') }} as parsed, "
        "{{ clean_text('value') }} as cleaned "
        "from values_to_trim",
    )
    characters = [chr(c) for c in range(1, 0x10000) if not 0xD800 <= c <= 0xDFFF]
    values = [
        *(f"{c}x{c}" for c in characters),
        *(f"{c}{c}7{c}" for c in characters),
        "\t7\t",
        "\u00a0 8\u202f",
        "\ufeff9",
        "\r\n10\r\n",
        "\u2007\u200b5\u3000",
        "7 \u00a0x",
        "\t\n ",
        "",
    ]
    with duckdb.connect() as connection:
        # one Arrow column in, in order (row-by-row inserts of 130,000 values take a minute)
        arrow_values = pa.table({"value": pa.array(values, pa.string())})  # noqa: F841
        connection.execute("create table values_to_trim as select value from arrow_values")
        rows = connection.sql(expressions).fetchall()
    expected_set = {chr(c) for c in quality.WHITESPACE_CODE_POINTS}
    for value, (trimmed, trimmed_default, parsed, cleaned) in zip(values, rows, strict=True):
        python = quality.strip_whitespace(value)
        assert trimmed == python, repr(value)
        assert trimmed_default == python, repr(value)
        assert cleaned == (python or None), repr(value)
        if re.fullmatch(r"[0-9]+", python):
            assert parsed == int(python), repr(value)
    stripped = {c for c in characters if quality.strip_whitespace(f"{c}x{c}") == "x"}
    assert stripped == expected_set
    assert {"\t", "\n", "\r", "\u00a0", "\u2007", "\u202f", "\ufeff"} <= stripped


# --------------------------------------------------------------------------------------
# Which files are read: one rule per side, and both sides agree
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "is_folder", "kind"),
    [
        ("responses.csv", False, ("csv", False, None)),
        ("RESPONSES.CSV", False, ("csv", False, None)),
        ("responses.csv.gz", False, ("csv", True, None)),
        ("responses.CSV.GZ", False, ("csv", True, None)),
        ("responses.parquet", False, ("parquet", False, None)),
        ("responses.Parquet", False, ("parquet", False, None)),
        (".DS_Store", False, (None, False, "a hidden file")),
        ("._responses.csv", False, (None, False, "a hidden file")),
        ("responses.txt", False, (None, False, NOT_A_DATA_FILE)),
        ("responses.xlsx", False, (None, False, NOT_A_DATA_FILE)),
        ("responses.zip", False, (None, False, NOT_A_DATA_FILE)),
        ("responses.csv.zst", False, (None, False, NOT_A_DATA_FILE)),
        ("responses.gz", False, (None, False, NOT_A_DATA_FILE)),
        ("responses.csv.bak", False, (None, False, NOT_A_DATA_FILE)),
        ("archive.csv", True, (None, False, "a sub-folder; files in sub-folders are not read")),
    ],
)
def test_which_files_are_read(name, is_folder, kind):
    assert quality.landing_file_kind(name, is_folder) == kind


@pytest.mark.parametrize(
    "name", ["export.csv.gz", "EXPORT.CSV", "notes.txt", "archive/old.csv", ".DS_Store"]
)
def test_sample_if_empty_never_takes_a_folder_with_files_for_empty(tmp_path, name):
    """`make build` writes sample data only into an empty landing folder: a folder holding only
    gzip exports, upper-case names, unread files or files in a sub-folder is not empty, and
    writing sample data there is refused."""
    (tmp_path / "survey_responses").mkdir()
    assert landing_folder.inspect(tmp_path).kind == "empty"
    path = tmp_path / "survey_responses" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"x")
    assert landing_folder.inspect(tmp_path).kind == "other"
    with pytest.raises(landing_folder.LandingFolderError):
        landing_folder.check_sample_target(tmp_path)
    assert path.read_bytes() == b"x"


def rows_of(path: Path) -> tuple[list[str], list[dict]]:
    with open(path, newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames), list(reader)


def csv_bytes(header: list[str], rows: list[dict]) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=header, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


@pytest.fixture(scope="module")
def mixed_build(tmp_path_factory):
    """A small generated landing folder with: part of the responses gzip-compressed, a follow-up
    re-export named *.CSV, scores and timestamps wrapped in tabs and no-break spaces, files that
    are not read (text, spreadsheet, zip, compressed CSV of another kind, hidden files, a
    sub-folder), and one invitation sent too soon after the previous one (a cadence warning)."""
    raw = tmp_path_factory.mktemp("mixed") / "raw"
    generate(raw, seed=3, scale=0.2)
    responses = raw / "survey_responses"
    main = responses / "survey_responses_20260630.csv"
    header, rows = rows_of(main)
    re_exported = {row["response_id"] for row in rows_of(responses / REEXPORT)[1]}
    fresh = [i for i, row in enumerate(rows[:-300]) if row["response_id"] not in re_exported][:4]
    rows[fresh[0]]["score"] = "\t7\t"
    rows[fresh[1]]["score"] = "\u00a08\u202f"
    rows[fresh[2]]["updated_at"] = "\u2007" + rows[fresh[2]]["updated_at"] + "\r\n"
    rows[fresh[3]]["response_id"] = "\ufeff" + rows[fresh[3]]["response_id"] + "\u3000"
    main.write_bytes(csv_bytes(header, rows[:-300]))
    (responses / "survey_responses_part2.csv.gz").write_bytes(
        gzip.compress(csv_bytes(header, rows[-300:]))
    )
    followups = raw / "loop_followups"
    (followups / "loop_followups_20260630_reexport.csv").rename(
        followups / "loop_followups_20260630_reexport.CSV"
    )
    (responses / "notes.txt").write_text("exported by hand\n")
    (responses / "survey_responses.xlsx").write_bytes(b"PK\x03\x04 not really a spreadsheet")
    (responses / "survey_responses.zip").write_bytes(b"PK\x05\x06" + bytes(18))
    (responses / "survey_responses.csv.zst").write_bytes(b"\x28\xb5\x2f\xfd")
    (responses / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1")
    (responses / "._survey_responses_20260630.csv").write_bytes(b"\x00\x05\x16\x07\xff\xfe")
    (responses / "old").mkdir()
    shutil.copy(responses / REEXPORT, responses / "old")
    (raw / "support_tickets" / "tickets.parquet.bak").write_bytes(b"PAR1")

    invitations = raw / "survey_invitations"
    invitation_header, invitation_rows = rows_of(invitations / "survey_invitations_20260630.csv")
    first = min(
        (row for row in invitation_rows if row["survey_type"] == "relationship"),
        key=lambda row: row["sent_at"],
    )
    sent = (pd.Timestamp(first["sent_at"]) + pd.Timedelta(days=3)).strftime("%Y-%m-%dT%H:%M:%SZ")
    too_soon = {**first, "invitation_id": "INV-TOO-SOON", "sent_at": sent, "updated_at": sent}
    (invitations / "survey_invitations_manual.csv").write_bytes(
        csv_bytes(invitation_header, [too_soon])
    )
    build = run_build(raw, tmp_path_factory.mktemp("mixed_build"))
    assert build.returncode == 0, build.output[-5000:]
    return (
        build,
        first["contact_id"],
        [quality.strip_whitespace(rows[i]["response_id"]) for i in fresh],
    )


@pytest.mark.build
def test_unread_files_are_named_by_both_sides_alike(mixed_build):
    build, _, _ = mixed_build
    by_side: dict[bool, set] = {True: set(), False: set()}
    for line in build.output.splitlines():
        found = UNREAD.search(line.strip())
        if found:
            by_side[bool(found.group(1))].add(found.groups()[1:])
    subfolder = "a sub-folder; files in sub-folders are not read"
    assert by_side[False] == {
        ("survey_responses", "notes.txt", NOT_A_DATA_FILE),
        ("survey_responses", "survey_responses.xlsx", NOT_A_DATA_FILE),
        ("survey_responses", "survey_responses.zip", NOT_A_DATA_FILE),
        ("survey_responses", "survey_responses.csv.zst", NOT_A_DATA_FILE),
        ("survey_responses", ".DS_Store", "a hidden file"),
        ("survey_responses", "._survey_responses_20260630.csv", "a hidden file"),
        ("survey_responses", "old/", subfolder),
        ("support_tickets", "tickets.parquet.bak", NOT_A_DATA_FILE),
    }
    assert by_side[True] == by_side[False]  # dbt's log names the same files


@pytest.mark.build
def test_csv_gz_and_upper_case_csv_are_read_and_conserved(mixed_build):
    build, _, _ = mixed_build
    files = build.query(
        "select _file_name, count(*) as n from staging.base_survey__responses_validated "
        "group by 1 order by 1"
    )
    assert dict(zip(files._file_name, files.n, strict=True))["survey_responses_part2.csv.gz"] == 300
    followups = build.query(
        "select count(*) as n from staging.base_loop__followups_validated "
        "where _file_name = 'loop_followups_20260630_reexport.CSV'"
    )
    assert followups.n[0] > 0
    counts = build.query("select * from audit.landing_row_counts where entity = 'survey_responses'")
    responses = build.raw_dir / "survey_responses"
    written = 300 + sum(
        len(rows_of(responses / f"survey_responses_20260630{part}.csv")[1])
        for part in ("", "_reexport")
    )
    assert counts.raw_rows[0] == written
    assert counts.raw_rows[0] == (
        counts.staged_rows[0] + counts.superseded_rows[0] + counts.quarantined_rows[0]
    )


@pytest.mark.build
def test_whitespace_around_values_is_trimmed_by_dbt_and_the_landing_check(mixed_build):
    """A score in tabs or no-break spaces, an updated_at after a figure space and before CRLF, an
    id in a byte-order mark and an ideographic space: staged by dbt, accepted by the landing check."""
    build, _, ids = mixed_build
    staged = build.query(
        "select response_id, score, row_status from staging.base_survey__responses_validated "
        "where _file_name = 'survey_responses_20260630.csv' "
        f"and response_id in ({', '.join(repr(i) for i in ids)})"
    ).set_index("response_id")
    assert sorted(staged.index) == sorted(ids)
    assert set(staged.row_status) == {"staged"}, staged
    assert staged.loc[ids[0], "score"] == 7
    assert staged.loc[ids[1], "score"] == 8
    assert "fail 'score parses'" not in build.output
    assert "fail 'updated_at parses'" not in build.output


@pytest.mark.build
def test_warnings_name_their_offenders(mixed_build):
    build, contact_id, _ = mixed_build
    output = build.output
    assert "dbt warning assert_contacts_not_invited_within_min_gap: 1 row(s):" in output
    shown = output.split("dbt warning assert_contacts_not_invited_within_min_gap")[1]
    assert f"contact_id={contact_id}" in shown.splitlines()[1]
    assert "invitation_id=INV-TOO-SOON" in shown.splitlines()[1]


# --------------------------------------------------------------------------------------
# Two columns for one contract name stop the build (CSV and Parquet, both sides)
# --------------------------------------------------------------------------------------


@pytest.fixture
def duplicate_headers(tmp_path) -> Path:
    """survey_invitations.csv: a BOM, then 'Channel' and '\\tCHANNEL\\u00a0'; survey_responses as
    Parquet with 'score' twice."""
    raw = tmp_path / "raw"
    shutil.copytree(HEADER_ONLY, raw)
    invitations = raw / "survey_invitations" / "survey_invitations.csv"
    text = invitations.read_text(encoding="utf-8").lstrip("\ufeff")
    invitations.write_text(
        "\ufeff" + text.replace("channel", "Channel,\tCHANNEL\u00a0", 1), encoding="utf-8"
    )
    (raw / "survey_responses" / "survey_responses.csv").unlink()
    columns = list(LANDING_CONTRACT["survey_responses"])
    names = [*columns[:5], "score", *columns[5:]]
    pq.write_table(
        pa.table([pa.array(["x"]) for _ in names], names=names),
        raw / "survey_responses" / "survey_responses.parquet",
    )
    return raw


CHANNEL_TWICE = (
    "survey_invitations.csv has two columns for the contract column 'channel': "
    "'Channel' and '\tCHANNEL\u00a0'"
)
SCORE_TWICE = (
    "survey_responses.parquet has two columns for the contract column 'score': 'score' and 'score'"
)


@pytest.mark.build
def test_two_columns_for_one_contract_name_stop_before_dbt(duplicate_headers, tmp_path):
    build = run_build(duplicate_headers, tmp_path / "build")
    assert build.returncode == 1
    assert CHANNEL_TWICE in build.output
    assert SCORE_TWICE in build.output
    assert "Running with dbt" not in build.output
    assert "Traceback" not in build.output


@pytest.mark.build
def test_two_columns_for_one_contract_name_stop_dbt_alone(duplicate_headers, tmp_path):
    done = dbt(
        tmp_path / "dbt",
        duplicate_headers,
        "run",
        "--select",
        "base_survey__invitations",
        "base_survey__responses",
    )
    assert done.returncode != 0
    assert CHANNEL_TWICE in done.stdout
    assert SCORE_TWICE in done.stdout


# --------------------------------------------------------------------------------------
# Mart checks: every marts table, the finance columns
# --------------------------------------------------------------------------------------


def marts_columns(build) -> dict[str, dict[str, str]]:
    found = build.query(
        "select table_name, column_name, data_type from information_schema.columns "
        "where table_schema = 'marts' order by table_name, ordinal_position"
    )
    tables: dict[str, dict[str, str]] = {}
    for table, column, kind in found.itertuples(index=False):
        tables.setdefault(table, {})[column] = kind
    return tables


@pytest.mark.build
def test_every_marts_table_gets_expectations(sample_build):
    tables = marts_columns(sample_build)
    assert len(tables) >= 18
    unchecked = [t for t, c in tables.items() if not quality.mart_expectations(list(c), c)]
    assert unchecked == []
    assert f"Mart checks: {len(tables)} marts tables validated" in sample_build.output


def pairs(expectations) -> set[tuple[str, str]]:
    """(part, whole) of every 'part ≤ whole' expectation."""
    import great_expectations.expectations as gxe

    return {
        (e.column_B, e.column_A)
        for e in expectations
        if isinstance(e, gxe.ExpectColumnPairValuesAToBeGreaterThanB)
    }


@pytest.mark.build
def test_arr_at_risk_is_checked_on_the_finance_columns(sample_build):
    tables = marts_columns(sample_build)
    for table in ("mart_revenue_at_risk", "mart_revenue_at_risk_rollup"):
        columns = tables[table]
        found = pairs(quality.mart_expectations(list(columns), columns))
        for at_risk in ("expected_arr_at_risk_90d", "expected_arr_at_risk_365d",
                        "flat_rule_arr_at_risk_90d", "flat_rule_arr_at_risk_365d"):  # fmt: skip
            assert (at_risk, "arr_usd") in found, table
    rollup = tables["mart_revenue_at_risk_rollup"]
    assert ("expected_arr_at_risk_renewing_within_90d", "arr_renewing_within_90d") in pairs(
        quality.mart_expectations(list(rollup), rollup)
    )


@pytest.mark.build
def test_broken_finance_marts_fail_the_mart_checks(sample_build, tmp_path, monkeypatch):
    monkeypatch.setenv("NPS_GX_ROOT", str(tmp_path))
    copy = tmp_path / "nps.duckdb"
    shutil.copy(sample_build.duckdb_path, copy)
    with duckdb.connect(str(copy)) as connection:
        account = connection.sql(
            "select account_id from marts.mart_revenue_at_risk where arr_usd > 0 limit 1"
        ).fetchall()[0][0]
        connection.execute(
            "update marts.mart_revenue_at_risk set expected_arr_at_risk_90d = arr_usd * 2, "
            f"churn_probability_365d = 1.5 where account_id = '{account}'"
        )
        connection.execute("update marts.mart_churn_probabilities set churned_within_90d = -1")
        connection.execute("create table marts.mart_words as select 'a' as word")
    with pytest.raises(quality.QualityError) as failure:
        quality.check_marts(copy, PROJECT_DIR)
    message = str(failure.value)
    assert (
        "marts.mart_revenue_at_risk: expect_column_pair_values_a_to_be_greater_than_b "
        "{'column_A': 'arr_usd', 'column_B': 'expected_arr_at_risk_90d'" in message
    )
    assert "'column': 'churn_probability_365d'" in message
    assert "marts.mart_churn_probabilities: expect_column_values_to_be_between" in message
    assert "marts.mart_words: no expectation applies" in message
