"""The player's logbook: one row per place they stood, added as they walk (never rebuilt).

The rows fill the panel a page at a time: a new step adds one row below the last instead of
scrolling the table, so a step repaints a line, not the panel (bytes over SSH), and a long walk
keeps one page of rows in memory, not one per step ever taken.

Every column has a fixed width chosen from the panel's width, so the table never runs off the
panel. A number that does not fit its column is rounded to fewer significant digits (still a
correct rounding), and if even one digit does not fit it shows as "…": a number is never cut
without a mark. Headers shorten the same way ("slope felt" → "slope").
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from textual.widgets import DataTable

from foggymountain.ui.widgets.words import number

CUT = "…"
WIDEST_NUMBER = 9  # "−1.23e+04", "−0.000123": number() with 3 digits is never wider
HEADERS = {  # each column's header, longest first: the first that fits is shown
    "#": ("#",),
    "position": ("position", "place", "at"),
    "height": ("height", "hgt", "h"),
    "slope": ("slope felt", "slope", "∇"),
}


def fit_number(value: float, room: int, signed: bool = False) -> str:
    """`value` in at most `room` cells: 3 significant digits, else 2, else 1, else "…"."""
    for digits in (3, 2, 1):
        text = number(value, signed=signed, digits=digits)
        if len(text) <= room:
            return text
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


class Logbook(DataTable):
    """Not focusable: the arrow keys belong to the hike (turning and striding)."""

    can_focus = False

    def __init__(self, **kwargs) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)
        self._shows_height = False
        self._hike = None
        self.layout_plan: Layout | None = None
        self.written = 0  # footsteps written so far, over all pages

    @property
    def page_rows(self) -> int:
        """Rows that fit on one page below the header (at least one)."""
        return max(1, self.size.height - self.header_height)

    def on_resize(self) -> None:
        if self._hike is not None and self.size.width:
            plan = self._plan(self._hike)
            if plan != self.layout_plan:  # new widths: the page is written again at them
                self.clear(columns=True)
                self.written = max(0, len(self._hike.slopes) - self.page_rows)
                self.show(self._hike)

    def _plan(self, hike) -> Layout:
        level = hike.level
        # One cell spare for a vertical scrollbar, should one ever show.
        return plan_layout(self.size.width - 1, level.dimensions, level.budget, level.show_height,
                           self.cell_padding)

    def show(self, hike) -> None:
        self._hike = hike
        if not self.size.width:
            return  # not laid out yet: on_resize writes the page
        if not self.columns:
            self._shows_height = hike.level.show_height
            self.layout_plan = plan = self._plan(hike)
            for key, width in plan.widths.items():
                label = next((h for h in HEADERS[key] if len(h) <= width), fit_text(HEADERS[key][-1], width))
                self.add_column(label, key=key, width=width)
        plan = self.layout_plan
        for index in range(self.written, len(hike.slopes)):
            if self.row_count >= self.page_rows:
                self.clear()  # a new page: the only full repaint, once a page
            cells = [fit_text(str(index), plan.index), position_cell(hike.positions[index], plan.each)]
            if self._shows_height:
                cells.append(fit_number(hike.heights[index], plan.each))
            cells.append(slope_cell(hike.slopes[index], plan.each))
            self.add_row(*cells, key=str(index))
            self.written = index + 1
        if self.row_count:
            self.move_cursor(row=self.row_count - 1, animate=False)
