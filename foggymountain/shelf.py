"""The levels the game offers: a folder of levels (the built-in campaign or a pack) or one file,
each loaded, or with the problems that stop it from loading.

A level that does not load is never a crash: it is an entry with problems (`file:line:col` and a
hint) for the level select and the briefing to show, and it can be read again once fixed. With
`play --watch` the game asks `changed_files` once a second.

The game starts from prefaces (`Shelf(..., prefaces_first=True)`): each entry is only the level's
words (`preface.py`, read with tomllib) and `pending`, so the first frame waits for neither numpy
nor the level loader; `load_pending()`, run in a worker after that frame, loads them all.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from foggymountain.campaign import builtin_levels_dir, level_files, load_pack
from foggymountain.diagnostics import LevelError, Sources, render
from foggymountain.preface import Preface, read_preface
from foggymountain.safe_text import one_line, visible
from foggymountain.watch import stamps, watched_files

if TYPE_CHECKING:  # the level loader (and numpy) are imported by `load_entry`, after the first frame
    from foggymountain.level import Level

log = logging.getLogger(__name__)

CAMPAIGN_TITLE = "the campaign"
EXCERPT_WINDOW = 64  # source characters an excerpt shows: the briefing's panel at 80x24 holds 76


@dataclass(eq=False)
class LevelEntry:
    """One level file: the loaded Level, or the problems that stop it from loading, or (`pending`,
    at start-up) only its preface until `Shelf.load_pending` has loaded it."""

    path: Path
    level: Level | None = None
    problems: list[str] = field(default_factory=list)
    mtime: float = 0.0
    data_files: tuple[Path, ...] = ()  # what the level reads besides itself (its CSV), for --watch
    data_mtimes: tuple[float, ...] = ()
    preface: Preface | None = None  # its words, read before the level is loaded
    excerpts: list[str] = field(default_factory=list)  # each problem as `check` shows it: the line, carets, hint
    pending: bool = False  # not loaded yet: neither ok nor broken

    def changed_on_disk(self) -> bool:
        """Has the level file or its data file changed since this entry was read?"""
        try:
            mtime = self.path.stat().st_mtime
        except OSError:
            return False
        return mtime != self.mtime or stamps(list(self.data_files)) != self.data_mtimes

    @property
    def ok(self) -> bool:
        return self.level is not None

    @property
    def id(self) -> str:
        """The file stem, like `Level.id`; stars and bests are kept under `progress_key(entry)`."""
        return self.path.stem

    @property
    def title(self) -> str:
        if self.level:
            return self.level.title
        if self.preface:
            return self.preface.title
        return one_line(self.path.stem)  # a file name is data too

    @property
    def broken(self) -> bool:
        """Read, and it does not load (an entry still `pending` is not broken yet)."""
        return self.level is None and not self.pending

    @property
    def chapter(self) -> str:
        if self.level:
            return self.level.chapter
        return self.preface.chapter if self.preface else ""

    @property
    def concepts(self) -> tuple[str, ...]:
        if self.level:
            return self.level.concepts
        return self.preface.concepts if self.preface else ()

    @property
    def briefing(self) -> str:
        if self.level:
            return self.level.briefing
        return self.preface.briefing if self.preface else ""


def preface_entry(path: Path) -> LevelEntry:
    """An entry with only the level's words, loaded later (`Shelf.load_pending`)."""
    return LevelEntry(path, preface=read_preface(path), pending=True)


def load_entry(path: Path) -> LevelEntry:
    """Load a level file; a bad file (or a bug of ours) becomes problems to show, never a crash."""
    from foggymountain.level import load_level

    try:
        mtime = path.stat().st_mtime
    except OSError:
        mtime = 0.0
    data_files = tuple(watched_files(path)[1:])
    seen = {"mtime": mtime, "data_files": data_files, "data_mtimes": stamps(list(data_files))}
    try:
        return LevelEntry(path, load_level(path), **seen)
    except LevelError as err:
        sources = Sources()
        return LevelEntry(path, problems=[str(p) for p in err.problems],
                          excerpts=[render(p, sources, window=EXCERPT_WINDOW) for p in err.problems], **seen)
    except Exception as err:  # noqa: BLE001 - a boundary: one broken level must not take the game down
        log.exception("internal error while loading %s", path)
        return LevelEntry(path, problems=[f"{path}:1:1: internal error while loading: {type(err).__name__}: {err}\n"
                                          "    hint: please report this with the level file"], **seen)


class Shelf:
    """The levels on offer, in campaign order: a folder's (default: the built-in campaign), or the
    one file given. `problem` says why a folder offers nothing, or what is wrong with its pack.toml."""

    def __init__(self, *, folder: Path | None = None, file: Path | None = None, watched: bool = False,
                 prefaces_first: bool = False) -> None:
        self.file = Path(file) if file is not None else None
        self._read = preface_entry if prefaces_first else load_entry  # what `reload` makes of a file
        self.watched = watched  # `play --watch`: files are read again when they change, no key needed
        self.folder = Path(folder) if folder is not None else None
        self.title = CAMPAIGN_TITLE
        self.introduction = ""
        self.problem = ""
        self.entries: list[LevelEntry] = []
        self.reload()

    @property
    def single(self) -> bool:
        """One level file, not a folder: no level select."""
        return self.file is not None

    def reload(self) -> None:
        """Read every level file again (and, for a folder, its pack.toml and any new files)."""
        read, self._read = self._read, load_entry  # prefaces only at start-up: `r` and --watch load levels
        if self.file is not None:
            self.entries = [read(self.file)]
            return
        self.problem = ""
        try:
            folder = self.folder or builtin_levels_dir()
        except FileNotFoundError as err:
            self.problem, self.entries = str(err), []
            return
        if not folder.is_dir():
            self.problem, self.entries = f"{visible(folder)}: no such folder", []
            return
        self.folder = folder
        try:
            pack = load_pack(folder)
            self.title, self.introduction = pack.title, pack.introduction
        except LevelError as err:  # a broken pack.toml: say so, and play its levels by file name
            self.problem = str(err)
        files = level_files(folder)
        if not files:
            self.problem = f"{visible(folder)}: no .toml level files in this folder"
        self.entries = [read(path) for path in files]

    @property
    def pending(self) -> bool:
        """Are some entries only prefaces still?"""
        return any(e.pending for e in self.entries)

    def load_pending(self) -> list[tuple[LevelEntry, LevelEntry]]:
        """Load every entry that is only a preface, as (old, fresh) pairs for `put`. Run it in a
        worker (it imports numpy and checks every level); it changes nothing on the shelf."""
        return [(entry, load_entry(entry.path)) for entry in list(self.entries) if entry.pending]

    def put(self, loaded: list[tuple[LevelEntry, LevelEntry]]) -> list[LevelEntry]:
        """Each fresh entry takes its old one's place (on the UI thread, where the entries are
        read); an entry reloaded meanwhile (`r`) keeps its newer version. Returns those placed."""
        fresh = {id(old): new for old, new in loaded}
        placed = [fresh[id(e)] for e in self.entries if id(e) in fresh]
        self.entries = [fresh.get(id(e), e) for e in self.entries]
        return placed

    def reload_entry(self, entry: LevelEntry) -> LevelEntry:
        """Read one level file again; the fresh entry takes the old one's place."""
        fresh = load_entry(entry.path)
        self.entries = [fresh if e is entry else e for e in self.entries]
        return fresh

    def entry_of(self, level: Level) -> LevelEntry:
        for entry in self.entries:
            if entry.level is level or (level.path is not None and entry.path == level.path):
                return entry
        return LevelEntry(level.path or Path(level.id), level)

    def after(self, level: Level) -> LevelEntry | None:
        """The entry after `level`'s, or None when it is the last (or not on the shelf)."""
        index = next((i for i, e in enumerate(self.entries) if e.level is level or e.path == level.path), None)
        if index is None or index + 1 >= len(self.entries):
            return None
        return self.entries[index + 1]

    def is_last(self, level: Level) -> bool:
        return bool(self.entries) and (self.entries[-1].level is level or self.entries[-1].path == level.path)

    def changed_files(self) -> tuple[bool, list[tuple[LevelEntry, LevelEntry]]]:
        """For `--watch`: were level files added to the folder (then every file was read again),
        and which entries changed on disk (the level file or its data file), each as (old, fresh),
        already reloaded."""
        if self.file is None and self.folder is not None:
            known = {e.path for e in self.entries}
            if any(p not in known for p in level_files(self.folder)):
                self.entries = [load_entry(p) for p in level_files(self.folder)]
                return True, []
        changed = [(entry, self.reload_entry(entry)) for entry in list(self.entries) if entry.changed_on_disk()]
        return False, changed
