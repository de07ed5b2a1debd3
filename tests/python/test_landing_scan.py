"""A landing folder of daily files: the files of an entity that share a header are read by one
scan, and every row still keeps its own file's name and row number (the bad-input suite's
helpers write the files). Its own file so that `make test` can run it beside the bad-input
suite (tests/run_all.py splits the suite by file)."""

from __future__ import annotations

import csv
import io
import re
import shutil

import pytest
from conftest import run_build
from test_bad_inputs import (
    HEADER_ONLY,
    RESPONSES_AS_READ,
    R,
    csv_text,
    responses_with_a_latin1_row,
)
from test_oracle import BASE

from nps_warehouse.contract import LANDING_CONTRACT


@pytest.mark.build
def test_daily_files_sharing_a_header_are_read_together_each_row_numbered_in_its_file(tmp_path):
    """A folder of daily files: the files that share a header are read by one multi-file scan
    (not one read per file, which made a folder of 1,100 daily files slow), and every row still
    gets its own file's name and row number: the same rows as reading each file alone. A file
    with its columns in another order is read on its own; an undecodable row in one file of a
    group is quarantined, numbered after that file's readable rows; Parquet files are grouped too."""
    import duckdb

    raw = tmp_path / "raw"
    shutil.copytree(HEADER_ONLY, raw)  # survey_responses.csv: the header only, same columns
    folder = raw / R

    def rows(ids):
        return [{**BASE[R][0], "response_id": id_} for id_ in ids]

    (folder / "survey_responses_20260101.csv").write_text(csv_text(R, rows(["R1", "R2"])))
    (folder / "survey_responses_20260102.csv").write_bytes(
        responses_with_a_latin1_row(["R3", "R4", "R5"], "R3")
    )
    reordered = io.StringIO()
    writer = csv.DictWriter(reordered, fieldnames=LANDING_CONTRACT[R][::-1], lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows(["R6"]))
    (folder / "survey_responses_20260103.csv").write_text(reordered.getvalue())
    for day, ids in (("20260104", ["R7", "R8"]), ("20260105", ["R9"])):
        text = tmp_path / f"{day}.csv"
        text.write_text(csv_text(R, rows(ids)))
        target = folder / f"survey_responses_{day}.parquet"
        duckdb.sql(
            f"copy (select * from read_csv('{text}', all_varchar = true)) to '{target}'"
            " (format parquet)"
        )

    build = run_build(raw, tmp_path / "build")
    assert build.returncode == 0, build.output[-5000:]
    assert "survey_responses_20260102.csv line 2 is not valid UTF-8" in build.output
    compiled = (
        tmp_path
        / "build/target/compiled/nps_warehouse/models/staging/survey/base"
        / "base_survey__responses.sql"
    ).read_text()
    one_scan = re.compile(r"read_csv\(\[[^\]]*_20260101\.csv'[^\]]*_20260102\.csv'[^\]]*\]")
    assert one_scan.search(compiled), "the CSV files sharing a header are not read in one scan"
    assert re.search(r"read_parquet\(\[[^\]]*_20260104[^\]]*_20260105[^\]]*\]", compiled)
    assert build.query(RESPONSES_AS_READ).values.tolist() == [
        ["survey_responses_20260101.csv", 1, "-", "R1"],
        ["survey_responses_20260101.csv", 2, "-", "R2"],
        ["survey_responses_20260102.csv", 1, "-", "R4"],
        ["survey_responses_20260102.csv", 2, "-", "R5"],
        ["survey_responses_20260102.csv", 3, "invalid_utf8", "-"],
        ["survey_responses_20260103.csv", 1, "-", "R6"],
        ["survey_responses_20260104.parquet", 1, "-", "R7"],
        ["survey_responses_20260104.parquet", 2, "-", "R8"],
        ["survey_responses_20260105.parquet", 1, "-", "R9"],
    ]
