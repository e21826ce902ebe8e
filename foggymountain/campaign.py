"""Finding levels: the built-in campaign shipped in the wheel, and folders of levels (packs).

A pack is a folder of level files, optionally with a `pack.toml` that names it and orders it:

    title = "Workshop: learning rates"
    introduction = "Three hikes about the size of a step."
    author = "Ada"
    order = ["easy.toml", "ravine.toml"]   # these first, in this order; the rest by file name
"""

from __future__ import annotations

import difflib
import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from foggymountain.level import LevelError, Problem
from foggymountain.safe_read import UnsafeFile, read_bytes
from foggymountain.safe_text import one_line, visible_lines
from foggymountain.toml_places import Places

PACK_FILE = "pack.toml"
PACK_KEYS = {"title", "introduction", "author", "order"}
MAX_PACK_BYTES = 100_000


@dataclass(frozen=True)
class Pack:
    title: str
    introduction: str
    files: list[Path]
    author: str = ""
    folder: Path | None = None
    manifest: Path | None = field(default=None)  # the pack.toml, if the folder has one


def builtin_levels_dir() -> Path:
    """The campaign folder: inside the installed package, or `levels/` in a source checkout."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "_levels", here.parent / "levels"):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("the built-in levels are missing from this installation")


def level_files(folder: Path) -> list[Path]:
    """Level files of a folder in campaign order: the order of its pack.toml, then the rest by file
    name (01-..., 02-...). A broken pack.toml does not hide the levels: they come by name."""
    folder = Path(folder)
    try:
        return load_pack(folder).files
    except LevelError:
        return _by_name(folder)


def _by_name(folder: Path) -> list[Path]:
    return sorted(p for p in folder.glob("*.toml") if p.name != PACK_FILE)


def load_pack(folder: Path) -> Pack:
    """The pack in `folder`; raise LevelError (problems at file:line:col) if its pack.toml is
    broken. A folder without pack.toml is a pack named after the folder, levels by file name."""
    folder = Path(folder)
    manifest = folder / PACK_FILE
    by_name = _by_name(folder)
    if not manifest.exists() and not manifest.is_symlink():
        return Pack(title=_title_of_folder(folder), introduction="", files=by_name, folder=folder)
    shown = str(manifest)
    try:
        raw = read_bytes(manifest, MAX_PACK_BYTES)
    except UnsafeFile as err:
        hint = "a pack.toml holds a title, an introduction and an order" if err.too_large else "make pack.toml an ordinary text file"
        raise LevelError([Problem(shown, 1, 1, f"the file {err.reason}", hint)]) from None
    try:
        text = raw.decode("utf-8-sig")
        document = tomllib.loads(text)
    except UnicodeDecodeError:
        raise LevelError([Problem(shown, 1, 1, "the file is not UTF-8 text", "save it as UTF-8")]) from None
    except RecursionError:
        raise LevelError([Problem(shown, 1, 1, "the TOML is nested too deeply to read", "a pack.toml holds a title, an introduction and an order")]) from None
    except (tomllib.TOMLDecodeError, ValueError) as err:  # ValueError: an integer of over 4300 digits
        line, col = _toml_error_place(str(err))
        raise LevelError([Problem(shown, line, col, f"TOML syntax error: {str(err).split(' (at ')[0]}", "see https://toml.io; strings need quotes")]) from None
    return _PackReader(document, Places(text), manifest, by_name).read()


def _toml_error_place(message: str) -> tuple[int, int]:
    found = re.search(r"line (\d+), column (\d+)", message)
    return (int(found.group(1)), int(found.group(2))) if found else (1, 1)


def _title_of_folder(folder: Path) -> str:
    name = Path(os.path.realpath(folder)).name.replace("-", " ").replace("_", " ").strip()
    return one_line(name[:1].upper() + name[1:]) if name else "Levels"


class _PackReader:
    def __init__(self, document: dict, places: Places, manifest: Path, by_name: list[Path]) -> None:
        self.doc = document
        self.places = places
        self.manifest = manifest
        self.by_name = by_name
        self.problems: list[Problem] = []

    def problem(self, key: tuple[str, ...], message: str, hint: str = "", place: tuple[int, int] | None = None) -> None:
        if place is None:
            found = self.places.find(key)
            place = (found.line, found.value_col if self.places.has(key) else found.col)
        self.problems.append(Problem(str(self.manifest), place[0], place[1], message, hint))

    def string(self, key: str, default: str) -> str:
        value = self.doc.get(key, default)
        if not isinstance(value, str):
            self.problem((key,), f"'{key}' must be a string", f'write {key} = "..."')
            return default
        return visible_lines(value) if key == "introduction" else one_line(value)

    def read(self) -> Pack:
        for key in self.doc:
            if key not in PACK_KEYS:
                close = difflib.get_close_matches(key, sorted(PACK_KEYS), n=1, cutoff=0.6)
                found = self.places.find((key,))
                self.problem((key,), f"unknown key '{key}' in pack.toml", f"did you mean '{close[0]}'?" if close else "allowed: " + ", ".join(sorted(PACK_KEYS)), (found.line, found.col))
        title = self.string("title", _title_of_folder(self.manifest.parent))
        introduction = self.string("introduction", "")
        author = self.string("author", "")
        files = self.read_order()
        if self.problems:
            raise LevelError(sorted(self.problems, key=lambda p: (p.line, p.col)))
        return Pack(title=title, introduction=introduction, files=files, author=author,
                    folder=self.manifest.parent, manifest=self.manifest)

    def read_order(self) -> list[Path]:
        order = self.doc.get("order", [])
        if not isinstance(order, list):
            self.problem(("order",), "'order' must be a list of level file names", 'write order = ["first.toml", "second.toml"]')
            return self.by_name
        folder = self.manifest.parent
        available = {p.name: p for p in self.by_name}
        chosen: list[Path] = []
        seen: dict[str, int] = {}
        for entry in order:
            if not isinstance(entry, str):
                self.problem(("order",), f"order entries must be file names in quotes, not {type(entry).__name__}", 'write order = ["first.toml"]')
                continue
            seen[entry] = seen.get(entry, 0) + 1
            place = self.entry_place(entry, seen[entry])
            if entry in (p.name for p in chosen):
                self.problem(("order",), f"'{entry}' is listed twice in order", "list each level once", place)
            elif "/" in entry or "\\" in entry or entry.startswith("."):
                self.problem(("order",), f"'{entry}' is not a file name of this folder", "a pack lists only the level files next to its pack.toml, without folders", place)
            elif entry == "pack.toml" or not entry.endswith(".toml"):
                self.problem(("order",), f"'{entry}' is not a level file", "level files end in .toml", place)
            elif entry not in available:
                close = difflib.get_close_matches(entry, sorted(available), n=1, cutoff=0.6)
                self.problem(("order",), f"'{entry}' does not exist in {folder}", f"did you mean '{close[0]}'?" if close else "check the file name", place)
            else:
                chosen.append(available[entry])
        rest = [p for p in self.by_name if p not in chosen]
        return chosen + rest

    def entry_place(self, entry: str, occurrence: int) -> tuple[int, int]:
        """Where the `occurrence`-th quoted `entry` is written, searching from the `order` key on."""
        start = self.places.find(("order",))
        lines = self.places.lines
        for number in range(start.line - 1, len(lines)):
            text = lines[number]
            begin = start.value_col - 1 if number == start.line - 1 else 0
            found = sorted(m.start() for quote in ('"', "'") for m in re.finditer(re.escape(f"{quote}{entry}{quote}"), text[begin:]))
            if occurrence <= len(found):
                return number + 1, begin + found[occurrence - 1] + 1
            occurrence -= len(found)
        return start.line, start.value_col
