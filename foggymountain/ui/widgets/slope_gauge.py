"""The slope under the player's feet: an arrow (1-D), a compass (2-D) or a bar list (more).

The gauge only draws the slope the hike felt (`hike.slope`, `hike.downhill`); the arrow's length
follows the slope's angle, so a steeper slope draws a longer arrow.
"""

from __future__ import annotations

import math

import numpy as np
from textual.content import Content
from textual.widgets import Static

from foggymountain.ui.widgets.words import arrow, compass_name, number, slope_angle, steepness_word

COMPASS_HALF_WIDTH, COMPASS_HALF_HEIGHT = 8, 4  # terminal cells are about twice as tall as wide
LINE_OF = {"E": "─", "W": "─", "N": "│", "S": "│", "NE": "╱", "SW": "╱", "NW": "╲", "SE": "╲"}
BAR_HALF = 6
MOST_BARS = 40


def arrow_length(steepness: float) -> float:
    """0..1 of the gauge's radius: flat ground draws nothing, a cliff draws the whole radius."""
    angle = slope_angle(steepness)
    return 0.0 if angle < 1 else max(0.25, angle / 90.0)


class SlopeGauge(Static):
    """Shows one hike's felt slope; call `show(hike)` after every change."""

    def show(self, hike) -> None:
        n = hike.level.dimensions
        if n == 1:
            self.update(self.one_dimension(hike))
        elif n == 2:
            self.update(self.compass(hike))
        else:
            self.update(self.bars(hike))

    # ---- one variable: a signed number and an arrow along the line

    def one_dimension(self, hike) -> Content:
        slope = float(hike.slope[0])
        name = hike.level.variables[0]
        word = steepness_word(slope)
        angle = slope_angle(slope)
        cells = round(arrow_length(slope) * 14)
        left = slope > 0  # the ground rises to the right, so down is to the left
        if cells == 0:
            line = Content.from_markup("              [$accent]●[/]              ")
            where = "no downhill to feel here"
        elif left:
            shaft = "━" * (cells - 1)
            line = Content.from_markup(f"{' ' * (14 - cells)}[$accent bold]◀{shaft}[/]●{' ' * 14}")
            where = f"downhill is to the left (−{name})"
        else:
            shaft = "━" * (cells - 1)
            line = Content.from_markup(f"{' ' * 14}●[$accent bold]{shaft}▶[/]{' ' * (14 - cells)}")
            where = f"downhill is to the right (+{name})"
        return Content("\n").join([
            Content.from_markup(f"slope [b]{number(slope, signed=True)}[/b]   [$text-muted]{word}, {angle:.0f}°[/]"),
            Content(""),
            line,
            Content.styled(f"{'(−' + name + ')':<13}you{'(+' + name + ')':>13}", "$text-muted"),
            Content(""),
            Content.styled(where, "$accent"),
            Content.styled(f"(moving +1 in {name} changes your height", "$text-muted"),
            Content.styled(f" by about {number(slope, signed=True)}, if the slope held)", "$text-muted"),
        ])

    # ---- two variables: a compass of characters pointing downhill

    def compass(self, hike) -> Content:
        rows = COMPASS_HALF_HEIGHT * 2 + 1
        cols = COMPASS_HALF_WIDTH * 2 + 1
        grid = [[(" ", "") for _ in range(cols)] for _ in range(rows)]

        def put(t: float, degrees: float, char: str, style: str) -> None:
            radians = math.radians(degrees)
            col = COMPASS_HALF_WIDTH + round(t * COMPASS_HALF_WIDTH * math.cos(radians))
            row = COMPASS_HALF_HEIGHT - round(t * COMPASS_HALF_HEIGHT * math.sin(radians))
            grid[row][col] = (char, style)

        for k in range(16):
            put(1.0, k * 22.5, "·", "$text-muted")
        for degrees, letter in ((90, "N"), (270, "S"), (0, "E"), (180, "W")):
            put(1.0, degrees, letter, "$text-muted bold")
        steepness = hike.steepness
        length = arrow_length(steepness)
        down = hike.downhill
        down_degrees = math.degrees(math.atan2(down[1], down[0])) % 360 if length else 0.0
        put(1.0, hike.heading_degrees, "◆", "$secondary bold")
        if length:
            line = LINE_OF[compass_name(down_degrees)]
            steps = max(2, round(length * COMPASS_HALF_WIDTH * 2))
            for i in range(1, steps):
                put(length * i / steps, down_degrees, line, "$accent bold")
            put(length, down_degrees, arrow(down_degrees), "$accent bold")
        grid[COMPASS_HALF_HEIGHT][COMPASS_HALF_WIDTH] = ("●", "$foreground bold")

        names = hike.level.variables
        slope = hike.slope
        side = [
            Content.from_markup(f"downhill [$accent bold]{arrow(down_degrees)} {compass_name(down_degrees)}[/]"
                                if length else "[$accent]flat: no downhill[/]"),
            Content.from_markup(f"size [b]{number(steepness)}[/b]"),
            Content.from_markup(f"[$text-muted]{steepness_word(steepness)}, {slope_angle(steepness):.0f}°[/]"),
            Content(""),
            Content.from_markup(f"{names[0]} part [b]{number(slope[0], signed=True)}[/b]"),
            Content.from_markup(f"{names[1]} part [b]{number(slope[1], signed=True)}[/b]"),
            Content.from_markup("[$secondary]◆[/] [$text-muted]your heading[/]"),
        ]
        side = [Content("")] * ((rows - len(side)) // 2) + side
        lines = []
        for r in range(rows):
            cells = Content.assemble(*[(char, style) if style else char for char, style in grid[r]])
            lines.append(cells + Content(" ") + (side[r] if r < len(side) else Content("")))
        return Content("\n").join(lines)

    # ---- many variables: the slope's size and its biggest components as bars

    def bars(self, hike) -> Content:
        slope = np.asarray(hike.slope, dtype=float)
        names = hike.level.variables
        steepness = hike.steepness
        order = np.argsort(-np.abs(slope), kind="stable")
        biggest = float(np.max(np.abs(slope))) if len(slope) else 0.0
        width = min(10, max(len(n) for n in names))
        lines = [
            Content.from_markup(
                f"size [b]{number(steepness)}[/b]  [$text-muted]{steepness_word(steepness)}, "
                f"{slope_angle(steepness):.0f}°[/]"
            ),
            Content.styled(f"its {len(slope)} parts, biggest first:", "$text-muted"),
        ]
        for i in order[:MOST_BARS]:
            value = float(slope[i])
            fill = abs(value) / biggest * BAR_HALF if biggest > 0 else 0.0
            bar = _bar(fill)
            if value < 0:
                drawn = Content.assemble(" " * (BAR_HALF - len(bar)), (bar, "$accent"), ("│", "$text-muted"), " " * BAR_HALF)
            else:
                drawn = Content.assemble(" " * BAR_HALF, ("│", "$text-muted"), (bar, "$primary"), " " * (BAR_HALF - len(bar)))
            label = names[i] if len(names[i]) <= width else names[i][: width - 1] + "…"
            lines.append(Content(f"{label:<{width}} ") + drawn + Content(f" {number(value, signed=True)}"))
        if len(order) > MOST_BARS:
            lines.append(Content.styled(f"… and {len(order) - MOST_BARS} smaller parts", "$text-muted"))
        return Content("\n").join(lines)


def _bar(fill: float) -> str:
    """A bar of whole cells (half cells would not mirror on the negative side)."""
    cells = 0 if fill <= 0 else max(1, round(fill))
    return "█" * min(cells, BAR_HALF)
