"""The prediction's cursor starts where the hike stopped, never in the middle of the map (the
valley floor of many symmetric levels: one key press there was a perfect guess)."""

from __future__ import annotations

from pathlib import Path

from foggymountain.level import load_level
from foggymountain.prediction import GuessCursor, height_range

LEVELS = Path(__file__).parent.parent / "levels"


def test_the_first_move_starts_from_where_the_hike_stopped_on_a_map():
    level = load_level(LEVELS / "10-ravine.toml")
    cursor = GuessCursor(level, 51, 11, origin=(-5.0, 5.0))
    stopped = cursor.cell_of((-5.0, 5.0))
    middle = (cursor.columns // 2, cursor.rows // 2)
    assert stopped != middle
    assert cursor.point() is None  # nothing guessed before a key
    cursor.move(1, 0)
    assert cursor.cell == (stopped[0] + 1, stopped[1])


def test_with_no_place_to_start_from_the_cursor_starts_in_the_middle_and_moves():
    level = load_level(LEVELS / "01-downhill.toml")
    cursor = GuessCursor(level, 40, origin=(float("nan"),))
    cursor.move(-1)
    assert cursor.cell == (40 // 2 - 1, 0)


def test_many_weights_start_at_the_height_read_on_the_altimeter_or_else_at_the_start():
    level = load_level(LEVELS / "20-summit.toml")
    low, high = height_range(level)
    if level.show_height:
        seen = GuessCursor(level, 40, origin=low + 0.25 * (high - low))
        seen.move(0)
        assert seen.cell == (10, 0)
    unseen = GuessCursor(level, 40, origin=None)  # no altimeter: nothing to start from but the start
    unseen.move(-1)
    assert unseen.cell == (38, 0)
