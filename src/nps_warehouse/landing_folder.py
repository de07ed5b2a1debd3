"""Which landing folders hold only sample data, proven by the listing in the _SAMPLE_DATA marker."""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from nps_warehouse.contract import SAMPLE_MARKER
from nps_warehouse.settings import DEFAULT_RAW_DIR

MARKER_TEXT = (
    "Synthetic sample data written by nps-generate ({data_set}): no real people.\n"
    "Builds of this folder hash emails and names with the public sample salt when\n"
    "NPS_PII_SALT is unset. The listing below proves which files nps-generate wrote: a folder\n"
    "holding any other file, or a listed file changed, is not sample data (it needs\n"
    "NPS_PII_SALT, and nps-generate refuses to write into it). Delete this file and the\n"
    "sample files before putting real exports here.\n"
    "\n"
)


class LandingFolderError(RuntimeError):
    """A landing folder that must not be written to or built as asked; the message says why."""


@dataclass(frozen=True)
class FolderState:
    """What a landing folder holds: kind is 'missing', 'empty', 'sample' or 'other'."""

    kind: str
    data_set: str | None = None  # the sample's generator settings, for kind 'sample'
    foreign: tuple[str, ...] = ()  # files that prove it is not sample data (first few)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def folder_entries(folder: Path) -> list[str]:
    """Every file (and symlink, and anything else that is not a plain folder) under `folder`,
    recursively, as POSIX paths relative to it, the marker left out. Symlinks are not followed."""
    entries = []
    for root, dirs, files in os.walk(folder, followlinks=False):
        base = Path(root).relative_to(folder)
        linked = [name for name in dirs if (Path(root) / name).is_symlink()]
        for name in sorted(files + linked):
            relative = (base / name).as_posix()
            if relative != SAMPLE_MARKER:
                entries.append(relative)
    return sorted(entries)


def read_listing(folder: Path) -> dict | None:
    """The JSON part of the marker ({"data_set": ..., "files": [...]}), or None without a
    readable one (no marker, or one written before markers listed their files)."""
    marker = folder / SAMPLE_MARKER
    try:
        text = marker.read_text(encoding="utf-8")
        listing = json.loads(text[text.index("\n{") + 1 :])
    except (OSError, ValueError, UnicodeDecodeError):
        return None
    if not isinstance(listing, dict) or not isinstance(listing.get("files"), list):
        return None
    return listing


def inspect(folder: str | os.PathLike[str]) -> FolderState:
    """Whether `folder` is missing, empty (no file at all), sample data (every file in it listed
    in the marker with the same size and sha256) or anything else."""
    folder = Path(folder)
    if not folder.exists() and not folder.is_symlink():
        return FolderState("missing")
    if not folder.is_dir():
        return FolderState("other", foreign=(str(folder),))
    entries = folder_entries(folder)
    has_marker = (folder / SAMPLE_MARKER).is_file()
    if not entries and not has_marker:
        return FolderState("empty")
    listing = read_listing(folder)
    if listing is None:
        if not entries:
            return FolderState("other", foreign=(f"{SAMPLE_MARKER} (without a file listing)",))
        return FolderState("other", foreign=tuple(entries[:5]))
    listed = {item.get("path"): item for item in listing["files"] if isinstance(item, dict)}
    foreign = []
    for relative in entries:
        item, path = listed.get(relative), folder / relative
        if (
            item is None
            or path.is_symlink()
            or not path.is_file()
            or path.stat().st_size != item.get("size")
            or sha256_of(path) != item.get("sha256")
        ):
            foreign.append(relative)
            if len(foreign) == 5:
                break
    if foreign:
        return FolderState("other", foreign=tuple(foreign))
    return FolderState("sample", data_set=str(listing.get("data_set", "")))


def is_sample(folder: str | os.PathLike[str]) -> bool:
    """Whether the folder holds nothing but the sample files nps-generate wrote (and lists)."""
    return inspect(folder).kind == "sample"


def describe_foreign(state: FolderState) -> str:
    return ", ".join(state.foreign) + (" …" if len(state.foreign) == 5 else "")


def check_sample_target(folder: str | os.PathLike[str]) -> FolderState:
    """Raises LandingFolderError unless `folder` is new, empty or holds only sample files that
    nps-generate wrote (so writing sample data there destroys nothing)."""
    state = inspect(folder)
    if state.kind == "other":
        if not Path(folder).is_dir():
            raise LandingFolderError(
                f"Not writing sample data to {folder}: it is a file, not a folder. "
                "Name a new or empty folder (e.g. `--out data/sample`)."
            )
        raise LandingFolderError(
            f"Not writing sample data to {folder}: it holds files nps-generate did not write "
            f"or that changed since ({describe_foreign(state)}), and writing sample data would "
            "replace them. Nothing "
            "was changed. Name a new or empty folder for the sample (e.g. `--out data/sample`, "
            "or `NPS_RAW_DIR=data/sample make sample`); to replace this folder's content, move "
            "or delete its files yourself first."
        )
    return state


def remove_sample_files(folder: str | os.PathLike[str]) -> None:
    """Deletes the files the marker lists, then the marker: only after check_sample_target."""
    folder = Path(folder)
    if check_sample_target(folder).kind != "sample":
        return
    for item in read_listing(folder)["files"]:
        (folder / item["path"]).unlink(missing_ok=True)
    (folder / SAMPLE_MARKER).unlink(missing_ok=True)


def write_marker(folder: str | os.PathLike[str], data_set: str) -> None:
    """Writes the marker listing every file now under `folder` (all written by the generator)."""
    folder = Path(folder)
    files = [
        {"path": relative, "size": (folder / relative).stat().st_size,
         "sha256": sha256_of(folder / relative)}
        for relative in folder_entries(folder)
    ]  # fmt: skip
    listing = json.dumps({"data_set": data_set, "files": files}, indent=1)
    (folder / SAMPLE_MARKER).write_text(
        MARKER_TEXT.format(data_set=data_set) + listing + "\n", encoding="utf-8"
    )


def is_default_raw_dir(raw_dir: str | os.PathLike[str], project_dir: Path) -> bool:
    """Whether `raw_dir` is the project's own data/raw (the one folder filled on its own)."""
    return os.path.abspath(raw_dir) == os.path.abspath(project_dir / DEFAULT_RAW_DIR)
