"""The hike: the player's walk, driven without any UI."""

from pathlib import Path

import numpy as np
import pytest

from foggymountain.hike import PACE, STRIDE, Hike
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


# ---- holding the pace is gradient descent: straight downhill, whatever the heading chosen before ----


def test_a_held_pace_in_one_dimension_turns_back_after_overshooting():
    hike = Hike(load_level(LEVELS / "line1d.toml"))  # (x - 2)^2 from x = -3
    hike.face(-1)  # a heading chosen uphill is not the one a held pace walks
    hike.set_pace(0.6)
    assert hike.holding == PACE and hike.heading[0] == 1.0
    hike.step()  # -3 + 0.6 * 10 = 3: past the floor at 2, the slope flips
    np.testing.assert_allclose(hike.position, [3.0])
    assert hike.slope[0] > 0
    assert hike.heading[0] == -1.0  # back downhill, not on uphill with a stride of pace x slope
    np.testing.assert_allclose(hike.planned_displacement, [-0.6 * 2.0])
    assert hike.step() == Status.WALKING
    np.testing.assert_allclose(hike.position, [1.8])
    assert hike.heights[-1] < hike.heights[-2]


def test_a_held_pace_in_two_dimensions_walks_gradient_descent_through_overshoots(bowl):
    hike = Hike(bowl)
    hike.set_heading(90)  # north: not downhill from (-3, 2)
    hike.set_pace(0.75)  # on this round bowl every step lands past the floor, halfway back
    assert hike.heading_degrees == pytest.approx(315)  # the heading walked is shown: downhill
    for _ in range(4):
        before, slope = hike.position.copy(), hike.slope.copy()
        hike.step()
        np.testing.assert_allclose(hike.position, before - 0.75 * slope, atol=1e-12)
    np.testing.assert_allclose(hike.positions[1], [3, -4])
    first, second = hike.displacements[:2]
    assert float(first @ second) < 0  # after the overshoot the walk came back
    assert hike.heights == sorted(hike.heights, reverse=True)


def test_turning_while_holding_the_pace_holds_the_stride_it_was_taking(bowl):
    hike = Hike(bowl)
    hike.set_pace(0.25)
    stride = hike.planned_stride
    assert stride == pytest.approx(0.25 * np.hypot(8, 8))
    hike.turn(15)  # from the heading walked (downhill, 315°), not from one chosen before
    assert hike.holding == STRIDE and hike.stride == pytest.approx(stride)
    assert hike.heading_degrees == pytest.approx(330)
    start = hike.position.copy()
    hike.step()
    np.testing.assert_allclose(hike.position - start, stride * np.array([np.cos(np.radians(330)), np.sin(np.radians(330))]))


def test_typing_a_heading_or_facing_while_holding_the_pace_holds_the_stride(bowl):
    hike = Hike(bowl)
    hike.set_pace(0.25)
    with pytest.raises(ValueError):
        hike.set_heading(float("nan"))
    assert hike.holding == PACE  # a refused heading changes nothing
    hike.set_heading(90)
    assert hike.holding == STRIDE and hike.heading_degrees == pytest.approx(90)
    line = Hike(load_level(LEVELS / "line1d.toml"))
    line.set_pace(0.3)
    stride = line.planned_stride
    line.face(-1)
    assert line.holding == STRIDE and line.stride == pytest.approx(stride) and line.heading[0] == -1.0
    line.set_pace(0.3)
    line.turn(15)  # in one dimension a turn faces the other way from the heading walked: downhill (+x)
    assert line.holding == STRIDE and line.heading[0] == -1.0


def test_pointing_downhill_keeps_the_pace_and_a_stride_keeps_the_heading_walked(bowl):
    hike = Hike(bowl)
    hike.set_heading(90)
    hike.set_pace(0.75)
    hike.point_downhill()
    assert hike.holding == PACE
    hike.step()  # to (3, -4), past the floor: downhill is now 135°
    hike.set_stride(1.0)  # the heading kept is the one the pace would walk now, not north
    assert hike.holding == STRIDE and hike.heading_degrees == pytest.approx(135)


def test_turning_a_held_pace_on_flat_ground_keeps_the_last_stride(tmp_path):
    text = (LEVELS / "bowl2d.toml").read_text().replace("x = -3, y = 2", "x = 1, y = -2")
    hike = Hike(load_level_text(text, tmp_path / "flat.toml"))
    stride = hike.stride
    hike.set_pace(0.5)
    assert hike.planned_stride == 0
    hike.turn(15)
    assert hike.holding == STRIDE and hike.stride == stride > 0


def test_in_one_dimension_facing_downhill_while_holding_the_pace_keeps_the_pace():
    """The arrow that points the way the pace already walks (downhill) changes nothing; the other
    arrow is a heading of the player's own, so it holds the stride (as turning does)."""
    line = Hike(load_level(LEVELS / "line1d.toml"))  # (x - 2)^2 from x = -3: downhill is +x
    line.set_pace(0.3)
    line.face(+1)
    assert line.holding == PACE
    line.face(-1)
    assert line.holding == STRIDE and line.heading[0] == -1.0
