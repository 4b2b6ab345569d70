"""Output folders that never lose a user's work.

Every command writes into a folder of its own kind, recorded by the ``tool`` of its
``manifest.json``. Before any simulation :func:`prepare` checks the folder:

- a folder that holds another command's output is refused (a ``purges run`` into a
  sweep's folder would overwrite the sweep's manifest and the sweep could no longer be
  resumed);
- a non-empty folder of the command's own kind is refused unless ``force`` (then the
  stale tables and figures are removed first), except for sweeps, which resume;
- a non-empty folder holding no command's output is refused unless ``force``;
- the folder must be writable.

Errors are :class:`FolderError`, one line each; nothing is changed when one is raised.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

# Commands whose folder is resumed when the same command meets it again.
RESUMABLE = ("purges sweep", "purges sensitivity", "purges verdict")
# What the commands write at the top of their folders (removed by ``force``), and the
# folders of a sweep (never removed: a sweep resumes).
OUTPUT_SUFFIXES = (".csv", ".png", ".json", ".toml", ".html", ".parquet", ".txt", ".db")


class FolderError(ValueError):
    """An output folder that cannot be used, in one line."""


def kind_of(folder: Path) -> str | None:
    """The command whose output ``folder`` holds (its manifest's ``tool``), or None."""
    path = folder / "manifest.json"
    if not path.is_file():
        return None
    try:
        return str(json.loads(path.read_text(encoding="utf-8")).get("tool", "")) or "unknown"
    except (OSError, ValueError):
        return "unknown"


def prepare(path: str | Path, tool: str, force: bool = False) -> Path:
    """The output folder ``path`` for command ``tool``, checked and writable.

    See the module docstring for the rules. A folder that does not exist yet is not
    created (the command creates it once its inputs are checked); its nearest existing
    parent must be writable. Returns the folder.
    """
    folder = Path(path)
    if folder.exists() and not folder.is_dir():
        raise FolderError(f"{folder} is a file, not a folder; choose another --out")
    if folder.is_dir():
        contents = [p for p in folder.iterdir() if not p.name.startswith(".")]
        kind = kind_of(folder)
        if kind is not None and kind != tool:
            raise FolderError(f"{folder} holds the output of `{kind}`; choose another --out "
                              "(nothing was changed)")
        if contents and tool not in RESUMABLE:
            if not force:
                what = (f"the output of an earlier `{tool}`" if kind == tool
                        else "files that are not a purges output")
                raise FolderError(f"{folder} already holds {what}; add --force to replace "
                                  "it, or choose another --out")
            if kind != tool and any(p.is_dir() for p in contents):
                raise FolderError(f"{folder} holds folders that are not a purges output; "
                                  "choose another --out (nothing was changed)")
    if not folder.exists():  # created by the command once its inputs are all checked
        parent = next((a for a in folder.absolute().parents if a.exists()), None)
        if parent is None or not parent.is_dir() or not os.access(parent, os.W_OK | os.X_OK):
            raise FolderError(f"cannot create output folder {folder}: {parent} is not writable")
        return folder
    _check_writable(folder)
    if force and tool not in RESUMABLE:
        for p in folder.iterdir():
            if p.is_file() and p.suffix in OUTPUT_SUFFIXES:
                p.unlink()
            elif p.is_dir() and _owned(p, tool):
                shutil.rmtree(p)
    return folder


def _owned(folder: Path, tool: str) -> bool:
    """Whether ``folder`` holds only outputs written by ``tool``.

    E.g. a compare's calibrations, whose manifests name "purges compare --calibrate, ...".
    """
    kinds = [kind_of(p) for p in (folder, *folder.rglob("*")) if p.is_dir()]
    kinds = [k for k in kinds if k is not None]
    return bool(kinds) and all(k.startswith(tool) for k in kinds)


def _check_writable(folder: Path) -> None:
    try:
        fd, name = tempfile.mkstemp(prefix=".write-test-", dir=folder)
        os.close(fd)
        os.unlink(name)
    except OSError as err:
        raise FolderError(f"cannot write in output folder {folder}: {err.strerror}") from None
