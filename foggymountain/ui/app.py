"""The thin App: which screen is on top, and the way between screens.

All game state lives in core objects: the levels on offer (`Shelf`), the player's stars
(`ScoreBook`), a `Hike`, a `Race`. Screens show them and post messages (`ui/messages.py`) that the
app handles here with `@on`; no screen calls the app. `make_app()` is used by the `play` command
and by the tests alike, so both build the same app.
"""

from __future__ import annotations

import logging
from pathlib import Path

from textual import on, work
from textual.app import App
from textual.binding import Binding
from textual.command import CommandPalette
from textual.screen import Screen
from textual.theme import Theme

from foggymountain.hike import Hike
from foggymountain.level import Level
from foggymountain.outcome import Race, Walk
from foggymountain.progress import default_player
from foggymountain.race import race
from foggymountain.safe_text import one_line, visible_lines
from foggymountain.scorebook import ScoreBook
from foggymountain.shelf import LevelEntry, Shelf
from foggymountain.ui.messages import BackToLevels, HikeFinished, LevelChosen, LevelsChanged, NextLevel, Retry, StartHike
from foggymountain.ui.palette import Command, CommandList
from foggymountain.ui.screens.briefing import BriefingScreen
from foggymountain.ui.screens.hike import HikeScreen
from foggymountain.ui.screens.level_select import LevelSelectScreen
from foggymountain.ui.screens.too_small import TooSmallScreen
from foggymountain.watch import same_ground

log = logging.getLogger(__name__)

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


class GameCommands(CommandList):
    """The game's own commands in the palette (ctrl+p), on every screen."""

    def commands(self) -> list[Command]:
        app = self.app
        assert isinstance(app, FoggyApp)
        return app.game_commands()


class FoggyApp(App[None]):
    CSS_PATH = "foggymountain.tcss"
    TITLE = "Foggy Mountain"
    SUB_TITLE = "gradient descent, played blindfolded"
    COMMANDS = App.COMMANDS | {GameCommands}
    BINDINGS = [Binding("ctrl+p", "command_palette", "Commands", show=False, id="palette")]

    def __init__(self, shelf: Shelf, scores: ScoreBook, *, watch: bool = False) -> None:
        super().__init__()
        self.shelf = shelf
        self.scores = scores
        self.watching = watch
        self.register_theme(FOGGY_DARK)
        self.register_theme(FOGGY_LIGHT)
        self.theme = "foggy-dark"
        # The bottom of the screen stack: the level select, or with `play FILE` that level's briefing.
        self.select = None if shelf.single else LevelSelectScreen(shelf, scores)
        # The racers of the level being played, tuned and walked in a worker (`_prepare_racers`).
        self._racers_for: Level | None = None
        self._racers: list[Walk] | None = None

    # ---- start up

    def notify(self, message: str, *, title: str = "", severity="information", timeout: float | None = None,
               markup: bool = True) -> None:
        """Every notification is plain text: they quote file names, error messages and progress
        warnings, which must never be read as markup (screens' `self.notify` lands here too)."""
        super().notify(visible_lines(message), title=one_line(title), severity=severity, timeout=timeout, markup=False)

    def action_command_palette(self) -> None:
        """Open the palette, unless one is open already: under the too-small notice, Textual's own
        check (is the palette on top?) misses it and a second one crashes with DuplicateIds."""
        if isinstance(self.screen, TooSmallScreen) or any(isinstance(s, CommandPalette) for s in self.screen_stack):
            return
        super().action_command_palette()

    def get_default_screen(self) -> Screen:
        if self.select is None:
            return self._briefing(self.shelf.entries[0])
        return self.select

    def on_mount(self) -> None:
        self._tell_warnings()
        if self.select is None and self.shelf.entries[0].ok:
            self._prepare_racers(self.shelf.entries[0].level)
        if self.watching:
            # Only with --watch: a cheap stat of the level files once a second.
            self.set_interval(1.0, self._check_files, name="watch levels")
        self._check_size(self.size.width, self.size.height)

    # ---- the way between screens

    def _briefing(self, entry: LevelEntry) -> BriefingScreen:
        if self.select is not None:
            self.select.opened = entry.path  # highlighted when the player comes back
        if entry.ok and self.is_running:
            self._prepare_racers(entry.level)
        return BriefingScreen(entry, self.shelf, self.scores)

    def _prepare_racers(self, level: Level) -> None:
        if self._racers_for is not level:
            self._racers_for, self._racers = level, None
            self._walk_racers(level)

    @work(thread=True, group="racers", exit_on_error=False)
    def _walk_racers(self, level: Level) -> None:
        """While the player reads the briefing and hikes: tune the level's unpinned racers (once
        per level content, then cached) and walk every racer, so the race at the end of the hike
        only scores the player. A failure here is the race's to report: it runs again then."""
        try:
            walks = race(level).racers  # tuned (or from the cache), then walked; no player yet
        except Exception:  # noqa: BLE001 - a boundary: the race at the end runs again and says what failed
            log.exception("preparing the racers of %s failed", level.path)
            return
        self.call_from_thread(self._racers_walked, level, walks)

    def _racers_walked(self, level: Level, walks: list[Walk]) -> None:
        if self._racers_for is level:
            self._racers = walks

    @on(LevelChosen)
    def open_level(self, chosen: LevelChosen) -> None:
        self.push_screen(self._briefing(chosen.entry))

    @on(StartHike)
    def start_hike(self, start: StartHike) -> None:
        self._prepare_racers(start.level)
        self.push_screen(HikeScreen(Hike(start.level)))

    @on(HikeFinished)
    def finish_hike(self, finished: HikeFinished) -> None:
        """The hike is over: race once, keep the score (in the background), show what was in the fog."""
        hike = finished.hike
        walks = self._racers if self._racers_for is hike.level else None
        try:
            result = race(hike.level, hike, walks=walks)  # without walks ready, race() walks them
        except Exception as err:  # noqa: BLE001 - a boundary: a broken race must not lose the player's game
            log.exception("the race of %s failed", hike.level.path)
            self.notify(f"The race could not be run ({type(err).__name__}: {err}).",
                        title="Race", severity="error", timeout=10)
            self._unwind_then()
            return
        self._record(result)
        self.show_reveal(hike, result)

    def show_reveal(self, hike: Hike, result: Race) -> None:
        # Imported here: the reveal's charts are not needed to start the game.
        from foggymountain.ui.screens.race_summary import RaceSummaryScreen
        from foggymountain.ui.screens.reveal import RevealScreen

        try:
            reveal: Screen = RevealScreen(hike, result)
        except Exception as err:  # noqa: BLE001 - a boundary: a broken reveal must not lose the player's game
            log.exception("the reveal of %s failed", hike.level.path)
            self.notify(f"The reveal failed ({type(err).__name__}: {err}); here is the race table.",
                        title="Reveal", severity="error", timeout=10)
            reveal = RaceSummaryScreen(hike, result)
        if isinstance(self.screen, HikeScreen):
            self.switch_screen(reveal)
        else:
            self.push_screen(reveal)

    @on(Retry)
    def retry(self, retry: Retry) -> None:
        briefing = None if self.shelf.single else self._briefing(self.shelf.entry_of(retry.level))
        self._unwind_then(briefing, HikeScreen(Hike(retry.level)))

    @on(NextLevel)
    def next_level(self, next_level: NextLevel) -> None:
        following = None if self.shelf.single else self.shelf.after(next_level.level)
        if following is None:
            if not self.shelf.single and self.shelf.is_last(next_level.level):
                self.notify("That was the last level of the campaign. Well walked!", title="The end")
            self._unwind_then()
            return
        self._unwind_then(self._briefing(following))

    @on(BackToLevels)
    def back_to_select(self) -> None:
        self._unwind_then()

    def _unwind_then(self, *screens: Screen | None) -> None:
        """Back to the base screen (level select, or the briefing with `play FILE`), then push."""

        async def unwind() -> None:
            with self.batch_update():
                while len(self.screen_stack) > 1:
                    await self.pop_screen()
                self.screen.post_message(LevelsChanged())
                for screen in screens:
                    if screen is not None:
                        await self.push_screen(screen)
            self._check_size(self.size.width, self.size.height)

        self.call_later(unwind)

    def _levels_changed(self) -> None:
        for screen in self.screen_stack:
            screen.post_message(LevelsChanged())

    # ---- keeping score

    @work(thread=True, group="progress")
    def _record(self, result: Race) -> None:
        try:
            self.scores.record(result)
        except Exception as err:  # noqa: BLE001 - a boundary: a full disk must not end the game
            log.exception("cannot save the result of %s", result.level.path)
            self.call_from_thread(self.notify, f"Your result could not be saved: {err}",
                                  title="Progress", severity="warning", timeout=8)
            return
        self.call_from_thread(self._tell_warnings)
        self.call_from_thread(self._levels_changed)

    def _tell_warnings(self) -> None:
        for warning in self.scores.take_warnings():
            self.notify(warning, title="Progress", severity="warning", timeout=8)

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
        added, changed = self.shelf.changed_files()
        if added:
            self._levels_changed()
            return
        for old, fresh in changed:
            self._file_changed(old, fresh)

    def _file_changed(self, old: LevelEntry, fresh: LevelEntry) -> None:
        if old.ok and fresh.ok and same_ground(old.level, fresh.level):
            # Only words changed (a typo in the briefing): nobody is thrown out of a hike for that.
            self.notify(f"{fresh.path.name} reloaded: only its words changed", title="Level changed")
            for screen in self.screen_stack:
                if isinstance(screen, BriefingScreen) and screen.entry.path == fresh.path:
                    screen.show_entry(fresh)
            self._levels_changed()
            return
        if fresh.ok:
            self.notify(f"{fresh.path.name} reloaded", title="Level changed")
        else:
            self.notify(f"{fresh.path.name} has {len(fresh.problems)} problem(s)", title="Level changed",
                        severity="error")
        if self.select is None:
            base = self.screen_stack[0]
            assert isinstance(base, BriefingScreen)

            async def show() -> None:
                while len(self.screen_stack) > 1:
                    await self.pop_screen()
                base.show_entry(fresh)

            self.call_later(show)
        elif self._playing(old.path):
            self._unwind_then(self._briefing(fresh))
        else:
            self._levels_changed()

    def _playing(self, path: Path) -> bool:
        """Is that level's briefing or hike open?"""
        return any((isinstance(s, BriefingScreen) and s.entry.path == path)
                   or (isinstance(s, HikeScreen) and s.hike.level.path == path) for s in self.screen_stack)

    # ---- the command palette's own commands

    def game_commands(self) -> list[Command]:
        found: list[Command] = [
            ("Light theme", "switch to the light colour theme", self.action_light_theme),
            ("Dark theme", "switch to the dark colour theme", self.action_dark_theme),
            ("Help: controls and words", "what every key does; height = loss, slope = gradient...",
             self.action_show_help),
        ]
        if self.select is not None:
            found.append(("Level select", "leave this level and pick another", self.back_to_select))
        return found

    def action_light_theme(self) -> None:
        self.theme = "foggy-light"

    def action_dark_theme(self) -> None:
        self.theme = "foggy-dark"

    def action_show_help(self) -> None:
        from foggymountain.ui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            playing = self.screen.hike.level.dimensions if isinstance(self.screen, HikeScreen) else None
            self.push_screen(HelpScreen(playing))


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
    shelf = (Shelf(file=Path(level_file), watched=watch) if level_file
             else Shelf(folder=Path(levels_dir) if levels_dir else None, watched=watch))
    scores = ScoreBook(player or default_player(), progress_dir=Path(progress_dir) if progress_dir else None,
                       results_dir=Path(results_dir) if results_dir else None)
    return FoggyApp(shelf, scores, watch=watch)
