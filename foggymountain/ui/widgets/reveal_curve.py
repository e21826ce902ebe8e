"""A 1-D level revealed: the curve of the ground and every walker's footsteps on it."""

from __future__ import annotations

import time

import numpy as np
from textual.reactive import reactive
from textual_plotext import PlotextPlot

from foggymountain.outcome import Walk
from foggymountain.terrain.grid import profile
from foggymountain.ui.widgets.reveal_walkers import FLOOR_GLYPH, START_GLYPH, is_dark, look_of, theme_rgb
from foggymountain.ui.widgets.chart_guard import CHART_ERRORS, cannot_chart

GROUND_COLOUR = (150, 170, 190)


class CurveChart(PlotextPlot):
    """The ground's curve, footsteps up to `step` (glyph per walker), start and valley floor."""

    step: reactive[int] = reactive(0)

    def __init__(self, level, walkers: list[Walk], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.level = level
        self.walkers = walkers
        self.xs, self.heights = profile(level.landscape, 400)
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
        low, high = level.landscape.bounds[0]
        plt.xlim(low, high)
        finite = np.isfinite(self.heights)
        plt.plot(self.xs[finite].tolist(), self.heights[finite].tolist(), marker="braille", color=GROUND_COLOUR)
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
        for look, x, h in now:  # where each walker is at this step, in reverse video as on the map
            plt.text(look.glyph, x=x, y=h, color=(0, 0, 0), background=look.rgb, style="bold")
