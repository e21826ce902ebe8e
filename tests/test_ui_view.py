"""Issue 18: the hike and the reveal read right at 80x24 and use the room at 140x45.

Pilot tests on campaign levels: the logbook never cuts a number without a mark, the gauge's words
follow the level's own ground, the altimeter keeps one scale per level, the reveal's framing shows
what each level teaches, and every colour reads on both themes.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from foggymountain.ui.app import make_app
from foggymountain.ui.widgets.logbook import CUT, Logbook, fit_number, plan_layout
from pilot_helpers import start_hike

CAMPAIGN = Path(__file__).resolve().parent.parent / "levels"
SIZES = [(80, 24), (140, 45)]


def level_file(number: int) -> Path:
    return next(CAMPAIGN.glob(f"{number:02d}-*.toml"))


def as_float(text: str) -> float:
    return float(text.replace("−", "-").replace("±", "").replace("+", ""))


def shows_value(cell: str, value: float) -> bool:
    """The cell is the value rounded to 1-3 significant digits, or the cut mark."""
    if cell == CUT:
        return True
    shown = as_float(cell)
    return any(math.isclose(shown, float(f"{value:.{d}g}"), rel_tol=1e-9, abs_tol=1e-12) for d in (1, 2, 3))


# ---- the logbook ------------------------------------------------------------------------------


@pytest.mark.parametrize("value", [-0.166, 12345.6, -0.0471, 3.0, -120.0, 1e-7, -9.87e12])
@pytest.mark.parametrize("room", [1, 3, 4, 5, 9])
def test_fit_number_rounds_or_marks(value, room):
    text = fit_number(value, room)
    assert len(text) <= room
    assert shows_value(text, value)


def test_layout_fits_the_width():
    for width in range(20, 120, 7):
        for dims in (1, 2, 3, 196):
            for height in (True, False):
                plan = plan_layout(width, dims, 10_000, height)
                total = sum(w + 2 for w in plan.widths.values())
                assert total <= width or plan.each == 1  # one cell per number is the least


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "140x45"])
@pytest.mark.parametrize("number", [10, 11, 12, 19])
async def test_logbook_never_cuts_a_number_without_a_mark(tmp_path, number, size):
    app = make_app(level_file=level_file(number), player="t", progress_dir=tmp_path)
    async with app.run_test(size=size) as pilot:
        screen = await start_hike(pilot)
        hike = screen.hike
        for _ in range(12):
            if not hike.pace_only:
                await pilot.press("d")
            await pilot.press("enter")
            if hike.over:
                break
        await pilot.pause()
        table = screen.query_one(Logbook)
        widths = list(table.layout_plan.widths.values())
        # The table fits its panel: nothing runs off the edge.
        assert sum(w + 2 for w in widths) <= table.size.width
        for label, width in zip(table.labels.values(), widths):
            assert len(label) <= width
        rows = table.shown_rows()
        assert rows, "the logbook shows the footsteps"
        first = hike.steps_used + 1 - len(rows)
        for row, cells in enumerate(rows):
            index = first + row
            assert cells[0] == str(index)
            for cell, width in zip(cells, widths):
                assert len(cell) <= width, (cell, width)
            # ... and the cells are on screen as written, whole.
            assert all(cell in table.lines[1 + row].plain for cell in cells)
            if hike.level.dimensions <= 2:
                parts = cells[1].split(", ")
                for part, value in zip(parts, hike.positions[index]):
                    assert shows_value(part, value), (part, value)
                slope_parts = cells[-1].split(", ")
                for part, value in zip(slope_parts, hike.slopes[index]):
                    assert shows_value(part, value), (part, value)
            if hike.level.show_height:
                assert shows_value(cells[2], hike.heights[index]), (cells[2], hike.heights[index])
