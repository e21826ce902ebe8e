"""The player's logbook: one row per place they stood, added as they walk (never rebuilt).

The rows fill the panel a page at a time: a new step adds one row below the last instead of
scrolling the table, so a step repaints a line, not the panel (bytes over SSH), and a long walk
keeps one page of rows in memory, not one per step ever taken.
"""

from __future__ import annotations

import numpy as np
from textual.widgets import DataTable

from foggymountain.ui.widgets.words import number


def position_cell(point: np.ndarray) -> str:
    if len(point) <= 2:
        return ", ".join(number(v) for v in point)
    return f"{number(point[0])}, …"


def slope_cell(slope: np.ndarray) -> str:
    if len(slope) == 1:
        return number(slope[0], signed=True)
    if len(slope) == 2:
        return ", ".join(number(v) for v in slope)
    return f"size {number(float(np.linalg.norm(slope)))}"


class Logbook(DataTable):
    """Not focusable: the arrow keys belong to the hike (turning and striding)."""

    can_focus = False

    def __init__(self, **kwargs) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)
        self._shows_height = False
        self.written = 0  # footsteps written so far, over all pages

    @property
    def page_rows(self) -> int:
        """Rows that fit on one page below the header (at least one)."""
        return max(1, self.size.height - self.header_height)

    def show(self, hike) -> None:
        if not self.columns:
            self._shows_height = hike.level.show_height
            columns = ["#", "position"] + (["height"] if self._shows_height else []) + ["slope felt"]
            for label in columns:
                self.add_column(label, key=label)
        for index in range(self.written, len(hike.slopes)):
            if self.row_count >= self.page_rows:
                self.clear()  # a new page: the only full repaint, once a page
            cells = [str(index), position_cell(hike.positions[index])]
            if self._shows_height:
                cells.append(number(hike.heights[index]))
            cells.append(slope_cell(hike.slopes[index]))
            self.add_row(*cells, key=str(index))
            self.written = index + 1
        if self.row_count:
            self.move_cursor(row=self.row_count - 1, animate=False)
