"""Snapshots of the reveal at 80x24 and 140x45 for a 1-D, a 2-D, a fit and a many-variable level.

Each hike is fixed (see `HIKES` in test_ui_reveal.py), so every picture is deterministic. The map is
drawn in truecolor whatever terminal runs the tests. Update after a deliberate change with
`pytest tests/test_ui_reveal_snapshots.py --snapshot-update`, then look at the pictures.
"""

from __future__ import annotations

import pytest

from test_ui_reveal import RevealTestApp, camped

KINDS = ["bowl_1d", "ravine_2d", "line_fit", "tiny_words"]


@pytest.fixture(autouse=True)
def truecolor(monkeypatch):
    monkeypatch.setenv("COLORTERM", "truecolor")


@pytest.mark.parametrize("size", [(80, 24), (140, 45)], ids=["80x24", "140x45"])
@pytest.mark.parametrize("name", KINDS)
def test_reveal_opens_on_the_map(snap_compare, name, size):
    assert snap_compare(RevealTestApp(camped(name)), terminal_size=size)


@pytest.mark.parametrize(("name", "keys"), [
    ("ravine_2d", ["2"]),  # heights over steps, and what each racer felt
    ("ravine_2d", ["3"]),  # the scoreboard
    ("ravine_2d", ["4"]),  # the trail's events and the lesson
    ("line_fit", ["2"]),  # the data and the models' lines
    ("tiny_words", ["2"]),  # which word comes next
    ("bowl_3d", []),  # a slice through three variables
], ids=["heights", "scoreboard", "trail", "fit-data", "words", "slice-3d"])
def test_reveal_tabs_at_80x24(snap_compare, name, keys):
    assert snap_compare(RevealTestApp(camped(name)), press=keys, terminal_size=(80, 24))


def test_reveal_mid_replay_at_140x45(snap_compare):
    """Five steps back from the end: trails drawn up to the step, everyone marked where they stood."""
    assert snap_compare(RevealTestApp(camped("ravine_2d")), press=["left"] * 5, terminal_size=(140, 45))


def test_reveal_with_a_guess_at_80x24(snap_compare):
    """The player guessed the floor (and a winner) before the fog lifted: ◎ on the map beside the ✕,
    keyed in the legend under the forecast sentence."""
    from foggymountain.prediction import Prediction
    from test_ui_reveal import GuessedRevealApp

    guessed = Prediction(floor=(0.5, 1.5), winner="momentum")
    assert snap_compare(GuessedRevealApp(camped("ravine_2d"), guessed), terminal_size=(80, 24))
