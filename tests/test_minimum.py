"""The valley-floor search finds the global minimum of the classical test functions, in bounds."""

from __future__ import annotations

import re

import numpy as np
import pytest

from foggymountain.terrain.expression import parse
from foggymountain.terrain.landscapes import FitLandscape, FunctionLandscape, NextTokenLandscape
from foggymountain.terrain.minimum import Minimum, find_minimum


def function_landscape(text: str, bounds, variables=("x", "y")) -> FunctionLandscape:
    return FunctionLandscape(
        expression=parse(text, variables),
        variables=tuple(variables),
        bounds=np.array(bounds, dtype=float),
    )


def styblinski_tang(n: int) -> FunctionLandscape:
    names = tuple(f"x{i}" for i in range(n))
    text = "0.5*(" + " + ".join(f"{v}**4 - 16*{v}**2 + 5*{v}" for v in names) + ")"
    return function_landscape(text, [[-5, 5]] * n, names)


ACKLEY = (
    "-20*exp(-0.2*sqrt(0.5*(x**2 + y**2))) - exp(0.5*(cos(2*pi*x) + cos(2*pi*y))) + e + 20"
)
LEVI = (
    "sin(3*pi*x)**2 + (x - 1)**2*(1 + sin(3*pi*y)**2) + (y - 1)**2*(1 + sin(2*pi*y)**2)"
)
GOLDSTEIN_PRICE = (
    "(1 + (x + y + 1)**2*(19 - 14*x + 3*x**2 - 14*y + 6*x*y + 3*y**2))"
    " * (30 + (2*x - 3*y)**2*(18 - 32*x + 12*x**2 + 48*y - 36*x*y + 27*y**2))"
)
ST_FLOOR = -2.903534

# name: (formula, bounds, lowest height, the one lowest point or None when there are several)
CLASSICS = {
    "rosenbrock": ("(1 - x)**2 + 100*(y - x**2)**2", [[-2, 2], [-1, 3]], 0.0, (1, 1)),
    "himmelblau": ("(x**2 + y - 11)**2 + (x + y**2 - 7)**2", [[-5, 5], [-5, 5]], 0.0, None),
    "beale": (
        "(1.5 - x + x*y)**2 + (2.25 - x + x*y**2)**2 + (2.625 - x + x*y**3)**2",
        [[-4.5, 4.5], [-4.5, 4.5]],
        0.0,
        (3, 0.5),
    ),
    "booth": ("(x + 2*y - 7)**2 + (2*x + y - 5)**2", [[-10, 10], [-10, 10]], 0.0, (1, 3)),
    "matyas": ("0.26*(x**2 + y**2) - 0.48*x*y", [[-10, 10], [-10, 10]], 0.0, (0, 0)),
    "mccormick": (
        "sin(x + y) + (x - y)**2 - 1.5*x + 2.5*y + 1",
        [[-1.5, 4], [-3, 4]],
        -1.9132229549810367,
        (-0.5471975511965977, -1.5471975511965976),
    ),
    "six-hump camel": (
        "(4 - 2.1*x**2 + x**4/3)*x**2 + x*y + (-4 + 4*y**2)*y**2",
        [[-3, 3], [-2, 2]],
        -1.031628453489877,
        None,
    ),
    "goldstein-price": (GOLDSTEIN_PRICE, [[-2, 2], [-2, 2]], 3.0, (0, -1)),
    "styblinski-tang": (None, None, -39.16616570377142 * 2, (ST_FLOOR, ST_FLOOR)),
    "ackley": (ACKLEY, [[-5, 5], [-5, 5]], 0.0, (0, 0)),
    "rastrigin": (
        "20 + x**2 - 10*cos(2*pi*x) + y**2 - 10*cos(2*pi*y)",
        [[-5.12, 5.12], [-5.12, 5.12]],
        0.0,
        (0, 0),
    ),
    "levi n.13": (LEVI, [[-10, 10], [-10, 10]], 0.0, (1, 1)),
}

SEVERAL_FLOORS = {
    "himmelblau": [(3, 2), (-2.805118, 3.131312), (-3.779310, -3.283186), (3.584428, -1.848126)],
    "six-hump camel": [(0.0898, -0.7126), (-0.0898, 0.7126)],
}


def classic(name: str) -> FunctionLandscape:
    text, bounds, _, _ = CLASSICS[name]
    return styblinski_tang(2) if text is None else function_landscape(text, bounds)


def assert_valley_floor(landscape, found: Minimum, height: float, point=None) -> None:
    assert found.point.shape == (len(landscape.variables),)
    assert np.all(np.isfinite(found.point)) and np.isfinite(found.height)
    assert landscape.inside(found.point)
    assert found.height == pytest.approx(float(landscape.height(found.point)), abs=1e-12)
    assert found.height == pytest.approx(height, abs=1e-3)
    assert found.height >= height - 1e-9, "lower than the true minimum: the reference is wrong"
    if point is not None:
        np.testing.assert_allclose(found.point, point, atol=1e-3)


@pytest.mark.parametrize("name", sorted(CLASSICS))
def test_classical_functions(name):
    _, _, height, point = CLASSICS[name]
    landscape = classic(name)
    found = find_minimum(landscape)
    assert_valley_floor(landscape, found, height, point)
    if name in SEVERAL_FLOORS:
        distances = [np.abs(found.point - floor).max() for floor in SEVERAL_FLOORS[name]]
        assert min(distances) < 1e-3


def shifted(text: str, dx: float, dy: float) -> str:
    text = re.sub(r"\bx\b", f"(x - ({dx}))", text)
    return re.sub(r"\by\b", f"(y - ({dy}))", text)


@pytest.mark.parametrize(
    "name, dx, dy",
    [("ackley", 0.01234, -0.04321), ("rastrigin", -0.1357, 0.2468), ("levi n.13", 0.0123, -0.2)],
)
def test_floors_off_the_grid(name, dx, dy):
    # The standard floors sit on grid points; shifted, the descent and the polish must find them.
    text, bounds, height, point = CLASSICS[name]
    landscape = function_landscape(shifted(text, dx, dy), bounds)
    found = find_minimum(landscape)
    assert_valley_floor(landscape, found, height, np.add(point, (dx, dy)))


def test_kinks_and_cone_tips_off_the_grid():
    landscape = function_landscape(
        "max(abs(x - 0.1234), abs(y + 0.5678)) + sqrt((x - 0.1234)**2 + (y + 0.5678)**2)",
        [[-3, 3], [-3, 3]],
    )
    assert_valley_floor(landscape, find_minimum(landscape), 0.0, [0.1234, -0.5678])


@pytest.mark.parametrize("n, seed", [(5, 0), (5, 3), (16, 0)])
def test_styblinski_tang_in_more_dimensions(n, seed):
    # 2**n basins: random starts alone almost never find the lowest at n = 16; the axis scans do.
    landscape = styblinski_tang(n)
    found = find_minimum(landscape, seed=seed)
    assert_valley_floor(landscape, found, -39.16616570377142 * n, [ST_FLOOR] * n)


def test_double_well_with_a_narrow_side_valley():
    # The two wells near x = +-1 are wide; the lowest ground is a narrow side valley at x = 2.2.
    landscape = function_landscape(
        "(x**2 - 1)**2 + 0.2*x - 16*exp(-((x - 2.2)/0.02)**2)", [[-2, 3]], variables=("x",)
    )
    xs = np.linspace(2.1, 2.3, 2_000_001)
    brute = landscape.height(xs[:, None])
    found = find_minimum(landscape)
    assert_valley_floor(landscape, found, brute.min(), [xs[np.argmin(brute)]])
    assert found.height < -0.7


def test_minimum_on_a_bound_and_inclusive_bounds():
    landscape = function_landscape("x + 2*y", [[1, 4], [-3, 5]])
    found = find_minimum(landscape)
    assert found.point.tolist() == [1.0, -3.0] and found.height == -5.0


def test_non_finite_heights_are_walls():
    # Outside the unit disc sqrt is nan; the floor is at x = -1/sqrt(5), y = 0.
    landscape = function_landscape("-sqrt(1 - x**2 - y**2) + 0.5*x", [[-2, 2], [-2, 2]])
    found = find_minimum(landscape)
    assert_valley_floor(landscape, found, -np.sqrt(0.8) - 0.5 / np.sqrt(5), [-1 / np.sqrt(5), 0])

    # A wall everywhere except a thin slab, rising to infinity at its sides; in 3-D the starts are
    # sampled, so most of them are walls.
    landscape = function_landscape(
        "-log(0.1 - abs(z - 0.5)) + 0 * (x + y) + (x - 0.3)**2 + (y + 0.2)**2",
        [[-1, 1]] * 3,
        variables=("x", "y", "z"),
    )
    found = find_minimum(landscape)
    assert_valley_floor(landscape, found, -np.log(0.1), [0.3, -0.2, 0.5])


def test_nowhere_finite_is_an_error():
    with pytest.raises(ValueError, match="no finite height"):
        find_minimum(function_landscape("log(-1 - x**2)", [[-1, 1]], variables=("x",)))


def test_fit_landscape_matches_least_squares():
    rng = np.random.default_rng(7)
    x = rng.uniform(-2, 2, 40)
    y = 1.7 * x - 0.6 + rng.normal(0, 0.3, 40)
    landscape = FitLandscape(
        model=parse("w*x + b", ("w", "b", "x")),
        variables=("w", "b"),
        bounds=np.array([[-5.0, 5.0], [-5.0, 5.0]]),
        data={"x": x, "y": y},
        target="y",
    )
    design = np.stack([x, np.ones_like(x)], axis=1)
    best, *_ = np.linalg.lstsq(design, y, rcond=None)
    found = find_minimum(landscape)
    height = float(np.mean((design @ best - y) ** 2))
    assert_valley_floor(landscape, found, height, best)
    assert found.height == pytest.approx(height, abs=1e-9)


def test_fit_landscape_with_three_parameters():
    rng = np.random.default_rng(8)
    x = rng.uniform(-1, 1, 60)
    y = 0.5 * x**2 - x + 0.25 + rng.normal(0, 0.1, 60)
    landscape = FitLandscape(
        model=parse("a*x**2 + b*x + c", ("a", "b", "c", "x")),
        variables=("a", "b", "c"),
        bounds=np.array([[-3.0, 3.0]] * 3),
        data={"x": x, "y": y},
        target="y",
    )
    design = np.stack([x**2, x, np.ones_like(x)], axis=1)
    best, *_ = np.linalg.lstsq(design, y, rcond=None)
    found = find_minimum(landscape)
    assert_valley_floor(landscape, found, float(np.mean((design @ best - y) ** 2)), best)


def test_next_token_minimum_is_pressed_against_the_bounds():
    landscape = NextTokenLandscape.from_corpus("the cat sat. the dog sat.")
    found = find_minimum(landscape)
    assert landscape.inside(found.point) and np.isfinite(found.height)
    rng = np.random.default_rng(1)
    low, high = landscape.bounds[:, 0], landscape.bounds[:, 1]
    random_points = rng.uniform(low, high, (200, len(low)))
    assert found.height <= landscape.height(random_points).min()
    assert found.height <= landscape.height(np.zeros(len(low)))
    # The best possible: "the" is followed by cat or dog half the time each, the rest is certain.
    v = len(landscape.vocabulary)
    cheating = np.full((v, v), -8.0)
    for before, after in [("the", "cat"), ("the", "dog"), ("cat", "sat"), ("dog", "sat")]:
        cheating[landscape.vocabulary.index(before), landscape.vocabulary.index(after)] = 8.0
    cheating[landscape.vocabulary.index("sat"), landscape.vocabulary.index(".")] = 8.0
    cheating[landscape.vocabulary.index("."), landscape.vocabulary.index("the")] = 8.0
    assert found.height == pytest.approx(float(landscape.height(cheating.reshape(-1))), abs=1e-6)


def test_deterministic():
    for landscape, seed in [(classic("rastrigin"), 0), (styblinski_tang(5), 11)]:
        first, second = find_minimum(landscape, seed=seed), find_minimum(landscape, seed=seed)
        assert np.array_equal(first.point, second.point) and first.height == second.height


def test_found_point_is_read_only():
    found = find_minimum(classic("booth"))
    with pytest.raises(ValueError):
        found.point[0] = 5.0
