"""The player's logbook: one row per place they stood, added as they walk (never rebuilt).

The rows fill the panel a page at a time: a new step writes the next line of the page, and the
table is drawn with `Lines`, so only the new row and the highlight that moved off the previous
one are repainted (a DataTable repaints all of itself for any change: bytes over SSH). A long
walk keeps one page of rows in memory, not one per step ever taken.

Every column has a fixed width chosen from the panel's width, so the table never runs off the
panel. A number that does not fit its column is rounded to fewer significant digits (still a
correct rounding), and if even one digit does not fit it shows as "…": a number is never cut
without a mark. Headers shorten the same way ("slope felt" → "slope").
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from textual.content import Content

from foggymountain.ui.widgets.lines import Lines
from foggymountain.ui.widgets.words import number

CUT = "…"
NEAR_ZERO = "≈0"
TINY = 1e-4
PADDING = 1  # cells either side of each column
WIDEST_NUMBER = 9  # "−1.23e+04", "−0.000123": number() with 3 digits is never wider
HEADERS = {  # each column's header, longest first: the first that fits is shown
    "#": ("#",),
    "position": ("position", "place", "at"),
    "height": ("height", "hgt", "h"),
    "slope": ("slope felt", "slope", "∇"),
}


def _compact(text: str) -> str:
    """`−5e+04` → `−5e4`, `1.2e-07` → `1.2e-7`: the same number in fewer cells."""
    if "e" not in text:
        return text
    mantissa, exponent = text.split("e")
    sign = "-" if exponent.startswith("-") else ""
    return f"{mantissa}e{sign}{exponent.lstrip('+-').lstrip('0') or '0'}"


def fit_number(value: float, room: int, signed: bool = False) -> str:
    """`value` in at most `room` cells: 3 significant digits, else 2, else 1 (exponents written
    short: `5e4`), else "≈0" for a tiny value, else "…"."""
    for digits in (3, 2, 1):
        text = number(value, signed=signed, digits=digits)
        for form in (text, _compact(text)):
            if len(form) <= room:
                return form
    if abs(value) < TINY and room >= len(NEAR_ZERO):
        return NEAR_ZERO  # −2e-15 is zero at the logbook's precision, and says so
    return CUT


def fit_text(text: str, room: int) -> str:
    return text if len(text) <= room else text[: max(room - 1, 0)] + CUT


@dataclass(frozen=True)
class Layout:
    """How many cells each column gets, and each number in it."""

    index: int
    position: int
    height: int
    slope: int
    each: int  # cells per number

    @property
    def widths(self) -> dict[str, int]:
        found = {"#": self.index, "position": self.position}
        if self.height:
            found["height"] = self.height
        found["slope"] = self.slope
        return found


def plan_layout(width: int, dimensions: int, budget: int, shows_height: bool, padding: int = 1) -> Layout:
    """Column widths that fill at most `width` cells (each column has `padding` on both sides)."""
    index = len(str(max(int(budget), 0)))
    columns = 4 if shows_height else 3
    room = max(width - 2 * padding * columns - index, 0)
    in_position = min(dimensions, 2)  # more than two: the first value, then ", …"
    position_extra = 2 * (in_position - 1) + (3 if dimensions > 2 else 0)
    in_slope = dimensions if dimensions <= 2 else 1
    slope_extra = 2 * (in_slope - 1) + (5 if dimensions > 2 else 0)  # "size "
    numbers = in_position + in_slope + (1 if shows_height else 0)
    each = (room - position_extra - slope_extra) // numbers if numbers else 0
    each = max(1, min(each, WIDEST_NUMBER))
    return Layout(index, in_position * each + position_extra, each if shows_height else 0,
                  in_slope * each + slope_extra, each)


def position_cell(point: np.ndarray, each: int = WIDEST_NUMBER) -> str:
    if len(point) <= 2:
        return ", ".join(fit_number(v, each) for v in point)
    return f"{fit_number(point[0], each)}, …"


def slope_cell(slope: np.ndarray, each: int = WIDEST_NUMBER) -> str:
    if len(slope) == 1:
        return fit_number(slope[0], each, signed=True)
    if len(slope) == 2:
        return ", ".join(fit_number(v, each) for v in slope)
    return f"size {fit_number(float(np.linalg.norm(slope)), each)}"


class Logbook(Lines):
    """The header, then one row per footstep of this page; the latest row is highlighted."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._hike = None
        self.layout_plan: Layout | None = None
        self.labels: dict[str, str] = {}
        self.written = 0  # footsteps written so far, over all pages
        self.page_first = 0  # the footstep on the page's first row
        self._rows: list[list[str]] = []  # this page's cells

    @property
    def page_rows(self) -> int:
        """Rows that fit on one page below the header (at least one)."""
        return max(1, self.size.height - 1)

    @property
    def rows_written(self) -> int:
        """Rows of this page that hold a footstep."""
        return len(self._rows)

    def shown_rows(self) -> list[list[str]]:
        """The cells of this page's rows, top to bottom."""
        return [list(row) for row in self._rows]

    def on_resize(self) -> None:
        super().on_resize()
        if self._hike is not None and self.size.width:
            self.layout_plan = None  # new widths and page size: the page is written again
            self.written = max(0, len(self._hike.slopes) - self.page_rows)
            self._rows = []
            self.show(self._hike)

    def _plan(self, hike) -> Layout:
        level = hike.level
        return plan_layout(self.size.width, level.dimensions, level.budget, level.show_height, PADDING)

    def show(self, hike) -> None:
        self._hike = hike
        if not self.size.width:
            return  # not laid out yet: on_resize writes the page
        if self.layout_plan is None:
            self.layout_plan = plan = self._plan(hike)
            self.labels = {key: next((h for h in HEADERS[key] if len(h) <= width),
                                     fit_text(HEADERS[key][-1], width))
                           for key, width in plan.widths.items()}
            self.page_first = self.written
            self._rows = []
        plan = self.layout_plan
        for index in range(self.written, len(hike.slopes)):
            if index - self.page_first >= self.page_rows:  # a new page: the only full repaint, once a page
                self.page_first = index
                self._rows = []
            cells = [fit_text(str(index), plan.index), position_cell(hike.positions[index], plan.each)]
            if hike.level.show_height:
                cells.append(fit_number(hike.heights[index], plan.each))
            cells.append(slope_cell(hike.slopes[index], plan.each))
            self._rows.append(cells)
            self.written = index + 1
        self._draw()

    def _line(self, cells, style: str) -> Content:
        widths = self.layout_plan.widths.values()
        pad = " " * PADDING
        text = "".join(f"{pad}{cell:<{width}}{pad}" for cell, width in zip(cells, widths))
        return Content.styled(text.ljust(self.size.width), style)

    def _draw(self) -> None:
        lines = [self._line(self.labels.values(), "bold $text on $panel")]
        last = len(self._rows) - 1
        for number_, cells in enumerate(self._rows):
            if number_ == last:
                style = "bold $text on $primary 35%"
            else:
                style = "on $boost" if number_ % 2 else ""
            lines.append(self._line(cells, style))
        # Always a whole page of lines: a change in their number would ask for a layout pass.
        lines += [Content(" " * self.size.width)] * (self.page_rows + 1 - len(lines))
        self.show_lines(lines)
