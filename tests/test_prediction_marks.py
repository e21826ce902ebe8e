"""Drawing the player's guess beside the truth: the core pieces the reveal's widgets ask (which
arrow marks a guess beyond the picture, what was guessed), and where a guessed height falls on the
legend's colour scale."""

from __future__ import annotations

import math

import pytest

from foggymountain.prediction import Forecast, Prediction, edge_arrow, guessed_height, guessed_point
from foggymountain.ui.widgets.reveal_legend import ColourBar
from foggymountain.ui.widgets.reveal_walkers import FLOOR_GLYPH, GUESS_GLYPH, GUESS_LOOK, GUESS_ON_FLOOR

SQUARE = [(-1.0, 1.0), (-1.0, 1.0)]


@pytest.mark.parametrize(("point", "arrow"), [
    ((0.0, 0.0), ""), ((1.0, -1.0), ""),  # inside, edges included
    ((2.0, 0.0), "→"), ((-2.0, 0.0), "←"), ((0.0, 2.0), "↑"), ((0.0, -2.0), "↓"),
    ((2.0, 2.0), "↗"), ((-2.0, 2.0), "↖"), ((2.0, -2.0), "↘"), ((-2.0, -2.0), "↙"),
])
def test_a_guess_beyond_the_picture_gets_the_arrow_towards_it(point, arrow):
    assert edge_arrow(point, SQUARE) == arrow


def test_a_guess_on_a_line_is_only_left_or_right():
    assert edge_arrow((5.0,), [(0.0, 1.0)]) == "→"
    assert edge_arrow((-5.0,), [(0.0, 1.0)]) == "←"
    assert edge_arrow((0.5,), [(0.0, 1.0)]) == ""


def _forecast(prediction: Prediction) -> Forecast:
    return Forecast(prediction, (0.0, 0.0), 0.0, "sgd", None, 0, 0)


def test_only_a_placed_guess_is_drawn():
    assert guessed_point(None) is None and guessed_height(None) is None
    winner_only = _forecast(Prediction(winner="sgd"))
    assert guessed_point(winner_only) is None and guessed_height(winner_only) is None
    assert guessed_point(_forecast(Prediction(floor=(1, 2)))) == (1.0, 2.0)
    assert guessed_height(_forecast(Prediction(floor_height=0.25))) == 0.25
    assert guessed_point(_forecast(Prediction(floor=(math.nan, 2)))) is None


def test_a_guessed_height_falls_on_the_scale_in_proportion_within_its_band():
    bar = ColourBar(("#000000",) * 4, [0.0, 1.0, 2.0, 10.0, 100.0])  # four bands, unevenly spaced
    assert bar.place(0.0, 40) == (0, "")
    assert bar.place(1.5, 40) == (15, "")  # half way through the second band
    assert bar.place(6.0, 40) == (25, "")  # half way through the third
    assert bar.place(100.0, 40) == (39, "")
    assert bar.place(-1.0, 40) == (0, "←")
    assert bar.place(500.0, 40) == (39, "→")


def test_the_scale_marks_the_floor_and_the_guess_and_says_when_they_meet():
    levels = [0.0, 1.0, 2.0, 3.0, 4.0]
    style = "bold"

    def row(floor: float, guess: float) -> str:
        return ColourBar(("#000000",) * 4, levels, ((floor, FLOOR_GLYPH, style), (guess, GUESS_GLYPH, style)))._marks_row(8).plain

    assert row(0.0, 3.0) == FLOOR_GLYPH + "     " + GUESS_GLYPH + " "
    assert row(0.0, 0.1) == GUESS_ON_FLOOR + " " * 7
    # a guess below the whole scale: an arrow just inside the ✕ at its end, pointing past it
    assert row(0.0, -5.0) == FLOOR_GLYPH + "←" + " " * 6


def test_the_guess_colour_reads_on_every_ground_of_the_map():
    from foggymountain.terrain.grid import mountain
    from foggymountain.ui.widgets.heatmap import MIN_CONTRAST, contrast, readable_colour, readable_ground

    for ground in mountain().rgb:
        colour = readable_colour(GUESS_LOOK, ground)
        assert contrast(colour, readable_ground(colour, ground)) >= MIN_CONTRAST


@pytest.mark.parametrize("dark", [True, False], ids=["dark", "light"])
def test_the_guess_colour_passes_a_contrast_check_on_both_themes(dark):
    from textual.color import Color

    from foggymountain.ui.app import FOGGY_DARK, FOGGY_LIGHT
    from foggymountain.ui.widgets.heatmap import contrast

    theme = FOGGY_DARK if dark else FOGGY_LIGHT
    for ground in ("background", "surface", "panel"):
        behind = Color.parse(getattr(theme, ground)).rgb
        assert contrast(GUESS_LOOK.rgb_on(dark), behind) >= 3.0, f"{GUESS_LOOK.on(dark)} on {theme.name} {ground}"
