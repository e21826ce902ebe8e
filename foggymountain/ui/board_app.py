"""The live board's App: owns the watched results folder and the level files, and hands each new
snapshot to the screen on top. `make_board_app()` is used by the `board` command and the tests.

Keeping up without busy polling: every `interval` seconds (0.5 by default) the app stats the
results folder (`ResultsFolder.changed`, microseconds); only when it changed does a worker thread
list it and read the new files, so a result shows within a second of landing and an idle board
costs two stats a second.
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

from textual import work
from textual.app import App
from textual.binding import Binding

from foggymountain.board import ResultsFolder, Snapshot
from foggymountain.ui.app import FOGGY_DARK, FOGGY_LIGHT
from foggymountain.ui.screens.board import BoardScreen, TrailsRequested
from foggymountain.ui.screens.class_trails import ClassTrailsScreen

INTERVAL = 0.5


class BoardApp(App[None]):
    TITLE = "Foggy Mountain — the board"
    BINDINGS = [
        Binding("f", "freeze", "Freeze/unfreeze", id="freeze"),
        Binding("h", "hide", "Hide/show names", id="hide"),
        Binding("q", "quit", "Quit", id="quit"),
    ]

    def __init__(self, folder: Path, *, levels_dir: Path | None = None, frozen: bool = False,
                 hidden: bool = False, interval: float = INTERVAL) -> None:
        super().__init__()
        self.results = ResultsFolder(folder)
        self.levels_dir = levels_dir
        self.frozen = frozen
        self.hidden = hidden
        self.interval = interval
        self.snapshot: Snapshot | None = None
        self.busy = False
        self.refreshes = 0  # snapshots shown (tests, benchmarks)

    def on_mount(self) -> None:
        self.register_theme(FOGGY_DARK)
        self.register_theme(FOGGY_LIGHT)
        self.theme = "foggy-dark"
        self.push_screen(BoardScreen(frozen=self.frozen, hidden=self.hidden))
        self.set_interval(self.interval, self.look)
        self.look(force=True)

    # ---- keeping up with the folder

    def look(self, force: bool = False) -> None:
        if self.busy or (self.frozen and not force):
            return
        if force or self.results.changed():
            self.busy = True
            self.read_folder()

    @work(thread=True, group="read-folder")
    def read_folder(self) -> None:
        try:
            changed = self.results.refresh()
            snapshot = self.results.snapshot() if changed or self.snapshot is None else None
        finally:
            self.call_from_thread(setattr, self, "busy", False)
        if snapshot is not None:
            self.call_from_thread(self.show, snapshot)

    def show(self, snapshot: Snapshot) -> None:
        if self.frozen and self.snapshot is not None:
            return
        self.snapshot = snapshot
        self.refreshes += 1
        for screen in self.screen_stack:
            if isinstance(screen, BoardScreen):
                screen.show(snapshot)
            elif isinstance(screen, ClassTrailsScreen):
                screen.run_worker(screen.show(snapshot), group="show", exclusive=True)

    # ---- keys

    def action_freeze(self) -> None:
        self.frozen = not self.frozen
        for screen in self.screen_stack:
            if isinstance(screen, BoardScreen):
                screen.frozen = self.frozen
        if not self.frozen:
            self.look(force=True)

    def action_hide(self) -> None:
        self.hidden = not self.hidden
        for screen in self.screen_stack:
            if isinstance(screen, (BoardScreen, ClassTrailsScreen)):
                screen.hidden = self.hidden

    # ---- class trails

    def on_trails_requested(self, message: TrailsRequested) -> None:
        self.open_trails(message.level_id, message.title)

    @work(thread=True, exclusive=True, group="load-level")
    def open_trails(self, level_id: str, title: str) -> None:
        level, problem = self._load(level_id)
        self.call_from_thread(self._push_trails, level_id, title, level, problem)

    def _push_trails(self, level_id: str, title: str, level, problem: str) -> None:
        hikes = self.snapshot.hikes_by_level.get(level_id, []) if self.snapshot else []
        self.push_screen(ClassTrailsScreen(level_id, title, level, hikes, problem=problem, hidden=self.hidden))

    def _load(self, level_id: str):
        """The level a board's id names (a file of --levels, or of the campaign), or a reason."""
        from foggymountain.campaign import board_id, builtin_levels_dir, level_files
        from foggymountain.level import LevelError, load_level

        folder = self.levels_dir if self.levels_dir is not None else builtin_levels_dir()
        for path in level_files(folder):
            if board_id(SimpleNamespace(path=path, id=path.stem)) == level_id:  # the id results are written under
                try:
                    level = load_level(path)
                    level.minimum  # the valley floor search, here in the worker, not on the UI thread
                    return level, ""
                except LevelError as err:
                    return None, f"{path} does not load:\n{err}"
        hint = "give the folder the players play with --levels DIR" if self.levels_dir is None else f"it is not in {folder}"
        return None, f"No level file with the id '{level_id}' to draw the map: {hint}."


def make_board_app(folder: Path, *, levels_dir: Path | None = None, frozen: bool = False, hidden: bool = False,
                   interval: float = INTERVAL) -> BoardApp:
    return BoardApp(Path(folder), levels_dir=Path(levels_dir) if levels_dir else None, frozen=frozen,
                    hidden=hidden, interval=interval)
