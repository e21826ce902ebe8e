"""Snapshot tests of the game's screens at 80x24, and the briefing and the hike of each level kind
at 140x45 too (pytest-textual-snapshot; update with --snapshot-update, then look at the pictures)."""

from __future__ import annotations

from pathlib import Path

import pytest

from foggymountain.ui.app import make_app

LEVELS = Path(__file__).parent / "levels_ui"
SIZE = (80, 24)
ROOMY = (140, 45)


@pytest.fixture
def app_for(tmp_path):
    def build(**kwargs):
        return make_app(player="tester", progress_dir=tmp_path / "progress", **kwargs)

    return build


def test_level_select(snap_compare, app_for):
    assert snap_compare(app_for(levels_dir=LEVELS), terminal_size=SIZE)


def test_level_select_broken_level(snap_compare, app_for):
    assert snap_compare(app_for(levels_dir=LEVELS), terminal_size=SIZE, press=["end"])


def test_briefing(snap_compare, app_for):
    assert snap_compare(app_for(level_file=LEVELS / "02-bowl.toml"), terminal_size=SIZE)


@pytest.mark.parametrize("size", [SIZE, ROOMY], ids=["80x24", "140x45"])
def test_hike_one_dimension(snap_compare, app_for, size):
    assert snap_compare(app_for(level_file=LEVELS / "01-valley.toml"), terminal_size=size,
                        press=["enter", "enter", "enter", "up"])


@pytest.mark.parametrize("size", [SIZE, ROOMY], ids=["80x24", "140x45"])
def test_hike_two_dimensions(snap_compare, app_for, size):
    assert snap_compare(app_for(level_file=LEVELS / "02-bowl.toml"), terminal_size=size,
                        press=["enter", "enter", "d", "enter", "left", "left"])


@pytest.mark.parametrize("size", [SIZE, ROOMY], ids=["80x24", "140x45"])
def test_hike_many_variables_noisy(snap_compare, app_for, size):
    assert snap_compare(app_for(level_file=LEVELS / "03-words.toml"), terminal_size=size,
                        press=["enter", "enter", "up"])


def test_briefing_with_room(snap_compare, app_for):
    assert snap_compare(app_for(level_file=LEVELS / "02-bowl.toml"), terminal_size=ROOMY)


def test_help(snap_compare, app_for):
    assert snap_compare(app_for(level_file=LEVELS / "02-bowl.toml"), terminal_size=SIZE,
                        press=["enter", "question_mark"])


def test_stride_prompt(snap_compare, app_for):
    assert snap_compare(app_for(level_file=LEVELS / "02-bowl.toml"), terminal_size=SIZE, press=["enter", "s"])


def test_too_small(snap_compare, app_for):
    assert snap_compare(app_for(level_file=LEVELS / "02-bowl.toml"), terminal_size=(40, 10))


def test_hike_holding_the_pace(snap_compare, app_for):
    """Typing a pace holds it: the lock moves beside the pace."""
    assert snap_compare(app_for(level_file=LEVELS / "02-bowl.toml"), terminal_size=SIZE,
                        press=["enter", "p", *"0.2", "enter", "d", "enter"])


def test_prediction_on_a_map(snap_compare, app_for):
    assert snap_compare(app_for(level_file=LEVELS / "02-bowl.toml"), terminal_size=SIZE,
                        press=["enter", "d", "enter", "c", "left", "right", "right", "up", "2"])


def test_prediction_of_how_low_with_many_weights(snap_compare, app_for):
    assert snap_compare(app_for(level_file=LEVELS / "03-words.toml"), terminal_size=SIZE,
                        press=["enter", "enter", "enter", "c", "left", "left", "left"])


def test_leave_confirmation(snap_compare, app_for):
    assert snap_compare(app_for(level_file=LEVELS / "02-bowl.toml"), terminal_size=SIZE,
                        press=["enter", "d", "enter", "escape"])
