"""The formula language: the allowlist refuses everything else, and slopes are exact."""

import time

import numpy as np
import pytest
import sympy
from hypothesis import given, settings, strategies as st

from foggymountain.terrain.expression import MAX_LENGTH, ExpressionError, parse

HOSTILE = [
    ("__import__('os').system('ls')", 0),
    ("x.__class__", 0),
    ("(lambda: 1)()", 1),
    ("[i for i in (1, 2)]", 0),
    ("{i: i for i in (1,)}", 0),
    ("f'{x}'", 0),
    ("x if y else 1", 0),
    ("x < y", 0),
    ("x and y", 0),
    ("x[0]", 0),
    ("(x, y)", 2),  # the comma
    ("open('f')", 0),
    ("eval('1')", 0),
    ("exec('1')", 0),
    ("sin(x=1)", 4),
    ("sin(*x)", 0),
    ("'text'", 0),
    ("True", 0),
    ("(y := 3)", 1),
    ("x @ y", 2),
    ("x // y", 2),
    ("x % y", 2),
    ("x ^ 2", 2),
    ("~x", 0),
    ("not x", 0),
    ("globals()", 0),
    ("1e999", 0),
    ("10**1000000000", 0),  # a literal power is fine as a formula: it must be instant, not hang
]


@pytest.mark.parametrize("text,offset", HOSTILE)
def test_hostile_inputs_are_refused_or_harmless(text, offset):
    start = time.perf_counter()
    try:
        expression = parse(text, ["x", "y"])
    except ExpressionError as err:
        assert err.offset == offset, err.message
        assert err.message and err.hint
    else:
        # Only plain arithmetic survives; it evaluates to a number instantly.
        assert text == "10**1000000000"
        assert np.isinf(expression.value({"x": 1.0, "y": 2.0}))
    assert time.perf_counter() - start < 0.5


@pytest.mark.parametrize(
    "text",
    [
        "9**9**9",
        "(" * 5000 + "x" + ")" * 5000,
        "-" * 3000 + "x",
        "x" * 100_000,
        "+".join(["x"] * 1000),
        "sin(" * 200 + "x" + ")" * 200,
        "1" * 5000,
    ],
)
def test_huge_and_deep_formulas_are_refused_or_instant(text):
    start = time.perf_counter()
    try:
        expression = parse(text, ["x"])
        expression.value_and_slope({"x": np.linspace(-1, 1, 100)}, ["x"])
    except ExpressionError as err:
        assert err.message
    assert time.perf_counter() - start < 0.5


def test_overlong_formula_names_the_limit():
    with pytest.raises(ExpressionError, match=str(MAX_LENGTH)):
        parse("x+" * MAX_LENGTH + "x", ["x"])


def test_errors_point_at_the_offending_part():
    with pytest.raises(ExpressionError) as err:
        parse("x**2 + 3*zz", ["x"])
    assert err.value.offset == 9
    with pytest.raises(ExpressionError) as err:
        parse("x**2 + sine(x)", ["x"])
    assert err.value.offset == 7 and "sin" in err.value.hint
    with pytest.raises(ExpressionError) as err:
        parse("x +\n  y.real", ["x", "y"])
    assert err.value.offset == 6


def test_numbers_are_floats_and_constants_known():
    expression = parse("1/2 + pi - e", [])
    assert expression.value({}) == pytest.approx(0.5 + np.pi - np.e)


def test_values_and_slopes_vectorised_over_a_grid():
    expression = parse("(x - 1)**2 + 10*(y + 2)**2", ["x", "y"])
    xs, ys = np.meshgrid(np.linspace(-5, 5, 400), np.linspace(-5, 5, 400))
    value, slope = expression.value_and_slope({"x": xs, "y": ys}, ["x", "y"])
    assert value.shape == (400, 400) and slope.shape == (2, 400, 400)
    np.testing.assert_allclose(slope[0], 2 * (xs - 1))
    np.testing.assert_allclose(slope[1], 20 * (ys + 2))


def test_walls_are_not_finite_not_crashes():
    expression = parse("log(x) + 1/y", ["x", "y"])
    value, slope = expression.value_and_slope({"x": -1.0, "y": 0.0}, ["x", "y"])
    assert not np.isfinite(value)


def test_constant_formula_has_zero_slope():
    value, slope = parse("3", ["x"]).value_and_slope({"x": np.zeros(5)}, ["x"])
    assert slope.shape == (1,) and np.all(slope == 0) or slope.shape == (1, 5)


# ---- slopes against sympy and finite differences, on random formulas ----------------------

X, Y = sympy.symbols("x y", real=True)
UNARY = {
    "sin": sympy.sin, "cos": sympy.cos, "exp": lambda a: sympy.exp(a), "tanh": sympy.tanh,
    "atan": sympy.atan, "sigmoid": lambda a: 1 / (1 + sympy.exp(-a)),
    "softplus": lambda a: sympy.log(1 + sympy.exp(a)), "sinh": sympy.sinh,
}
SAFE_UNARY = {  # only applied where the argument is positive
    "sqrt": sympy.sqrt, "log": sympy.log,
}


def formulas(depth: int = 3):
    """Pairs (our text, the same formula built directly as a sympy expression)."""
    leaves = st.sampled_from([("x", X), ("y", Y), ("2", sympy.Integer(2)), ("0.5", sympy.Rational(1, 2)), ("3", sympy.Integer(3))])

    def extend(children):
        binary = st.tuples(st.sampled_from(["+", "-", "*"]), children, children).map(
            lambda t: (f"({t[1][0]} {t[0]} {t[2][0]})", {"+": t[1][1] + t[2][1], "-": t[1][1] - t[2][1], "*": t[1][1] * t[2][1]}[t[0]]))
        unary = st.tuples(st.sampled_from(sorted(UNARY)), children).map(
            lambda t: (f"{t[0]}({t[1][0]})", UNARY[t[0]](t[1][1])))
        positive = st.tuples(st.sampled_from(sorted(SAFE_UNARY)), children).map(
            lambda t: (f"{t[0]}(1 + ({t[1][0]})**2)", SAFE_UNARY[t[0]](1 + t[1][1] ** 2)))
        power = st.tuples(children, st.sampled_from([2, 3])).map(lambda t: (f"({t[0][0]})**{t[1]}", t[0][1] ** t[1]))
        quotient = st.tuples(children, children).map(
            lambda t: (f"({t[0][0]}) / (2 + ({t[1][0]})**2)", t[0][1] / (2 + t[1][1] ** 2)))
        return binary | unary | positive | power | quotient

    return st.recursive(leaves, extend, max_leaves=8)


points = st.tuples(st.floats(-1.5, 1.5), st.floats(-1.5, 1.5))


@settings(max_examples=150, deadline=None)
@given(formulas(), points)
def test_slopes_match_sympy(pair, point):
    text, symbolic = pair
    x, y = point
    value, slope = parse(text, ["x", "y"]).value_and_slope({"x": x, "y": y}, ["x", "y"])
    subs = {X: x, Y: y}
    expected_value = float(symbolic.evalf(subs=subs))
    expected = [float(sympy.diff(symbolic, s).evalf(subs=subs)) for s in (X, Y)]
    if not all(np.isfinite(expected + [expected_value])) or max(abs(v) for v in expected + [expected_value]) > 1e8:
        return
    assert float(value) == pytest.approx(expected_value, rel=1e-9, abs=1e-9)
    np.testing.assert_allclose(slope, expected, rtol=1e-8, atol=1e-8)


@settings(max_examples=150, deadline=None)
@given(formulas(), points)
def test_slopes_match_central_differences(pair, point):
    text, _ = pair
    expression = parse(text, ["x", "y"])
    p = np.array(point)
    _, slope = expression.value_and_slope({"x": p[0], "y": p[1]}, ["x", "y"])
    h = 1e-6
    numeric = []
    for i in range(2):
        e = np.zeros(2)
        e[i] = h
        plus = expression.value({"x": (p + e)[0], "y": (p + e)[1]})
        minus = expression.value({"x": (p - e)[0], "y": (p - e)[1]})
        numeric.append((plus - minus) / (2 * h))
    if not np.all(np.isfinite(numeric)) or np.max(np.abs(numeric)) > 1e5:
        return
    np.testing.assert_allclose(slope, numeric, rtol=1e-4, atol=1e-4)


def test_every_function_slope_matches_sympy():
    cases = {
        "sin(x)": sympy.sin(X), "cos(x)": sympy.cos(X), "tan(x)": sympy.tan(X), "exp(x)": sympy.exp(X),
        "log(x)": sympy.log(X), "log1p(x)": sympy.log(1 + X), "sqrt(x)": sympy.sqrt(X), "abs(x - 2)": sympy.Abs(X - 2),
        "tanh(x)": sympy.tanh(X), "sinh(x)": sympy.sinh(X), "cosh(x)": sympy.cosh(X), "atan(x)": sympy.atan(X),
        "sigmoid(x)": 1 / (1 + sympy.exp(-X)), "softplus(x)": sympy.log(1 + sympy.exp(X)), "relu(x - 0.5)": sympy.Max(X - sympy.Rational(1, 2), 0),
        "min(x, 1 - x)": sympy.Min(X, 1 - X), "max(x, 1 - x)": sympy.Max(X, 1 - X), "x**y": X**Y, "2**x": 2**X,
    }
    for text, symbolic in cases.items():
        for point in (0.3, 0.7, 1.3):
            _, slope = parse(text, ["x", "y"]).value_and_slope({"x": point, "y": 1.7}, ["x", "y"])
            subs = {X: point, Y: 1.7}
            expected = [float(sympy.diff(symbolic, s).evalf(subs=subs)) for s in (X, Y)]
            np.testing.assert_allclose(slope, expected, rtol=1e-10, atol=1e-12, err_msg=text)


def test_a_variable_that_does_not_move_a_part_gets_no_nan_from_it():
    # The tip of a cone: the inner slope is zero, the outer derivative infinite; the slope is 0.
    _, slope = parse("sqrt(x**2 + y**2)", ["x", "y"]).value_and_slope({"x": 0.0, "y": 0.0}, ["x", "y"])
    np.testing.assert_array_equal(slope, [0.0, 0.0])
    # x**0.5 at 0 is a wall in x, and must not leak nan into y, which it does not use.
    _, slope = parse("x**0.5 + y", ["x", "y"]).value_and_slope({"x": 0.0, "y": 1.0}, ["x", "y"])
    assert np.isinf(slope[0]) and slope[1] == 1.0
    # x**y at x < 0: the x-slope is y*x**(y-1) = -4 even though log(x) is nan.
    _, slope = parse("x**y", ["x", "y"]).value_and_slope({"x": -2.0, "y": 2.0}, ["x", "y"])
    assert slope[0] == -4.0
    # x**y at x = 0: the y-slope is the limit 0.
    _, slope = parse("x**y", ["x", "y"]).value_and_slope({"x": 0.0, "y": 2.0}, ["x", "y"])
    np.testing.assert_array_equal(slope, [0.0, 0.0])
