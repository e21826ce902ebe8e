"""A 1-D level revealed: the curve of the ground and every walker's footsteps on it.

The chart frames the walked region and colours the curve by height (`terrain.grid.curve_view`):
at 80x24 a hump between two hollows is both higher on the chart and of another colour.

The player's guess of the floor (◎) is drawn at the floor's height: its distance from the ✕ along
the line is how far off the guess was. A guess beyond the framed region is an arrow at the edge.
"""

from __future__ import annotations

import time

import numpy as np
from textual.reactive import reactive
from textual_plotext import PlotextPlot

from foggymountain.outcome import Walk
from foggymountain.terrain.grid import CurveView, curve_view, mountain
from foggymountain.prediction import edge_arrow
from foggymountain.ui.widgets.reveal_walkers import (FLOOR_GLYPH, GUESS_LOOK, GUESS_ON_FLOOR, START_GLYPH, is_dark,
                                                     look_of, theme_rgb)
from foggymountain.ui.widgets.chart_guard import CHART_ERRORS, cannot_chart

SAMPLES = 600


def walked_curve(level, walkers: list[Walk], guess=None) -> CurveView:
    """The curve view of a 1-D level framed on every walker's footsteps, the start, the floor and
    the player's guess of it (drawn on the floor's row: `guess` is (x,) or None)."""
    marks = [np.column_stack([w.path[:, 0], w.heights[: len(w.path)]]) for w in walkers]
    if guess is not None:
        marks.append([[float(guess[0]), float(level.minimum.height)]])
    marks.append([[float(level.start[0]), float(level.start_height)]])
    marks.append([[float(level.minimum.point[0]), float(level.minimum.height)]])
    return curve_view(level.landscape, np.concatenate([np.asarray(m, float).reshape(-1, 2) for m in marks]), SAMPLES)


class CurveChart(PlotextPlot):
    """The ground's curve, footsteps up to `step` (glyph per walker), start, valley floor and the
    player's guess of it (`guess`: the guessed point (x,), or None)."""

    step: reactive[int] = reactive(0)

    def __init__(self, level, walkers: list[Walk], *, view: CurveView | None = None, guess=None,
                 id: str | None = None) -> None:
        super().__init__(id=id)
        self.level = level
        self.guess = None if guess is None else float(guess[0])
        self.walkers = walkers
        self.view = view or walked_curve(level, walkers)
        self.scale = mountain(len(self.view.levels) - 1)
        self.painted_at: float | None = None  # perf_counter() of the first paint (benchmarks)

    def render(self):
        try:
            self._draw()
            drawn = super().render()
        except CHART_ERRORS:
            return cannot_chart()
        if self.painted_at is None:
            self.painted_at = time.perf_counter()
        return drawn

    def _draw(self) -> None:
        plt = self.plt
        plt.clear_figure()
        level = self.level
        name = level.variables[0]
        plt.xlabel(name)
        view = self.view
        low, high = view.x_range
        plt.xlim(low, high)
        plt.ylim(*view.y_range)
        shown = np.isfinite(view.heights) & (view.heights <= view.y_range[1])
        for band, colour in enumerate(self.scale.rgb):  # the ground, coloured by height
            here = shown & (view.bands == band)
            if here.any():
                plt.scatter(view.xs[here].tolist(), view.heights[here].tolist(), marker="braille", color=colour)
        plt.ylabel("height (loss)" if self.size.height >= 12 else "")
        now = []
        for walk in self.walkers:  # the player last, on top
            last = min(self.step, walk.steps)
            xs, hs = walk.path[: last + 1, 0], walk.heights[: last + 1]
            keep = np.isfinite(xs) & np.isfinite(hs) & (xs >= low) & (xs <= high)
            look = look_of(walk)
            plt.scatter(xs[keep][:-1].tolist(), hs[keep][:-1].tolist(), marker=look.glyph, color=look.rgb_on(is_dark(self)))
            if keep.any():
                now.append((look, float(xs[keep][-1]), float(hs[keep][-1])))
        floor = level.minimum
        plt.scatter([float(level.start[0])], [level.start_height], marker=START_GLYPH, color=theme_rgb(self))
        plt.scatter([float(floor.point[0])], [floor.height], marker=FLOOR_GLYPH, color=theme_rgb(self))
        guess = self.guess_mark()
        if guess is not None:
            glyph, x = guess
            plt.scatter([x], [floor.height], marker=glyph, color=GUESS_LOOK.rgb_on(is_dark(self)))
        for look, x, h in now:  # where each walker is at this step, in reverse video as on the map
            plt.text(look.glyph, x=x, y=h, color=(0, 0, 0), background=look.rgb, style="bold")

    def guess_mark(self) -> tuple[str, float] | None:
        """(glyph, x) of the guess on the chart: ◎ at the guess, ⊗ on the ✕ when the two would
        share a column, or an arrow at the edge towards a guess beyond the chart."""
        if self.guess is None:
            return None
        low, high = self.view.x_range
        arrow = edge_arrow((self.guess,), [(low, high)])
        if arrow:
            return arrow, low if arrow == "←" else high
        floor_x = float(self.level.minimum.point[0])
        column = (high - low) / max(self.size.width - 10, 10)  # about one column of the plot
        if abs(self.guess - floor_x) < column:
            return GUESS_ON_FLOOR, floor_x
        return GUESS_LOOK.glyph, float(self.guess)
