"""The reveal: the fog lifts. The ground is drawn, and the player's trail races the racers'.

`RevealScreen(hike, race)` shows the race of the hike (`race.race`, run by the app) in tabs: the map (a
heat map of the ground, its curve for one variable, or a slice through it for many), heights over
steps next to what each racer felt, the scoreboard, and what happened on the player's trail. A
replay step `step` is shared by every view: Left/Right move it, Space plays it on a timer that
only exists while playing.
"""

from __future__ import annotations

import os

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Container, Horizontal, Vertical, VerticalScroll
from textual.reactive import reactive
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Markdown, Static, TabbedContent, TabPane

from foggymountain.level import CONCEPTS
from foggymountain.hike import Hike
from foggymountain.outcome import RANKING_RULE, STARS_RULE, Race, height_digits, verdict
from foggymountain.prediction import forecast_sentence, guessed_point
from foggymountain.race import replay_inner_states
from foggymountain.terrain.grid import TerrainMap, mountain
from foggymountain.ui.messages import BackToLevels, NextLevel, Retry
from foggymountain.ui.palette import ScreenCommands
from foggymountain.ui.widgets.heatmap import HeatMap
from foggymountain.ui.widgets.later import Later
from foggymountain.ui.widgets.replay_panel import ReplayPanel
from foggymountain.ui.widgets.reveal_batches import BatchTradeOff
from foggymountain.ui.widgets.replay_timeline import ReplayTimeline
from foggymountain.ui.widgets.reveal_curve import CurveChart, walked_curve
from foggymountain.ui.widgets.reveal_fit import FitChart
from foggymountain.ui.widgets.reveal_heights import HeightsChart
from foggymountain.ui.widgets.reveal_held_out import HeldOutLosses
from foggymountain.ui.widgets.reveal_legend import RevealLegend, WalkerKey
from foggymountain.ui.widgets.reveal_sampling import SampledSentences
from foggymountain.ui.widgets.reveal_trail import TrailEvents
from foggymountain.ui.widgets.reveal_walkers import is_dark
from foggymountain.ui.widgets.verdict_line import VerdictLine
from foggymountain.ui.widgets.reveal_words import WordPredictions
from foggymountain.ui.widgets.scoreboard import Scoreboard, stars_text
from foggymountain.ui.widgets.words import number

PLAY_INTERVAL = 0.3  # seconds per replayed step
WIDE = 110  # columns from which the side panels show more


def reveal_terrain(result: Race, guess=None) -> TerrainMap | None:
    """The map's terrain with its contour levels evaluated: heavy, so the app calls this in the
    worker that scores the hike and hands it to the screen (None for a 1-variable level: a curve).
    A 2-D map is framed on the trails, the start, the floor and `guess` (the player's, if any)."""
    if result.level.dimensions < 2:
        return None
    also = [guess] if guess is not None and result.level.dimensions == 2 else []
    terrain = TerrainMap(result.level, [w.path for w in result.walkers], also_show=also)
    terrain.levels  # noqa: B018 - the reference grid, evaluated here rather than in the first paint
    return terrain


class RevealScreen(Screen):
    """The level revealed after the hike: map, heights, scoreboard, trail, and a replay."""

    DEFAULT_CSS = """
    RevealScreen {
        layout: vertical;
    }
    #reveal-header {
        height: 1;
        background: $panel;
    }
    #reveal-title {
        width: auto;
        padding: 0 1;
        text-style: bold;
        color: $text;
    }
    #reveal-tagline {
        width: auto;
        color: $text-muted;
    }
    #reveal-tagline {
        display: none;  /* shown from WIDE on: the first frame (at 80x24) has its final layout */
    }
    RevealScreen.-wide #reveal-tagline {
        display: block;
    }
    #reveal-verdict {
        width: 1fr;
        padding: 0 1;
        text-align: right;
        color: $text-muted;
    }
    RevealScreen > TabbedContent {
        height: 1fr;
    }
    RevealScreen TabbedContent > ContentSwitcher {
        height: 1fr;
    }
    RevealScreen TabPane {
        height: 1fr;
        padding: 0;
    }
    .reveal-row {
        height: 1fr;
    }
    .reveal-frame {
        width: 1fr;
        height: 1fr;
        border: round $primary 60%;
        border-title-color: $text;
        border-title-style: bold;
        border-subtitle-color: $text-muted;
        padding: 0;
    }
    .reveal-chart {
        width: 1fr;
        height: 1fr;
    }
    #map-side {
        width: 30;
        height: 1fr;
        scrollbar-size-vertical: 1;
    }
    RevealScreen.-wide #map-side {
        width: 40;
    }
    #map-side-insides {
        height: auto;
    }
    #map-insides {
        display: none;
        border-top: tall $panel;
    }
    RevealScreen.-wide #map-insides {
        display: block;
    }
    #fit-beside {
        display: none;
    }
    RevealScreen.-wide #fit-beside {
        display: block;
    }
    #heights-side {
        width: 40;
        border-left: tall $panel;
    }
    RevealScreen.-wide #heights-side {
        width: 52;
    }
    #board, #trail {
        padding: 0 1;
    }
    #board-summary, .reveal-heading {
        height: auto;
        margin: 1 0;
    }
    .reveal-heading {
        text-style: bold;
        margin: 0 0 1 0;
    }
    .reveal-gap {
        margin: 1 0 0 0;
    }
    .reveal-hint {
        color: $text-muted;
        height: auto;
    }
    #trail Markdown {
        margin: 0;
        padding: 0;
        background: transparent;
    }
    #glossary {
        height: auto;
    }
    """

    BINDINGS = [
        Binding("r", "retry", "Retry", id="reveal.retry"),
        Binding("n", "next_level", "Next", id="reveal.next"),
        Binding("escape,q", "back", "Levels", id="reveal.back"),
        Binding("left", "step(-1)", "Step", key_display="←→", priority=True, id="reveal.step_back"),
        Binding("right", "step(1)", "Step", show=False, priority=True, id="reveal.step_forward"),
        Binding("space", "play", "Replay", priority=True, id="reveal.play"),
        Binding("home", "jump(0)", "First step", show=False, id="reveal.first"),
        Binding("end", "jump(-1)", "Last step", show=False, id="reveal.last"),
        Binding("ctrl+s,S", "save_picture", "Save SVG", id="reveal.save"),
        Binding("question_mark,f1", "help", "Help", key_display="?", show=False, id="reveal.help"),
        # The side panel and the trail read on with the page keys, whatever has the focus.
        Binding("pagedown", "scroll_pane(1)", "Read on", show=False, priority=True, id="reveal.page_down"),
        Binding("pageup", "scroll_pane(-1)", "Read back", show=False, priority=True, id="reveal.page_up"),
        Binding("down", "scroll_pane_line(1)", "Scroll", show=False, id="reveal.down"),
        Binding("up", "scroll_pane_line(-1)", "Scroll", show=False, id="reveal.up"),
        *(Binding(str(i), f"tab({i})", f"Tab {i}", show=False, id=f"reveal.tab{i}") for i in range(1, 7)),
        Binding("t", "temperature", "Temperature", show=False, id="reveal.temperature"),  # said on the Words tab
        Binding("w", "write_again", "Write again", show=False, id="reveal.write"),
    ]
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (WIDE, "-wide")]

    step: reactive[int] = reactive(0, init=False)
    playing: reactive[bool] = reactive(False, init=False)
    temperature: reactive[float] = reactive(1.0, init=False)  # next-token levels: how the models write
    writing: reactive[int] = reactive(0, init=False)

    COMMANDS = {ScreenCommands}

    def __init__(self, hike: Hike, result: Race, terrain: TerrainMap | None = None,
                 name: str | None = None, id: str | None = None) -> None:
        super().__init__(name=name, id=id)
        self.hike = hike
        self.level = hike.level
        self.race = result
        self.last_step = max(w.steps for w in self.race.walkers)
        self.best_racer = self.race.best_racer
        # Racers first, the player last: the player's trail is drawn on top.
        self.drawn = self.race.racers + [self.race.player]
        self.guess = guessed_point(result.forecast)  # where the player guessed the floor, or None
        self.terrain = terrain if terrain is not None else reveal_terrain(result, self.guess)
        self.curve = walked_curve(self.level, self.drawn, self.guess) if self.level.dimensions == 1 else None
        self._timer: Timer | None = None
        self.set_reactive(RevealScreen.step, self.last_step)

    # ---- layout

    def compose(self) -> ComposeResult:
        level, result = self.level, self.race
        wide = self.app.size.width >= WIDE  # the breakpoint class before the first layout, not after it
        self.set_class(wide, "-wide").set_class(not wide, "-narrow")
        self._tabs = 0  # tabs numbered so far (see `_title`)
        with Horizontal(id="reveal-header"):
            yield Static(Text.assemble(("▲ ", "bold #7fae62"), level.title), id="reveal-title")
            yield Static("· the fog lifts", id="reveal-tagline")
            yield VerdictLine(verdict(result, short=True), result.stars, id="reveal-verdict")
        with TabbedContent(id="reveal-tabs"):
            with TabPane(self._title(self._map_tab_name()), id="tab-map"):
                with Horizontal(classes="reveal-row"):
                    # The reveal is painted over a few frames, each a short callback: the screen's
                    # frame, then the map, then what is beside it, then the other tabs one by one.
                    with self._map_frame():
                        yield Later(self._map_view(), frames=1)
                    if level.kind == "fit":
                        with Later(Vertical(id="fit-beside", classes="reveal-frame"), frames=2):
                            yield FitChart(level, self._compared(), id="fit-chart-beside").data_bind(RevealScreen.step)
                            yield self._fit_key()
                    with VerticalScroll(id="map-side"), Later(Vertical(id="map-side-insides"), frames=2):
                        if result.forecast is not None:
                            yield Static(Text(self._forecast_text(), style="bold"), id="reveal-forecast")
                        yield self._legend()
                        yield ReplayPanel(self.race.walkers, step=self.last_step, id="map-insides").data_bind(RevealScreen.step)
            if level.kind == "fit":
                with TabPane(self._title("Data"), id="tab-data"), Later(Vertical(classes="reveal-chart"), frames=3):
                    yield FitChart(level, self._compared(), id="fit-chart").data_bind(RevealScreen.step)
                    yield self._fit_key()
                    if level.landscape.holdout is not None:
                        yield HeldOutLosses(level, self.race.walkers, id="held-out").data_bind(RevealScreen.step)
            if level.kind == "next-token":
                with TabPane(self._title("Words"), id="tab-words"), Later(VerticalScroll(), frames=3):
                    first = next(iter(WordPredictions.prompts_of(level)))
                    yield SampledSentences(level, self.race.ranking, first, id="sentences").data_bind(
                        RevealScreen.step, RevealScreen.temperature, RevealScreen.writing)
                    yield WordPredictions(level, self._compared(), id="words").data_bind(RevealScreen.step)
            with TabPane(self._title("Heights"), id="tab-heights"), Later(Horizontal(classes="reveal-row"), frames=4):
                with Vertical(classes="reveal-chart"):
                    yield HeightsChart(self.race.walkers, goal=level.goal, id="heights").data_bind(RevealScreen.step)
                    yield WalkerKey(self.race.walkers, (("─", "bold green", "goal"), ("│", "#9696aa", "now")))
                yield ReplayPanel(self.race.walkers, step=self.last_step, id="heights-side").data_bind(RevealScreen.step)
            with TabPane(self._title("Scoreboard"), id="tab-board"), Later(Vertical(id="board"), frames=5):
                yield Static(self._board_summary(), id="board-summary")
                yield Scoreboard(result, id="scoreboard")
                if level.examples is not None:
                    yield BatchTradeOff(result, id="batches")
                yield Static(Text(
                    f"{RANKING_RULE}\n{STARS_RULE}\n"
                    "Height = loss at the last step; Walked = distance; lr = pace (learning rate), μ = momentum.",
                    style="dim"), classes="reveal-hint reveal-gap")
            with TabPane(self._title("Trail"), id="tab-trail"), Later(VerticalScroll(id="trail"), frames=6):
                yield Static("What happened on your trail", classes="reveal-heading")
                yield TrailEvents(result.events, id="events")
                yield Static("↑↓ choose an event · Enter replays its step on the map · PgDn reads on",
                             classes="reveal-hint")
                if level.debrief.strip():
                    yield Static("The lesson", classes="reveal-heading reveal-gap")
                    yield Markdown(level.debrief, id="debrief", open_links=False)  # links from a file open nothing
                yield Static("Words to keep", classes="reveal-heading reveal-gap")
                yield Static(self._words_to_keep(), id="glossary")
        yield ReplayTimeline(self.last_step, tuple(e.step for e in result.events), id="timeline").data_bind(
            RevealScreen.step, RevealScreen.playing)
        yield Footer()

    def _title(self, name: str) -> str:
        """Tab titles carry the number key that opens them: `1 Map`, `2 Heights`..."""
        self._tabs += 1
        return f"[dim]{self._tabs}[/dim] {name}"

    def _map_tab_name(self) -> str:
        if self.level.dimensions == 1:
            return "Curve"
        return "Slice" if self.level.dimensions > 2 else "Map"

    def _compared(self) -> list:
        """The player and the best racer, for the fit and word views."""
        return [self.race.player, self.best_racer]

    def _fit_key(self) -> WalkerKey:
        marks = (("o", "bold", "data"),) + ((("x", "dim", "held out"),) if self.level.landscape.holdout is not None else ())
        return WalkerKey([self.race.player, self.best_racer], marks,
                         notes={self.best_racer.name: " (best racer)"})

    def _map_frame(self) -> Container:
        level = self.level
        frame = Container(classes="reveal-frame", id="map-frame")
        if level.dimensions > 2:
            frame.border_title = f"A slice through {level.dimensions} dimensions"
            frame.border_subtitle = "╱ off bounds · footsteps: their true height"
        elif level.kind == "fit":
            frame.border_title = f"The loss of every {' and '.join(level.variables)}"
        else:
            frame.border_title = "The ground, fog lifted"
        return frame

    def _map_view(self):
        level = self.level
        if level.dimensions == 1:
            return CurveChart(level, self.drawn, view=self.curve, guess=self.guess, id="curve").data_bind(RevealScreen.step)
        heat = HeatMap(self.terrain, self.drawn, floor=level.minimum.point, start=level.start,
                       floor_height=level.minimum.height, guess=self.guess, id="map")
        return heat.data_bind(RevealScreen.step)

    def _legend(self) -> RevealLegend:
        level = self.level
        note = ""
        if level.dimensions > 2:
            note = ("A flat cut through the start along the two directions the trails moved most (dir 1, "
                    "dir 2). Trails and ✕ are projected onto it; under a footstep and the ✕ the colour is "
                    "their true height. PgDn reads on.")
        elif level.kind == "fit":
            note = "Each point of the map is one model: its height is that model's loss on the data."
        return RevealLegend(
            self.race.walkers,
            goal=level.goal,
            floor_height=level.minimum.height,
            scale=mountain(self.terrain.bands if self.terrain else len(self.curve.levels) - 1),
            levels=self.terrain.levels if self.terrain else self.curve.levels,
            note=note,
            guess=self.race.forecast,
            frame=[self.curve.x_range] if self.terrain is None else (None if self.terrain.plane.sliced else self.terrain.plane.extent),
            id="legend",
        ).data_bind(RevealScreen.step)

    def on_mount(self) -> None:
        # Once the reveal's parts are painted (a few frames): its own worker, not theirs, slows.
        self.set_timer(0.4, self._replay_ahead)

    @work(thread=True, group="replay", exit_on_error=False)
    def _replay_ahead(self) -> None:
        """The racers' inner states, for when the player steps back (←): worked out off the UI
        thread while the player looks at the end of the race."""
        replay_inner_states(self.race)

    # ---- reading on: the side panel, the trail

    def _pane_scroll(self) -> VerticalScroll | None:
        active = self.query_one(TabbedContent).active
        found = {"tab-map": "#map-side", "tab-trail": "#trail"}.get(active)
        if found is None:
            pane = self.query_one(TabbedContent).active_pane
            scrolls = list(pane.query(VerticalScroll)) if pane is not None else []
            return scrolls[0] if scrolls else None
        matches = self.query(found)
        return matches.first() if matches else None

    def action_scroll_pane(self, direction: int) -> None:
        view = self._pane_scroll()
        if view is not None:
            (view.scroll_page_down if direction > 0 else view.scroll_page_up)(animate=False)

    def action_scroll_pane_line(self, direction: int) -> None:
        view = self._pane_scroll()
        if view is not None:
            view.scroll_relative(y=direction, animate=False)

    @on(TabbedContent.TabActivated)
    def _tab_opened(self, opened: TabbedContent.TabActivated) -> None:
        if opened.pane.id == "tab-trail":  # Enter replays an event without a Tab first
            self.call_after_refresh(self._focus_events)

    def _focus_events(self) -> None:
        events = self.query(TrailEvents)
        if events:
            events.first().focus(scroll_visible=False)

    def action_help(self) -> None:
        from foggymountain.ui.screens.help import REVEAL_KEYS, HelpScreen

        self.app.push_screen(HelpScreen(None, keys=REVEAL_KEYS))

    def _words_to_keep(self) -> Text:
        """The level's concepts, and the mountain words with their machine-learning names."""
        text = Text()
        for concept in self.level.concepts:
            text.append(f"{concept}", style="bold")
            text.append(f"  {CONCEPTS.get(concept, '')}\n")
        pairs = [("height", "loss"), ("slope", "gradient"), ("stride", "step size"), ("pace", "learning rate"),
                 ("racers", "optimizers"), ("valley floor", "minimum")]
        text.append(" · ".join(f"{a} = {b}" for a, b in pairs), style="dim")
        return text

    def _board_summary(self) -> Text:
        result = self.race
        unit = self.level.budget_unit
        digits = height_digits(result)
        summary = Text.assemble(stars_text(result.stars, is_dark(self)), "  ", verdict(result), "\n",
                                (f"Goal: height (loss) at most {number(self.level.goal, digits=digits)} · par {result.par_steps} {unit} · "
                                 f"budget {self.level.budget_amount} {unit}", "dim"))
        if result.forecast is not None:
            summary.append("\n" + self._forecast_text(), style="bold")
        return summary

    def _forecast_text(self) -> str:
        """The player's prediction beside the truth."""
        labels = {walk.name: walk.label for walk in self.race.racers}
        return forecast_sentence(self.race.forecast, self.level.variables, labels)

    # ---- the replay

    def action_step(self, delta: int) -> None:
        self._stop()
        self.step = min(max(self.step + delta, 0), self.last_step)

    def action_jump(self, step: int) -> None:
        self._stop()
        self.step = self.last_step if step < 0 else min(step, self.last_step)

    def action_play(self) -> None:
        if self.playing:
            self._stop()
            return
        if self.step >= self.last_step:
            self.step = 0
        self.playing = True
        self._timer = self.set_interval(PLAY_INTERVAL, self._advance)

    def _advance(self) -> None:
        if self.step >= self.last_step:
            self._stop()
            return
        self.step += 1
        if self.step >= self.last_step:
            self._stop()

    def _stop(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        self.playing = False

    @on(TrailEvents.Chosen)
    def _replay_event(self, chosen: TrailEvents.Chosen) -> None:
        self._stop()
        self.step = min(chosen.step, self.last_step)
        self.query_one(TabbedContent).active = "tab-map"

    # ---- the other keys

    def palette_commands(self) -> list[tuple[str, str, object]]:
        """This screen's entries in the app's command palette (ctrl+p)."""
        return [
            ("Replay the race", "walk everyone's trail again from the start (space)", self.action_play),
            ("Retry this level", "hike it again (r)", self.action_retry),
            ("Next level", "on to the next level (n)", self.action_next_level),
            ("Save a picture of the reveal", "an SVG in the current folder (ctrl+s)", self.action_save_picture),
        ]

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("temperature", "write_again"):
            return self.level.kind == "next-token"
        return True

    def action_temperature(self) -> None:
        from foggymountain.sampling import MAX_TEMPERATURE
        from foggymountain.ui.screens.number_prompt import NumberPrompt, parse_number

        def parse(text: str) -> float:
            value = parse_number(text, "1")
            if not 0 <= value <= MAX_TEMPERATURE:
                raise ValueError(f"a temperature is between 0 and {MAX_TEMPERATURE:g}")
            return value

        def chosen(value: float | None) -> None:
            if value is not None:
                self.temperature = value
                self.query_one(TabbedContent).active = "tab-words"

        self.app.push_screen(NumberPrompt(
            "Temperature (sampling)",
            "How boldly the models write: 0 always takes the likeliest next word, 1 draws from the "
            "model's own chances, 2 flattens them so unlikely words come up more.",
            f"{self.temperature:g}", parse), chosen)

    def action_write_again(self) -> None:
        self.writing += 1
        self.query_one(TabbedContent).active = "tab-words"

    def action_tab(self, number: int) -> None:
        tabs = self.query_one(TabbedContent)
        panes = [pane.id for pane in tabs.query(TabPane)]
        if 1 <= number <= len(panes):
            tabs.active = panes[number - 1]

    def action_retry(self) -> None:
        self._stop()
        self.post_message(Retry(self.level))

    def action_next_level(self) -> None:
        self._stop()
        self.post_message(NextLevel(self.level))

    def action_back(self) -> None:
        self._stop()
        self.post_message(BackToLevels())

    def action_save_picture(self) -> None:
        name = f"foggymountain-{self.level.id}-reveal.svg"
        path = self.app.save_screenshot(filename=name, path=os.getcwd())
        self.notify(f"Saved the reveal to {path}", title="Picture saved")
