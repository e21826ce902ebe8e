"""Class trails: every player's best trail of one level on its revealed map, and where each
predicted the valley floor (when their result says). Moving down the list picks a player: their
trail is drawn on top, in white, so the room can look at one instructive walk together.

The map is the reveal's own (`HeatMap` over `terrain.grid.TerrainMap`; `CurveChart` for a
1-variable level); the walkers come from `board.class_walks`.
"""

from __future__ import annotations

import asyncio
from functools import partial

import numpy as np
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static
from textual.worker import Worker, WorkerState

from foggymountain.outcome import CLASSMATE, PLAYER, PREDICTION
from foggymountain.board import Hike, Snapshot, best_hikes, class_walks, clean, trail_story
from foggymountain.ui.screens.board import HIDDEN_NAME, player_cell
from foggymountain.ui.widgets.reveal_walkers import FLOOR_GLYPH, LOOKS, START_GLYPH
from foggymountain.ui.widgets.words import number, stars_text


class ClassTrailsScreen(Screen):
    DEFAULT_CSS = """
    ClassTrailsScreen #trails-heading { height: auto; padding: 0 1; background: $panel; }
    ClassTrailsScreen #trails-map { width: 1fr; height: 1fr; }
    ClassTrailsScreen #trails-players { width: 44; height: 1fr; }
    ClassTrailsScreen #trails-problem { padding: 1 2; }
    ClassTrailsScreen #trails-story { height: auto; max-height: 6; padding: 0 1; background: $panel; }
    """
    BINDINGS = [
        Binding("escape", "back", "Back to the board", id="back"),
        Binding("a", "show_all", "No one picked", id="show-all"),
    ]

    hidden: reactive[bool] = reactive(False)

    def __init__(self, level_id: str, title: str, level, hikes: list[Hike], *, problem: str = "",
                 hidden: bool = False) -> None:
        super().__init__()
        self.level_id = level_id
        self.title_text = clean(title)
        self.level = level
        self.problem = problem
        self.hikes = list(hikes)
        self.picked: str | None = None
        self.story_of: str | None = None  # whose trail the story line tells
        self.order: list[str] = []
        self.set_reactive(ClassTrailsScreen.hidden, hidden)
        self.terrain = None
        self._drawing = asyncio.Lock()
        if level is not None and level.dimensions >= 2:
            from foggymountain.terrain.grid import TerrainMap

            trails = [h.trail for h in self.hikes if h.trail is not None and h.trail.shape[1] == level.dimensions]
            self.terrain = TerrainMap(level, trails)

    def compose(self) -> ComposeResult:
        yield Static(id="trails-heading")
        with Horizontal():
            with Vertical():
                with Vertical(id="trails-map"):
                    if self.level is None:
                        yield Static(Text(self.problem), id="trails-problem")
                yield Static(id="trails-story")
            yield DataTable(id="trails-players", cursor_type="row", zebra_stripes=True)
        yield Footer()

    async def on_mount(self) -> None:
        self._players()
        await self._map()

    # ---- what the app hands us

    async def show(self, snapshot: Snapshot) -> None:
        hikes = snapshot.hikes_by_level.get(self.level_id, [])
        if len(hikes) != len(self.hikes) or hikes[-1:] != self.hikes[-1:]:
            self.hikes = list(hikes)
            self._players()
            await self._map()

    def watch_hidden(self) -> None:
        if self.is_mounted:
            self._players()
            self.story_of = None
            self.run_worker(self._map(), group="show", exclusive=True)

    # ---- drawing

    def _heading(self, walkers) -> None:
        players = sum(1 for w in walkers if w.name in (CLASSMATE, PLAYER))
        predictions = sum(1 for w in walkers if w.name == PREDICTION)
        legend = Text.assemble(
            ("Class trails — ", "bold"), (self.title_text, "bold"),
            f"   {players} trail{'s' if players != 1 else ''}, {predictions} prediction{'s' if predictions != 1 else ''}\n",
            (LOOKS[CLASSMATE].glyph, LOOKS[CLASSMATE].colour), " a player's footsteps   ",
            (LOOKS[PLAYER].glyph, "bold"), " the picked player   ",
            (LOOKS[PREDICTION].glyph, LOOKS[PREDICTION].colour), " a predicted valley floor   ",
            f"{START_GLYPH} start   {FLOOR_GLYPH} valley floor (the minimum)",
        )
        self.query_one("#trails-heading", Static).update(legend)

    def _players(self) -> None:
        table = self.query_one("#trails-players", DataTable)
        best = best_hikes(self.hikes)
        ordered = sorted(best.values(), key=lambda h: (h.row.key(), h.row.player))
        self.order = [h.row.player for h in ordered]
        table.clear(columns=True)
        table.add_columns("player", "stars", "height")
        table.add_rows([(player_cell(h.row.player, self.hidden), Text(stars_text(h.row.stars)),
                         Text("-" if h.row.final_height is None else number(h.row.final_height), justify="right"))
                        for h in ordered])
        if self.picked in self.order:
            table.move_cursor(row=self.order.index(self.picked), animate=False)

    async def _map(self) -> None:
        async with self._drawing:  # a new result and a key press may both redraw: one at a time
            await self._draw_map()

    async def _draw_map(self) -> None:
        if self.level is None:
            self._heading([])
            return
        walkers = class_walks(self.level, self.hikes, picked=self.picked)
        self._heading(walkers)
        holder = self.query_one("#trails-map", Vertical)
        await holder.remove_children()
        last_step = max((w.steps for w in walkers), default=0)
        if self.level.dimensions == 1:
            from foggymountain.ui.widgets.reveal_curve import CurveChart

            chart = CurveChart(self.level, walkers, id="trails-chart")
            chart.set_reactive(type(chart).step, last_step)
        else:
            from foggymountain.ui.widgets.heatmap import HeatMap

            chart = HeatMap(self.terrain, walkers, floor=self.level.minimum.point,
                            start=np.asarray(self.level.start, float), id="trails-chart")
            chart.set_reactive(type(chart).step, last_step)
        await holder.mount(chart)
        picked = next((w for w in walkers if w.name == PLAYER), None)
        if picked is None:
            self.query_one("#trails-story", Static).update("")
        elif picked.label != self.story_of:
            self.story_of = picked.label
            self.query_one("#trails-story", Static).update(Text(f"{self._shown_name(picked.label)}: reading the trail…"))
            self.run_worker(partial(self._story, self.level, picked), thread=True, exclusive=True, group="story")

    def _shown_name(self, player: str) -> str:
        return HIDDEN_NAME if self.hidden else clean(player)

    def _story(self, level, walk) -> tuple[str, list[str]]:
        return walk.label, trail_story(level, walk)

    @on(Worker.StateChanged)
    def _story_read(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "story" or event.state != WorkerState.SUCCESS:
            return
        player, lines = event.worker.result
        if player != self.story_of:
            return
        story = Text(f"{self._shown_name(player)}: ", style="bold")
        story.append("; ".join(lines) if lines else "nothing went wrong on this walk (no overshoot, crawl, zig-zag or fall).")
        self.query_one("#trails-story", Static).update(story)

    # ---- picking

    @on(DataTable.RowHighlighted, "#trails-players")
    async def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        if 0 <= event.cursor_row < len(self.order):
            picked = self.order[event.cursor_row]
            if picked != self.picked:
                self.picked = picked
                await self._map()

    async def action_show_all(self) -> None:
        self.picked = None
        await self._map()

    def action_back(self) -> None:
        self.dismiss()
