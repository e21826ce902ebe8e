"""The player's logbook: one row per place they stood, added as they walk (never rebuilt)."""

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

    def show(self, hike) -> None:
        if not self.columns:
            self._shows_height = hike.level.show_height
            columns = ["#", "position"] + (["height"] if self._shows_height else []) + ["slope felt"]
            for label in columns:
                self.add_column(label, key=label)
        book = hike.logbook()
        for footstep in book[self.row_count:]:
            cells = [str(footstep.index), position_cell(footstep.position)]
            if self._shows_height:
                cells.append(number(footstep.height))
            cells.append(slope_cell(footstep.slope))
            self.add_row(*cells, key=str(footstep.index))
        if self.row_count:
            self.move_cursor(row=self.row_count - 1, animate=False)
