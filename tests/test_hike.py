"""The hike: the player's walk, driven without any UI."""

from pathlib import Path

import numpy as np
import pytest

from foggymountain.hike import Hike
from foggymountain.outcome import Status
from foggymountain.level import load_level, load_level_text

LEVELS = Path(__file__).parent / "levels_core"


@pytest.fixture
def bowl():
    return load_level(LEVELS / "bowl2d.toml")


def test_the_player_feels_the_exact_slope_and_height(bowl):
    hike = Hike(bowl)
    np.testing.assert_allclose(hike.slope, [2 * (-3 - 1), 2 * (2 + 2)])
    assert hike.height == pytest.approx(16 + 16)
    assert hike.status == Status.WALKING and hike.steps_left == 20


def test_point_downhill_and_step_with_a_pace(bowl):
    hike = Hike(bowl)
    hike.point_downhill()
    hike.set_pace(0.5)  # stride = pace * |slope|: exactly one gradient-descent step with lr 0.5
    assert hike.planned_pace == pytest.approx(0.5)
    hike.step()
    np.testing.assert_allclose(hike.position, [1, -2], atol=1e-12)
    assert hike.height == pytest.approx(0)


def test_heading_turns_by_degrees_and_stride_scales(bowl):
    hike = Hike(bowl)
    hike.set_heading(0)
    hike.turn(90)
    np.testing.assert_allclose(hike.heading, [0, 1], atol=1e-12)
    assert hike.heading_degrees == pytest.approx(90)
    hike.set_stride(2.0)
    hike.lengthen()
    assert hike.stride == pytest.approx(2.5)
    hike.shorten()
    assert hike.stride == pytest.approx(2.0)
    hike.step()
    np.testing.assert_allclose(hike.position, [-3, 4])


@pytest.mark.parametrize("bad", [0.0, -1.0, float("nan"), float("inf")])
def test_unusable_strides_and_paces_are_refused(bowl, bad):
    hike = Hike(bowl)
    before = hike.stride
    with pytest.raises(ValueError):
        hike.set_stride(bad)
    with pytest.raises(ValueError):
        hike.set_pace(bad)
    assert hike.stride == before


def test_stride_is_capped_by_max_stride(tmp_path):
    text = (LEVELS / "bowl2d.toml").read_text().replace("seed = 3", "seed = 3\nmax_stride = 1.5")
    hike = Hike(load_level_text(text, tmp_path / "l.toml"))
    hike.set_stride(1e300)
    assert hike.stride == 1.5


@pytest.mark.parametrize("heading", [0, 90, 180, 270])
def test_walking_off_every_edge_ends_the_hike(bowl, heading):
    hike = Hike(bowl)
    hike.set_heading(heading)
    hike.set_stride(20)
    assert hike.step() == Status.FELL_OFF
    assert hike.over and hike.step() == Status.FELL_OFF  # no more steps
    assert len(hike.positions) == 2


def test_a_wall_is_a_divergence_not_a_crash(tmp_path):
    text = (LEVELS / "line1d.toml").read_text().replace('"(x - 2)**2"', '"(x - 2)**2 + 1/(x + 1)**2"').replace("x = -3", "x = -3")
    hike = Hike(load_level_text(text, tmp_path / "l.toml"))
    hike.face(+1)
    hike.set_stride(2.0)
    assert hike.step() == Status.DIVERGED


def test_spending_the_budget_and_camping(bowl):
    hike = Hike(bowl)
    hike.set_stride(0.01)
    for _ in range(20):
        hike.step()
    assert hike.status == Status.SPENT and hike.steps_left == 0
    other = Hike(bowl)
    other.camp()
    assert other.status == Status.CAMPED and other.steps_used == 0


def test_one_dimensional_facing():
    hike = Hike(load_level(LEVELS / "line1d.toml"))
    assert hike.heading[0] == 1  # downhill is +x from x = -3
    hike.turn(15)
    assert hike.heading[0] == -1
    hike.face(+1)
    hike.step()
    np.testing.assert_allclose(hike.position, [-2])


def test_many_weights_walk_downhill_at_a_chosen_pace(tmp_path):
    text = 'title = "W"\nbriefing = "b"\n[landscape]\nkind = "next-token"\ncorpus = "the cat sat. the dog sat."\n[hike]\nbudget = 4\n'
    hike = Hike(load_level_text(text, tmp_path / "w.toml"))
    assert hike.pace_only
    hike.set_pace(2.0)
    start, slope = hike.position.copy(), hike.slope.copy()
    hike.step()
    np.testing.assert_allclose(hike.position, start - 2.0 * slope)
    hike.lengthen()
    assert hike.pace == pytest.approx(2.5)


def test_noisy_slopes_are_reproducible_and_unbiased():
    level = load_level(LEVELS / "noisy.toml")
    a, b = Hike(level), Hike(level)
    np.testing.assert_array_equal(a.slope, b.slope)
    exact = level.landscape.height_and_slope(level.start)[1]
    assert not np.allclose(a.slope, exact)


def test_replay_gives_the_same_trail(bowl):
    hike = Hike(bowl)
    for degrees in (10, -30, 45):
        hike.turn(degrees)
        hike.step()
    again = Hike(bowl)
    for displacement in hike.displacements:
        again.walk(displacement)
    np.testing.assert_array_equal(again.trail, hike.trail)
    assert again.heights == hike.heights


def test_the_pace_shown_is_the_pace_walked_when_the_stride_is_capped(tmp_path):
    text = 'title = "W"\nbriefing = "b"\n[landscape]\nkind = "next-token"\ncorpus = "the cat sat. the dog sat."\n[hike]\nbudget = 4\nmax_stride = 0.5\n'
    hike = Hike(load_level_text(text, tmp_path / "w.toml"))
    for _ in range(40):
        hike.lengthen()
    assert hike.planned_stride == pytest.approx(0.5)
    assert hike.pace == pytest.approx(hike.planned_pace)
    hike.shorten()  # one press down is felt at once, not after undoing forty
    assert hike.planned_stride < 0.5
