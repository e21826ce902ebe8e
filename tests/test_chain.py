"""Backpropagation spelled out (terrain/chain.py): each factor is the game's own exact derivative,
and the factors multiply back to the landscape's slope, on every row and on their mean."""

from pathlib import Path

import numpy as np
import pytest

from foggymountain.checking import check_level
from foggymountain.hike import Hike
from foggymountain.level import load_level_text
from foggymountain.terrain.chain import chain_rule, has_hidden_units

TWO_UNITS = """title = "Two units"\nbriefing = "b"\n[landscape]\nkind = "fit"\nvariables = ["a", "b", "c"]
hidden = { h = "tanh(a * x)", g = "sigmoid(b * x + a)" }\nmodel = "c * h + g**2 + b"\ntarget = "y"
data = { x = [-1.5, -0.5, 0.5, 2.0], y = [0.2, -0.4, 0.9, 1.3] }\nbounds = { a = [-3, 3], b = [-3, 3], c = [-3, 3] }
start = { a = 0.7, b = -1.2, c = 0.4 }\n[hike]\nbudget = 5\n"""


def test_the_paths_multiply_back_to_the_exact_slope(tmp_path):
    level = load_level_text(TWO_UNITS, tmp_path / "two.toml")
    landscape = level.landscape
    point = np.array([0.7, -1.2, 0.4])
    chain = chain_rule(landscape, point)
    _, slope = landscape.height_and_slope(point)
    np.testing.assert_allclose(chain.slope, slope, rtol=1e-12)
    # Against finite differences too: the slope with hidden units is the slope of the written-out model.
    h = 1e-6
    numeric = [(landscape.height(point + h * e) - landscape.height(point - h * e)) / (2 * h) for e in np.eye(3)]
    np.testing.assert_allclose(slope, numeric, rtol=1e-6)
    a, b, c = chain.weights
    assert [p.names[1:] for p in a.paths] == [("∂pred/∂h", "∂h/∂a"), ("∂pred/∂g", "∂g/∂a")]
    assert [p.names[1:] for p in b.paths] == [("∂pred/∂b",), ("∂pred/∂g", "∂g/∂b")]
    assert [p.names[1:] for p in c.paths] == [("∂pred/∂c",)]
    x, y = landscape.data["x"], landscape.data["y"]
    hidden_h, hidden_g = np.tanh(0.7 * x), 1 / (1 + np.exp(-(-1.2 * x + 0.7)))
    prediction = 0.4 * hidden_h + hidden_g**2 - 1.2
    np.testing.assert_allclose(chain.prediction, prediction)
    np.testing.assert_allclose(a.paths[0].values[0], 2 * (prediction - y))  # ∂height/∂pred of mse
    np.testing.assert_allclose(a.paths[0].values[1], 0.4)  # ∂pred/∂h = c
    np.testing.assert_allclose(a.paths[0].values[2], x * (1 - hidden_h**2))  # ∂h/∂a
    np.testing.assert_allclose(a.paths[1].values[1], 2 * hidden_g)  # ∂pred/∂g
    np.testing.assert_allclose(b.paths[1].values[2], x * hidden_g * (1 - hidden_g))  # ∂g/∂b


def test_one_row_is_the_slope_felt_on_that_example(tmp_path):
    level = load_level_text(TWO_UNITS, tmp_path / "two.toml")
    landscape = level.landscape
    for row in range(landscape.n_rows):
        chain = chain_rule(landscape, level.start, np.array([row]))
        _, slope = landscape.height_and_slope(level.start, np.array([row]))
        np.testing.assert_allclose(chain.slope, slope, rtol=1e-12)
        assert chain.inputs["x"][0] == landscape.data["x"][row]


def test_the_hike_explains_the_slope_it_felt(tmp_path):
    text = TWO_UNITS.replace("budget = 5", "budget = 5\nbatch_size = 1\nseed = 3")
    hike = Hike(load_level_text(text, tmp_path / "two.toml"))
    for _ in range(3):
        chain = hike.chain_rule()
        assert len(chain.rows) == 1
        np.testing.assert_allclose(chain.slope, hike.slope, rtol=1e-12)
        hike.step()
    assert Hike(load_level_text(TWO_UNITS.replace('hidden = { h = "tanh(a * x)", g = "sigmoid(b * x + a)" }\nmodel = "c * h + g**2 + b"', 'model = "c * x + b"'),
                                tmp_path / "plain.toml")).chain_rule() is None


@pytest.mark.parametrize("hidden,message,line,col", [
    ('{ h = "tanh(w * q)" }', "unknown name 'q'", 6, 26),
    ('{ w = "tanh(x)" }', "has the name of a variable", 6, 12),
    ('{ x = "tanh(w)" }', "has the name of a data column", 6, 12),
    ('{ h = 3 }', "must be a formula in quotes", 6, 16),
    ('{ h = "tanh(w * x)", k = "h * 2" }', "unknown name 'h'", 6, 36),
    ('"tanh(w * x)"', "must be a table", 6, 10),
])
def test_hidden_unit_problems_have_a_place(tmp_path, hidden, message, line, col):
    text = f"""title = "T"\nbriefing = "b"\n[landscape]\nkind = "fit"\nvariables = ["w"]\nhidden = {hidden}
model = "w * x"\ntarget = "y"\ndata = {{ x = [1, 2], y = [1, 2] }}\nbounds = {{ w = [-3, 3] }}\nstart = {{ w = 0 }}\n[hike]\nbudget = 5\n"""
    path = tmp_path / "hidden.toml"
    path.write_text(text)
    (problem,) = check_level(path)
    assert message in problem.message and (problem.line, problem.col) == (line, col), str(problem)


def test_only_hidden_levels_have_a_chain(tmp_path):
    level = load_level_text(TWO_UNITS, tmp_path / "two.toml")
    assert has_hidden_units(level.landscape)
    assert not has_hidden_units(load_level_text(TWO_UNITS.replace('hidden = { h = "tanh(a * x)", g = "sigmoid(b * x + a)" }\nmodel = "c * h + g**2 + b"', 'model = "c * x + b"'), tmp_path / "p.toml").landscape)
