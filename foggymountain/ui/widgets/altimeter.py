"""The altimeter: the height (loss) where the player stands, and a bar chart of heights so far.

The height and the goal are said with as many digits as it takes for a height above the goal
never to read as at the goal (`digits_apart`).

The bars have one fixed scale per level, said in the panel's subtitle: an empty bar is the goal
height (or lower), a full one the start's height; a height above the start fills the bar and is
marked ▲. So the same height always fills the same cells. The chart fills left to right, one
column per step, and starts a new page (keeping the latest half) when it is full: a step adds
one column instead of shifting every bar (bytes over SSH).
"""

from __future__ import annotations

import math

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content

from foggymountain.ui.widgets.lines import Lines
from foggymountain.ui.widgets.words import digits_apart, number

EIGHTHS = " ▁▂▃▄▅▆▇█"


def bar_cells(fraction: float, rows: int) -> list[str]:
    """The characters of one bar, top row first, for a height `fraction` (0..1) of the scale."""
    eighths = 0 if fraction <= 0 else max(1, round(min(fraction, 1.0) * rows * 8))
    cells = []
    for row in range(rows - 1, -1, -1):  # top row first
        filled = min(max(eighths - row * 8, 0), 8)
        cells.append(EIGHTHS[filled])
    return cells


class HeightTrace(Lines):
    """Heights on a fixed scale from `low` (empty) to `high` (full), one column per step."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.low = 0.0
        self.high = 1.0
        self.goal: float | None = None
        self.first = 0  # the step of the first column on this page
        self._heights: list[float] = []

    def on_resize(self) -> None:
        super().on_resize()
        self._draw()

    def show(self, heights: list[float], low: float, high: float, goal: float | None) -> None:
        self._heights, self.low, self.high, self.goal = heights, low, high, goal
        self._draw()

    def fraction(self, height: float) -> float:
        if not math.isfinite(height):
            return 1.0 if height > 0 else 0.0
        with_scale = (height - self.low) / (self.high - self.low) if self.high > self.low else math.nan
        if not math.isfinite(with_scale):  # no scale (or one past the largest float): above or not
            return 1.0 if height > self.low else 0.0
        return with_scale

    def _draw(self) -> None:
        width = self.size.width
        rows = max(self.size.height, 1)
        if not width:
            return
        count = len(self._heights)
        if count - self.first > width or count < self.first:
            self.first = max(0, count - max(width // 2, 1))
        shown = self._heights[self.first: self.first + width]
        columns = []
        for height in shown:
            fraction = self.fraction(height)
            cells = bar_cells(fraction, rows)
            if fraction > 1:
                cells[0] = "▲"
            elif fraction <= 0:
                cells[-1] = "▁"  # at (or below) the goal: the least of bars, never none
            style = "$success" if self.goal is not None and height <= self.goal else (
                "$error" if fraction > 1 else "$warning")
            columns.append((cells, style))
        lines = []
        for row in range(rows):
            line = Content.assemble(*[(cells[row], style) for cells, style in columns])
            lines.append(line)
        self.show_lines(lines)


class Altimeter(Vertical):
    """Call `show(hike)` after every step. Levels without an altimeter say so instead."""

    def compose(self) -> ComposeResult:
        yield Lines(id="altimeter-reading")
        yield HeightTrace(id="altimeter-trace")

    def show(self, hike) -> None:
        reading = self.query_one("#altimeter-reading", Lines)
        trace = self.query_one("#altimeter-trace", HeightTrace)
        if not hike.level.show_height:
            reading.show_lines([Content.from_markup("[$warning]none here:[/] [$text-muted]you feel only the slope[/]")])
            trace.display = False
            self.add_class("-none")
            return
        heights = hike.heights
        goal = _goal(hike.level)
        start = heights[0]
        digits = digits_apart(goal, [hike.height]) if goal is not None else 3
        text = f"height [b]{number(hike.height, digits=digits)}[/b]"
        if len(heights) > 1:
            change = heights[-1] - heights[-2]
            if change < 0:
                text += f"   [$success]▼ {number(-change)} lower[/]"
            elif change > 0:
                text += f"   [$error]▲ {number(change)} higher[/]"
            else:
                text += "   [$text-muted]level[/]"
        reading.show_lines([Content.from_markup(text)])
        low = goal if goal is not None and goal < start else min(heights)
        trace.show(heights, low, start, goal)
        if goal is not None:
            reached = hike.height <= goal
            subtitle = (f"✓ at goal (≤ {number(goal, digits=digits)}): c to camp" if reached
                        else f"▁ goal ≤ {number(goal, digits=digits)} · █ start {number(start)}")
            if self.border_subtitle != subtitle:
                self.border_subtitle = subtitle
            self.set_class(reached, "-reached")


def _goal(level) -> float | None:
    """Never worked out here: the goal is known once the game has found the valley floor (in a
    worker, see `race.RaceAhead`); until then none is shown."""
    return level.known_goal
