"""terrain.grid: heights on a grid, contour bands, colour scales, slices through many variables."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from foggymountain.level import load_level
from foggymountain.terrain import grid as G
from foggymountain.terrain.expression import parse
from foggymountain.terrain.grid import (
    WALL,
    ColourScale,
    HeightAxis,
    TerrainMap,
    band_of,
    contour_levels,
    evaluate_grid,
    level_plane,
    lightness,
    mountain,
    profile,
    slice_plane,
    viridis,
    xterm_scale,
)
from foggymountain.terrain.landscapes import FunctionLandscape

LEVELS = Path(__file__).parent / "levels_reveal"


def bowl(bounds=((-2.0, 2.0), (-1.0, 1.0))) -> FunctionLandscape:
    return FunctionLandscape(parse("x**2 + y**2", ("x", "y")), ("x", "y"), np.array(bounds, float))


class CountingLandscape:
    """A landscape that counts how often it is asked for heights."""

    def __init__(self, inner):
        self.inner = inner
        self.calls = 0
        self.bounds = inner.bounds
        self.variables = inner.variables

    def height(self, points):
        self.calls += 1
        return self.inner.height(points)


# ---- grids -------------------------------------------------------------------------------------


def test_grid_heights_are_exact_at_pixel_centres():
    landscape = bowl()
    plane = level_plane(landscape.bounds, landscape.variables)
    grid = evaluate_grid(landscape, plane, columns=4, rows=2)
    assert grid.a.tolist() == [-1.5, -0.5, 0.5, 1.5]
    assert grid.b.tolist() == [0.5, -0.5]  # row 0 is the top of the picture
    expected = np.array([[2.5, 0.5, 0.5, 2.5], [2.5, 0.5, 0.5, 2.5]])
    np.testing.assert_array_equal(grid.heights, expected)
    assert grid.heights.shape == (2, 4)


def test_points_map_to_their_pixels_and_outside_points_are_flagged():
    landscape = bowl()
    grid = evaluate_grid(landscape, level_plane(landscape.bounds, ("x", "y")), columns=4, rows=2)
    points = np.array([[-1.9, 0.9], [1.9, -0.9], [0.1, 0.1], [0.0, -0.1], [3.0, 0.0], [np.nan, 0.0]])
    column, row, inside = grid.pixel_of(points)
    assert column[:5].tolist() == [0, 3, 2, 2, 3]  # beyond the edge: clipped to it
    assert row[:5].tolist() == [0, 1, 0, 1, 1]
    assert inside.tolist() == [True, True, True, True, False, False]


def test_terrain_map_evaluates_once_per_size():
    level = load_level(LEVELS / "ravine_2d.toml")
    counting = CountingLandscape(level.landscape)
    level.landscape = counting
    terrain = TerrainMap(level)
    first = terrain.grid(40, 30)
    calls = counting.calls
    assert terrain.grid(40, 30) is first
    assert counting.calls == calls
    other = terrain.grid(60, 40)
    assert other is not first and counting.calls == calls + 1
    assert terrain.grid(40, 30) is first  # a resize back is free
    np.testing.assert_array_equal(first.levels, other.levels)  # colours mean the same at every size


def test_walls_are_not_finite_heights():
    landscape = FunctionLandscape(parse("log(x) + y*0", ("x", "y")), ("x", "y"), np.array([[-1.0, 1.0], [-1.0, 1.0]]))
    grid = evaluate_grid(landscape, level_plane(landscape.bounds, ("x", "y")), columns=4, rows=2)
    assert (grid.bands[:, :2] == WALL).all()
    assert (grid.bands[:, 2:] >= 0).all()


# ---- contour bands -----------------------------------------------------------------------------


def test_contour_levels_run_from_lowest_to_highest_and_tighten_toward_the_floor():
    heights = np.linspace(0, 1, 1001) ** 2 * 100 + 3
    levels = contour_levels(heights, 10)
    assert len(levels) == 11
    assert levels[0] == 3 and levels[-1] == 103
    assert np.all(np.diff(levels) > 0)
    rises = levels[1:] - 3
    np.testing.assert_allclose(rises[1:-1] / rises[:-2], rises[1] / rises[0])  # log-spaced
    assert rises[0] == pytest.approx(np.quantile(heights - 3, 0.02))


def test_contour_levels_of_flat_or_empty_ground():
    assert contour_levels(np.full(10, 2.0), 4).tolist() == [2.0] * 5
    assert contour_levels(np.array([np.nan, np.inf]), 3).tolist() == [0.0] * 4


def test_band_of_heights():
    levels = np.array([0.0, 1.0, 10.0, 100.0])
    bands = band_of(np.array([0.0, 0.5, 1.0, 9.9, 50.0, 100.0, 1e9, np.nan, -5.0]), levels)
    assert bands.tolist() == [0, 0, 1, 1, 2, 2, 2, WALL, 0]


# ---- colour scales -----------------------------------------------------------------------------


@pytest.mark.parametrize("scale", [mountain, viridis])
@pytest.mark.parametrize("count", [2, 6, 14, 24])
def test_colour_scales_get_lighter_with_height_in_truecolor_and_256_colours(scale, count):
    colours = scale(count)
    assert len(colours) == len(colours.hex) == len(colours.xterm) == count
    assert np.all(np.diff(lightness(np.array(colours.rgb))) > 0)
    assert all(16 <= i <= 255 for i in colours.xterm)
    xterm_lightness = lightness(G._XTERM_RGB[np.array(colours.xterm) - 16])
    assert np.all(np.diff(xterm_lightness) >= 0)


def test_colour_scale_ends_are_its_anchors():
    colours = ColourScale.sampled(5, ("#000000", "#ffffff"))
    assert colours.hex[0] == "#000000" and colours.hex[-1] == "#ffffff"
    assert colours.rgb[2] == (128, 128, 128)
    assert mountain(10).hex[0] == G.MOUNTAIN_ANCHORS[0] and viridis(10).hex == G.VIRIDIS_ANCHORS


def test_xterm_scale_of_greys_picks_the_grey_ramp():
    assert xterm_scale([(8, 8, 8), (128, 128, 128), (238, 238, 238)]) == (232, 244, 255)


# ---- slices through many variables ---------------------------------------------------------------


def test_slice_plane_holds_the_trails_main_directions():
    rng = np.random.default_rng(7)
    start = rng.normal(size=5)
    u, v = np.linalg.qr(rng.normal(size=(5, 2)))[0].T
    trails = [start + np.outer(rng.normal(size=12), u) * 3 + np.outer(rng.normal(size=12), v) for _ in range(3)]
    bounds = np.tile([-100.0, 100.0], (5, 1))
    plane = slice_plane(start, trails, bounds)
    np.testing.assert_allclose(plane.axes @ plane.axes.T, np.eye(2), atol=1e-12)
    spanned = plane.axes.T @ plane.axes  # projection onto the plane
    np.testing.assert_allclose(spanned @ u, u, atol=1e-9)
    np.testing.assert_allclose(spanned @ v, v, atol=1e-9)
    assert abs(plane.axes[0] @ u) > abs(plane.axes[0] @ v)  # the longer direction comes first
    for trail in trails:
        np.testing.assert_allclose(plane.distance(trail), 0, atol=1e-9)
        np.testing.assert_allclose(plane.lift(*plane.project(trail).T), trail, atol=1e-9)
        a, b = plane.project(trail).T
        assert np.all((a > plane.extent[0, 0]) & (a < plane.extent[0, 1]))
        assert np.all((b > plane.extent[1, 0]) & (b < plane.extent[1, 1]))


def test_slice_plane_of_a_straight_trail_turns_toward_the_floor():
    start = np.zeros(4)
    trail = np.outer(np.arange(5.0), [1.0, 0, 0, 0])
    floor = np.array([2.0, 0, 3.0, 0])
    plane = slice_plane(start, [trail], np.tile([-10.0, 10.0], (4, 1)), floor=floor)
    np.testing.assert_allclose(plane.axes[0], [1, 0, 0, 0], atol=1e-12)
    np.testing.assert_allclose(plane.axes[1], [0, 0, 1, 0], atol=1e-12)
    assert plane.distance(floor) == pytest.approx(0)


def test_slice_plane_of_no_walk_uses_the_first_axes():
    plane = slice_plane(np.ones(3), [np.ones((1, 3))], np.tile([-1.0, 2.0], (3, 1)))
    np.testing.assert_allclose(plane.axes, np.eye(3)[:2])


def test_many_variable_level_gets_a_slice_with_walls_outside_the_bounds():
    level = load_level(LEVELS / "bowl_3d.toml")
    trail = level.start + np.outer(np.linspace(0, 1, 5), [4.0, -4.0, 0.0])
    terrain = TerrainMap(level, [trail])
    assert terrain.plane.sliced
    grid = terrain.grid(30, 20)
    points = terrain.plane.lift(grid.a[None, :], grid.b[:, None])
    outside = np.any((points < level.landscape.bounds[:, 0]) | (points > level.landscape.bounds[:, 1]), axis=-1)
    assert ((grid.bands == WALL) == outside).all()
    inside_heights = level.landscape.height(points[~outside])
    np.testing.assert_allclose(grid.heights[~outside], inside_heights)


def test_one_variable_level_has_a_profile_not_a_map():
    level = load_level(LEVELS / "bowl_1d.toml")
    with pytest.raises(ValueError):
        TerrainMap(level)
    xs, heights = profile(level.landscape, 5)
    assert xs.tolist() == [-4.0, -2.0, 0.0, 2.0, 4.0]
    np.testing.assert_allclose(heights, (xs - 1) ** 2 + 0.3 * np.sin(3 * xs))


# ---- chart axes for heights --------------------------------------------------------------------


def test_height_axis_is_linear_unless_heights_span_decades():
    assert HeightAxis.for_heights([1.0, 5.0, 20.0]) == HeightAxis(False, 0.0)
    assert HeightAxis.for_heights([0.01, 5.0, 200.0]) == HeightAxis(True, 0.0)
    assert HeightAxis.for_heights([np.nan, 3.0]) == HeightAxis(False, 0.0)


def test_height_axis_shifts_heights_at_or_below_zero():
    axis = HeightAxis.for_heights([-1.0, -0.999, 1000.0])
    assert axis.log
    assert axis.offset == pytest.approx(1.0 + 1001.0 * 1e-3)
    assert np.all(axis.plotted([-1.0, 1000.0]) > 0)
    assert "+" in axis.label and "log" in axis.label


def test_mountain_scale_keeps_distinct_ordered_xterm_colours_up_to_its_ramp():
    for count in range(2, len(G.MOUNTAIN_XTERM) + 1):
        xterm = mountain(count).xterm
        assert len(set(xterm)) == count
        assert np.all(np.diff(lightness(G._XTERM_RGB[np.array(xterm) - 16])) > 0)
