"""The thin App: which screen is on top, the player's progress, and the way between screens.

All game state lives in core objects (`Level`, `Hike`, `Race`, `Progress`); screens show them.
`make_app()` is used by the `play` command and by the tests alike, so both build the same app.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from textual import work
from textual.app import App
from textual.binding import Binding
from textual.command import CommandPalette, DiscoveryHit, Hit, Hits, Provider
from textual.screen import Screen
from textual.theme import Theme

from foggymountain.campaign import builtin_levels_dir, level_files, load_pack
from foggymountain.hike import Hike
from foggymountain.level import Level, LevelError, load_level
from foggymountain.progress import Progress, default_player, progress_key
from foggymountain.race import Race, race
from foggymountain.results import write_result
from foggymountain.safe_text import one_line, visible, visible_lines
from foggymountain.ui.screens.briefing import BriefingScreen
from foggymountain.ui.screens.hike import HikeScreen
from foggymountain.ui.screens.level_select import LevelSelectScreen
from foggymountain.ui.screens.too_small import TooSmallScreen

# Below this the hike screen cannot show the compass, the plan and the logbook at once.
MIN_WIDTH, MIN_HEIGHT = 80, 24

FOGGY_DARK = Theme(
    name="foggy-dark",
    primary="#7fb3d5",
    secondary="#a3b18a",
    accent="#e9c46a",
    warning="#f4a261",
    error="#e76f51",
    success="#8ac926",
    foreground="#dde3ea",
    background="#1b2129",
    surface="#232b35",
    panel="#2c3642",
    dark=True,
)
FOGGY_LIGHT = Theme(
    name="foggy-light",
    primary="#2e6f95",
    secondary="#5a7d4f",
    accent="#b5651d",
    warning="#b5651d",
    error="#b23a48",
    success="#3a7d2c",
    foreground="#1f2a33",
    background="#eef1f4",
    surface="#e2e7ec",
    panel="#d3dbe3",
    dark=False,
)


@dataclass(eq=False)
class LevelEntry:
    """One level file: the loaded Level, or the problems that stop it from loading."""

    path: Path
    level: Level | None = None
    problems: list[str] = field(default_factory=list)
    mtime: float = 0.0

    @property
    def ok(self) -> bool:
        return self.level is not None

    @property
    def id(self) -> str:
        """The file stem, like `Level.id`; stars and bests are kept under `progress_key(entry)`."""
        return self.path.stem

    @property
    def title(self) -> str:
        return self.level.title if self.level else one_line(self.path.stem)  # a file name is data too


def load_entry(path: Path) -> LevelEntry:
    """Load a level file; a bad file (or a bug of ours) becomes problems to show, never a crash."""
    try:
        mtime = path.stat().st_mtime
    except OSError:
        mtime = 0.0
    try:
        return LevelEntry(path, load_level(path), mtime=mtime)
    except LevelError as err:
        return LevelEntry(path, problems=[str(p) for p in err.problems], mtime=mtime)
    except Exception as err:  # noqa: BLE001 - a broken level must not take the game down
        return LevelEntry(path, problems=[f"{path}:1:1: internal error while loading: {type(err).__name__}: {err}\n"
                                          "    hint: please report this with the level file"], mtime=mtime)


class GameCommands(Provider):
    """The game's commands in the palette (ctrl+p): the active screen's, then the app's."""

    def commands(self) -> list[tuple[str, str, Any]]:
        app = self.app
        found = list(getattr(self.screen, "palette_commands", lambda: [])())
        found += [
            ("Light theme", "switch to the light colour theme", app.action_light_theme),
            ("Dark theme", "switch to the dark colour theme", app.action_dark_theme),
            ("Help: controls and words", "what every key does; height = loss, slope = gradient...",
             app.action_show_help),
        ]
        if app.level_file is None:
            found.append(("Level select", "leave this level and pick another", app.back_to_select))
        return found

    async def discover(self) -> Hits:
        for name, help_text, callback in self.commands():
            yield DiscoveryHit(name, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, help_text, callback in self.commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), callback, help=help_text)


class FoggyApp(App[None]):
    CSS_PATH = "foggymountain.tcss"
    TITLE = "Foggy Mountain"
    SUB_TITLE = "gradient descent, played blindfolded"
    COMMANDS = App.COMMANDS | {GameCommands}
    BINDINGS = [Binding("ctrl+p", "command_palette", "Commands", show=False, id="palette")]

    def __init__(
        self,
        *,
        levels_dir: Path | None = None,
        level_file: Path | None = None,
        player: str | None = None,
        results_dir: Path | None = None,
        progress_dir: Path | None = None,
        watch: bool = False,
    ) -> None:
        super().__init__()
        self.level_file = Path(level_file) if level_file else None
        self.levels_dir = Path(levels_dir) if levels_dir else None
        self.player = player or default_player()
        self.results_dir = Path(results_dir) if results_dir else None
        self.progress_dir = Path(progress_dir) if progress_dir else None
        self.watching = watch
        self.entries: list[LevelEntry] = []
        self.last_opened: Path | None = None  # the level whose briefing was shown last
        self.campaign_problem = ""
        self.pack_title = "the campaign"
        self.pack_introduction = ""
        self.progress: Any = None
        self._progress_warning = ""
        self.register_theme(FOGGY_DARK)
        self.register_theme(FOGGY_LIGHT)
        self.theme = "foggy-dark"
        self._load_progress()
        if self.level_file is None:
            self.entries = self._load_campaign()
        else:
            self.entries = [load_entry(self.level_file)]

    def notify(self, message: str, *, title: str = "", severity="information", timeout: float | None = None,
               markup: bool = True) -> None:
        """Every notification is plain text: they quote file names, error messages and progress
        warnings, which must never be read as markup (screens' `self.notify` lands here too)."""
        super().notify(visible_lines(message), title=one_line(title), severity=severity, timeout=timeout, markup=False)

    # ---- start up

    def get_default_screen(self) -> Screen:
        if self.level_file is not None:
            return BriefingScreen(self.entries[0], single=True)
        return LevelSelectScreen()

    def on_mount(self) -> None:
        if self._progress_warning:
            self.notify(self._progress_warning, title="Progress", severity="warning", timeout=8)
        if self.progress is not None:
            for warning in self.progress.warnings:
                self.notify(str(warning), title="Progress", severity="warning", timeout=8)
            self.progress.warnings.clear()
        if self.watching:
            # Only with --watch: a cheap stat of the level files once a second.
            self.set_interval(1.0, self._check_files, name="watch levels")
        self._check_size(self.size.width, self.size.height)

    def _load_campaign(self) -> list[LevelEntry]:
        try:
            folder = self.levels_dir or builtin_levels_dir()
        except FileNotFoundError as err:
            self.campaign_problem = str(err)
            return []
        if not folder.is_dir():
            self.campaign_problem = f"{visible(folder)}: no such folder"
            return []
        self.levels_dir = folder
        try:
            pack = load_pack(folder)
            self.pack_title, self.pack_introduction = pack.title, pack.introduction
        except LevelError as err:  # a broken pack.toml: say so, and play its levels by file name
            self.campaign_problem = str(err)
        files = level_files(folder)
        if not files:
            self.campaign_problem = f"{visible(folder)}: no .toml level files in this folder"
        return [load_entry(path) for path in files]

    def _load_progress(self) -> None:
        try:
            self.progress = Progress.load(self.player, self.progress_dir)
        except Exception as err:  # noqa: BLE001 - playing matters more than keeping score
            self.progress = None
            self._progress_warning = f"progress could not be loaded: {err}"

    # ---- what screens ask of the app

    def stars(self, level: Level | LevelEntry) -> int:
        return self.progress.stars(progress_key(level)) if self.progress is not None else 0

    def best(self, level: Level | LevelEntry) -> Any:
        return self.progress.best(progress_key(level)) if self.progress is not None else None

    def start_hike(self, level: Level) -> None:
        self.push_screen(HikeScreen(Hike(level)))

    def finish_hike(self, hike: Hike) -> None:
        """The hike is over: race once, keep the score (in the background), show what was in the fog."""
        try:
            result = race(hike.level, hike)
        except Exception as err:  # noqa: BLE001 - a broken race must not lose the player's game
            self.notify(f"The race could not be run ({type(err).__name__}: {err}).",
                        title="Race", severity="error", timeout=10)
            self.back_to_select()
            return
        self._record(result)
        self.show_reveal(hike, result)

    def show_reveal(self, hike: Hike, result: Race | None = None) -> None:
        from foggymountain.ui.screens.race_summary import RaceSummaryScreen

        try:
            from foggymountain.ui.screens.reveal import RevealScreen
        except ImportError:  # the reveal is optional: a plain race table will do
            RevealScreen = RaceSummaryScreen  # noqa: N806
        try:
            reveal = RevealScreen(hike, result)
        except Exception as err:  # noqa: BLE001 - a broken reveal must not lose the player's game
            self.notify(f"The reveal failed ({type(err).__name__}: {err}); here is the race table.",
                        title="Reveal", severity="error", timeout=10)
            try:
                reveal = RaceSummaryScreen(hike, result)
            except Exception:  # noqa: BLE001
                self.back_to_select()
                return
        if isinstance(self.screen, HikeScreen):
            self.switch_screen(reveal)
        else:
            self.push_screen(reveal)

    def retry(self, level: Level) -> None:
        entry = self._entry_of(level)
        self._unwind_then(BriefingScreen(entry) if self.level_file is None else None, HikeScreen(Hike(level)))

    def next_level(self, level: Level) -> None:
        index = next((i for i, e in enumerate(self.entries) if e.level is level or e.path == level.path), None)
        if self.level_file is not None or index is None or index + 1 >= len(self.entries):
            if self.level_file is None and index is not None:
                self.notify("That was the last level of the campaign. Well walked!", title="The end")
            self.back_to_select()
            return
        self._unwind_then(BriefingScreen(self.entries[index + 1]))

    def back_to_select(self) -> None:
        self._unwind_then()

    def open_level(self, entry: LevelEntry) -> None:
        self.push_screen(BriefingScreen(entry))

    def reload_campaign(self) -> None:
        self.entries = self._load_campaign()

    def reload_entry(self, entry: LevelEntry) -> LevelEntry:
        fresh = load_entry(entry.path)
        self.entries = [fresh if e is entry else e for e in self.entries]
        return fresh

    def _entry_of(self, level: Level) -> LevelEntry:
        for entry in self.entries:
            if entry.level is level or (level.path is not None and entry.path == level.path):
                return entry
        return LevelEntry(level.path or Path(level.id), level)

    def _unwind_then(self, *screens: Screen | None) -> None:
        """Back to the base screen (level select, or the briefing with `play FILE`), then push."""

        async def unwind() -> None:
            with self.batch_update():
                while len(self.screen_stack) > 1:
                    await self.pop_screen()
                base = self.screen
                if hasattr(base, "refresh_entries"):
                    base.refresh_entries()
                for screen in screens:
                    if screen is not None:
                        await self.push_screen(screen)
            self._check_size(self.size.width, self.size.height)

        self.call_later(unwind)

    # ---- keeping score

    @work(thread=True, group="progress")
    def _record(self, result: Race) -> None:
        level = result.level
        try:
            if self.progress is None:
                self.progress = Progress.load(self.player, self.progress_dir)
            self.progress.record(progress_key(level), result)
            if self.results_dir is not None:
                write_result(self.results_dir, self.player, result)
            warnings = list(self.progress.warnings)
            self.progress.warnings.clear()
        except Exception as err:  # noqa: BLE001 - a full disk must not end the game
            self.call_from_thread(self.notify, f"Your result could not be saved: {err}",
                                  title="Progress", severity="warning", timeout=8)
            return
        for warning in warnings:
            self.call_from_thread(self.notify, str(warning), title="Progress", severity="warning", timeout=8)
        self.call_from_thread(self._scores_changed)

    def _scores_changed(self) -> None:
        for screen in self.screen_stack:
            if hasattr(screen, "refresh_entries"):
                screen.refresh_entries()

    # ---- too small a terminal

    def on_resize(self, event) -> None:
        self._check_size(event.size.width, event.size.height)

    def _check_size(self, width: int, height: int) -> None:
        small = width < MIN_WIDTH or height < MIN_HEIGHT
        on_top = isinstance(self.screen, TooSmallScreen)
        if small and not on_top:
            self.push_screen(TooSmallScreen(MIN_WIDTH, MIN_HEIGHT))
        elif not small and on_top:
            self.pop_screen()

    # ---- --watch

    def _check_files(self) -> None:
        if self.level_file is None and self.levels_dir is not None:
            known = {e.path for e in self.entries}
            new = [p for p in level_files(self.levels_dir) if p not in known]
            if new:
                self.entries = [load_entry(p) for p in level_files(self.levels_dir)]
                self._scores_changed()
                return
        for entry in list(self.entries):
            try:
                mtime = entry.path.stat().st_mtime
            except OSError:
                continue
            if mtime != entry.mtime:
                self._file_changed(entry)

    def _file_changed(self, entry: LevelEntry) -> None:
        fresh = self.reload_entry(entry)
        if fresh.ok:
            self.notify(f"{fresh.path.name} reloaded", title="Level changed")
        else:
            self.notify(f"{fresh.path.name} has {len(fresh.problems)} problem(s)", title="Level changed",
                        severity="error")
        playing = any(getattr(s, "level_path", None) == entry.path for s in self.screen_stack)
        if self.level_file is not None:
            base = self.screen_stack[0]

            async def show() -> None:
                while len(self.screen_stack) > 1:
                    await self.pop_screen()
                base.show_entry(fresh)

            self.call_later(show)
        elif playing:
            self._unwind_then(BriefingScreen(fresh))
        else:
            self._scores_changed()

    # ---- the command palette's own commands

    def action_command_palette(self) -> None:
        """Open the palette, unless one is open already: under the too-small notice, Textual's own
        check (is the palette on top?) misses it and a second one crashes with DuplicateIds."""
        if isinstance(self.screen, TooSmallScreen) or any(isinstance(s, CommandPalette) for s in self.screen_stack):
            return
        super().action_command_palette()

    def action_light_theme(self) -> None:
        self.theme = "foggy-light"

    def action_dark_theme(self) -> None:
        self.theme = "foggy-dark"

    def action_show_help(self) -> None:
        from foggymountain.ui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            dimensions = getattr(getattr(self.screen, "hike", None), "level", None)
            self.push_screen(HelpScreen(dimensions.dimensions if dimensions else None))


def make_app(
    *,
    levels_dir: Path | str | None = None,
    level_file: Path | str | None = None,
    player: str | None = None,
    results_dir: Path | str | None = None,
    progress_dir: Path | str | None = None,
    watch: bool = False,
) -> FoggyApp:
    """The game, ready to `run()` (or `run_test()`)."""
    return FoggyApp(
        levels_dir=Path(levels_dir) if levels_dir else None,
        level_file=Path(level_file) if level_file else None,
        player=player,
        results_dir=Path(results_dir) if results_dir else None,
        progress_dir=Path(progress_dir) if progress_dir else None,
        watch=watch,
    )
