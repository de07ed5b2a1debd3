"""Writers: tables to CSV or Parquet landing files, and clearing a landing folder."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from nps_warehouse import landing_folder


def write_table(table: pa.Table, path: Path) -> None:
    """CSV (header, UTF-8, RFC 4180 quoting, blanks empty) or Parquet, by file suffix."""
    if path.suffix == ".parquet":
        pq.write_table(table, path)
    else:
        options = pacsv.WriteOptions(quoting_style="needed", quoting_header="none")
        pacsv.write_csv(table, path, write_options=options)


def clear_landing(out: Path) -> None:
    """Delete the sample files a previous run wrote (the marker lists them), nothing else; refuse
    (LandingFolderError) a folder holding any other file."""
    landing_folder.remove_sample_files(out)
