"""What an outcome means, decided in one place: status, ranking, stars, score rows, saved records."""

from __future__ import annotations

import ast
import math
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

import foggymountain
from foggymountain.outcome import (
    PLAYER,
    EventKind,
    Race,
    Status,
    Walk,
    better,
    ended_at_goal,
    judge,
    rank_key,
    ranking,
    record_key,
    score_rows,
    stars,
)

GOAL = 1.0


def walk(name: str, heights, status: Status = Status.WALKING, hyper=None) -> Walk:
    heights = np.array(heights, dtype=float)
    path = np.arange(len(heights), dtype=float)[:, None]
    return judge(name, name.title() if name != PLAYER else "You", path, heights, np.zeros((len(heights) - 1, 1)),
                 status, GOAL, hyperparameters=hyper)


def test_a_walk_reaches_only_if_it_ends_at_the_goal():
    assert walk("a", [5, 2, 0.5]).status == Status.REACHED
    climbed_out = walk("b", [5, 0.5, 3])
    assert climbed_out.status == Status.WANDERING and climbed_out.steps_to_goal == 1
    # where a walk fell is measured, but never counts as an arrival
    fell = walk("c", [5, 2, 0.1], Status.FELL_OFF)
    assert fell.status == Status.FELL_OFF and fell.steps_to_goal is None and fell.final_height == 2


def test_ranking_puts_reached_then_on_the_map_then_lost():
    lost = walk("lost", [5, 0.2, math.nan], Status.DIVERGED)
    high = walk("high", [5, 4])
    low = walk("low", [5, 1.5])
    slow = walk("slow", [5, 3, 2, 0.9])
    fast = walk("fast", [5, 0.99])
    assert [w.name for w in ranking([lost, high, low, slow, fast], GOAL)] == ["fast", "slow", "low", "high", "lost"]
    assert rank_key(fast, GOAL) < rank_key(slow, GOAL) < rank_key(low, GOAL) < rank_key(lost, GOAL)


@pytest.mark.parametrize("heights, status, par, earned", [
    ([5, 0.5], Status.CAMPED, 1, 3),  # reached within par, ahead of the racer
    ([5, 3, 0.5], Status.CAMPED, 2, 2),  # within par, but the racer was faster
    ([5, 3, 2, 0.5], Status.CAMPED, 2, 1),  # reached after par
    ([5, 0.5, 3], Status.CAMPED, 5, 0),  # touched the goal and climbed out
    ([5, 0.5, 0.1], Status.FELL_OFF, 5, 0),  # lost
])
def test_stars(heights, status, par, earned):
    racer = walk("sgd", [5, 0.8])
    assert stars(walk(PLAYER, heights, status), [racer], GOAL, par) == earned


def race_of(player: Walk, *racers: Walk) -> Race:
    level = SimpleNamespace(goal=GOAL, par=3)
    result = Race(level=level, racers=list(racers), player=player)
    result.stars = stars(player, result.racers, GOAL, level.par)
    return result


def test_score_rows_say_what_each_cell_means():
    player = walk(PLAYER, [5, 0.5, 2])  # touched the goal at step 1, ended above it
    sgd = walk("sgd", [5, 0.9], hyper={"learning_rate": 0.05, "momentum": 0.0})
    rows = score_rows(race_of(player, sgd))
    assert [r.walk.name for r in rows] == ["sgd", PLAYER] and [r.rank for r in rows] == [1, 2]
    first, second = rows
    assert first.won and not second.won
    assert first.reached_in == 1 and not first.left_goal and first.stars is None and first.settings.startswith("lr 0.05")
    assert second.reached_in is None and second.left_goal and second.steps_to_goal == 1
    assert second.stars == 0 and second.settings == ""


def test_every_status_and_event_kind_has_its_words():
    for status in Status:
        assert status.word and status.on_board and status.ending
    assert Status.FELL_OFF.lost and Status.DIVERGED.lost and not Status.WANDERING.lost
    for kind in EventKind:
        assert kind.word
    assert EventKind.SADDLE.word == "saddle" and EventKind.SIDE_VALLEY.word == "side valley"


def test_every_event_kind_has_a_colour_on_the_trail_table():
    from foggymountain.ui.widgets.reveal_trail import KIND_COLOURS

    assert set(KIND_COLOURS) == set(EventKind)


def test_saved_records_rank_like_walks():
    reached = {"stars": 1, "status": Status.REACHED.value, "steps_to_goal": 4, "final_height": 0.5, "steps": 4}
    sooner = {**reached, "steps_to_goal": 2, "final_height": 0.9}
    above = {"stars": 0, "status": Status.WANDERING.value, "steps_to_goal": 1, "final_height": 1.5, "steps": 9}
    assert ended_at_goal(reached) and not ended_at_goal(above)
    assert better(reached, sooner) is sooner and better(above, reached) is reached
    assert record_key(above)[1] == math.inf  # it climbed out: its steps to the goal count for nothing
    assert record_key({"stars": "three", "final_height": None}) == (0, math.inf, math.inf, 0)


STATUS_WORDS = {s.value for s in Status} | {k.value for k in EventKind} - {"saddle", "crawl", "overshoot", "plateau"}


def test_status_words_are_spelled_in_one_module_only():
    """`level.py`'s concept names (overshoot, crawl...) are lesson tags, not outcomes; the walker
    name "player" may be a JSON key elsewhere, so only the statuses and event kinds are checked."""
    package = Path(foggymountain.__file__).parent
    spelled = []
    for path in package.rglob("*.py"):
        if path.name == "outcome.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and node.value in STATUS_WORDS:
                spelled.append(f"{path.relative_to(package)}:{node.lineno}: {node.value!r}")
    assert spelled == []


def test_every_renderer_copes_with_a_race_nobody_won(monkeypatch):
    """The rule 'who wins' lives in `outcome.winner` alone: with a rule under which nobody won,
    the tables, the JSON and the verdict name who came closest instead of crashing."""
    from foggymountain import outcome
    from foggymountain.commands.race import format_table
    from foggymountain.hike import Hike
    from foggymountain.level import load_level
    from foggymountain.preview import scoreboard
    from foggymountain.race import race

    level = load_level(Path(__file__).parent / "levels_ui" / "02-bowl.toml")
    hike = Hike(level)
    hike.camp()  # never moved: every racer ranks above the player
    result = race(level, hike)
    closest = result.ranking[0]
    assert outcome.winner_line(score_rows(result)) == f"winner: {result.winner.label}"
    monkeypatch.setattr(outcome, "winner", lambda ranked: None)
    assert result.winner is None and not any(row.won for row in score_rows(result))
    assert result.to_json()["winner"] is None
    assert format_table(result).endswith(f"winner: none (closest: {closest.label})")
    assert scoreboard(result)[-1] == f"winner: none (closest: {closest.label})"
    assert outcome.verdict(result).endswith(f"No one reached the goal; {closest.label} came closest.")
    assert outcome.verdict(result, short=True).endswith(f"{closest.label} came closest.")
