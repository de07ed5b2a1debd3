"""The generator's output pinned byte for byte: one sha256 per sample over its landing files.

Pinned: every entity file and the bad-row manifest (``_expected_quarantine.csv``); not the
``_SAMPLE_DATA`` marker, whose wording may change without changing the data.  The digest
is the sha256 of the lines ``<relative path> <sha256 of the file>``, in path order.

The Parquet files embed the writer's version (``parquet-cpp-arrow version X``), so the
``mixed`` pin also holds pyarrow to the version in constraints.txt.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from nps_warehouse.contract import LANDING_CONTRACT
from nps_warehouse.generate import MANIFEST_NAME, generate

# name -> (generate() arguments, pinned digest)
# The clean pins are the digests the samples had before the integrity problems were planted: the
# planting draws from its own random stream, so switching it off changes nothing else.
PINS = {
    "default": (
        {},  # the sample `make sample` writes: seed 42, scale 1, CSV, no bad rows
        "317c3522fe0cfd7c9a6dc83a551f8af1dfc3e712615cb2a265c6e98389a958c4",
    ),
    "mixed_bad_rows": (
        {"seed": 7, "scale": 0.6, "fmt": "mixed", "bad_share": 0.02},  # the warehouse tests' data
        "650651fc41409de9105a62920e01331cfa5a56ed8ce77d77f414c2a6f089f952",
    ),
    "default_clean": (
        {"integrity_problems": False},
        "2895dc85feace3a0aceb94cfd9cdd31627fbf707a286227a20c9cd6ac93d9fe7",
    ),
    "mixed_bad_rows_clean": (
        {"seed": 7, "scale": 0.6, "fmt": "mixed", "bad_share": 0.02, "integrity_problems": False},
        "75fe40099f173e5be319dec21268eff64c3b888059e1aa6369fb5501b84b577e",
    ),
}


def pinned_files(root: Path) -> dict[str, str]:
    """sha256 of each entity file and of the manifest, by path relative to ``root``."""
    paths = [p for entity in LANDING_CONTRACT for p in (root / entity).iterdir() if p.is_file()]
    if (root / MANIFEST_NAME).exists():
        paths.append(root / MANIFEST_NAME)
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(paths)
    }


@pytest.mark.parametrize("name", PINS)
def test_output_matches_the_pinned_checksum(tmp_path: Path, name: str) -> None:
    arguments, pinned = PINS[name]
    generate(tmp_path, **arguments)
    files = pinned_files(tmp_path)
    listing = "".join(f"{path} {digest}\n" for path, digest in files.items())
    actual = hashlib.sha256(listing.encode()).hexdigest()
    assert actual == pinned, (
        f"The {name!r} sample's bytes changed (generate({arguments})).\n"
        "If you changed the generator on purpose (new column, other distribution, new fault, "
        "a pyarrow upgrade), this failure is expected: check the data still means what the "
        "warehouse tests expect, then update the pin in PINS in "
        f"tests/python/test_generator_checksum.py to\n    {actual!r}\n"
        "and say why in the commit message. If you did not mean to change the output (a "
        "refactor), this is a regression: the same seed and scale must give the same bytes.\n"
        f"Files now:\n{listing}"
    )
