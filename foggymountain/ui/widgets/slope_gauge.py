"""The slope under the player's feet: an arrow (1-D), a compass (2-D) or a bar list (more).

The gauge only draws the slope the hike felt (`hike.slope`, `hike.downhill`); the arrow's length
follows the slope's angle, so a steeper slope draws a longer arrow.

The panel is 38 columns wide at every terminal size: every line is written to fit in `ROOM`
cells (its inside, less a scrollbar), long variable names are cut with "…" where a line must not
wrap (the arrow's labels, the compass, the bars), and sentences wrap rather than run off the edge.
"""

from __future__ import annotations

import math

import numpy as np
from textual.content import Content
from textual.widgets import Static

from foggymountain.ui.widgets.words import arrow, compass_name, number, show_text, slope_angle, steepness_word

COMPASS_HALF_WIDTH, COMPASS_HALF_HEIGHT = 8, 4  # terminal cells are about twice as tall as wide
LINE_OF = {"E": "─", "W": "─", "N": "│", "S": "│", "NE": "╱", "SW": "╱", "NW": "╲", "SE": "╲"}
BAR_HALF = 6
MOST_BARS = 40
ROOM = 33  # the panel's inside: 38 columns less the border, the padding and a scrollbar
SIDE_ROOM = ROOM - (COMPASS_HALF_WIDTH * 2 + 1) - 1  # beside the compass
LABEL_ROOM = 9  # a variable's name in the bar list


def arrow_length(steepness: float) -> float:
    """0..1 of the gauge's radius: flat ground draws nothing, a cliff draws the whole radius."""
    angle = slope_angle(steepness)
    return 0.0 if angle < 1 else max(0.25, angle / 90.0)


class SlopeGauge(Static):
    """Shows one hike's felt slope; call `show(hike)` after every change."""

    def show(self, hike) -> None:
        n = hike.level.dimensions
        if n == 1:
            show_text(self, self.one_dimension(hike))
        elif n == 2:
            show_text(self, self.compass(hike))
        else:
            show_text(self, self.bars(hike))

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
            where = f"downhill: to the left (−{name})"
        else:
            shaft = "━" * (cells - 1)
            line = Content.from_markup(f"{' ' * 14}●[$accent bold]{shaft}▶[/]{' ' * (14 - cells)}")
            where = f"downhill: to the right (+{name})"
        short = _cut(name, 10)  # "(−" + 10 + ")" still leaves "you" its place under the ●
        return Content("\n").join([
            Content.from_markup(f"slope [b]{number(slope, signed=True)}[/b]   [$text-muted]{word}, {angle:.0f}°[/]"),
            Content(""),
            line,
            Content.styled(f"{'(−' + short + ')':<13}you{'(+' + short + ')':>13}", "$text-muted"),
            Content(""),
            Content.styled(where, "$accent"),
            Content.styled(f"+1 in {name} ≈ {number(slope, signed=True)} in height", "$text-muted"),
            Content.styled("(if the slope held that far)", "$text-muted"),
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
                                if length else "[$accent]downhill: none[/]"),
            Content.from_markup(f"size [b]{number(steepness)}[/b]"),
            Content.from_markup(f"[$text-muted]{steepness_word(steepness)}, {slope_angle(steepness):.0f}°[/]"),
            Content(""),
            _part(names[0], slope[0]),
            _part(names[1], slope[1]),
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
        width = min(LABEL_ROOM, max(len(n) for n in names))
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
            label = _cut(names[i], width)
            lines.append(Content(f"{label:<{width}} ") + drawn + Content(f" {number(value, signed=True)}"))
        if len(order) > MOST_BARS:
            lines.append(Content.styled(f"… and {len(order) - MOST_BARS} smaller parts", "$text-muted"))
        return Content("\n").join(lines)


def _bar(fill: float) -> str:
    """A bar of whole cells (half cells would not mirror on the negative side)."""
    cells = 0 if fill <= 0 else max(1, round(fill))
    return "█" * min(cells, BAR_HALF)


def _cut(name: str, room: int) -> str:
    """`name` in at most `room` cells; its end is kept, as names often differ only there (w_1, w_2)."""
    if len(name) <= room:
        return name
    end = 2 if room >= 6 else 0
    return name[: room - 1 - end] + "…" + name[len(name) - end:]


def _part(name: str, value: float) -> Content:
    """`x part +5.28` beside the compass; shorter (`weight +5.28`, `learn…te +5.28`) when it must."""
    said = number(value, signed=True)
    if len(name) + len(" part ") + len(said) <= SIDE_ROOM:
        return Content.assemble(f"{name} part ", (said, "bold"))
    return Content.assemble(f"{_cut(name, SIDE_ROOM - 1 - len(said))} ", (said, "bold"))
