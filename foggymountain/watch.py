"""What `play --watch` needs to know about a level file that changed: which files to watch, and
whether an edit changed the ground under the player or only the words around it.

An author fixing a typo in the briefing should not be thrown back to the start of the hike; an
author changing the formula, the data file, the start or a racer must be.
"""

from __future__ import annotations

import dataclasses
import tomllib
from pathlib import Path
from typing import TYPE_CHECKING

from foggymountain.preface import MAX_FILE_BYTES
from foggymountain.safe_read import read_text_or_none

if TYPE_CHECKING:  # numpy and the level loader come after the game's first frame (preface.py)
    from foggymountain.level import Level

# Level fields that change nothing of the walk: the words around it.
WORDS = {"path", "id", "title", "chapter", "concepts", "briefing", "debrief", "author", "extras", "landscape"}


def watched_files(path: Path) -> list[Path]:
    """The level file and the data files it reads (`data_file`, `holdout_file`, inside its folder)."""
    path = Path(path)
    files = [path]
    text = read_text_or_none(path, MAX_FILE_BYTES)  # a FIFO or device named like a level: no hang
    try:
        document = tomllib.loads(text) if text is not None else {}
    except (tomllib.TOMLDecodeError, ValueError, RecursionError):
        return files
    landscape = document.get("landscape")
    for key in ("data_file", "holdout_file"):
        name = landscape.get(key) if isinstance(landscape, dict) else None
        if isinstance(name, str) and name and "\x00" not in name:
            folder = path.parent.resolve()
            data = (folder / name).resolve()
            if data.is_relative_to(folder):
                files.append(data)
    return files


def stamps(files: list[Path]) -> tuple[float, ...]:
    """Modification times of `files` (0 for one that cannot be read): a change in any shows."""
    found = []
    for file in files:
        try:
            found.append(file.stat().st_mtime)
        except OSError:
            found.append(0.0)
    return tuple(found)


def same_ground(old: Level, new: Level) -> bool:
    """True when `new` differs from `old` only in words (title, briefing, debrief...): the same
    landscape, start, budget, goal, noise, racers, so a hike in progress stays valid."""
    if type(old.landscape) is not type(new.landscape) or not _same_fields(old.landscape, new.landscape):
        return False
    for field in dataclasses.fields(old):
        if field.name in WORDS:
            continue
        if not _same(getattr(old, field.name), getattr(new, field.name)):
            return False
    return True


def _same_fields(a, b) -> bool:
    return all(_same(getattr(a, f.name), getattr(b, f.name)) for f in dataclasses.fields(a))


def _same(a, b) -> bool:
    import numpy as np

    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return isinstance(a, np.ndarray) and isinstance(b, np.ndarray) and a.shape == b.shape and bool(
            np.array_equal(a, b, equal_nan=True))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    if hasattr(a, "text") and hasattr(b, "text"):  # a formula: the same text is the same ground
        return a.text == b.text
    if dataclasses.is_dataclass(a) and dataclasses.is_dataclass(b) and type(a) is type(b):
        return _same_fields(a, b)
    return a == b
