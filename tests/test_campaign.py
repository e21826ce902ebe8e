"""The built-in campaign: every level is sound, together they teach every concept in order, and
each level's race still shows its lesson (who wins, who falls off, who gets trapped).

The per-level tests pin the lesson, not the exact numbers: a change to an optimizer, the loader or
a level that silently breaks the curriculum fails here, while a harmless change of the last digit
does not. The debriefs quote numbers from these races; where a test pins such a number, it says
so, so a failing test points at the sentence to rewrite.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import numpy as np
import pytest

from foggymountain import checking
from foggymountain.campaign import builtin_levels_dir, level_files
from foggymountain.level import CONCEPTS, Level, load_level
from foggymountain.outcome import Status, Walk, held_out_loss, held_out_trail
from foggymountain.race import race, run_racers

LEVELS_DIR = Path(__file__).resolve().parent.parent / "levels"
FILES = level_files(LEVELS_DIR)
CHAPTERS = ["First steps", "Treacherous ground", "Smarter walkers", "Learning from data", "Many weights",
            "What the articles teach next"]


@cache
def level(stem: str) -> Level:
    return load_level(LEVELS_DIR / f"{stem}.toml")


@cache
def walks(stem: str) -> dict[str, Walk]:
    """The level's racers as raced (on a batch-size level: each racer once per batch size)."""
    return {walk.name: walk for walk in race(level(stem)).racers}


def winner(stem: str) -> Walk:
    return race(level(stem)).winner


def strides(walk: Walk) -> np.ndarray:
    return np.linalg.norm(np.diff(walk.path, axis=0), axis=1)


# ---- the campaign as a whole -------------------------------------------------------------------


def test_the_source_checkout_is_the_builtin_campaign():
    assert builtin_levels_dir().resolve() == LEVELS_DIR or (builtin_levels_dir() / FILES[0].name).exists()


def test_at_least_sixteen_levels_named_in_campaign_order():
    assert len(FILES) >= 16
    numbers = []
    for path in FILES:
        found = re.fullmatch(r"(\d\d)-[a-z0-9]+(?:-[a-z0-9]+)*\.toml", path.name)
        assert found, f"{path.name}: level files are named NN-slug.toml"
        numbers.append(int(found.group(1)))
    assert numbers == list(range(1, len(FILES) + 1)), "numbered 01, 02, ... without gaps"


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_level_passes_check(path):
    assert checking.check_level(path) == []


def test_check_command_passes_on_the_folder(capsys):
    from foggymountain.cli import main

    assert main(["check", "--quiet", str(LEVELS_DIR)]) == 0


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_level_is_complete(path):
    lv = level(path.stem)
    assert lv.title and lv.chapter and lv.concepts
    assert len(lv.briefing.split()) >= 25, "a briefing sets the scene in a few sentences"
    assert len(lv.debrief.split()) >= 40, "a debrief names the lesson and the machine-learning term"
    assert re.search(r"\d", lv.debrief), "a debrief quotes the level's own numbers"
    text = path.read_text(encoding="utf-8")
    assert re.search(r"^seed = ", text, re.M) and re.search(r"^par = ", text, re.M)
    assert re.search(r"^max_stride = ", text, re.M)
    assert "[agents." in text, "racers are tuned per level, not left at their defaults"


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_some_racer_reaches_the_goal(path):
    statuses = {name: walk.status for name, walk in walks(path.stem).items()}
    assert Status.REACHED in statuses.values(), statuses


def test_concepts_cover_the_whole_vocabulary():
    taught = {concept for path in FILES for concept in level(path.stem).concepts}
    assert taught == set(CONCEPTS)


def test_concepts_are_introduced_in_vocabulary_order():
    introduced: list[str] = []
    for path in FILES:
        introduced += [c for c in level(path.stem).concepts if c not in introduced]
    assert introduced == list(CONCEPTS)


def test_chapters_come_in_order_one_block_each():
    chapters = [level(path.stem).chapter for path in FILES]
    blocks = [c for i, c in enumerate(chapters) if i == 0 or chapters[i - 1] != c]
    assert blocks == CHAPTERS


def test_the_campaign_has_every_kind_of_ground():
    levels = [level(path.stem) for path in FILES]
    dims = [lv.dimensions for lv in levels]
    kinds = [lv.kind for lv in levels]
    assert 1 in dims and 2 in dims and max(dims) > 2
    assert {"function", "fit", "next-token"} <= set(kinds)
    assert {"mse", "mae", "logistic"} <= {lv.landscape.loss for lv in levels if lv.kind == "fit"}
    assert any(lv.noise > 0 for lv in levels) and any(lv.batch_size for lv in levels)
    assert any(lv.kind == "fit" and lv.dimensions >= 6 for lv in levels)
    hidden = [i for i, lv in enumerate(levels) if not lv.show_height]
    assert hidden and min(hidden) >= len(levels) // 2, "the altimeter is hidden only on a later level"


def test_the_first_level_is_a_quick_win():
    first = level(FILES[0].stem)
    assert first.dimensions == 1 and first.kind == "function" and first.budget <= 8
    # Generous: the default stride walks from the start into the goal within the par.
    x = first.start.copy()
    down = -np.sign(first.landscape.height_and_slope(x)[1])
    for _ in range(first.par):
        x = x + down * first.stride
        if first.landscape.height(x) <= first.goal:
            break
    assert first.landscape.height(x) <= first.goal


def test_walks_get_longer_through_the_campaign():
    levels = [level(path.stem) for path in FILES]
    first = [lv.budget for lv in levels if lv.chapter == CHAPTERS[0]]
    last = [lv.budget for lv in levels if lv.chapter == CHAPTERS[-1]]
    assert levels[0].budget == min(lv.budget for lv in levels) and max(first) <= min(last)


# ---- one lesson per level ----------------------------------------------------------------------


def test_01_downhill_every_racer_walks_against_the_slope():
    lv, ws = level("01-downhill"), walks("01-downhill")
    assert all(w.status == Status.REACHED for w in ws.values())
    sgd = ws["sgd"]
    assert np.all(np.sign(np.diff(sgd.path[:, 0])) == -np.sign(sgd.slopes[:, 0]))
    assert sgd.steps_to_goal == 5 and winner("01-downhill").name == "sgd"  # the debrief: "at step 5"
    assert all(abs(w.path[-1, 0] - 3) < 1.5 for w in ws.values())


def test_02_pace_too_timid_too_bold_just_right():
    ws = walks("02-pace")
    assert ws["sgd"].status == Status.REACHED and ws["sgd"].steps_to_goal == 3
    assert strides(ws["sgd"])[0] == pytest.approx(22.5)  # 2.5 x slope 9
    assert ws["adagrad"].status == Status.WANDERING and ws["adagrad"].path[-1, 0] < -10
    assert ws["adam"].status == Status.REACHED and ws["adam"].steps_to_goal > ws["sgd"].steps_to_goal
    adam = ws["adam"]
    assert np.all(np.abs(strides(adam)[:4] - 5.0) < 0.2), "Adam strides about its pace..."
    assert abs(adam.slopes[3, 0]) < 0.7 * abs(adam.slopes[0, 0]), "...while the slope eases"


def test_03_overshoot_sgd_jumps_across_the_floor_every_step():
    ws = walks("03-overshoot")
    sgd = ws["sgd"]
    side = np.sign(sgd.path[:, 0] - 1.0)
    assert np.all(side[1:] == -side[:-1]), "every stride lands on the other side of the floor"
    assert sgd.status == Status.WANDERING
    assert ws["momentum"].status == Status.REACHED and winner("03-overshoot").name == "momentum"


def test_04_divergence_sgd_climbs_off_the_map_adam_does_not():
    ws = walks("04-runaway")
    sgd = ws["sgd"]
    assert sgd.status in (Status.FELL_OFF, Status.DIVERGED)
    assert np.all(np.diff(sgd.heights) > 0), "every step climbed"
    assert sgd.steps == 7  # the debrief: "at step 7"
    assert ws["adam"].status == Status.REACHED


def test_05_crawl_sgd_runs_out_of_budget_momentum_at_the_same_pace_arrives():
    ws = walks("05-long-meadow")
    sgd, momentum = ws["sgd"], ws["momentum"]
    assert sgd.status == Status.WANDERING and sgd.distance == pytest.approx(15.0, abs=0.1)
    assert momentum.hyperparameters["learning_rate"] == sgd.hyperparameters["learning_rate"]
    assert momentum.status == Status.REACHED
    assert ws["adam"].status == Status.REACHED


def test_06_local_minimum_sgd_is_trapped_in_the_side_valley():
    lv, ws = level("06-side-valley"), walks("06-side-valley")
    floor = lv.minimum
    assert floor.point[0] < 0
    for name in ("sgd", "adam"):
        walk = ws[name]
        assert walk.status == Status.WANDERING and abs(walk.path[-1, 0] - 2.95) < 0.1, name
        assert walk.final_height > floor.height + 4
    assert ws["momentum"].status == Status.REACHED and ws["momentum"].path[-1, 0] < 0


def test_07_plateau_adam_crosses_the_flat():
    ws = walks("07-plateau")
    assert winner("07-plateau").name == "adam" and ws["adam"].status == Status.REACHED
    assert ws["sgd"].status == Status.WANDERING and ws["sgd"].distance < 1
    assert ws["momentum"].status == Status.WANDERING


def test_08_cliff_flings_the_fixed_pace_walker():
    ws = walks("08-cliff")
    sgd = ws["sgd"]
    assert sgd.status == Status.FELL_OFF
    assert strides(sgd)[-1] > 5 * strides(sgd)[:-1].max(), "one stride on the cliff face flung it"
    assert ws["adam"].status == Status.REACHED and strides(ws["adam"]).max() < 2


def test_09_saddle_sgd_sits_in_the_pass():
    ws = walks("09-saddle")
    sgd = ws["sgd"]
    assert sgd.status == Status.WANDERING
    assert np.linalg.norm(sgd.path[-1]) < 0.1 and abs(sgd.final_height) < 0.01
    adam = ws["adam"]
    assert adam.status == Status.REACHED and abs(adam.path[-1, 1]) > 1
    assert winner("09-saddle").name == "adam"


def test_10_ravine_momentum_beats_sgd():
    ws = walks("10-ravine")
    sgd, momentum = ws["sgd"], ws["momentum"]
    across = sgd.path[:, 0] - sgd.path[:, 1]
    assert np.count_nonzero(np.sign(across[1:]) != np.sign(across[:-1])) >= 10, "SGD zig-zags across"
    assert sgd.status == Status.WANDERING and momentum.status == Status.REACHED
    assert winner("10-ravine").name == "momentum"


def test_11_egg_crate_momentum_rolls_through_the_dimples():
    ws = walks("11-egg-crate")
    assert ws["sgd"].status == Status.WANDERING and ws["sgd"].final_height > 2
    assert np.linalg.norm(ws["sgd"].path[-1]) > 4, "trapped in a dimple far from the bottom"
    assert ws["momentum"].status == Status.REACHED and winner("11-egg-crate").name == "momentum"


def test_12_badly_scaled_ground_adam_wins():
    ws = walks("12-stretched")
    assert winner("12-stretched").name == "adam" and ws["adam"].status == Status.REACHED
    assert ws["sgd"].status == Status.WANDERING and ws["momentum"].status == Status.WANDERING
    assert ws["sgd"].path[-1, 1] - ws["sgd"].path[0, 1] < 2, "SGD crawled north"


def test_13_noise_kicks_a_big_pace_out_of_the_valley():
    lv, ws = level("13-shaky-ground"), walks("13-shaky-ground")
    sgd = ws["sgd"]
    assert sgd.steps_to_goal is not None and sgd.status == Status.WANDERING, "it got there and was kicked out"
    assert ws["adagrad"].status == Status.REACHED and ws["adagrad"].final_height < 0.1 * sgd.final_height
    assert winner("13-shaky-ground").name == "adagrad"


def test_14_regression_finds_the_line():
    lv, ws = level("14-house-prices"), walks("14-house-prices")
    data = lv.landscape.data
    best_line = np.polyfit(data["size"], data["price"], 1)
    assert lv.minimum.point == pytest.approx(best_line, abs=0.01)
    assert best_line == pytest.approx([1.56, 0.28], abs=0.01)  # quoted in the debrief
    top = winner("14-house-prices")
    assert top.name == "momentum" and top.path[-1] == pytest.approx(best_line, abs=0.1)
    assert ws["sgd"].status == Status.WANDERING


def test_15_mae_shrugs_off_the_outlier():
    lv, ws = level("15-outlier"), walks("15-outlier")
    data = lv.landscape.data
    squared_line = np.polyfit(data["size"], data["price"], 1)
    assert squared_line == pytest.approx([0.91, 1.84], abs=0.01)  # quoted in the debrief
    assert lv.minimum.point == pytest.approx([1.57, 0.28], abs=0.01)
    top = winner("15-outlier")
    assert top.status == Status.REACHED and top.path[-1] == pytest.approx(lv.minimum.point, abs=0.1)
    assert np.linalg.norm(top.path[-1] - squared_line) > 1
    assert ws["sgd"].status == Status.WANDERING


def test_16_cross_entropy_punishes_confident_mistakes_most():
    lv, ws = level("16-cat-or-plane"), walks("16-cat-or-plane")
    names = list(lv.variables)
    slope = np.abs(lv.landscape.height_and_slope(lv.start)[1])
    confident = min(slope[names.index("w_flew")], slope[names.index("w_pet")])
    assert confident > 2 * max(slope[names.index("w_fed")], slope[names.index("w_saw")])
    for walk in ws.values():
        w = dict(zip(names, walk.path[-1]))
        assert walk.status == Status.REACHED
        assert w["w_pet"] < 0 and w["w_fed"] < 0 and w["w_flew"] > 0, walk.name
    top = winner("16-cat-or-plane")
    assert abs(top.path[-1][names.index("w_saw")]) < 0.5, "50/50 after 'I saw the'"


def test_17_mini_batches_shake_a_big_pace_momentum_settles():
    lv, ws = level("17-the-whole-town"), walks("17-the-whole-town")
    assert lv.batch_size < lv.landscape.n_rows
    sgd = ws["sgd"]
    assert not np.allclose(sgd.slopes[0], lv.landscape.height_and_slope(lv.start)[1])
    assert sgd.status == Status.WANDERING and sgd.best_height <= lv.goal
    assert np.nanmax(sgd.heights[-10:]) > 10, "a bad batch threw it high"
    assert ws["momentum"].status == Status.REACHED and ws["momentum"].final_height < 0.06
    assert winner("17-the-whole-town").name == "momentum"


def test_18_next_token_the_model_learns_what_follows():
    lv, ws = level("18-next-word"), walks("18-next-word")
    top = winner("18-next-word")
    assert top.name == "adam" and ws["sgd"].status == Status.WANDERING
    after_sat = lv.landscape.predict(top.path[-1], "sat", 1)[0]
    assert after_sat[0] == "on" and after_sat[1] > 0.9
    assert lv.landscape.predict(top.path[-1], "the", 1)[0][0] in ("cat", "dog")


def test_19_many_weights_one_pace_for_seven_is_slow():
    lv, ws = level("19-many-rooms"), walks("19-many-rooms")
    assert lv.dimensions >= 6
    top = winner("19-many-rooms")
    assert top.name == "adam"
    assert ws["sgd"].steps_to_goal is None or ws["sgd"].steps_to_goal > 3 * top.steps_to_goal
    w = dict(zip(lv.variables, top.path[-1]))
    assert w["w_size"] > 0.5 and w["w_garden"] > 0 and w["w_age"] < 0 and w["w_distance"] < 0


def test_20_night_adaptive_racers_learn_the_sentences_in_the_dark():
    lv, ws = level("20-summit"), walks("20-summit")
    assert not lv.show_height and lv.dimensions > 100 and lv.batch_size
    assert ws["sgd"].status == Status.WANDERING
    assert ws["rmsprop"].status == Status.REACHED and ws["adam"].status == Status.REACHED
    top = winner("20-summit")
    assert lv.landscape.predict(top.path[-1], "i", 1)[0][0] == "saw"


def test_21_generalization_the_lowest_training_loss_is_not_the_best_on_new_data():
    lv, ws = level("21-ten-points"), walks("21-ten-points")
    data, holdout = lv.landscape.data, lv.landscape.holdout
    assert len(data["x"]) == 10 and lv.dimensions == 10 and len(holdout["x"]) == 20
    floor = lv.minimum
    # The floor passes through all ten points and is worse on new data than the start.
    assert floor.height < 1e-9
    floor_held_out = float(lv.landscape.held_out_height(floor.point))
    assert floor_held_out == pytest.approx(0.83, abs=0.005)  # quoted in the debrief
    assert floor_held_out > float(lv.landscape.held_out_height(lv.start))
    parabola = np.polyfit(data["x"], data["y"], 2)
    parabola_held_out = float(np.mean((np.polyval(parabola, holdout["x"]) - holdout["y"]) ** 2))
    assert parabola_held_out == pytest.approx(0.015, abs=0.0005)  # quoted in the debrief
    held_out = {name: held_out_loss(lv, walk) for name, walk in ws.items()}
    adam, sgd = ws["adam"], ws["sgd"]
    assert adam.final_height == min(w.final_height for w in ws.values())
    assert held_out["adam"] == max(held_out.values()) and held_out["sgd"] == min(held_out.values())
    assert sgd.final_height > 3 * adam.final_height and held_out["adam"] > 3 * held_out["sgd"]
    # Adam's held-out loss fell, then rose while its training loss kept falling.
    trail = held_out_trail(lv, adam)
    best = int(np.argmin(trail))
    assert best == 7 and trail[-1] > 3 * trail[best]  # the debrief: "lowest at step 7"
    assert adam.heights[-1] < adam.heights[best] / 5


def test_22_weight_decay_adamw_keeps_weights_small_and_new_data_closer():
    lv, ws = level("22-weight-decay"), walks("22-weight-decay")
    assert lv.landscape.holdout is not None
    adam, adamw = ws["adam"], ws["adamw"]
    pace = adam.hyperparameters["learning_rate"]
    assert adamw.hyperparameters["learning_rate"] == pace and adamw.hyperparameters["weight_decay"] > 0
    assert adam.hyperparameters["weight_decay"] == 0
    assert np.abs(adamw.path[-1]).max() < 0.5 * np.abs(adam.path[-1]).max()
    assert held_out_loss(lv, adamw) < 0.3 * held_out_loss(lv, adam)
    assert adam.final_height < adamw.final_height, "Adam fits the ten points closer..."
    assert adamw.status == Status.REACHED, "...yet AdamW still reaches the goal"
    # Same data as level 21, read from CSV files.
    twin = level("21-ten-points").landscape
    for name in ("x", "y"):
        assert np.array_equal(lv.landscape.data[name], twin.data[name])
        assert np.array_equal(lv.landscape.holdout[name], twin.holdout[name])


def test_23_forgetting_adagrad_stalls_rmsprop_keeps_going():
    lv, ws = level("23-long-memory"), walks("23-long-memory")
    adagrad, rmsprop = ws["adagrad"], ws["rmsprop"]
    assert adagrad.hyperparameters["learning_rate"] == rmsprop.hyperparameters["learning_rate"]
    assert rmsprop.status == Status.REACHED and adagrad.status == Status.WANDERING
    assert winner("23-long-memory").name == "rmsprop"
    adagrad_strides, rmsprop_strides = strides(adagrad), strides(rmsprop)
    assert adagrad_strides[-1] < 0.02 * adagrad_strides[0], "AdaGrad's strides shrank to nothing"
    assert np.all(np.diff(adagrad.info["accumulator"][:, 0]) >= 0), "it only accumulates"
    average = rmsprop.info["square_average"][:, 0]
    assert average[-1] < 0.01 * average.max(), "RMSProp forgot the wall"
    meadow = slice(len(rmsprop_strides) // 2, None)
    assert rmsprop_strides[meadow].mean() > 10 * adagrad_strides[meadow].mean()
    assert adagrad.info["accumulator"][-1, 0] == pytest.approx(204, abs=1)  # quoted in the debrief


def test_24_chain_rule_the_error_fades_through_a_saturated_unit():
    from foggymountain.feel import felt_rows
    from foggymountain.terrain.chain import chain_rule

    lv, ws = level("24-two-layers"), walks("24-two-layers")
    landscape = lv.landscape
    start = chain_rule(landscape, lv.start)
    w1, w2 = start.weights
    (through_h,) = w1.paths
    assert through_h.names == ("∂height/∂pred", "∂pred/∂h", "∂h/∂w1")
    assert np.all(through_h.values[1] == 0.5), "∂pred/∂h is w2"
    far = np.abs(landscape.data["x"]) >= 1
    assert np.all(np.abs(through_h.values[2][far]) <= 0.0014)  # the debrief: "0.0013 or less"
    assert np.abs(w2.paths[0].values[1][far]).min() > 0.99, "h is saturated at ±1"
    # Every slope SGD felt is exactly the product of its factors on the example it was felt on.
    sgd = ws["sgd"]
    for k in range(sgd.steps):
        rows = felt_rows(landscape.n_rows, k, seed=lv.seed, batch_size=lv.batch_size)
        assert len(rows) == 1
        np.testing.assert_allclose(chain_rule(landscape, sgd.path[k], rows).slope, sgd.slopes[k], rtol=1e-12, atol=1e-15)
    assert sgd.status == Status.WANDERING and lv.start[0] - sgd.path[-1, 0] < 0.3  # "moved w1 by only 0.28"
    assert np.abs(sgd.slopes[:, 0]).mean() < 0.05 * np.abs(sgd.slopes[:, 1]).mean()
    adam = ws["adam"]
    assert adam.status == Status.REACHED and adam.path[-1, 0] < 1 and winner("24-two-layers").name == "adam"
    assert adam.steps_to_goal == 36  # quoted in the debrief


def test_25_batch_size_the_same_examples_buy_few_exact_or_many_noisy_steps():
    from foggymountain.feel import felt_rows
    from foggymountain.race import run_batch_racers

    lv = level("25-batch-size")
    assert lv.batch_sizes == (1, 4, 16, 64) and lv.examples == 320 and lv.landscape.n_rows == 64
    ws = {w.batch_size: w for w in run_batch_racers(lv)}
    assert {w.hyperparameters["learning_rate"] for w in ws.values()} == {0.2}, "one racer, one pace"
    for size, walk in ws.items():
        assert walk.steps == 320 // size and walk.examples[-1] == 320
    full, one, four = ws[64], ws[1], ws[4]
    exact = lv.landscape.height_and_slope(full.path[:-1])[1]
    np.testing.assert_allclose(full.slopes, exact, rtol=1e-9)  # the full data: the true slope
    assert full.status == Status.WANDERING and full.final_height > 1.5
    # The batch of 1 felt one house per step: the same house every walker would feel at that step.
    k = 7
    (row,) = felt_rows(64, k, seed=lv.seed, batch_size=1)
    np.testing.assert_allclose(one.slopes[k], lv.landscape.height_and_slope(one.path[k], np.array([row]))[1])
    assert one.examples_to_goal == 25 and one.status == Status.WANDERING  # the debrief: "after only 25 examples"
    assert np.nanmax(one.heights[-20:]) > 5
    assert four.status == Status.REACHED and four.examples_to_goal == 100
    top = winner("25-batch-size")
    assert top.name == "sgd@2" and top.batch_size == 4
    assert ws[16].final_height < full.final_height and four.final_height < ws[16].final_height


def test_26_sampling_the_next_word_is_drawn_not_always_the_likeliest():
    from foggymountain.sampling import chances, write

    lv, ws = level("26-writing"), walks("26-writing")
    top = winner("26-writing")
    assert top.name == "adam" and top.steps_to_goal == 8 and ws["momentum"].steps_to_goal == 20
    assert ws["sgd"].status == Status.WANDERING
    landscape, weights = lv.landscape, top.path[-1]
    greedy = [write(landscape, weights, "the", temperature=0, seed=lv.seed + k) for k in range(20)]
    assert {s.text for s in greedy} == {"the cat sat on the cat sat on the cat sat on the"}
    assert all(all(s.likeliest) for s in greedy) and greedy[0].words[-1] != "."
    drawn = [write(landscape, weights, "the", temperature=1, seed=lv.seed + k) for k in range(20)]
    assert len({s.text for s in drawn}) == 16 and sum(s.words[-1] == "." for s in drawn) == 17  # the debrief
    assert sum(not all(s.likeliest) for s in drawn) >= 10, "the next word is often not the likeliest"
    assert "the dog sat on a dog." in {s.text for s in drawn}
    for sentence in drawn:
        for before, word, chance in zip(sentence.words, sentence.words[1:], sentence.chances):
            assert chance == pytest.approx(dict(landscape.predict(weights, before, 20))[word])
    cat = [chances(landscape, weights, "the", t)[landscape.vocabulary.index("cat")] for t in (0.5, 1, 2)]
    assert cat == pytest.approx([0.68, 0.42, 0.29], abs=0.005)  # quoted in the debrief
    on = chances(landscape, weights, "the", 2)[landscape.vocabulary.index("on")]
    assert on == pytest.approx(0.005, abs=0.001)


def _careful_hike(lv: Level, plan) -> "Hike":
    from foggymountain.hike import Hike

    hike = Hike(lv)
    while not hike.over:
        plan(hike)
        hike.step()
    return hike


def _downhill(*, pace=None, stride=None):
    def plan(hike):
        if not hike.pace_only:
            hike.point_downhill()
        hike.set_pace(pace) if pace is not None else hike.set_stride(stride)
    return plan


def _west_first(hike):
    """Level 24: the chain-rule panel shows w1's slope vanishing, so walk w1 down first."""
    if hike.steps_used < 4:
        hike.set_heading(180)
        hike.set_stride(1.0)
    else:
        hike.point_downhill()
        hike.set_stride(0.3 * 0.97 ** (hike.steps_used - 4))


def _batch_of_four(hike):
    if hike.batch_size != 4:
        hike.set_batch_size(4)
    hike.point_downhill()
    hike.set_pace(0.3)


@pytest.mark.parametrize("stem,plan", [
    ("21-ten-points", _downhill(pace=0.5)),
    ("22-weight-decay", _downhill(pace=0.5)),
    ("23-long-memory", _downhill(stride=6)),
    ("24-two-layers", _west_first),
    ("25-batch-size", _batch_of_four),
    ("26-writing", _downhill(pace=80)),
], ids=lambda v: v if isinstance(v, str) else "")
def test_a_careful_player_can_win_every_level_of_the_last_chapter(stem, plan):
    lv = level(stem)
    result = race(lv, _careful_hike(lv, plan))
    assert result.stars == 3, (result.player.status, result.player.final_height, result.player.cost_to_goal)


def test_straight_downhill_never_frees_w1_on_the_two_layers():
    lv = level("24-two-layers")
    for stride in (0.1, 0.3, 0.8):
        result = race(lv, _careful_hike(lv, _downhill(stride=stride)))
        assert result.stars == 0 and result.player.path[:, 0].min() > 3, stride


# ---- docs/levels.md describes this format, with examples that pass check ----------------------

DOCS = (Path(__file__).resolve().parent.parent / "docs" / "levels.md")


def docs_examples() -> dict[str, str]:
    text = DOCS.read_text(encoding="utf-8")
    return dict(re.findall(r"<!-- example: ([\w-]+) -->\n```toml\n(.*?)```", text, re.S))


def test_docs_have_an_example_of_every_kind_that_passes_check(tmp_path):
    examples = docs_examples()
    assert set(examples) == {"function", "fit", "next-token"}
    for kind, text in examples.items():
        path = tmp_path / f"{kind}.toml"
        path.write_text(text, encoding="utf-8")
        assert checking.check_level(path) == [], kind
        assert load_level(path).kind == kind


def test_docs_name_every_key_concept_and_setting():
    from foggymountain import optimizers
    from foggymountain.level import HIKE_KEYS, LANDSCAPE_KEYS, TOP_KEYS
    from foggymountain.terrain.expression import CONSTANTS, FUNCTIONS

    text = DOCS.read_text(encoding="utf-8")
    keys = TOP_KEYS | HIKE_KEYS | set().union(*LANDSCAPE_KEYS.values()) | {"bound"}
    for key in keys | set(CONCEPTS) | set(FUNCTIONS) | set(CONSTANTS) | set(optimizers.NAMES):
        assert f"`{key}`" in text or f" {key} " in text, key
    for name, specs in optimizers.HYPERPARAMETERS.items():
        for spec in specs:
            row = f"| `{name}` | `{spec.name}` | {spec.default:g} | {spec.range_text} |"
            assert row in text, row
    for path in FILES:
        assert f"| {path.stem} | {level(path.stem).title} |" in text, path.stem
