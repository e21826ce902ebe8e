"""The race: fair, reproducible, honest statuses, stars and what happened on the trail."""

import dataclasses
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from foggymountain.feel import felt_slope
from foggymountain.hike import Hike
from foggymountain.level import load_level, load_level_text
from foggymountain.outcome import Status
from foggymountain.race import race, run_racers, walk_of_hike
from foggymountain.trail import read_trail

LEVELS = Path(__file__).parent / "levels_core"


def test_sgd_racer_is_plain_gradient_descent():
    level = load_level(LEVELS / "line1d.toml")
    sgd = next(w for w in run_racers(level) if w.name == "sgd")
    # lr 0.5 on (x-2)^2: x <- x - 0.5 * 2 (x - 2) = 2 in one step
    np.testing.assert_allclose(sgd.path[:, 0], [-3, 2, 2, 2, 2, 2, 2])
    assert sgd.status == Status.REACHED and sgd.steps_to_goal == 1 and len(sgd.heights) == level.budget + 1
    assert sgd.distance == pytest.approx(5)


def test_a_racer_that_leaves_the_map_stops_there():
    level = load_level(LEVELS / "line1d.toml")
    momentum = next(w for w in run_racers(level) if w.name == "momentum")
    assert momentum.status == Status.FELL_OFF
    assert not level.landscape.inside(momentum.path[-1])
    assert all(level.landscape.inside(p) for p in momentum.path[:-1])
    assert len(momentum.path) < level.budget + 1


def test_a_diverging_racer_is_marked_and_nothing_crashes(tmp_path):
    # log(x + 2) is a wall for x < -2, inside the map: SGD at pace 3 jumps from 3 to -3.6.
    text = (LEVELS / "line1d.toml").read_text().replace('"(x - 2)**2"', '"(x - 2)**2 + log(x + 2)"')
    text = text.replace("x = -3 }", "x = 3 }").replace("learning_rate = 0.5", "learning_rate = 3")
    level = load_level_text(text, tmp_path / "l.toml")
    sgd = next(w for w in run_racers(level) if w.name == "sgd")
    assert sgd.status == Status.DIVERGED and sgd.steps == 1
    np.testing.assert_allclose(sgd.path[-1], [3 - 3 * 2.2])
    assert not np.isfinite(sgd.heights[-1]) and sgd.final_height == pytest.approx(1 + np.log(5))


def test_every_walker_feels_the_same_kth_draw():
    level = load_level(LEVELS / "noisy.toml")
    walks = run_racers(level)
    for walk in walks:
        for k, (point, slope) in enumerate(zip(walk.path[:-1], walk.slopes)):
            exact = level.landscape.height_and_slope(point)[1]
            expected_noise = felt_slope(level.landscape, point, k, seed=level.seed, noise=level.noise)[1] - exact
            np.testing.assert_allclose(slope - exact, expected_noise, atol=1e-12)
    hike = Hike(level)
    noise_at_start = hike.slope - level.landscape.height_and_slope(level.start)[1]
    np.testing.assert_allclose(walks[0].slopes[0] - level.landscape.height_and_slope(level.start)[1], noise_at_start)


def test_races_are_reproducible():
    level = load_level(LEVELS / "noisy.toml")
    first, second = run_racers(level), run_racers(level)
    for a, b in zip(first, second):
        np.testing.assert_array_equal(a.path, b.path)


def test_stars_for_a_player_who_beats_everyone():
    level = load_level(LEVELS / "bowl2d.toml")
    hike = Hike(level)
    hike.point_downhill()
    hike.set_pace(0.5)  # the exact Newton step on a round bowl: one step to the floor
    hike.step()
    hike.camp()
    result = race(level, hike)
    assert result.player.steps_to_goal == 1 and result.player.status == Status.REACHED
    assert result.stars == 3 and result.winner.name == "player"


def test_no_star_for_falling_off():
    level = load_level(LEVELS / "bowl2d.toml")
    hike = Hike(level)
    hike.set_heading(180)
    hike.set_stride(10)
    hike.step()
    result = race(level, hike)
    assert result.player.status == Status.FELL_OFF and result.stars == 0
    assert [e.kind for e in result.events] == ["fell-off"]


def test_overshoot_is_detected_at_its_step():
    level = load_level(LEVELS / "line1d.toml")
    hike = Hike(level)
    hike.set_stride(6.5)
    hike.step()  # -3 -> 3.5: across the floor at 2, and higher? (3.5-2)^2 = 2.25 < 25: lower, no overshoot
    hike.face(-1)
    hike.set_stride(5.0)
    hike.step()  # 3.5 -> -1.5: slope flipped and height rose from 2.25 to 12.25
    events = read_trail(level, walk_of_hike(hike))
    assert [(e.step, e.kind) for e in events][:1] == [(2, "overshoot")]


def test_crawling_is_detected():
    level = load_level(LEVELS / "bowl2d.toml")
    hike = Hike(level)
    hike.set_stride(0.01)
    for _ in range(6):
        hike.step()
    kinds = [e.kind for e in read_trail(level, walk_of_hike(hike))]
    assert "crawl" in kinds


def test_zig_zag_is_detected(tmp_path):
    text = (LEVELS / "bowl2d.toml").read_text().replace('"(x - 1)**2 + (y + 2)**2"', '"0.05*(x - 1)**2 + 10*(y + 2)**2"').replace("y = 2 }", "y = -1 }")
    level = load_level_text(text, tmp_path / "ravine.toml")
    hike = Hike(level)
    for _ in range(6):
        hike.point_downhill()
        hike.set_pace(0.095)
        hike.step()
    kinds = [e.kind for e in read_trail(level, walk_of_hike(hike))]
    assert "zig-zag" in kinds


def test_side_valley_is_detected(tmp_path):
    text = """title = "Two valleys"\nbriefing = "b"\n[landscape]\nvariables = ["x"]\nheight = "(x**2 - 1)**2 + 0.3*x"
bounds = { x = [-2, 2] }\nstart = { x = 1.8 }\n[hike]\nbudget = 30\n"""
    level = load_level_text(text, tmp_path / "l.toml")
    hike = Hike(level)
    for _ in range(30):
        hike.point_downhill()
        hike.set_pace(0.05)
        hike.step()
    walk = walk_of_hike(hike)
    assert walk.status == Status.WANDERING
    assert "side-valley" in [e.kind for e in read_trail(level, walk)]


def test_race_json_from_the_command_line():
    run = subprocess.run([sys.executable, "-m", "foggymountain", "race", str(LEVELS / "bowl2d.toml"), "--json"],
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    data = json.loads(run.stdout)
    assert data["variables"] == ["x", "y"] and data["start"] == [-3, 2] and data["goal"] == 0.01
    assert data["minimum"]["point"] == pytest.approx([1, -2], abs=1e-6)
    names = [r["name"] for r in data["racers"]]
    assert names == ["sgd", "momentum", "adam"]
    for racer in data["racers"]:
        assert racer["status"] in (Status.REACHED, Status.WANDERING, Status.FELL_OFF, Status.DIVERGED)
        assert len(racer["path"]) == len(racer["heights"]) == data["budget"] + 1
        assert {"label", "steps_to_goal", "final_height"} <= racer.keys()


def test_race_table_is_readable():
    run = subprocess.run([sys.executable, "-m", "foggymountain", "race", str(LEVELS / "bowl2d.toml")],
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 0 and "Adam" in run.stdout and "winner:" in run.stdout


def _one_d(tmp_path, height, start, bounds="[-5, 5]", budget=12):
    text = f'title = "T"\nbriefing = "b"\n[landscape]\nvariables = ["x"]\nheight = "{height}"\nbounds = {{ x = {bounds} }}\nstart = {{ x = {start} }}\n[hike]\nbudget = {budget}\n'
    return load_level_text(text, tmp_path / "l.toml")


def _walk_at_pace(level, pace, steps):
    hike = Hike(level)
    for _ in range(steps):
        hike.point_downhill()
        hike.set_pace(pace)
        hike.step()
    return hike


def test_overshoot_without_a_rise_is_still_overshoot(tmp_path):
    # 2(x-1)^2 at pace 0.48: every step lands on the far wall, slightly lower each time.
    level = _one_d(tmp_path, "2*(x - 1)**2", -5)
    hike = _walk_at_pace(level, 0.48, 5)
    assert all(b < a for a, b in zip(hike.heights, hike.heights[1:]))
    events = read_trail(level, walk_of_hike(hike))
    assert events[0].kind == "overshoot" and events[0].step == 1 and "4 more times" in events[0].text


def test_a_good_pace_is_not_called_overshoot(tmp_path):
    level = _one_d(tmp_path, "2*(x - 1)**2", -5)
    hike = _walk_at_pace(level, 0.2, 5)  # factor 1 - 0.8: a small crossing at most
    assert "overshoot" not in [e.kind for e in read_trail(level, walk_of_hike(hike))]


def test_stopping_early_in_a_convex_ravine_is_not_a_side_valley(tmp_path):
    text = (LEVELS / "bowl2d.toml").read_text().replace('"(x - 1)**2 + (y + 2)**2"', '"0.01*(x - 1)**2 + 10*(y + 2)**2"')
    level = load_level_text(text, tmp_path / "ravine.toml")
    hike = _walk_at_pace(level, 0.04, 20)
    walk = walk_of_hike(hike)
    assert walk.final_height > level.goal
    assert "side-valley" not in [e.kind for e in read_trail(level, walk)]


def test_stopping_on_a_pass_is_a_saddle(tmp_path):
    text = (LEVELS / "bowl2d.toml").read_text().replace('"(x - 1)**2 + (y + 2)**2"', '"x**2 - y**2 + 0.05*y**4"').replace("x = -3, y = 2", "x = 3, y = 0").replace("goal = 0.01", "goal = -4")
    level = load_level_text(text, tmp_path / "pass.toml")
    hike = _walk_at_pace(level, 0.25, 20)
    walk = walk_of_hike(hike)
    assert abs(walk.path[-1][1]) < 1e-9  # SGD-like walking never leaves the ridge line y = 0
    kinds = [e.kind for e in read_trail(level, walk)]
    assert "saddle" in kinds and "side-valley" not in kinds


def test_small_steps_after_reaching_the_goal_are_not_crawling(tmp_path):
    level = _one_d(tmp_path, "(x - 1)**2", -3, budget=12)
    hike = Hike(level)
    hike.point_downhill()
    hike.set_pace(0.5)
    hike.step()  # straight to the floor
    hike.set_stride(1e-6)
    for _ in range(8):
        hike.step()
    walk = walk_of_hike(hike)
    assert walk.steps_to_goal == 1
    assert read_trail(level, walk) == []


def test_a_player_stopped_by_a_wall_has_one_height_per_point(tmp_path):
    # sqrt(x**2) = |x| has a finite height but no slope at 0? It has slope 0 there now; use a
    # wall where the height is finite and the slope is not: x**0.5 at x = 0.
    level = _one_d(tmp_path, "(x + 1)**0.5", 3, bounds="[-2, 5]")
    hike = Hike(level)
    hike.face(-1)
    hike.set_stride(4)
    hike.step()  # to x = -1: height 0, slope infinite
    walk = walk_of_hike(hike)
    assert walk.status == Status.DIVERGED
    assert len(walk.heights) == len(walk.path) == 2


def test_a_walk_that_fell_off_ranks_below_every_walk_on_the_map():
    level = load_level(LEVELS / "line1d.toml")
    result = race(level)
    momentum = next(w for w in result.racers if w.name == "momentum")
    assert momentum.status == Status.FELL_OFF
    assert result.ranking[-1] is momentum
    # even when the height it had before falling was the lowest of all
    momentum.heights[:-1] = -1.0
    assert result.ranking[-1] is momentum


HELD_OUT = """title = "Held out"\nbriefing = "b"\n[landscape]\nkind = "fit"\nvariables = ["m"]\nmodel = "m*x"
target = "y"\ndata = { x = [1, 2, 3], y = [2, 4, 6] }\nholdout = { x = [1, 4], y = [3, 4] }
bounds = { m = [-5, 5] }\nstart = { m = 0 }\n[hike]\nbudget = 10\n[agents.sgd]\nlearning_rate = 0.05\n"""


def test_held_out_rows_are_never_felt_and_scored_after(tmp_path):
    from foggymountain.race import held_out_loss, held_out_trail

    level = load_level_text(HELD_OUT, tmp_path / "held.toml")
    landscape = level.landscape
    # The height (felt) is the training loss: m*x fits y = 2x exactly at m = 2.
    assert landscape.height(np.array([2.0])) == 0.0
    # Held out: ((2 - 3)^2 + (8 - 4)^2) / 2 at m = 2.
    assert landscape.held_out_height(np.array([2.0])) == pytest.approx(8.5)
    (sgd,) = run_racers(level)
    trail = held_out_trail(level, sgd)
    m = sgd.path[:, 0]
    np.testing.assert_allclose(trail, ((m - 3) ** 2 + (4 * m - 4) ** 2) / 2)
    assert held_out_loss(level, sgd) == pytest.approx(trail[-1])
    found = race(level).to_json()
    assert found["racers"][0]["held_out_loss"] == pytest.approx(trail[-1])


def test_a_level_without_held_out_rows_has_no_held_out_loss():
    level = load_level(LEVELS / "line1d.toml")
    walk = run_racers(level)[0]
    from foggymountain.race import held_out_loss

    assert held_out_loss(level, walk) is None
    assert "held_out_loss" not in race(level).to_json()["racers"][0]


def test_racing_ahead_then_scoring_gives_the_race_of_the_hike():
    """The game races the racers while the player walks (`RaceAhead`, in a worker) and scores the
    walk at camp: the same result as racing after the hike, with the race run once."""
    import threading

    from foggymountain.race import RaceAhead

    level = load_level(LEVELS / "noisy.toml")
    ahead = RaceAhead(level)
    assert level.known_goal is None and not ahead.done  # nothing worked out yet: the screens wait
    runs = []
    threads = [threading.Thread(target=lambda: runs.append(ahead.run())) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert ahead.done and all(run is runs[0] for run in runs)  # one race, however many ask
    assert level.known_goal == level.goal and "minimum" in vars(level)  # the floor, found ahead
    hike = Hike(level)
    hike.point_downhill()
    for _ in range(4):
        hike.step()
    hike.camp()
    scored, after = ahead.scored(hike), race(level, hike)
    assert scored.racers is runs[0].racers and scored.player is not None
    assert (scored.stars, scored.player.status, [e.kind for e in scored.events]) == (
        after.stars, after.player.status, [e.kind for e in after.events])
    np.testing.assert_array_equal(scored.player.path, after.player.path)
    for mine, theirs in zip(scored.racers, after.racers):
        np.testing.assert_array_equal(mine.path, theirs.path)


def test_replaying_the_inner_states_ahead_means_reading_them_runs_no_update(monkeypatch):
    """The reveal's replay panel reads every racer's per-step inner state (velocity, Adam's
    moments...) when the player steps back. The reveal replays it in a worker
    (`replay_inner_states`); after that, reading it runs no update rule on the UI thread (on a
    10,000-step race that replay took 1.3 s of the reveal's first frame), and it equals what a
    replay on first read gives."""
    from foggymountain.race import RaceAhead, replay_inner_states

    level = load_level(LEVELS / "noisy.toml")
    hike = Hike(level)
    hike.point_downhill()
    hike.step()
    result = RaceAhead(level).scored(hike)
    replay_inner_states(result)
    updates = []
    for walk in result.racers:  # every update rule counts its calls from here on
        optimizer = walk.info._optimizer
        counted = dataclasses.replace(optimizer, update=lambda *a, _u=optimizer.update: updates.append(1) or _u(*a))
        monkeypatch.setattr(walk.info, "_optimizer", counted)
    for walk in result.racers:
        assert walk.info and all(len(walk.info[key]) == walk.steps for key in walk.info)
    assert not updates, "an update rule ran when the reveal read a racer's inner state"
    fresh = race(level, hike)  # replayed on first read, in this thread
    for ours, theirs in zip(result.racers, fresh.racers):
        assert ours.info.keys() == theirs.info.keys()
        for key in ours.info:
            np.testing.assert_array_equal(ours.info[key], theirs.info[key])
