"""Writers: tables to CSV or Parquet landing files, and clearing a landing folder."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from nps_warehouse.generate.vocabulary import ENTITY_COLUMNS, MANIFEST_NAME


def write_table(table: pa.Table, path: Path) -> None:
    """CSV (header, UTF-8, RFC 4180 quoting, blanks empty) or Parquet, by file suffix."""
    if path.suffix == ".parquet":
        pq.write_table(table, path)
    else:
        options = pacsv.WriteOptions(quoting_style="needed", quoting_header="none")
        pacsv.write_csv(table, path, write_options=options)


def clear_landing(out: Path) -> None:
    """Delete the files inside the six entity folders (nothing else) and the manifest."""
    for entity in ENTITY_COLUMNS:
        folder = out / entity
        if folder.is_dir():
            for path in sorted(folder.iterdir()):
                if path.is_file() or path.is_symlink():
                    path.unlink()
    (out / MANIFEST_NAME).unlink(missing_ok=True)
