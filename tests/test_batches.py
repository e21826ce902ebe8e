"""Batch-size levels: the budget is examples seen, the player chooses the mini-batch, and every racer
walks once with each batch size on the same examples."""

import numpy as np
import pytest

from foggymountain.feel import felt_rows, felt_slope
from foggymountain.hike import Hike
from foggymountain.level import load_level_text
from foggymountain.outcome import Race, Status, rank_key, stars
from foggymountain.race import race, run_batch_racers, walk_of_hike

LEVEL = """title = "Batches"\nbriefing = "b"\n[landscape]\nkind = "fit"\nvariables = ["m", "b"]\nmodel = "m*x + b"
target = "y"\ndata = { x = [0, 1, 2, 3, 4, 5, 6, 7], y = [0.1, 1.2, 1.9, 3.2, 3.9, 5.1, 6.0, 6.8] }
bounds = { m = [-5, 5], b = [-5, 5] }\nstart = { m = -2, b = 3 }\n[hike]\nexamples = 20\nbatch_sizes = [1, 2, 8]
par = 12\nseed = 5\n[agents.sgd]\nlearning_rate = 0.02\n"""


@pytest.fixture
def level(tmp_path):
    return load_level_text(LEVEL, tmp_path / "batches.toml")


def test_the_budget_is_examples_and_the_player_starts_with_the_middle_batch(level):
    assert level.examples == 20 and level.budget == 20 and level.batch_sizes == (1, 2, 8)
    assert level.budget_unit == "examples" and level.budget_amount == 20
    hike = Hike(level)
    assert hike.batch_size == 2 and hike.examples_left == 20 and hike.steps_left == 10
    rows = felt_rows(8, 0, seed=5, batch_size=2)
    np.testing.assert_allclose(hike.slope, level.landscape.height_and_slope(level.start, rows)[1])


def test_changing_the_batch_feels_the_same_draw_on_more_rows(level):
    hike = Hike(level)
    hike.step()
    hike.set_batch_size(8)
    assert len(hike.slopes) == 2 and len(hike.heights) == 2, "the slope here is felt again, not added"
    _, exact = felt_slope(level.landscape, hike.position, 1, seed=level.seed, batch_size=8)
    np.testing.assert_allclose(hike.slope, exact)
    np.testing.assert_allclose(exact, level.landscape.height_and_slope(hike.position)[1])  # 8 rows: all of them
    with pytest.raises(ValueError, match="1, 2, 8"):
        hike.set_batch_size(3)
    hike.step()
    assert hike.batches == [2, 8] and hike.examples_used == 10 and hike.examples_left == 10


def test_the_examples_run_out_and_the_batch_shrinks_to_what_is_left(level):
    hike = Hike(level)
    hike.set_batch_size(8)
    hike.step()
    hike.step()
    assert hike.examples_left == 4 and hike.batch_size == 2, "a batch of 8 no longer fits"
    with pytest.raises(ValueError, match="only 4 examples"):
        hike.set_batch_size(8)
    hike.step()
    hike.step()
    assert hike.status == Status.SPENT and hike.examples_used == 20 and hike.batches == [8, 8, 2, 2]


def test_the_player_walk_counts_examples_and_par_is_in_examples(level):
    hike = Hike(level)
    hike.set_batch_size(8)
    hike.set_stride(4)
    for _ in range(2):
        hike.point_downhill()
        hike.step()
    walk = walk_of_hike(hike)
    assert list(walk.examples) == [0, 8, 16] and walk.batch_sizes_used == (8,)
    hike.camp()
    if walk.steps_to_goal is not None:
        assert walk.examples_to_goal == 8 * walk.steps_to_goal == walk.cost_to_goal


def test_every_racer_walks_each_batch_size_on_the_same_examples(level):
    walks = run_batch_racers(level)
    assert [w.name for w in walks] == ["sgd@1", "sgd@2", "sgd@3"]
    assert [w.label for w in walks] == ["SGD, batch 1", "SGD, batch 2", "SGD, batch 8"]
    assert [w.steps for w in walks] == [20, 10, 2]
    assert [int(w.examples[-1]) for w in walks] == [20, 20, 16], "two batches of 8 fit in 20 examples"
    one = walks[0]
    for k in range(3):  # what the player would feel at step k with a batch of 1
        _, slope = felt_slope(level.landscape, one.path[k], k, seed=level.seed, batch_size=1)
        np.testing.assert_allclose(one.slopes[k], slope)
    assert race(level).to_json()["racers"][2]["examples"] == 16


def test_reaching_with_fewer_examples_ranks_first_even_in_more_steps(level):
    walks = run_batch_racers(level)
    cheap, dear = walks[0], walks[2]
    for walk, steps_to_goal in ((cheap, 6), (dear, 1)):
        walk.steps_to_goal, walk.status = steps_to_goal, Status.REACHED
        walk.heights = np.where(np.arange(len(walk.heights)) >= steps_to_goal, 0.0, walk.heights)
    assert cheap.cost_to_goal == 6 < dear.cost_to_goal == 8
    assert rank_key(cheap, level.goal) < rank_key(dear, level.goal)
    result = Race(level=level, racers=[dear, cheap])
    assert result.winner is cheap


def test_stars_count_par_in_examples(level):
    hike = Hike(level)
    player = walk_of_hike(hike)
    player.status, player.steps_to_goal = Status.REACHED, 2
    player.heights = np.array([0.0])
    player.examples = np.array([0, 8, 16])
    assert stars(player, [], level.goal, level.par) == 1, "16 examples is over the par of 12"
    player.examples = np.array([0, 2, 4])
    assert stars(player, [], level.goal, level.par) == 3


def test_a_plain_level_has_no_batch_choice(tmp_path):
    plain = LEVEL.replace("examples = 20\nbatch_sizes = [1, 2, 8]\n", "budget = 12\nbatch_size = 2\n")
    level = load_level_text(plain, tmp_path / "plain.toml")
    hike = Hike(level)
    assert level.examples is None and level.budget_unit == "steps" and hike.steps_left == 12
    with pytest.raises(ValueError):
        hike.set_batch_size(2)
    assert hike.status == Status.WALKING and walk_of_hike(hike).examples is None


def test_progress_compares_hikes_of_a_batch_size_level_by_examples(level):
    from foggymountain.outcome import better
    from foggymountain.progress import hike_summary

    hike = Hike(level)
    result = race(level, hike)
    summary = hike_summary(result)
    assert "examples_to_goal" in summary
    many_steps = dict(summary, stars=1, status=Status.REACHED, steps_to_goal=6, examples_to_goal=6)
    few_steps = dict(summary, stars=1, status=Status.REACHED, steps_to_goal=2, examples_to_goal=16)
    assert better(many_steps, few_steps) is many_steps, "fewer examples, though more steps"


def test_racers_raced_without_a_batch_size_walk_the_examples_at_the_middle_batch(level):
    from foggymountain.race import run_racers

    (walk,) = run_racers(level)
    assert level.batch_size == 2 and walk.steps == 10, "20 examples in batches of 2"
    (walk,) = run_racers(level, batch_size=8)
    assert walk.steps == 2
