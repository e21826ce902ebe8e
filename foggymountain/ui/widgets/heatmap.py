"""The ground as a heat map: two pixels per cell (▀ with fg = upper, bg = lower), contour bands,
every walker's trail up to the replay step, the start and the valley floor, the player's guess of
the floor (◎; an arrow at the edge when it lies beyond the picture), and axes.

The heights come from `terrain.grid.TerrainMap` (one evaluation per widget size); this widget only
chooses characters and colours, through the Line API, and caches its lines until the size or the
replay step changes.

On a slice of many variables the ground under a footstep is not the ground the walker stood on
(the trail is projected onto the slice), so a footstep's cell and the valley floor's ✕ take the
colour of their *true* height on the map's scale: a trail whose loss fell darkens as it goes.
A glyph is written in its walker's bright or deep colour, whichever reads better on the ground
under it (the white player is dark on snow).
"""

from __future__ import annotations

import time

import numpy as np
from rich.color import Color
from rich.segment import Segment
from rich.style import Style
from textual.reactive import reactive
from textual.strip import Strip
from textual.widget import Widget

from foggymountain.outcome import Walk
from foggymountain.terrain.grid import WALL, ColourScale, Grid, TerrainMap, mountain, xterm_index
from foggymountain.prediction import edge_arrow
from foggymountain.ui.widgets.reveal_walkers import (FLOOR_GLYPH, GUESS_LOOK, GUESS_ON_FLOOR, START_GLYPH, TRAIL_DOT,
                                                     WalkerLook, look_of)

HALF_BLOCK = "▀"
WALL_RGB = (38, 38, 46)
WALL_HATCH = ("╱", (70, 70, 84))  # off the map, or no finite height: hatched
MIN_CONTRAST = 3.0  # WCAG contrast a glyph needs against the ground under it
MIN_DOT_CONTRAST = 2.0  # the dots between footsteps may be fainter, but never vanish
MARK_LOOK = WalkerLook("◆", "#ffffff", "#1f2a33")  # the start and the floor: white, or ink on snow


def _luminance(rgb) -> float:
    channels = [v / 255 for v in rgb]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def readable_ground(glyph_rgb, ground_rgb, target: float = MIN_CONTRAST) -> tuple[int, int, int]:
    """The ground under a glyph, darkened (under a light glyph) or lightened (under a dark one)
    just enough for the glyph to stand out on it."""
    dark_glyph = _luminance(glyph_rgb) < 0.18
    ground = tuple(ground_rgb)
    for _ in range(12):
        if contrast(glyph_rgb, ground) >= target:
            break
        ground = tuple(int(v + (255 - v) * 0.2) if dark_glyph else int(v * 0.8) for v in ground)
    return ground


def contrast(a_rgb, b_rgb) -> float:
    """WCAG contrast ratio of two colours (1 to 21)."""
    a, b = _luminance(a_rgb), _luminance(b_rgb)
    return (max(a, b) + 0.05) / (min(a, b) + 0.05)


def readable_colour(look, ground_rgb) -> tuple[int, int, int]:
    """The walker's bright colour, or its deep one when that reads better on this ground."""
    bright, deep = look.rgb, look.rgb_on(False)
    return bright if contrast(bright, ground_rgb) >= min(MIN_CONTRAST, contrast(deep, ground_rgb)) else deep


def _number(value: float) -> str:
    return f"{value:.3g}".replace("-", "−")


class HeatMap(Widget):
    """Map of the heights of a 2-D plane with the walkers' trails. Set `step` to replay."""

    DEFAULT_CSS = """
    HeatMap {
        width: 1fr;
        height: 1fr;
        min-width: 12;
        min-height: 4;
    }
    HeatMap > .heatmap--axis {
        color: $text-muted;
    }
    """
    COMPONENT_CLASSES = {"heatmap--axis"}

    step: reactive[int] = reactive(0)

    def __init__(self, terrain: TerrainMap, walkers: list[Walk], *, floor=None, start=None,
                 floor_height: float | None = None, guess=None,
                 scale: ColourScale | None = None, name: str | None = None, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.level_floor_height = floor_height
        self.terrain = terrain
        self.walkers = walkers  # drawn in this order: the last on top
        self.floor = None if floor is None else np.asarray(floor, float)
        self.start = None if start is None else np.asarray(start, float)
        self.guess = None if guess is None else np.asarray(guess, float)  # the player's guess of the floor
        self.scale = scale or mountain(terrain.bands)
        self._xterm = dict(zip(self.scale.rgb, self.scale.xterm))
        self._lines: list[Strip] | None = None
        self._styles: dict[tuple, Style] = {}
        self.painted_at: float | None = None  # perf_counter() of the first painted line (benchmarks)

    # ---- what the map shows

    @property
    def grid(self) -> Grid:
        columns, rows = self._map_size()
        return self.terrain.grid(columns, rows * 2)

    def _labels(self) -> tuple[str, str, str]:
        plane = self.terrain.plane
        (b_low, b_high) = plane.extent[1]
        return _number(b_high), plane.names[1], _number(b_low)

    def _gutter(self) -> int:
        return max(len(label) for label in self._labels()) + 1

    def _map_size(self) -> tuple[int, int]:
        width, height = self.size
        return max(width - self._gutter(), 1), max(height - 1, 1)

    def cell_of(self, point) -> tuple[int, int, bool]:
        """(column, row, inside) of a landscape point on the map, in map cells."""
        column, row, inside = self.grid.pixel_of(np.asarray(point, float))
        return int(column), int(row) // 2, bool(inside)

    def guess_glyph(self) -> str:
        """◎, or the arrow from the picture's edge towards a guess beyond it ("" without a guess)."""
        if self.guess is None:
            return ""
        plane = self.terrain.plane
        return edge_arrow(plane.project(self.guess), plane.extent) or GUESS_LOOK.glyph

    # ---- Textual hooks

    def watch_step(self) -> None:
        self._lines = None
        self.refresh()

    def on_resize(self) -> None:
        self._lines = None
        self.refresh()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._lines = None
        self._styles.clear()

    def render_line(self, y: int) -> Strip:
        if self._lines is None or len(self._lines) != self.size.height:
            self._lines = self._build()
        if self.painted_at is None:
            self.painted_at = time.perf_counter()
        return self._lines[y] if 0 <= y < len(self._lines) else Strip.blank(self.size.width)

    # ---- drawing

    def _colour(self, rgb: tuple[int, int, int]) -> Color:
        if self.app.console.color_system in ("256", "standard", "windows"):
            # The scale's own xterm colours keep the bands in order; anything else, the nearest.
            return Color.from_ansi(self._xterm.get(rgb) or xterm_index(rgb))
        return Color.from_rgb(*rgb)

    def _style(self, fg, bg, bold: bool = False) -> Style:
        key = (fg, bg, bold)
        style = self._styles.get(key)
        if style is None:
            style = Style(color=self._colour(fg), bgcolor=self._colour(bg), bold=bold)
            self._styles[key] = style
        return style

    def _pixel_colours(self, grid: Grid) -> np.ndarray:
        """RGB of every pixel (rows, columns, 3): its band's colour (walls in dark grey)."""
        bands = grid.bands
        palette = np.array(self.scale.rgb, float)
        rgb = palette[np.clip(bands, 0, len(palette) - 1)]
        rgb = np.where((bands == WALL)[..., None], np.array(WALL_RGB, float), rgb)
        return np.rint(rgb).astype(int)

    def _true_ground(self, heights) -> list[tuple[int, int, int] | None]:
        """On a slice, the colour of each true height (None elsewhere: the map's own ground)."""
        if not self.terrain.plane.sliced:
            return [None] * len(heights)
        bands = self.terrain.band_of_height(heights)
        palette = self.scale.rgb
        return [None if band == WALL else palette[min(int(band), len(palette) - 1)] for band in bands]

    def _overlay(self, grid: Grid, columns: int, rows: int) -> dict[tuple[int, int], tuple]:
        """Cells covered by a glyph: (row, column) -> (glyph, look, bold, reversed, ground or None)."""
        cells: dict[tuple[int, int], tuple] = {}

        def cell(point):
            column, row, inside = grid.pixel_of(np.asarray(point, float))
            return int(row) // 2, int(column)

        def last_in_each_cell(places: np.ndarray) -> np.ndarray:
            """Indices into `places` ((row, column) pairs), the last one in each cell (later steps
            are drawn over earlier ones): a walk of 10,000 steps covers a few hundred cells."""
            if not len(places):
                return np.zeros(0, int)
            keys = (places[:, 0].astype(np.int64) + 2**20) * 2**21 + (places[:, 1].astype(np.int64) + 2**20)
            _, first = np.unique(keys[::-1], return_index=True)
            return np.sort(len(places) - 1 - first)

        def places_of(points) -> np.ndarray:
            columns_, rows_, _ = grid.pixel_of(points)
            return np.stack([np.asarray(rows_, int) // 2, np.asarray(columns_, int)], axis=1).reshape(-1, 2)

        for walk in self.walkers:
            look = look_of(walk)
            last = min(self.step, walk.steps)
            path = walk.path[: last + 1]
            finite = path[np.all(np.isfinite(path), axis=1)]
            if not len(finite):
                continue
            # Dots between steps, one per cell crossed: all segments at once (a long hike has
            # tens of thousands of them), then only the cells they land in.
            places = places_of(finite)
            gaps = np.abs(np.diff(places, axis=0)).max(axis=1) if len(places) > 1 else np.zeros(0, int)
            between = np.maximum(gaps - 1, 0)
            segment = np.repeat(np.arange(len(between)), between)
            if len(segment):
                first = np.repeat(np.cumsum(between) - between, between)
                t = (np.arange(len(segment)) - first + 1) / gaps[segment]
                dots = finite[segment] + t[:, None] * (finite[segment + 1] - finite[segment])
                dot_places = places_of(dots)
                for place in map(tuple, dot_places[last_in_each_cell(dot_places)].tolist()):
                    if place not in cells or cells[place][0] == TRAIL_DOT:
                        cells[place] = (TRAIL_DOT, look, False, False, None)
            if len(finite) > 1:
                kept = last_in_each_cell(places[:-1])
                heights = walk.heights[: last + 1][np.all(np.isfinite(path), axis=1)][:-1][kept]
                for place, ground in zip(map(tuple, places[:-1][kept].tolist()), self._true_ground(heights)):
                    cells[place] = (look.glyph, look, True, False, ground)
        if self.guess is not None:
            cells[cell(self.guess)] = (self.guess_glyph(), GUESS_LOOK, True, False, None)
        if self.floor is not None:
            floor_ground = self._true_ground([self.level_floor_height])[0] if self.level_floor_height is not None else None
            spot_on = self.guess_glyph() == GUESS_LOOK.glyph and cell(self.guess) == cell(self.floor)
            cells[cell(self.floor)] = ((GUESS_ON_FLOOR, GUESS_LOOK, True, False, floor_ground) if spot_on
                                       else (FLOOR_GLYPH, MARK_LOOK, True, False, floor_ground))
        if self.start is not None:
            cells[cell(self.start)] = (START_GLYPH, MARK_LOOK, True, False, None)
        for walk in self.walkers:
            point = walk.path[min(self.step, walk.steps)]
            if np.all(np.isfinite(point)):
                look = look_of(walk)
                cells[cell(point)] = (look.glyph, look, True, True, None)
        return cells

    def _build(self) -> list[Strip]:
        width, height = self.size
        if width <= 0 or height <= 0:
            return []
        columns, rows = self._map_size()
        gutter = self._gutter()
        grid = self.terrain.grid(columns, rows * 2)
        colours = self._pixel_colours(grid)
        overlay = self._overlay(grid, columns, rows)
        axis_style = self.get_component_rich_style("heatmap--axis")
        top_label, name, bottom_label = self._labels()
        middle = rows // 2
        strips: list[Strip] = []
        for row in range(rows):
            label = {0: top_label, rows - 1: bottom_label}.get(row, name if row == middle else "")
            segments = [Segment(label.rjust(gutter - 1)[: gutter - 1] + " ", axis_style)]
            run_text, run_style = [], None
            upper, lower = colours[2 * row].tolist(), colours[2 * row + 1].tolist()
            for column in range(columns):
                top, bottom = tuple(upper[column]), tuple(lower[column])
                covered = overlay.get((row, column))
                if covered is None and top == bottom == WALL_RGB:
                    text, style = WALL_HATCH[0], self._style(WALL_HATCH[1], WALL_RGB)
                elif covered is None:
                    text, style = HALF_BLOCK, self._style(top, bottom)
                else:
                    glyph, look, bold, reverse, true_ground = covered
                    ground = true_ground or tuple((u + v) // 2 for u, v in zip(top, bottom))
                    colour = readable_colour(look, ground)
                    # The dots between footsteps may be fainter than the footsteps, never invisible.
                    ground = readable_ground(colour, ground, MIN_DOT_CONTRAST if glyph == TRAIL_DOT else MIN_CONTRAST)
                    text = glyph
                    style = self._style((0, 0, 0), look.rgb, True) if reverse else self._style(colour, ground, bold)
                if style is not run_style and run_text:
                    segments.append(Segment("".join(run_text), run_style))
                    run_text = []
                run_style = style
                run_text.append(text)
            if run_text:
                segments.append(Segment("".join(run_text), run_style))
            strips.append(Strip(segments, gutter + columns))
        strips.append(Strip([Segment(self._x_axis(gutter, columns), axis_style)], gutter + columns))
        return [strip.adjust_cell_length(width) for strip in strips]

    def _x_axis(self, gutter: int, columns: int) -> str:
        plane = self.terrain.plane
        low, high = (_number(v) for v in plane.extent[0])
        name = f"{plane.names[0]} →"
        line = [" "] * columns
        line[: len(low)] = low
        line[max(columns - len(high), 0):] = high
        middle = max((columns - len(name)) // 2, len(low) + 1)
        if middle + len(name) < columns - len(high):
            line[middle : middle + len(name)] = name
        return " " * gutter + "".join(line)[:columns]
