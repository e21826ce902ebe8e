"""The thin App: which screen is on top, and the way between screens.

All game state lives in core objects: the levels on offer (`Shelf`), the player's stars
(`ScoreBook`), a `Hike`, a `Race`. Screens show them and post messages (`ui/messages.py`) that the
app handles here with `@on`; no screen calls the app. `make_app()` is used by the `play` command
and by the tests alike, so both build the same app.
"""

from __future__ import annotations

import gc
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import on, work
from textual.app import App
from textual.binding import Binding
from textual.command import CommandPalette
from textual.screen import Screen
from textual.theme import Theme

from foggymountain import heap
from foggymountain.progress import default_player
from foggymountain.safe_text import one_line, visible_lines
from foggymountain.scorebook import ScoreBook
from foggymountain.shelf import LevelEntry, Shelf
from foggymountain.ui.messages import (BackToLevels, HikeFinished, LevelChosen, LevelReady, LevelsChanged, NextLevel,
                                       Predicted,
                                       Retry, StartHike)
from foggymountain.ui.palette import Command, CommandList
from foggymountain.ui.screens.level_select import LevelSelectScreen
from foggymountain.ui.screens.too_small import TooSmallScreen
from foggymountain.watch import same_ground

if TYPE_CHECKING:
    # Imported where they are used: the first frame (level select or briefing, drawn from the
    # levels' prefaces) waits for neither numpy nor the hike, race and reveal (issue 14).
    from foggymountain.hike import Hike
    from foggymountain.level import Level
    from foggymountain.outcome import Race
    from foggymountain.prediction import Prediction
    from foggymountain.race import RaceAhead
    from foggymountain.ui.screens.briefing import BriefingScreen

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


@dataclass
class _Finishing:
    """A finished hike on its way to the reveal: raced in a worker, predicted by the player."""

    hike: Hike
    raced: bool = False
    result: Race | None = None
    error: Exception | None = None
    predicted: bool = False
    prediction: Prediction | None = None
    terrain: Any = None  # the reveal map's TerrainMap, built in the worker (None: a curve, or built by the screen)


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
        self._finishing: _Finishing | None = None  # the hike being raced and predicted
        self.register_theme(FOGGY_DARK)
        self.register_theme(FOGGY_LIGHT)
        self.theme = "foggy-dark"
        # The bottom of the screen stack: the level select, or with `play FILE` that level's briefing.
        self.select = None if shelf.single else LevelSelectScreen(shelf, scores)
        self._ahead: RaceAhead | None = None  # the level being briefed or walked, worked out in a worker

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
        # What start-up made (modules, classes, CSS) lives as long as the game: frozen out of the
        # collector, a full collection during a key press no longer walks all of it. Here, before
        # any hike exists: a frozen hike would never be freed.
        gc.freeze()
        self._tell_warnings()
        if self.shelf.pending:  # drawn from prefaces: load the levels once this frame is out
            self.call_after_refresh(self._load_levels)
        if self.select is None and self.shelf.entries[0].ok:
            self._work_ahead(self.shelf.entries[0].level)
        if self.watching:
            # Only with --watch: a cheap stat of the level files once a second.
            self.set_interval(1.0, self._check_files, name="watch levels")
        self._check_size(self.size.width, self.size.height)

    @work(thread=True, group="load", exit_on_error=False)
    def _load_levels(self) -> None:
        """Load the levels the first frame showed from their prefaces, and import what a hike
        needs (numpy, the hike and prediction screens) while the player reads."""
        import foggymountain.ui.screens.briefing  # noqa: F401 - the briefing's Markdown too
        import foggymountain.ui.screens.hike  # noqa: F401
        import foggymountain.ui.screens.prediction  # noqa: F401

        loaded = self.shelf.load_pending()
        heap.release()  # what loading freed
        self.call_from_thread(self._levels_loaded, loaded)

    def _levels_loaded(self, loaded: list[tuple[LevelEntry, LevelEntry]]) -> None:
        from foggymountain.ui.screens.briefing import BriefingScreen  # imported by the worker

        placed = {id(fresh) for fresh in self.shelf.put(loaded)}
        gc.freeze()  # the loaded levels live as long as the game, as start-up's objects do
        for old, fresh in loaded:
            if id(fresh) not in placed:
                continue  # read again meanwhile (r): the newer version stays
            for screen in self.screen_stack:
                if isinstance(screen, BriefingScreen) and screen.entry is old:
                    if fresh.ok:
                        self._work_ahead(fresh.level)
                    screen.show_entry(fresh)
        self._levels_changed()

    # ---- the way between screens

    def _briefing(self, entry: LevelEntry) -> BriefingScreen:
        from foggymountain.ui.screens.briefing import BriefingScreen  # not needed for the level select

        if self.select is not None:
            self.select.opened = entry.path  # highlighted when the player comes back
        if entry.ok and self.is_running:  # the first screen's: started by on_mount
            self._work_ahead(entry.level)
        return BriefingScreen(entry, self.shelf, self.scores)

    @on(LevelChosen)
    def open_level(self, chosen: LevelChosen) -> None:
        self.push_screen(self._briefing(chosen.entry))

    @on(StartHike)
    def start_hike(self, start: StartHike) -> None:
        from foggymountain.hike import Hike
        from foggymountain.ui.screens.hike import HikeScreen

        self._work_ahead(start.level)
        self.push_screen(HikeScreen(Hike(start.level)))

    # ---- work done ahead: the racers do not depend on the player

    def _work_ahead(self, level: Level) -> RaceAhead:
        """Start the valley-floor search and the racers' race of `level` in a worker (once per
        level): by the time the player makes camp the reveal only has to score the walk."""
        from foggymountain.race import RaceAhead

        if self._ahead is None or self._ahead.level is not level:
            self._ahead = RaceAhead(level)
            self._race_ahead(self._ahead)
        elif self._ahead.done:
            self.call_later(self._tell_ready, level)  # for the screen being pushed now
        return self._ahead

    @work(thread=True, group="ahead", exit_on_error=False)
    def _race_ahead(self, ahead: RaceAhead) -> None:
        # The reveal's modules (charts, plotext) are imported here, not when the player makes camp.
        import foggymountain.ui.screens.race_summary  # noqa: F401
        import foggymountain.ui.screens.reveal  # noqa: F401

        try:
            ahead.run()
        except Exception:  # noqa: BLE001 - a boundary: said again, to the player, if they make camp
            log.exception("working out %s ahead failed", ahead.level.path)
            return
        heap.release()  # the tuning and the race freed a few MB in this thread's arena
        self.call_from_thread(self._tell_ready, ahead.level)

    def _tell_ready(self, level: Level) -> None:
        for screen in self.screen_stack:
            screen.post_message(LevelReady(level))

    @on(HikeFinished)
    def finish_hike(self, finished: HikeFinished) -> None:
        """The hike is over: race in a worker while the player predicts, then reveal."""
        from foggymountain.ui.screens.hike import HikeScreen
        from foggymountain.ui.screens.prediction import PredictionScreen

        hike = finished.hike
        self._finishing = _Finishing(hike)
        self._race_in_background(self._work_ahead(hike.level), hike)
        if isinstance(self.screen, HikeScreen):
            self.switch_screen(PredictionScreen(hike))
        else:
            self.push_screen(PredictionScreen(hike))

    @work(thread=True, group="race", exit_on_error=False)
    def _race_in_background(self, ahead: RaceAhead, hike: Hike) -> None:
        """Score the walk against the racers raced ahead (waiting for them if they are still
        running; the valley floor came with them, so judging the prediction costs nothing), and
        build the map's terrain: off the UI thread."""
        from foggymountain.ui.screens.reveal import reveal_terrain

        try:
            result = ahead.scored(hike)
        except Exception as err:  # noqa: BLE001 - a boundary: a broken race must not lose the player's game
            log.exception("the race of %s failed", hike.level.path)
            self.call_from_thread(self._raced, hike, None, err)
            return
        try:
            result_terrain = reveal_terrain(result)
        except Exception:  # noqa: BLE001 - the reveal says so itself (and falls back to the race table)
            log.exception("the map of %s failed", hike.level.path)
            result_terrain = None
        self.call_from_thread(self._raced, hike, result, None, result_terrain)

    def _raced(self, hike: Hike, result: Race | None, error: Exception | None, terrain=None) -> None:
        finishing = self._finishing
        if finishing is None or finishing.hike is not hike:
            return  # the player left meanwhile
        finishing.raced, finishing.result, finishing.error, finishing.terrain = True, result, error, terrain
        self._reveal_when_ready()

    @on(Predicted)
    def predicted(self, made: Predicted) -> None:
        finishing = self._finishing
        if finishing is None:
            return
        finishing.predicted, finishing.prediction = True, made.prediction
        self._reveal_when_ready()

    def _reveal_when_ready(self) -> None:
        finishing = self._finishing
        if finishing is None or not (finishing.raced and finishing.predicted):
            return
        self._finishing = None
        hike, result = finishing.hike, finishing.result
        if result is None:
            err = finishing.error
            self.notify(f"The race could not be run ({type(err).__name__}: {err}).",
                        title="Race", severity="error", timeout=10)
            self._unwind_then()
            return
        from foggymountain.prediction import edge_arrow, guessed_point, judge_prediction

        if finishing.prediction is not None:
            try:
                result.forecast = judge_prediction(finishing.prediction, result)
            except Exception:  # noqa: BLE001 - a boundary: a guess that cannot be judged is only skipped
                log.exception("the prediction on %s could not be judged", hike.level.path)
        self._record(result)
        guess, terrain = guessed_point(result.forecast), finishing.terrain
        if guess is not None and terrain is not None and not terrain.plane.sliced and edge_arrow(guess, terrain.plane.extent):
            self._reframe(hike, result, guess)  # the map was framed before the guess: frame it again
            return
        self.show_reveal(hike, result, terrain)

    @work(thread=True, group="race", exit_on_error=False)
    def _reframe(self, hike: Hike, result: Race, guess) -> None:
        """The reveal's map framed on the trails and the player's guess too (off the UI thread)."""
        from foggymountain.ui.screens.reveal import reveal_terrain

        try:
            terrain = reveal_terrain(result, guess)
        except Exception:  # noqa: BLE001 - the reveal frames its map itself then
            log.exception("the map of %s failed", hike.level.path)
            terrain = None
        self.call_from_thread(self.show_reveal, hike, result, terrain)

    def show_reveal(self, hike: Hike, result: Race, terrain=None) -> None:
        # Imported here: the reveal's charts are not needed to start the game.
        from foggymountain.ui.screens.hike import HikeScreen
        from foggymountain.ui.screens.prediction import PredictionScreen
        from foggymountain.ui.screens.race_summary import RaceSummaryScreen
        from foggymountain.ui.screens.reveal import RevealScreen

        try:
            reveal: Screen = RevealScreen(hike, result, terrain)
        except Exception as err:  # noqa: BLE001 - a boundary: a broken reveal must not lose the player's game
            log.exception("the reveal of %s failed", hike.level.path)
            self.notify(f"The reveal failed ({type(err).__name__}: {err}); here is the race table.",
                        title="Reveal", severity="error", timeout=10)
            reveal = RaceSummaryScreen(hike, result)
        if isinstance(self.screen, (HikeScreen, PredictionScreen)):
            self.switch_screen(reveal)
        else:
            self.push_screen(reveal)

    @on(Retry)
    def retry(self, retry: Retry) -> None:
        from foggymountain.hike import Hike
        from foggymountain.ui.screens.hike import HikeScreen

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
        from foggymountain.ui.screens.briefing import BriefingScreen

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
        from foggymountain.ui.screens.briefing import BriefingScreen
        from foggymountain.ui.screens.hike import HikeScreen

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
        from foggymountain.ui.screens.hike import HikeScreen

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
    prefaces_first: bool = False,
) -> FoggyApp:
    """The game, ready to `run()` (or `run_test()`). `prefaces_first` (the `play` command): the
    first screen is drawn from the levels' prefaces and the levels load in a worker after it."""
    shelf = (Shelf(file=Path(level_file), watched=watch, prefaces_first=prefaces_first) if level_file
             else Shelf(folder=Path(levels_dir) if levels_dir else None, watched=watch, prefaces_first=prefaces_first))
    scores = ScoreBook(player or default_player(), progress_dir=Path(progress_dir) if progress_dir else None,
                       results_dir=Path(results_dir) if results_dir else None)
    return FoggyApp(shelf, scores, watch=watch)
