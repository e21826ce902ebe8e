"""The racers: PyTorch's trajectories, exact first steps, validation, purity, explanations."""

from __future__ import annotations

import importlib.util
import json
import math
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pytest

from foggymountain.optimizers import (
    DEFAULT_RACERS,
    HYPERPARAMETERS,
    LABELS,
    NAMES,
    HyperparameterError,
    Optimizer,
    make_optimizer,
    walk,
)

DATA = Path(__file__).parent / "data"
REFERENCE = json.loads((DATA / "torch_reference.json").read_text())
TOLERANCE = 1e-12


def _load_generator():
    spec = importlib.util.spec_from_file_location(
        "make_torch_reference", DATA / "make_torch_reference.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


GENERATOR = _load_generator()  # imports numpy only; torch is imported inside its functions
rosenbrock_slope = GENERATOR.rosenbrock_slope


def assert_agrees(ours: np.ndarray, theirs: np.ndarray) -> None:
    """Within TOLERANCE on every coordinate, both absolutely and relatively."""
    assert ours.shape == theirs.shape
    assert np.all(np.isfinite(ours))
    difference = np.abs(ours - theirs)
    assert difference.max() <= TOLERANCE, f"absolute difference {difference.max():.3e}"
    nonzero = theirs != 0
    relative = difference[nonzero] / np.abs(theirs[nonzero])
    assert relative.max() <= TOLERANCE, f"relative difference {relative.max():.3e}"
    assert np.all(difference[~nonzero] == 0)


def run_id(run: dict) -> str:
    settings = ",".join(f"{key}={value:g}" for key, value in run["hyperparameters"].items())
    return f"{run['name']}({settings})"


# ---------------------------------------------------------------------------------------------
# PyTorch agreement


@pytest.mark.parametrize("run", REFERENCE["runs"], ids=run_id)
def test_matches_stored_torch_trajectory(run):
    theirs = np.array(run["trajectory"], dtype=np.float64)
    ours = walk(
        make_optimizer(run["name"], **run["hyperparameters"]),
        REFERENCE["start"],
        rosenbrock_slope,
        REFERENCE["steps"],
    )
    assert_agrees(ours, theirs)


def test_reference_covers_every_racer_and_the_settings_that_matter():
    runs = REFERENCE["runs"]
    assert REFERENCE["steps"] == 200 and REFERENCE["start"] == [-1.5, 2.0]
    assert all(len(run["trajectory"]) == 201 for run in runs)
    assert {run["name"] for run in runs} == set(NAMES)
    settings = [(run["name"], run["hyperparameters"]) for run in runs]
    assert ("rmsprop", {}) in settings
    assert any(name == "momentum" and hyper.get("momentum") == 0.9 for name, hyper in settings)
    assert any(name == "nesterov" for name, hyper in settings)
    assert any(name == "adamw" and hyper.get("weight_decay") == 0.1 for name, hyper in settings)
    assert any(
        name == "adam" and hyper.get("beta1", 0.9) < 0.5 for name, hyper in settings
    )  # lerp's other branch
    # Every run moved somewhere: agreement on a racer standing still would prove nothing.
    for run in runs:
        assert np.linalg.norm(np.subtract(run["trajectory"][-1], run["trajectory"][0])) > 0.01, (
            run_id(run)
        )


def test_reference_settings_are_the_generators():
    stored = [(run["name"], run["hyperparameters"]) for run in REFERENCE["runs"]]
    assert stored == [(name, hyper) for name, hyper, _, _ in GENERATOR.SETTINGS]


def test_matches_live_torch():
    """Run only where PyTorch is installed (see tests/data/make_torch_reference.py)."""
    pytest.importorskip("torch")
    steps = 60
    for (name, hyper, optimizer, options), run in zip(GENERATOR.SETTINGS, REFERENCE["runs"]):
        theirs = GENERATOR.torch_trajectory(optimizer, options, steps=steps)
        ours = walk(make_optimizer(name, **hyper), GENERATOR.START, rosenbrock_slope, steps)
        assert_agrees(ours, theirs)
        assert_agrees(
            np.array(run["trajectory"][: steps + 1]), theirs
        )  # the stored file is current


# ---------------------------------------------------------------------------------------------
# First steps, by hand (the formulas of torch.optim, written out in Python floats)

P = np.array([1.0, -2.0])
G = np.array([3.0, -0.5])


def first_step(name, grads=G, params=P, **hyper):
    optimizer = make_optimizer(name, **hyper)
    return optimizer.update(grads, optimizer.init(params), params)


def test_sgd_first_step():
    updates, _, info = first_step("sgd", learning_rate=0.1)
    assert updates.tolist() == [-0.1 * 3.0, -0.1 * -0.5]
    assert info["effective_step"] == pytest.approx([0.1, 0.1], rel=1e-15)


def test_sgd_weight_decay_is_added_to_the_slope():
    updates, _, _ = first_step("sgd", learning_rate=0.1, weight_decay=0.5)
    assert updates.tolist() == [-0.1 * (3.0 + 0.5 * 1.0), -0.1 * (-0.5 + 0.5 * -2.0)]


def test_momentum_buffer_starts_at_the_slope_then_accumulates():
    optimizer = make_optimizer("momentum", learning_rate=0.1, momentum=0.9)
    updates, state, info = optimizer.update(G, optimizer.init(P), P)
    assert info["velocity"].tolist() == G.tolist()
    assert updates.tolist() == [-0.1 * 3.0, -0.1 * -0.5]
    g2 = np.array([1.0, 4.0])
    updates, state, info = optimizer.update(g2, state, P + updates)
    velocity = [3.0 * 0.9 + 1.0, -0.5 * 0.9 + 4.0]
    assert state.velocity.tolist() == velocity
    assert updates.tolist() == [-0.1 * v for v in velocity]


def test_nesterov_looks_ahead_along_the_velocity():
    updates, state, _ = first_step("nesterov", learning_rate=0.1, momentum=0.9)
    assert updates.tolist() == [-0.1 * (3.0 + 0.9 * 3.0), -0.1 * (-0.5 + 0.9 * -0.5)]
    assert state.velocity.tolist() == G.tolist()


def test_adagrad_first_step_is_lr_times_sign():
    updates, state, info = first_step("adagrad", learning_rate=0.1)
    assert state.accumulator.tolist() == [9.0, 0.25]
    assert updates.tolist() == [(-0.1 * 3.0) / (3.0 + 1e-10), (-0.1 * -0.5) / (0.5 + 1e-10)]
    assert updates == pytest.approx(-0.1 * np.sign(G), rel=1e-9)
    assert info["accumulator"].tolist() == [9.0, 0.25]


def test_rmsprop_first_step_is_ten_lr_times_sign():
    updates, state, info = first_step("rmsprop", learning_rate=0.01)
    blend = 1 - 0.99  # 0.010000000000000009, as torch computes it
    square_average = [blend * 3.0 * 3.0, blend * -0.5 * -0.5]
    assert state.square_average.tolist() == square_average
    expected = [(-0.01 * g) / (math.sqrt(v) + 1e-8) for g, v in zip(G.tolist(), square_average)]
    assert updates.tolist() == expected
    assert updates == pytest.approx(-0.1 * np.sign(G), rel=1e-6)  # 1/sqrt(1 - alpha) = 10
    assert "velocity" not in info


def test_rmsprop_with_momentum_keeps_a_velocity():
    updates, state, info = first_step("rmsprop", learning_rate=0.01, momentum=0.5)
    denominator = np.sqrt(state.square_average) + 1e-8
    assert state.velocity.tolist() == (G / denominator).tolist()
    assert updates.tolist() == (-0.01 * state.velocity).tolist()
    assert info["velocity"] is state.velocity


def adam_first_move(
    g: float, lr: float, beta1: float = 0.9, beta2: float = 0.999, eps: float = 1e-8
) -> float:
    m = 0.0 + (1 - beta1) * (g - 0.0)
    v = 0.0 * beta2 + (1 - beta2) * g * g
    correction1 = 1 - beta1**1.0
    correction2 = 1 - beta2**1.0
    denominator = math.sqrt(v) / correction2**0.5 + eps
    return (-(lr / correction1) * m) / denominator


def test_adam_first_step_is_lr_times_sign():
    updates, state, info = first_step("adam", learning_rate=0.1)
    assert updates.tolist() == [adam_first_move(3.0, 0.1), adam_first_move(-0.5, 0.1)]
    assert updates == pytest.approx(-0.1 * np.sign(G), rel=1e-7)
    assert state.count == 1
    assert state.first_moment.tolist() == [(1 - 0.9) * 3.0, (1 - 0.9) * -0.5]
    # Bias-corrected moments of one step are the slope and its square.
    assert info["first_moment"] == pytest.approx(G, rel=1e-15)
    assert info["second_moment"] == pytest.approx(G * G, rel=1e-12)
    assert info["effective_step"] == pytest.approx([0.1 / 3.0, 0.1 / 0.5], rel=1e-7)


def test_adam_with_small_beta1_uses_torchs_other_lerp_branch():
    updates, state, _ = first_step("adam", learning_rate=0.1, beta1=0.3)
    weight = 1 - 0.3
    assert state.first_moment.tolist() == [g - (g - 0.0) * (1 - weight) for g in G.tolist()]
    assert updates == pytest.approx(-0.1 * np.sign(G), rel=1e-7)


def test_adam_coupled_weight_decay_goes_into_the_slope():
    _, state, info = first_step("adam", learning_rate=0.1, weight_decay=0.5)
    decayed = [3.0 + 0.5 * 1.0, -0.5 + 0.5 * -2.0]
    assert state.first_moment.tolist() == [(1 - 0.9) * g for g in decayed]
    assert info["slope"].tolist() == G.tolist()


def test_adamw_shrinks_the_position_apart_from_the_slope():
    lr, decay = 0.1, 0.1
    updates, state, _ = first_step("adamw", learning_rate=lr, weight_decay=decay)
    assert state.first_moment.tolist() == [(1 - 0.9) * 3.0, (1 - 0.9) * -0.5]  # slope undecayed
    expected = [
        p * (1 - lr * decay) + adam_first_move(g, lr) for p, g in zip(P.tolist(), G.tolist())
    ]
    assert (P + updates).tolist() == expected  # torch's p*(1 - lr*wd) + move, to the bit


def test_adamw_default_weight_decay_is_torchs():
    assert make_optimizer("adamw").hyperparameters["weight_decay"] == 0.01
    assert make_optimizer("adam").hyperparameters["weight_decay"] == 0.0


def test_adam_bias_correction_uses_the_step_count():
    optimizer = make_optimizer("adam", learning_rate=0.1)
    state = optimizer.init(P)
    for _ in range(3):
        updates, state, info = optimizer.update(G, state, P)
    assert state.count == 3
    # A constant slope: the bias-corrected moments are the slope and its square, whatever t is.
    assert info["first_moment"] == pytest.approx(G, rel=1e-14)
    assert info["second_moment"] == pytest.approx(G * G, rel=1e-12)
    assert updates == pytest.approx(-0.1 * np.sign(G), rel=1e-7)


# ---------------------------------------------------------------------------------------------
# Validation


def error(name, **hyper) -> HyperparameterError:
    with pytest.raises(HyperparameterError) as caught:
        make_optimizer(name, **hyper)
    assert isinstance(caught.value, ValueError)
    return caught.value


def test_unknown_racer_suggests_a_name():
    problem = error("adma")
    assert problem.key is None
    assert "adma" in problem.message
    assert "did you mean 'adam'?" in problem.hint
    assert "did you mean 'adam'?" in error("Adam").hint
    assert "sgd" in error("zzz").hint  # the list of racers, even with no close match
    assert error(None).key is None


def test_unknown_key_suggests_a_key():
    problem = error("adam", learning_rte=0.1)
    assert problem.key == "learning_rte"
    assert "did you mean 'learning_rate'?" in problem.hint
    assert "did you mean 'learning_rate'?" in error("sgd", lr=0.1).hint
    assert "'beta1' and 'beta2'" in error("adam", betas=0.9).hint
    assert "sgd takes: learning_rate, weight_decay" in error("sgd", momentum=0.9).hint


@pytest.mark.parametrize(
    "name, key, value",
    [
        ("sgd", "learning_rate", 0.0),
        ("sgd", "learning_rate", -0.1),
        ("adam", "beta1", 1.0),
        ("adam", "beta1", -0.1),
        ("adam", "beta2", 1.0),
        ("adamw", "beta2", 1.5),
        ("momentum", "momentum", 1.0),
        ("nesterov", "momentum", 0.0),
        ("rmsprop", "alpha", 1.0),
        ("adagrad", "eps", 0.0),
        ("adam", "weight_decay", -0.01),
    ],
)
def test_out_of_range_is_refused_with_the_range(name, key, value):
    problem = error(name, **{key: value})
    assert problem.key == key
    assert "out of range" in problem.message
    assert "allowed:" in problem.hint


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
def test_non_finite_is_refused(value):
    problem = error("adam", learning_rate=value)
    assert problem.key == "learning_rate"
    assert "finite" in problem.message


@pytest.mark.parametrize("value", [True, False, np.True_, "0.1", None, [0.1]])
def test_non_numbers_are_refused(value):
    problem = error("momentum", momentum=value)
    assert problem.key == "momentum"
    assert "must be a number" in problem.message
    assert "momentum = 0.9" in problem.hint


def test_edges_that_are_allowed():
    make_optimizer("adam", beta1=0.0, beta2=0.0)
    make_optimizer("momentum", momentum=0)  # an int is a number
    make_optimizer("sgd", learning_rate=np.float32(0.5), weight_decay=0)
    optimizer = make_optimizer("rmsprop", learning_rate=1)
    assert optimizer.hyperparameters["learning_rate"] == 1.0
    assert type(optimizer.hyperparameters["learning_rate"]) is float


def test_defaults_are_filled_and_torchs():
    assert make_optimizer("sgd").hyperparameters == {"learning_rate": 1e-3, "weight_decay": 0.0}
    assert make_optimizer("adagrad").hyperparameters == {"learning_rate": 1e-2, "eps": 1e-10}
    assert make_optimizer("rmsprop").hyperparameters == {
        "learning_rate": 1e-2,
        "alpha": 0.99,
        "eps": 1e-8,
        "momentum": 0.0,
    }
    adam = make_optimizer("adam", learning_rate=0.05)
    assert adam.hyperparameters == {
        "learning_rate": 0.05,
        "beta1": 0.9,
        "beta2": 0.999,
        "eps": 1e-8,
        "weight_decay": 0.0,
    }


def test_catalogue_is_consistent():
    assert tuple(LABELS) == NAMES and tuple(HYPERPARAMETERS) == NAMES
    assert set(DEFAULT_RACERS) <= set(NAMES)
    for name in NAMES:
        specs = HYPERPARAMETERS[name]
        assert specs[0].name == "learning_rate"
        assert len({spec.name for spec in specs}) == len(specs)
        for spec in specs:
            assert spec.admits(spec.default), (name, spec.name)
            assert spec.help
        optimizer = make_optimizer(name)
        assert isinstance(optimizer, Optimizer)
        assert (optimizer.name, optimizer.label) == (name, LABELS[name])


# ---------------------------------------------------------------------------------------------
# Purity, explanations, shapes

SETTINGS = {
    "sgd": {"learning_rate": 0.01, "weight_decay": 0.1},
    "momentum": {"learning_rate": 0.01, "weight_decay": 0.1},
    "nesterov": {"learning_rate": 0.01, "weight_decay": 0.1},
    "adagrad": {"learning_rate": 0.1},
    "rmsprop": {"momentum": 0.5},
    "adam": {"weight_decay": 0.1, "beta1": 0.3},
    "adamw": {"weight_decay": 0.1},
}

INFO_KEYS = {
    "sgd": {"slope", "effective_step"},
    "momentum": {"slope", "effective_step", "velocity"},
    "nesterov": {"slope", "effective_step", "velocity"},
    "adagrad": {"slope", "effective_step", "accumulator"},
    "rmsprop": {"slope", "effective_step", "square_average", "velocity"},
    "adam": {"slope", "effective_step", "first_moment", "second_moment"},
    "adamw": {"slope", "effective_step", "first_moment", "second_moment"},
}


def copies(state):
    return [np.array(field, copy=True) for field in state]


@pytest.mark.parametrize("name", NAMES)
def test_update_mutates_nothing_and_replays(name):
    optimizer = make_optimizer(name, **SETTINGS[name])
    params = np.array([0.5, -1.5])
    state = optimizer.init(params)
    for k in range(3):
        grads = np.array([1.0 + k, -2.0])
        before = (grads.copy(), params.copy(), copies(state))
        updates, new_state, info = optimizer.update(grads, state, params)
        assert np.array_equal(grads, before[0]) and np.array_equal(params, before[1])
        assert all(np.array_equal(a, b) for a, b in zip(state, before[2]))
        again, again_state, _ = optimizer.update(grads, state, params)  # same inputs, same step
        assert np.array_equal(updates, again)
        assert all(np.array_equal(a, b) for a, b in zip(new_state, again_state))
        dict(info)  # reading every explanation writes nothing either
        assert all(np.array_equal(a, b) for a, b in zip(state, before[2]))
        state, params = new_state, params + updates


@pytest.mark.parametrize("name", NAMES)
def test_info_explains_the_step(name):
    optimizer = make_optimizer(name, **SETTINGS[name])
    params = np.array([0.5, -1.5, 2.0])
    grads = np.array([0.25, 0.0, -4.0])
    updates, _, info = optimizer.update(grads, optimizer.init(params), params)
    assert isinstance(info, Mapping)
    assert set(info) == INFO_KEYS[name] and len(info) == len(INFO_KEYS[name])
    assert all(key in info for key in INFO_KEYS[name]) and "nonsense" not in info
    with pytest.raises(KeyError):
        info["nonsense"]
    for key, value in dict(info).items():
        assert (
            isinstance(value, np.ndarray) and value.shape == (3,) and value.dtype == np.float64
        ), key
    assert info["slope"].tolist() == grads.tolist()
    lr = optimizer.hyperparameters["learning_rate"]
    effective = info["effective_step"]
    assert effective[1] == lr  # no slope: the learning rate
    sloped = [0, 2]
    assert effective[sloped].tolist() == (np.abs(updates[sloped]) / np.abs(grads[sloped])).tolist()
    assert info["effective_step"] is effective  # computed once


def test_walk_shape_and_start():
    start = [0.5, -1.5]
    positions = walk(make_optimizer("sgd", learning_rate=0.1), start, lambda p: 2 * p, 5)
    assert positions.shape == (6, 2)
    assert positions[0].tolist() == start
    assert positions[1].tolist() == [0.5 - 0.1 * 1.0, -1.5 - 0.1 * -3.0]
    assert start == [0.5, -1.5]


@pytest.mark.parametrize("name", NAMES)
def test_many_walkers_at_once_step_like_each_alone(name):
    optimizer = make_optimizer(name, **SETTINGS[name])
    params = np.array([[0.5, -1.5], [2.0, 0.25]])
    grads = np.array([[1.0, -2.0], [0.5, 3.0]])
    together, _, _ = optimizer.update(grads, optimizer.init(params), params)
    for row in range(2):
        alone, _, _ = optimizer.update(grads[row], optimizer.init(params[row]), params[row])
        assert np.array_equal(together[row], alone)
