"""Scripted players walk every campaign level with the real `Hike` and are raced as a player is.

- The **naive** player walks straight downhill at the level's default step, never changing it.
  A level whose lesson happens to the player too does not reward that: it earns at most one star
  on at least 70% of the levels.
- The **careful** player earns three stars on every level, so every level can be won. It is
  honest: it uses only what a player can feel and see (its own logbook of positions and felt
  slopes, the altimeter where there is one, the goal from the briefing), with a strategy per level
  that a player could learn by playing: a pace held, changed on a plan, or a secant pace from its
  last two steps (Barzilai–Borwein: pace = |Δposition|² / (Δposition · Δslope)).

Run `python tests/test_scripted_players.py` for the star table.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

from foggymountain.campaign import builtin_levels_dir
from foggymountain.hike import Hike
from foggymountain.level import Level, load_level
from foggymountain.race import race

CAMPAIGN = sorted(builtin_levels_dir().glob("[0-9][0-9]-*.toml"))
NAIVE_AT_MOST_ONE_STAR = 0.7


def naive(level: Level) -> Hike:
    hike = Hike(level)
    while not hike.over:
        hike.point_downhill()
        hike.step()
    return hike


@dataclass(frozen=True)
class Secant:
    """Hold a first pace for one step, then the secant pace of the last two steps (kept when the
    ground curved the wrong way), never above `most`."""

    first: float | None = None  # None: the pace the hike starts with
    most: float = math.inf

    def pace(self, hike: Hike, pace: float) -> float:
        if len(hike.positions) < 2:
            return self.first or hike.pace
        moved = hike.positions[-1] - hike.positions[-2]
        change = hike.slopes[-1] - hike.slopes[-2]
        curvature = float(moved @ change)
        return min(float(moved @ moved) / curvature, self.most) if curvature > 0 else pace


@dataclass(frozen=True)
class Plan:
    """A pace per stretch of steps: ((until_step, pace), ...), the last one to the end."""

    stretches: tuple[tuple[int, float], ...]

    def pace(self, hike: Hike, pace: float) -> float:
        return next((p for until, p in self.stretches if hike.steps_used < until), self.stretches[-1][1])


STRATEGIES = {
    "05-long-meadow": Secant(first=10),  # the default stride crawls: start long
    "06-side-valley": Secant(first=0.3, most=0.3),  # never a pace that leaps into the side valley
    "07-plateau": Secant(first=3),  # the default stride crawls across the flat
    "09-saddle": Plan(((2, 0.5), (99, 3.0))),  # roll off the pass slowly, then stride out
    "11-egg-crate": Plan(((99, 3.0),)),  # a pace long enough to step over the dimples
    "17-the-whole-town": Plan(((8, 0.5), (99, 0.3))),  # mini-batches: slow down near the floor
    "18-next-word": Plan(((8, 12.0), (99, 3.0))),
    "19-many-rooms": Secant(first=0.1),
    "20-summit": Plan(((12, 28.0), (16, 24.0), (99, 8.0))),  # no altimeter: a plan, then trust it
    "21-ten-points": Plan(((99, 0.5),)),
    "22-weight-decay": Plan(((99, 0.5),)),
    "26-writing": Plan(((99, 80.0),)),
}


# Levels whose lesson is a control other than the pace: each step is planned whole.
def stride_of(stride: float):
    def plan(hike: Hike) -> None:
        hike.point_downhill()
        hike.set_stride(stride)
    return plan


def west_first(hike: Hike) -> None:
    """Level 24: the chain-rule panel shows w1's slope vanishing, so walk w1 down first."""
    if hike.steps_used < 4:
        hike.set_heading(180)
        hike.set_stride(1.0)
    else:
        hike.point_downhill()
        hike.set_stride(0.3 * 0.97 ** (hike.steps_used - 4))


def batch_of_four(hike: Hike) -> None:
    """Level 25: a mini-batch of 4 buys many good-enough steps with the examples."""
    if hike.batch_size != 4:
        hike.set_batch_size(4)
    hike.point_downhill()
    hike.set_pace(0.3)


STEP_PLANS = {
    "23-long-memory": stride_of(6.0),
    "24-two-layers": west_first,
    "25-batch-size": batch_of_four,
}


def careful(level: Level) -> Hike:
    strategy = STRATEGIES.get(level.path.stem, Secant())
    step_plan = STEP_PLANS.get(level.path.stem)
    hike = Hike(level)
    pace = hike.pace
    while not hike.over:
        if level.show_height and hike.height <= level.goal:  # the altimeter and the briefing's goal
            hike.camp()
            break
        if step_plan is not None:
            step_plan(hike)
        else:
            pace = strategy.pace(hike, pace)
            hike.set_pace(pace)
            if not hike.pace_only:
                hike.point_downhill()
        hike.step()
    return hike


PLAYERS = {"naive": naive, "careful": careful}


def star_table() -> dict[str, dict[str, int]]:
    """{level stem: {player: stars}} over the campaign."""
    table = {}
    for path in CAMPAIGN:
        level = load_level(path)
        table[path.stem] = {name: race(level, play(level)).stars for name, play in PLAYERS.items()}
    return table


@pytest.fixture(scope="module")
def table() -> dict[str, dict[str, int]]:
    found = star_table()
    print("\n" + format_table(found))
    return found


def format_table(table: dict[str, dict[str, int]]) -> str:
    lines = [f"{'level':<22} {'naive':>6} {'careful':>8}"]
    lines += [f"{stem:<22} {'★' * row['naive'] or '-':>6} {'★' * row['careful'] or '-':>8}" for stem, row in table.items()]
    low = sum(row["naive"] <= 1 for row in table.values())
    lines.append(f"naive ≤ ★ on {low} of {len(table)} levels; careful ★★★ on "
                 f"{sum(row['careful'] == 3 for row in table.values())} of {len(table)}")
    return "\n".join(lines)


def test_every_campaign_level_is_walked():
    assert len(CAMPAIGN) >= 26 and CAMPAIGN[0].stem.startswith("01")
    assert set(STRATEGIES) | set(STEP_PLANS) <= {p.stem for p in CAMPAIGN}


def test_the_naive_player_earns_at_most_one_star_on_most_levels(table):
    low = [stem for stem, row in table.items() if row["naive"] <= 1]
    assert len(low) >= NAIVE_AT_MOST_ONE_STAR * len(table), format_table(table)


def test_the_careful_player_earns_three_stars_on_every_level(table):
    short = {stem: row["careful"] for stem, row in table.items() if row["careful"] != 3}
    assert not short, format_table(table)


def test_the_careful_player_only_holds_a_pace_and_walks_downhill():
    """Honesty check: the careful player's every step is pace × the slope it felt, downhill."""
    level = load_level(CAMPAIGN[2])
    hike = careful(level)
    for k, moved in enumerate(hike.displacements):
        slope = hike.slopes[k]
        cosine = float(-moved @ slope) / (np.linalg.norm(moved) * np.linalg.norm(slope))
        assert cosine == pytest.approx(1.0)


if __name__ == "__main__":
    print(format_table(star_table()))
