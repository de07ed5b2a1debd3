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


def csv_options() -> pacsv.WriteOptions:
    """The landing CSV dialect write_table uses (header row unquoted, fields quoted as needed)."""
    return pacsv.WriteOptions(quoting_style="needed", quoting_header="none")


class PieceWriter:
    """One landing file written piece by piece (a chunk of accounts at a time): CSV with one
    header row, or Parquet with a row group per piece. Opened on the first piece."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.writer: pq.ParquetWriter | pacsv.CSVWriter | None = None

    def write(self, table: pa.Table) -> None:
        if self.writer is None:
            if self.path.suffix == ".parquet":
                self.writer = pq.ParquetWriter(self.path, table.schema)
            else:
                self.writer = pacsv.CSVWriter(self.path, table.schema, write_options=csv_options())
        self.writer.write_table(table)

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            self.writer = None
