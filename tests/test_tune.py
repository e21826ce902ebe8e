"""`foggymountain tune`: the pace search, its choice of the best walk, and the TOML it prints."""

from __future__ import annotations

import math
import tomllib
from pathlib import Path

import numpy as np
import pytest

from foggymountain import optimizers
from foggymountain.cli import main
from foggymountain.level import load_level
from foggymountain.outcome import Status, Walk
from foggymountain.race import run_racers
from foggymountain.tune import (
    PACE_POINTS,
    candidates,
    choose,
    finer_paces,
    number,
    pace_grid,
    to_toml,
    tune,
    tune_racer,
)

# A long gentle valley: the racers' default paces (1e-3 for SGD and Adam) crawl and never arrive.
NO_AGENTS = """
title = "Untuned"
briefing = "A long valley with a gentle slope, for the tests."

[landscape]
variables = ["x", "y"]
height = "0.05*(x - 6)**2 + 0.5*(y + 2)**2"
bounds = { x = [-10, 10], y = [-10, 10] }
start = { x = -8, y = 4 }

[hike]
budget = 40
seed = 3
"""


@pytest.fixture
def untuned(tmp_path) -> Path:
    path = tmp_path / "untuned.toml"
    path.write_text(NO_AGENTS, encoding="utf-8")
    return path


def fake_walk(status: str, final: float, to_goal: int | None, steps: int = 10) -> Walk:
    heights = np.linspace(10.0, final, steps + 1)
    path = np.zeros((steps + 1, 1))
    return Walk("sgd", "SGD", path, heights, np.zeros((steps, 1)), status, to_goal)


def test_pace_grid_is_log_spaced_from_1e_4_to_10_in_two_digits():
    grid = pace_grid()
    assert len(grid) == PACE_POINTS and grid[0] == 1e-4 and grid[-1] == 10.0
    assert list(grid) == sorted(grid)
    assert all(float(f"{p:.2g}") == p for p in grid)
    ratios = np.array(grid[1:]) / np.array(grid[:-1])
    assert np.all((ratios > 1.4) & (ratios < 1.8))
    assert pace_grid(0.1, 0.1, 5) == (0.1,)
    with pytest.raises(ValueError):
        pace_grid(1.0, 0.1)


def test_candidates_cross_the_pace_with_the_setting_that_matters():
    paces = (0.1, 1.0)
    sgd = candidates("sgd", {"learning_rate": 0.5, "weight_decay": 0.0}, paces)
    assert [c["learning_rate"] for c in sgd] == [0.1, 1.0] and all(c["weight_decay"] == 0 for c in sgd)
    momentum = candidates("momentum", {"weight_decay": 0.0}, paces)
    assert len(momentum) == 2 * 4 and {c["momentum"] for c in momentum} == {0.5, 0.8, 0.9, 0.95}
    adam = candidates("adam", {"eps": 1e-6}, paces)
    assert {c["beta1"] for c in adam} == {0.5, 0.8, 0.9, 0.95} and all(c["eps"] == 1e-6 for c in adam)
    for name in optimizers.NAMES:
        for settings in candidates(name, {}, paces):
            optimizers.make_optimizer(name, **settings)  # every candidate is a valid racer


def test_choose_prefers_the_lowest_final_height():
    walks = [fake_walk(Status.WANDERING, 3.0, None), fake_walk(Status.REACHED, 0.5, 9), fake_walk(Status.REACHED, 0.1, 9)]
    assert choose(walks, start_height=10.0) == 2


def test_choose_breaks_near_ties_by_fewer_steps_to_the_goal():
    walks = [fake_walk(Status.REACHED, 0.001, 30), fake_walk(Status.REACHED, 0.0015, 6), fake_walk(Status.REACHED, 2.0, 2)]
    assert choose(walks, start_height=10.0) == 1


def test_choose_never_picks_a_fall_unless_everyone_fell():
    walks = [fake_walk(Status.FELL_OFF, -50.0, None), fake_walk(Status.WANDERING, 4.0, None)]
    assert choose(walks, start_height=10.0) == 1
    fell = [fake_walk(Status.FELL_OFF, 1.0, None, steps=3), fake_walk(Status.DIVERGED, 1.0, None, steps=7)]
    assert choose(fell, start_height=10.0) == 1, "the walk that lasted longest"


def test_tuning_makes_racers_reach_where_the_defaults_do_not(untuned):
    level = load_level(untuned)
    before = {w.name: w for w in run_racers(level)}
    assert all(w.status == Status.WANDERING for w in before.values()), "the defaults crawl on this level"
    results = tune(level)
    assert [r.name for r in results] == list(optimizers.DEFAULT_RACERS)
    for result in results:
        assert result.walk.status == Status.REACHED, result.name
        assert result.before.status == Status.WANDERING
        # the walk reported is the walk those settings give in a real race
        again = run_racers(level, [(result.name, result.settings)])[0]
        assert again.final_height == result.walk.final_height


def test_the_printed_toml_pasted_into_the_level_reaches_the_goal(untuned, capsys):
    assert main(["tune", str(untuned)]) == 0
    printed = capsys.readouterr().out
    agents = tomllib.loads(printed)["agents"]
    assert set(agents) == set(optimizers.DEFAULT_RACERS)
    assert "# SGD: reached: goal at step" in printed and "(the level's settings now: misses the goal: final height" in printed
    untuned.write_text(NO_AGENTS + "\n" + printed, encoding="utf-8")
    level = load_level(untuned)
    walks = run_racers(level)
    assert len(walks) == len(agents)
    assert all(w.status == Status.REACHED for w in walks), [(w.name, w.status) for w in walks]


def test_tune_keeps_the_levels_other_settings_and_tunes_named_racers(untuned, capsys):
    untuned.write_text(NO_AGENTS + "\n[agents.adam]\nlearning_rate = 0.001\neps = 1e-6\n", encoding="utf-8")
    level = load_level(untuned)
    [adam] = tune(level)
    assert adam.settings["eps"] == 1e-6
    assert main(["tune", str(untuned), "--racers", "rmsprop,nesterov", "--points", "12", "--runners-up", "2"]) == 0
    printed = capsys.readouterr().out
    assert set(tomllib.loads(printed)["agents"]) == {"rmsprop", "nesterov"}
    assert printed.count("runner-up") == 4 and "12 paces" in printed


def test_tune_refuses_bad_input_with_a_hint(untuned, tmp_path, capsys):
    assert main(["tune", str(untuned), "--racers", "adma"]) == 2
    assert "did you mean 'adam'?" in capsys.readouterr().err
    assert main(["tune", str(untuned), "--low", "1", "--high", "0.1"]) == 2
    assert "hint" in capsys.readouterr().err
    broken = tmp_path / "broken.toml"
    broken.write_text('title = "x"\n', encoding="utf-8")
    assert main(["tune", str(broken)]) == 1
    assert "broken.toml:" in capsys.readouterr().err


def test_toml_numbers_are_floats_that_round_trip():
    for value in (1e-4, 0.0001, 2.5e-05, 0.3, 10.0, 1.0):
        text = number(value)
        assert isinstance(tomllib.loads(f"v = {text}")["v"], float) and float(text) == value


def test_to_toml_comments_every_racer_with_its_result(untuned):
    level = load_level(untuned)
    paces = pace_grid(0.01, 1.0, 5)
    results = [tune_racer(level, "sgd", paces=paces), tune_racer(level, "adam", paces=paces)]
    text = to_toml(level, results, paces)
    assert tomllib.loads(text)["agents"]["adam"]["beta1"] in (0.5, 0.8, 0.9, 0.95)
    assert text.count("final height") >= 2 and "5 paces from 0.01 to 1" in text
    assert math.isfinite(results[0].walk.final_height)


def test_a_finer_pass_searches_between_the_neighbours_of_the_best_pace():
    grid = pace_grid()
    finer = finer_paces(grid, 0.1)
    assert finer and all(0.063 < p < 0.16 for p in finer) and not set(finer) & set(grid)
    assert finer_paces(grid, 0.123) == ()


def test_the_levels_own_settings_are_kept_when_nothing_beats_them(tmp_path, capsys):
    # SGD at exactly 1/curvature lands on the floor in one step; no pace of the grid does.
    path = tmp_path / "exact.toml"
    path.write_text(NO_AGENTS.replace("0.05*(x - 6)**2 + 0.5*(y + 2)**2", "(x - 6)**2/0.74 + (y + 2)**2/0.74")
                    + "\n[agents.sgd]\nlearning_rate = 0.37\n", encoding="utf-8")
    [sgd] = tune(load_level(path))
    assert sgd.kept and sgd.settings["learning_rate"] == 0.37 and sgd.walk.steps_to_goal == 1
    assert main(["tune", str(path), "--no-refine"]) == 0
    printed = capsys.readouterr().out
    assert "nothing tried did better" in printed and tomllib.loads(printed)["agents"]["sgd"]["learning_rate"] == 0.37


def test_tune_says_plainly_when_no_setting_reaches_and_why(tmp_path, capsys):
    """Issue 16, point 11: not a list of 'wandering' racers, but the plain news and the reasons."""
    from foggymountain.cli import main

    path = tmp_path / "far.toml"
    # A bowl whose floor is 3 and a goal at 2.5: below the floor, nobody can reach it.
    path.write_text('title = "Far"\nbriefing = "b"\n[landscape]\nvariables = ["x"]\nheight = "x**2 + 3"\n'
                    'bounds = { x = [-2, 2] }\nstart = { x = 1.5 }\n[hike]\nbudget = 5\ngoal = 2.5\n')
    assert main(["tune", str(path), "--racers", "sgd"]) == 0
    out, err = capsys.readouterr()
    assert err == f"{path}: no setting of SGD reaches the goal (height <= 2.5) within 5 steps; the reasons are at the top of the output\n"
    assert "# No setting tried reaches the goal. Why it may be:\n" in out
    assert "#  - the goal: height <= 2.5 is below the valley floor (3): nobody can reach it\n" in out
    assert "wandering" not in out and "# SGD: misses the goal: final height 3" in out

    # A budget too short: the best settings get there when given more steps, and it says at which.
    path.write_text(path.read_text().replace("goal = 2.5", "goal = 3.0001").replace("budget = 5", "budget = 1")
                    .replace("x**2 + 3", "0.01*x**2 + 3"))
    assert main(["tune", str(path), "--racers", "sgd"]) == 0
    out, _ = capsys.readouterr()
    assert "#  - the budget: with more steps it would do; SGD at its best settings reaches the goal at step" in out
