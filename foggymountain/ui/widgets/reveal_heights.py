"""Height (loss) over steps for every walker on one chart, with the replay step marked."""

from __future__ import annotations

import numpy as np
from textual.reactive import reactive
from textual_plotext import PlotextPlot

from foggymountain.outcome import Walk
from foggymountain.terrain.grid import HeightAxis
from foggymountain.ui.widgets.reveal_walkers import is_dark, look_of, theme_rgb
from foggymountain.ui.widgets.chart_guard import CHART_ERRORS, cannot_chart

STEP_COLOUR = (150, 150, 170)


class HeightsChart(PlotextPlot):
    """One line per walker (its glyph as the marker), the goal height, and a line at `step`."""

    step: reactive[int] = reactive(0)

    def __init__(self, walkers: list[Walk], *, goal: float, id: str | None = None) -> None:
        super().__init__(id=id)
        self.walkers = walkers
        self.goal = goal
        self.axis = HeightAxis.for_heights(np.concatenate([w.heights for w in walkers] + [[goal]]))

    def render(self):
        try:
            self._draw()
            return super().render()
        except CHART_ERRORS:
            return cannot_chart()

    def _draw(self) -> None:
        plt = self.plt
        plt.clear_figure()
        axis = self.axis
        plt.title(axis.title)
        plt.xlabel("step")
        plt.ylabel(axis.label if self.size.height >= 14 else "")
        if axis.log:
            plt.yscale("log")
        last = max(w.steps for w in self.walkers)
        plt.xlim(0, max(last, 1))
        for walk in reversed(self.walkers):  # the player last, on top
            heights = axis.plotted(walk.heights)
            steps = np.arange(len(heights))
            keep = np.isfinite(heights) & ((heights > 0) | (not axis.log))
            look = look_of(walk)
            plt.plot(steps[keep].tolist(), heights[keep].tolist(), marker=look.glyph, color=look.rgb_on(is_dark(self)))
        goal = float(axis.plotted(self.goal))
        if not axis.log or goal > 0:
            green = theme_rgb(self, "success", (120, 200, 120))
            plt.horizontal_line(goal, color=green)
            plt.text("goal", x=max(last, 1) * 0.02, y=goal, color=green, alignment="left",
                     background=theme_rgb(self, "surface", (30, 30, 30)))
        plt.vertical_line(self.step, color=STEP_COLOUR)
