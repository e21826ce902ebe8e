"""Finding levels: the built-in campaign shipped in the wheel, and folders of levels (packs).

A pack is a folder of level files, optionally with a `pack.toml` that names it and orders it:

    title = "Workshop: learning rates"
    introduction = "Three hikes about the size of a step."
    author = "Ada"
    order = ["easy.toml", "ravine.toml"]   # these first, in this order; the rest by file name
    id = "lr-workshop"                     # optional: the pack's name on leaderboards

A pack's identity (`Pack.identity`) is its `id`, or else its title made into a slug (a folder
without pack.toml: the folder's name); a level's id on a leaderboard is that identity and the
level's file stem (`board_id`), so a copy of the pack in another folder keeps the same boards.
"""

from __future__ import annotations

import difflib
import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from foggymountain.diagnostics import LevelError, Problem
from foggymountain.safe_read import UnsafeFile, read_bytes
from foggymountain.safe_text import one_line, visible_lines
from foggymountain.toml_places import Places, toml_problem

PACK_FILE = "pack.toml"
PACK_KEYS = {"title", "introduction", "author", "order", "id"}
PACK_ID = re.compile(r"[a-z0-9][a-z0-9._-]{0,63}")
MAX_PACK_BYTES = 100_000


@dataclass(frozen=True)
class Pack:
    title: str
    introduction: str
    files: list[Path]
    author: str = ""
    folder: Path | None = None
    manifest: Path | None = field(default=None)  # the pack.toml, if the folder has one
    id: str = ""  # pack.toml's id, if it gives one

    @property
    def identity(self) -> str:
        """The pack's name on leaderboards: its id, or its title as a slug ("lr-workshop"); a
        folder without pack.toml is known by its name, as results always knew it."""
        if self.id:
            return self.id
        if self.manifest is None and self.folder is not None:
            return _folder_name(self.folder)
        return slug(self.title)


def slug(text: str) -> str:
    """Lowercase letters and digits joined by '-': "Workshop: learning rates" -> "workshop-learning-rates"."""
    return "-".join(re.findall(r"[a-z0-9]+", text.lower()))[:64] or "levels"


def board_id(level) -> str:
    """A level's id on the workshop leaderboard: the file stem for the built-in campaign (as
    always), else "<pack identity>/<stem>". It does not depend on the folder the pack was copied
    to; a folder whose pack.toml is broken falls back to its folder name."""
    path = getattr(level, "path", None)
    if path is None:
        return level.id
    folder = Path(path).parent
    try:
        if folder.resolve() == builtin_levels_dir().resolve():
            return level.id
    except (OSError, FileNotFoundError):
        pass
    try:
        identity = load_pack(folder).identity
    except LevelError:  # a broken pack.toml: the folder's name, until it is fixed
        identity = _folder_name(folder)
    return f"{identity}/{level.id}"


def _folder_name(folder: Path) -> str:
    try:
        return folder.resolve().name or "levels"
    except OSError:
        return folder.name or "levels"


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
        raise LevelError([Problem(shown, 1, 1, "the TOML is nested too deeply to read", "a pack.toml holds a title, an introduction and an order", length=0)]) from None
    except (tomllib.TOMLDecodeError, ValueError) as err:  # ValueError: an integer of over 4300 digits
        raise LevelError([toml_problem(shown, text, str(err))]) from None
    return _PackReader(document, Places(text), manifest, by_name).read()


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
        pack_id = self.string("id", "")
        if pack_id and not PACK_ID.fullmatch(pack_id):
            self.problem(("id",), f"'{pack_id}' is not a pack id", f'an id is lowercase letters, digits, ".", "_" and "-": write id = "{slug(pack_id)}"')
        files = self.read_order()
        if self.problems:
            raise LevelError(sorted(self.problems, key=lambda p: (p.line, p.col)))
        return Pack(title=title, introduction=introduction, files=files, author=author,
                    folder=self.manifest.parent, manifest=self.manifest, id=pack_id)

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


# ---- built-in levels by name -------------------------------------------------------------------


@dataclass(frozen=True)
class BuiltinLevel:
    number: int  # its place in the campaign, from 1
    name: str  # the file stem without its number: "downhill" for 01-downhill.toml
    path: Path


def builtin_levels() -> list[BuiltinLevel]:
    """The campaign's levels in order, each with the short name `race downhill` accepts."""
    return [BuiltinLevel(number, _short_name(path.stem), path)
            for number, path in enumerate(level_files(builtin_levels_dir()), start=1)]


def _short_name(stem: str) -> str:
    return re.sub(r"^\d+[-_ ]*", "", stem) or stem


def find_builtin(name: str) -> Path | None:
    """The built-in level called `name`: its number ("10", "01"), short name ("ravine"), file stem
    ("10-ravine") or file name ("10-ravine.toml"); None if no level has that name."""
    wanted = name.strip().lower().removesuffix(".toml")
    levels = builtin_levels()
    if wanted.isdigit():
        return next((lv.path for lv in levels if lv.number == int(wanted)), None)
    for level in levels:
        if wanted in (level.name.lower(), level.path.stem.lower()):
            return level.path
    return None


def resolve_level(target: Path | str) -> Path | Problem:
    """A level to open: the file `target` if it exists, else the built-in level of that name, else a
    problem saying neither exists (with the closest built-in name, if one is close)."""
    path = Path(target)
    if path.exists():
        return path
    text = str(target)
    if "/" not in text and "\\" not in text:
        builtin = find_builtin(text)
        if builtin is not None:
            return builtin
    names = [lv.name for lv in builtin_levels()]
    close = difflib.get_close_matches(_short_name(path.stem).lower(), names, n=1, cutoff=0.6)
    guess = f"did you mean the built-in level '{close[0]}'? " if close else ""
    return Problem(text, 1, 1, "no such file, folder or built-in level",
                   guess + "check the path; `foggymountain levels` lists the built-in levels", length=0)
