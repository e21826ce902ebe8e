"""The slope under the player's feet: an arrow (1-D), a compass (2-D) or a bar list (more).

The gauge only draws the slope the hike felt (`hike.slope`, `hike.downhill`). How steep that is
is said *for this level's ground* (`terrain.steepness.SlopeScale`: a word, and the arrow's
length), never as an angle: heights and positions have units of their own.

The gauge is a `Lines` widget: a step repaints only the cells that changed (the arrow, the
numbers), while the compass rose and the labels stay as they are on screen.

The panel is 38 columns wide at every terminal size: every line is written to fit in `ROOM`
cells (its inside, less a scrollbar), long variable names are cut with "…" where a line must not
wrap (the arrow's labels, the compass, the bars), and sentences wrap rather than run off the edge.
"""

from __future__ import annotations

import math

import numpy as np
from textual.content import Content

from foggymountain.terrain.steepness import SlopeScale
from foggymountain.ui.widgets.lines import Lines
from foggymountain.ui.widgets.words import arrow, compass_name, number

COMPASS_HALF_WIDTH, COMPASS_HALF_HEIGHT = 8, 4  # terminal cells are about twice as tall as wide
LINE_OF = {"E": "─", "W": "─", "N": "│", "S": "│", "NE": "╱", "SW": "╱", "NW": "╲", "SE": "╲"}
BAR_HALF = 6
MOST_BARS = 40
ROOM = 33  # the panel's inside: 38 columns less the border, the padding and a scrollbar
SIDE_ROOM = ROOM - (COMPASS_HALF_WIDTH * 2 + 1) - 1  # beside the compass
LABEL_ROOM = 9  # a variable's name in the bar list


BIG_HALF_WIDTH, BIG_HALF_HEIGHT = 12, 6  # the compass when the panel has the room


class SlopeGauge(Lines):
    """Shows one hike's felt slope; call `show(hike)` after every change. `scale` says what
    counts as steep on this level (see `terrain.steepness.slope_scale`)."""

    def __init__(self, scale: SlopeScale, **kwargs) -> None:
        super().__init__(**kwargs)
        self.scale = scale
        self._hike = None

    def on_resize(self) -> None:
        super().on_resize()
        if self._hike is not None:
            self.show(self._hike)

    def show(self, hike) -> None:
        self._hike = hike
        n = hike.level.dimensions
        if n == 1:
            self.show_lines(self.one_dimension(hike))
        elif n == 2:
            self.show_lines(self.compass(hike))
        else:
            self.show_lines(self.bars(hike))

    def describe(self, steepness: float) -> str:
        """`steep for this ground`: the word for a slope size on this level."""
        word = self.scale.word(steepness)
        return word if word == "flat" else f"{word} for this ground"

    @property
    def compass_size(self) -> tuple[int, int]:
        """Half width and half height of the compass: bigger when the panel has the room."""
        room_high = self.parent.size.height if self.parent is not None else 0
        if self.size.width >= 2 * BIG_HALF_WIDTH + 1 + 22 and room_high >= 2 * BIG_HALF_HEIGHT + 1:
            return BIG_HALF_WIDTH, BIG_HALF_HEIGHT
        return COMPASS_HALF_WIDTH, COMPASS_HALF_HEIGHT

    # ---- one variable: a signed number and an arrow along the line

    def one_dimension(self, hike) -> list[Content]:
        slope = float(hike.slope[0])
        name = hike.level.variables[0]
        word = self.describe(slope)
        cells = round(self.scale.length(slope) * 14)
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
        if cells:
            room = ROOM - len("downhill: to the right (+)")
            where = where.replace(f"({'−' if left else '+'}{name})", f"({'−' if left else '+'}{_cut(name, room)})")
        return [
            Content.from_markup(f"slope [b]{number(slope, signed=True)}[/b]"),
            Content.styled(word, "$text-muted"),
            line,
            Content.styled(f"{'(−' + short + ')':<13}you{'(+' + short + ')':>13}", "$text-muted"),
            Content(""),
            Content.styled(where, "$accent"),
            Content.styled(f"+1 in {_cut(name, 10)} ≈ {number(slope, signed=True)} in height", "$text-muted"),
            Content.styled("(if the slope held that far)", "$text-muted"),
        ]

    # ---- two variables: a compass of characters pointing downhill

    def compass(self, hike) -> list[Content]:
        half_width, half_height = self.compass_size
        rows = half_height * 2 + 1
        cols = half_width * 2 + 1
        grid = [[(" ", "") for _ in range(cols)] for _ in range(rows)]

        def put(t: float, degrees: float, char: str, style: str) -> None:
            radians = math.radians(degrees)
            col = half_width + round(t * half_width * math.cos(radians))
            row = half_height - round(t * half_height * math.sin(radians))
            grid[row][col] = (char, style)

        for k in range(32 if half_width > COMPASS_HALF_WIDTH else 16):
            put(1.0, k * (11.25 if half_width > COMPASS_HALF_WIDTH else 22.5), "·", "$text-muted")
        for degrees, letter in ((90, "N"), (270, "S"), (0, "E"), (180, "W")):
            put(1.0, degrees, letter, "$text-muted bold")
        steepness = hike.steepness
        length = self.scale.length(steepness)
        down = hike.downhill
        down_degrees = math.degrees(math.atan2(down[1], down[0])) % 360 if length else 0.0
        put(1.0, hike.heading_degrees, "◆", "$secondary bold")
        if length:
            line = LINE_OF[compass_name(down_degrees)]
            steps = max(2, round(length * half_width * 2))
            for i in range(1, steps):
                put(length * i / steps, down_degrees, line, "$accent bold")
            put(length, down_degrees, arrow(down_degrees), "$accent bold")
        grid[half_height][half_width] = ("●", "$foreground bold")

        names = hike.level.variables
        slope = hike.slope
        side = [
            Content.from_markup(f"downhill [$accent bold]{arrow(down_degrees)} {compass_name(down_degrees)}[/]"
                                if length else "[$accent]downhill: none[/]"),
            Content.from_markup(f"size [b]{number(steepness)}[/b]"),
            Content.styled(self.scale.word(steepness), "$text-muted"),
            Content.styled("" if steepness == 0 else "for this ground", "$text-muted"),
            _part(names[0], slope[0], self.side_room(cols)),
            _part(names[1], slope[1], self.side_room(cols)),
            Content.from_markup("[$secondary]◆[/] [$text-muted]your heading[/]"),
        ]
        side = [Content("")] * ((rows - len(side)) // 2) + side
        lines = []
        for r in range(rows):
            cells = Content.assemble(*[(char, style) if style else char for char, style in grid[r]])
            lines.append(cells + Content(" ") + (side[r] if r < len(side) else Content("")))
        return lines

    def side_room(self, compass_columns: int) -> int:
        width = self.size.width - 1 if self.size.width else ROOM  # a column spare for a scrollbar
        return max(width - compass_columns - 1, 8)

    # ---- many variables: the slope's size and its biggest components as bars

    def bars(self, hike) -> list[Content]:
        slope = np.asarray(hike.slope, dtype=float)
        names = hike.level.variables
        steepness = hike.steepness
        order = np.argsort(-np.abs(slope), kind="stable")
        biggest = float(np.max(np.abs(slope))) if len(slope) else 0.0
        width = min(LABEL_ROOM, max(len(n) for n in names))
        lines = [
            Content.from_markup(f"size [b]{number(steepness)}[/b]  [$text-muted]$word[/]",
                                word=self.scale.word(steepness) + ("" if steepness == 0 else " here")),
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
        return lines


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


def _part(name: str, value: float, room: int = SIDE_ROOM) -> Content:
    """`x part +5.28` beside the compass; shorter (`weight +5.28`, `learn…te +5.28`) when it must."""
    said = number(value, signed=True)
    if len(name) + len(" part ") + len(said) <= room:
        return Content.assemble(f"{name} part ", (said, "bold"))
    return Content.assemble(f"{_cut(name, room - 1 - len(said))} ", (said, "bold"))
