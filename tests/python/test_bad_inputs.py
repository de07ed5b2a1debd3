"""The bad-input suite: every case is a landing folder with an exact expected outcome.

Row-level cases share ONE landing folder, each in its own id space (every id suffixed ``#<case>``,
special files named ``case_<n>_<kind>.csv``, sorting after ``all_cases.csv``), built once with the real `nps-build`. A case's
outcome is asserted exactly: the quarantine rows it owns (entity, raw id, reason) and, where the
row is kept, what it became. Cases that must stop the build each get their own (small) build.
On every build the totals add up: rows written = raw = staged + superseded + quarantined.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
import yaml
from conftest import PROJECT_DIR, run_build
from test_oracle import BASE, base

from nps_warehouse.contract import LANDING_CONTRACT

AS_OF = "2026-06-30"
HEADER_ONLY = PROJECT_DIR / "tests" / "fixtures" / "landing_header_only"
LONG_COMMENT = ("Slow tickets, slow answers; still a fair price. " * 220)[:10240]
R, I, C, A, T = (
    "survey_responses",
    "survey_invitations",
    "crm_contacts",
    "crm_accounts",
    "support_tickets",
)


def change(entity: str, **values) -> Callable[[dict], None]:
    """Set values on the base row of ``entity``."""
    return lambda tables: tables[entity][0].update(values)


def second_version(entity: str, **values) -> Callable[[dict], None]:
    """Add a second version of the base row of ``entity`` with other values."""
    return lambda tables: tables[entity].append({**tables[entity][0], **values})


def no_response(tables: dict) -> None:
    tables[R] = []


@dataclass
class Case:
    name: str
    edit: Callable[[dict], None] = lambda tables: None
    quarantined: dict = field(default_factory=dict)  # {(entity, base raw id or None): reason}
    in_fct: bool | None = None  # R1 in fct_nps_responses; default: not quarantined
    special: str | None = None  # how the case's survey_responses file is written
    keep_tickets: bool = False
    staged: dict = field(default_factory=dict)  # {(model, id column, base id, column): value}
    # {(entity, base raw id, column): reason} expected in audit.value_problems
    value_problems: dict = field(default_factory=dict)


CASES = [
    Case("score 11", change(R, score="11"), {(R, "R1"): "score_out_of_range"}),
    Case("score -1", change(R, score="-1"), {(R, "R1"): "score_out_of_range"}),
    Case("score 7.5", change(R, score="7.5"), {(R, "R1"): "invalid_score"}),
    Case("score 'ten'", change(R, score="ten"), {(R, "R1"): "invalid_score"}),
    Case("score blank", change(R, score="  "), {(R, "R1"): "missing_score"}),
    Case("response id blank", change(R, response_id=" "), {(R, None): "missing_id"}, in_fct=False),
    Case("contact id blank", change(C, contact_id=""), {
        (C, None): "missing_id",
        (I, "I1"): "unknown_contact",
        (R, "R1"): "invitation_quarantined",
    }),
    Case(
        "duplicate id, different content: latest updated_at wins",
        second_version(R, score="3", updated_at="2026-01-12T00:00:00+01:00"),
        staged={("core.fct_nps_responses", "response_id", "R1", "score"): 3},
    ),
    Case(
        "duplicate id, same updated_at: the file sorting last wins",
        second_version(R, score="4"),
        special="tie_in_later_file",
        staged={("core.fct_nps_responses", "response_id", "R1", "score"): 4},
    ),
    Case(
        "duplicate id, newest version bad: quarantined, no fallback",
        second_version(R, score="12", updated_at="2026-02-01T00:00:00Z"),
        {(R, "R1"): "score_out_of_range"},
    ),
    Case("timestamp unparseable", change(R, responded_at="11/01/2026 10:00"),
         {(R, "R1"): "invalid_responded_at"}),
    Case("timestamp impossible", change(R, responded_at="2026-02-30T10:00:00Z"),
         {(R, "R1"): "invalid_responded_at"}),
    Case("updated_at unparseable", change(R, updated_at="yesterday"),
         {(R, "R1"): "invalid_updated_at"}),
    Case(
        "response in the future of as_of: staged, out of scope",
        change(R, responded_at="2026-07-05T00:00:00Z", updated_at="2026-07-05T00:00:00Z"),
        in_fct=False,
        staged={("staging.stg_survey__responses", "response_id", "R1", "score"): 9},
    ),
    Case(
        "offset across a month boundary: UTC month",
        lambda t: (
            t[I][0].update(sent_at="2026-01-31T20:00:00Z"),
            t[R][0].update(responded_at="2026-02-01T00:30:00+01:00"),
        ),
        staged={("core.fct_nps_responses", "response_id", "R1", "response_month"): "2026-01-01"},
    ),
    Case("response before its invitation", change(R, responded_at="2026-01-10T00:59:00+01:00"),
         {(R, "R1"): "response_before_invitation"}),
    Case("unknown invitation", change(R, invitation_id="I9"), {(R, "R1"): "unknown_invitation"}),
    Case("unknown contact", change(R, contact_id="C9"), {(R, "R1"): "unknown_contact"}),
    Case("unknown account", change(C, account_id="A9"), {
        (C, "C1"): "unknown_account",
        (I, "I1"): "contact_quarantined",
        (R, "R1"): "invitation_quarantined",
    }),
    Case("ticket solved before created: staged, solve time unusable",
         change(T, solved_at="2026-01-04T23:00:00Z"), keep_tickets=True,
         value_problems={(T, "T1", "solved_at"): "solved_before_created"},
         staged={("core.fct_support_tickets", "ticket_id", "T1", "solved_at"): None,
                 ("core.fct_support_tickets", "ticket_id", "T1", "has_unusable_values"): "true",
                 ("core.fct_support_tickets", "ticket_id", "T1", "is_resolution_sla_breached"): None}),
    Case("negative ARR: the account stays, its ARR is unknown", change(A, arr="-1200"),
         value_problems={(A, "A1", "arr"): "negative_arr"},
         staged={("core.dim_accounts", "account_id", "A1", "arr_usd"): None}),
    Case("non-numeric ARR", change(A, arr="12k"),
         value_problems={(A, "A1", "arr"): "invalid_arr"},
         staged={("core.dim_accounts", "account_id", "A1", "arr_usd"): None}),
    Case("ARR with thousands separators: no cascade to contacts, invitations, responses",
         change(A, arr="210,000.00"),
         value_problems={(A, "A1", "arr"): "invalid_arr"},
         staged={("core.dim_accounts", "account_id", "A1", "arr_usd"): None,
                 ("core.dim_accounts", "account_id", "A1", "region"): "EMEA",
                 ("marts.mart_revenue_at_risk", "account_id", "A1", "is_arr_missing"): "true",
                 ("marts.mart_revenue_at_risk", "account_id", "A1", "expected_arr_at_risk_90d"): None,
                 ("core.fct_nps_responses", "response_id", "R1", "score"): 9}),
    Case("unknown currency", change(A, currency="XYZ"),
         value_problems={(A, "A1", "currency"): "unknown_currency"},
         staged={("core.dim_accounts", "account_id", "A1", "arr_usd"): None}),
    Case("employee count and churn date unparseable: both nulled, account kept",
         change(A, employee_count="about 50", churned_at="last spring"),
         value_problems={(A, "A1", "employee_count"): "invalid_employee_count",
                         (A, "A1", "churned_at"): "invalid_churned_at"},
         staged={("core.dim_accounts", "account_id", "A1", "employee_count"): None}),
    Case("role not in the contract: contact kept, role unknown", change(C, role="manager"),
         value_problems={(C, "C1", "role"): "invalid_role"},
         staged={("core.dim_contacts", "contact_id", "C1", "role"): None,
                 ("core.fct_nps_responses", "response_id", "R1", "respondent_role"): "unknown"}),
    Case("reopened count and downtime unparseable: ticket kept",
         change(T, reopened_count="twice", downtime_minutes="-5"), keep_tickets=True,
         value_problems={(T, "T1", "reopened_count"): "invalid_reopened_count",
                         (T, "T1", "downtime_minutes"): "invalid_downtime_minutes"},
         staged={("core.fct_support_tickets", "ticket_id", "T1", "reopened_count"): None}),
    Case(
        "role and enum spellings in any case and spacing",
        lambda t: (
            t[C][0].update(role="  DECISION-maker "),
            t[I][0].update(survey_type=" TRANSACTIONAL", channel="E_Mail "),
        ),
        staged={
            ("core.dim_contacts", "contact_id", "C1", "role"): "decision_maker",
            ("core.fct_survey_invitations", "invitation_id", "I1", "survey_type"): "transactional",
            ("core.fct_nps_responses", "response_id", "R1", "respondent_role"): "decision_maker",
        },
    ),
    Case(
        "comment with commas and quotes",
        change(R, comment='Fast, cheap, "good"; they said "ok", twice'),
        staged={("core.fct_nps_responses", "response_id", "R1", "comment"):
                'Fast, cheap, "good"; they said "ok", twice'},
    ),
    Case(
        "comment with newlines",
        change(R, comment="line one\nline two\r\nline three"),
        staged={("core.fct_nps_responses", "response_id", "R1", "comment"):
                "line one\nline two\r\nline three"},
    ),
    Case(
        "comment with emoji and accents",
        change(R, comment="Love it 😀👍🏽 — très bien, 很好"),
        staged={("core.fct_nps_responses", "response_id", "R1", "comment"):
                "Love it 😀👍🏽 — très bien, 很好"},
    ),
    Case(
        "comment of 10 kB",
        change(R, comment=LONG_COMMENT),
        staged={("core.fct_nps_responses", "response_id", "R1", "comment"): LONG_COMMENT.strip()},
    ),
    Case("comment with invalid UTF-8", change(R, comment="café"), {(R, None): "invalid_utf8"},
         in_fct=False, special="latin1"),
    Case("empty file (0 bytes)", no_response, in_fct=False, special="empty"),
    Case("header-only file", no_response, in_fct=False, special="header_only"),
    Case("extra column", special="extra_column",
         staged={("core.fct_nps_responses", "response_id", "R1", "score"): 9}),
    Case("Windows line endings", change(R, comment="crlf"), special="crlf",
         staged={("core.fct_nps_responses", "response_id", "R1", "comment"): "crlf"}),
    Case("file with a BOM", special="bom",
         staged={("core.fct_nps_responses", "response_id", "R1", "score"): 9}),
    Case("header in other case and spacing", special="header_case",
         staged={("core.fct_nps_responses", "response_id", "R1", "score"): 9}),
]  # fmt: skip


def csv_text(entity: str, rows: list[dict], extra: tuple[str, ...] = ()) -> str:
    """RFC 4180 text with the entity's contract header (plus ``extra`` columns)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(
        buffer, fieldnames=[*LANDING_CONTRACT[entity], *extra], restval="", lineterminator="\n"
    )
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def suffixed(rows: list[dict], case: int) -> list[dict]:
    """Every non-blank ``*_id`` value suffixed ``#<case>``."""
    return [
        {k: f"{v}#{case}" if k.endswith("_id") and v.strip() else v for k, v in row.items()}
        for row in rows
    ]


def special_file(kind: str, rows: list[dict]) -> tuple[str, bytes]:
    """(file name suffix, bytes) of a survey_responses file written the ``kind`` way."""
    text = csv_text(R, rows)
    return {
        "empty": ("empty.csv", b""),
        "header_only": ("header_only.csv", text.encode()),
        "extra_column": (
            "extra_column.csv",
            csv_text(R, [{**row, "nps_channel": "web"} for row in rows], ("nps_channel",)).encode(),
        ),
        "crlf": ("crlf.csv", text.replace("\n", "\r\n").encode()),
        "bom": ("bom.csv", ("\ufeff" + text).encode()),
        "latin1": ("latin1.csv", text.encode("latin-1")),
        "tie_in_later_file": ("tie.csv", text.encode()),
        "header_case": (
            "header_case.csv",
            text.replace("response_id,", " Response_ID ,", 1).replace("score", "SCORE", 1).encode(),
        ),
    }[kind]


def write_cases(root) -> Counter:
    """Writes every case into one landing folder; returns the data rows written per entity."""
    combined: dict[str, list[dict]] = {entity: [] for entity in LANDING_CONTRACT}
    written: Counter = Counter()
    for entity in LANDING_CONTRACT:
        (root / entity).mkdir(parents=True)
    for number, case in enumerate(CASES):
        tables = base()
        if not case.keep_tickets:
            tables[T] = []
        tables["loop_followups"] = []
        case.edit(tables)
        for entity, rows in tables.items():
            rows = suffixed(rows, number)
            if entity == R and case.special:
                if case.special == "tie_in_later_file":
                    combined[R] += rows[:1]
                    written[R] += 1
                    rows = rows[1:]
                elif case.special in ("empty", "header_only"):
                    rows = []
                name, content = special_file(case.special, rows)
                (root / R / f"case_{number:02d}_{name}").write_bytes(content)
                written[R] += len(rows)
            else:
                combined[entity] += rows
                written[entity] += len(rows)
    for entity, rows in combined.items():
        (root / entity / "all_cases.csv").write_text(csv_text(entity, rows), encoding="utf-8")
    return written


@pytest.fixture(scope="module")
def cases_build(tmp_path_factory):
    root = tmp_path_factory.mktemp("bad_inputs")
    written = write_cases(root / "raw")
    # Most rows here are bad on purpose: the landing checks warn instead of stopping.
    config = yaml.safe_load((PROJECT_DIR / "quality.yml").read_text())
    config["landing"]["max_bad_share"] = 1.0
    (root / "quality.yml").write_text(yaml.safe_dump(config))
    build = run_build(
        root / "raw",
        root / "build",
        "--as-of",
        AS_OF,
        env={"NPS_QUALITY_CONFIG": str(root / "quality.yml")},
    )
    assert build.returncode == 0, build.output[-5000:]
    assert "Traceback" not in build.output
    return build, written


def own_id(raw_id, number: int) -> str | None:
    """The base id of a case's raw id (None for a blank id)."""
    return raw_id.removesuffix(f"#{number}") if isinstance(raw_id, str) else None


def case_of(row) -> int:
    """The case a quarantine row belongs to: its id suffix, else its file name."""
    found = re.search(r"#(\d+)", f"{row.raw_id} {row.raw_values}") or re.match(
        r"case_(\d+)_", row.source_file_name
    )
    return int(found.group(1))


@pytest.mark.build
def test_totals_add_up_and_nothing_is_lost(cases_build):
    build, written = cases_build
    counts = build.query("select * from audit.landing_row_counts").set_index("entity")
    for entity in LANDING_CONTRACT:
        row = counts.loc[entity]
        assert row.raw_rows == written[entity], entity
        assert row.raw_rows == row.staged_rows + row.superseded_rows + row.quarantined_rows, entity


@pytest.mark.build
@pytest.mark.parametrize("number", range(len(CASES)), ids=[case.name for case in CASES])
def test_case_outcome(cases_build, number):
    build, _ = cases_build
    case = CASES[number]
    quarantine = build.query("select * from audit.quarantine_rows")
    own = {
        (row.entity, own_id(row.raw_id, number)): row.reason
        for row in quarantine.itertuples()
        if case_of(row) == number
    }
    assert own == case.quarantined
    assert len([row for row in quarantine.itertuples() if case_of(row) == number]) == len(own)
    in_fct = case.in_fct if case.in_fct is not None else (R, "R1") not in case.quarantined
    responses = build.query(
        f"select count(*) as n from core.fct_nps_responses where response_id = 'R1#{number}'"
    )
    assert responses.n[0] == (1 if in_fct else 0)
    for (model, id_column, raw_id, column), expected in case.staged.items():
        values = build.query(
            f"select cast({column} as varchar) as v from {model} "
            f"where {id_column} = '{raw_id}#{number}'"
        ).v.tolist()
        assert values == [None if expected is None else str(expected)], (model, column)
    problems = build.query("select * from audit.value_problems")
    own_problems = {
        (row.entity, own_id(row.raw_id, number), row.column_name): row.reason
        for row in problems.itertuples()
        if row.raw_id.endswith(f"#{number}")
    }
    assert own_problems == case.value_problems


@pytest.mark.build
def test_superseded_versions_are_counted_once(cases_build):
    build, _ = cases_build
    statuses = build.query(
        "select response_id, row_status from staging.base_survey__responses_validated "
        "where response_id in ('R1#7', 'R1#8', 'R1#9')"
    )
    assert sorted(map(tuple, statuses.values.tolist())) == [
        ("R1#7", "staged"),
        ("R1#7", "superseded"),
        ("R1#8", "staged"),
        ("R1#8", "superseded"),
        ("R1#9", "quarantined"),
        ("R1#9", "superseded"),
    ]


# --------------------------------------------------------------------------------------
# Cases that stop the build: each one a small landing folder of its own
# --------------------------------------------------------------------------------------


def header_only_with(tmp_path, entity: str, content: bytes):
    raw = tmp_path / "raw"
    shutil.copytree(HEADER_ONLY, raw)
    (raw / entity / f"{entity}.csv").write_bytes(content)
    return raw


STOPPING = {
    "column renamed": (
        csv_text(R, []).replace("responded_at", "response_time").encode(),
        ["survey_responses.csv lacks the column(s) responded_at", "Rename or add the column"],
    ),
    "missing column": (
        csv_text(R, []).replace(",tags", "").encode(),
        ["survey_responses.csv lacks the column(s) tags", "Rename or add the column"],
    ),
    "unterminated quote": (
        (csv_text(R, []) + 'R1,I1,K1,C1,9,"never closed,,2026-01-11,2026-01-11\n').encode(),
        ["Landing file", "survey_responses.csv cannot be read", "re-export the file"],
    ),
    "wrong number of fields": (
        (csv_text(R, []) + "R1,I1,K1,C1,9,ok,,2026-01-11,2026-01-11,surplus\n").encode(),
        ["survey_responses.csv cannot be read at line 2", "re-export the file"],
    ),
}


@pytest.mark.build
@pytest.mark.parametrize("name", list(STOPPING))
def test_unreadable_files_stop_with_an_actionable_message(tmp_path, name):
    content, messages = STOPPING[name]
    build = run_build(header_only_with(tmp_path, R, content), tmp_path / "build")
    assert build.returncode == 1
    for message in messages:
        assert message in build.output
    assert "Traceback" not in build.output
    assert "Running with dbt" not in build.output  # the landing checks stopped it before dbt


def test_base_rows_are_valid():
    """The unchanged base row of every entity is valid (else cases would test nothing)."""
    assert set(BASE) == set(LANDING_CONTRACT)


# --------------------------------------------------------------------------------------
# Too many bad rows; undecodable lines found at run time, not compiled in
# --------------------------------------------------------------------------------------

TOO_MANY_BAD = csv_text(
    R, [{**BASE[R][0], "response_id": f"B{i}", "score": "11"} for i in range(20)]
).encode()


def responses_with_a_latin1_row(ids: list[str], bad: str) -> bytes:
    """A survey_responses file of one base row per id, the row of id ``bad`` written in Latin-1
    (its comment's 'é' is not valid UTF-8); every other row UTF-8."""
    header, *lines = csv_text(
        R,
        [
            {**BASE[R][0], "response_id": id_, "comment": "café" if id_ == bad else "ok"}
            for id_ in ids
        ],
    ).splitlines(keepends=True)
    return header.encode() + b"".join(
        line.encode("latin-1" if f"{bad}," in line else "utf-8") for line in lines
    )


# The responses of the files named survey_responses*, as the landing model read them: file, row
# number in its file, read problem, id.
RESPONSES_AS_READ = (
    "select _file_name, _row_number, coalesce(_read_problem, '-'), coalesce(response_id, '-')"
    " from staging.base_survey__responses where _file_name like 'survey_responses%'"
    " order by all"
)


@pytest.fixture(scope="module")
def problem_rows_build(tmp_path_factory):
    """One nps-build, shipped quality.yml, of the header-only folder plus two response files:
    survey_responses.csv (four rows, the third in Latin-1) and bad_scores.csv (20 rows scoring
    11, far over max_bad_share). Returns (landing folder, work folder, the build)."""
    root = tmp_path_factory.mktemp("problem_rows")
    raw = header_only_with(root, R, responses_with_a_latin1_row(["R1", "R2", "R3", "R4"], "R3"))
    (raw / R / "bad_scores.csv").write_bytes(TOO_MANY_BAD)
    build = run_build(raw, root / "build")
    assert build.returncode == 0, build.output[-5000:]
    return raw, root / "build", build


@pytest.mark.build
def test_too_many_bad_rows_warn_by_default_and_stop_when_configured(problem_rows_build, tmp_path):
    """Over max_bad_share the shipped config warns and the build goes on, the bad rows
    quarantined; severity error stops before dbt with the counts."""
    raw, _, default = problem_rows_build
    assert re.search(
        r"survey_responses: 20 of \d+ rows \([\d.]+%\) fail 'score parses'", default.output
    ), default.output[-3000:]
    quarantined = default.query(
        "select reason, count(*) as n from audit.quarantine_rows"
        " where source_file_name = 'bad_scores.csv' group by reason"
    )
    assert quarantined.to_dict("records") == [{"reason": "score_out_of_range", "n": 20}]

    strict = yaml.safe_load((PROJECT_DIR / "quality.yml").read_text())
    strict["landing"]["severity"]["bad_rows_over_threshold"] = "error"
    (tmp_path / "strict.yml").write_text(yaml.safe_dump(strict))
    stopped = run_build(
        raw, tmp_path / "strict", env={"NPS_QUALITY_CONFIG": str(tmp_path / "strict.yml")}
    )
    assert stopped.returncode == 1
    assert "max_bad_share 5%" in stopped.output
    assert "Traceback" not in stopped.output
    assert "Running with dbt" not in stopped.output


@pytest.mark.build
def test_undecodable_lines_are_found_at_run_time_not_compiled_in(problem_rows_build):
    """The landing model's compiled SQL reads the undecodable rows from the temp table its
    pre-hook filled (no line number is compiled in); the row is still quarantined as invalid_utf8,
    numbered after the file's readable rows, and the log names the file and line. An incremental
    build scans only the new file. (It adds a file to the shared build's folder: the last test of
    this module to use it.)"""
    raw, work, build = problem_rows_build
    compiled_models = work / "target" / "compiled" / "nps_warehouse" / "models"
    compiled = (compiled_models / "staging/survey/base/base_survey__responses.sql").read_text()
    assert "nps_undecodable_survey_responses" in compiled
    assert "'invalid_utf8'" in compiled  # one branch, whatever the file holds
    assert "cast(4 as" not in compiled  # the undecodable row's number is not compiled in
    assert "survey_responses.csv line 4 is not valid UTF-8; quarantined as invalid_utf8" in (
        build.output
    )
    read = RESPONSES_AS_READ
    assert build.query(read).values.tolist() == [
        ["survey_responses.csv", 1, "-", "R1"],
        ["survey_responses.csv", 2, "-", "R2"],
        ["survey_responses.csv", 3, "-", "R4"],
        ["survey_responses.csv", 4, "invalid_utf8", "-"],
    ]
    quarantined = build.query(
        "select source_file_name, reason from audit.quarantine_rows where reason = 'invalid_utf8'"
    )
    assert quarantined.values.tolist() == [["survey_responses.csv", "invalid_utf8"]]

    (raw / R / "survey_responses_2.csv").write_bytes(
        responses_with_a_latin1_row(["R5", "R6"], "R5")
    )
    again = run_build(raw, work)
    assert again.returncode == 0, again.output[-5000:]
    assert "survey_responses_2.csv line 2 is not valid UTF-8" in again.output
    assert "survey_responses.csv line 4" not in again.output  # a file read before is not scanned
    assert again.query(read).values.tolist()[-2:] == [
        ["survey_responses_2.csv", 1, "-", "R6"],
        ["survey_responses_2.csv", 2, "invalid_utf8", "-"],
    ]
