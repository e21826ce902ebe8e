"""Tuning racers: search each racer's pace (learning rate) on a level, for its `[agents.*]` tables.

A level author wants racers that show the level's lesson, and a fair race needs racers that walk
as well as they can. For each racer this tries every pace of a log grid (1e-4 to 10 by default),
crossed with a small grid of the one other setting that changes how it walks (momentum for
Momentum and Nesterov, beta1 for Adam and AdamW, momentum for RMSProp), then a finer pass of paces
between the grid neighbours of the best one, and keeps the settings with the lowest final height
(loss) within the level's budget. Final heights within a whisker of the lowest are a tie, broken
by fewer steps to the goal, so a racer that settles on the valley floor in 5 steps beats one that
settles there in 30. The racer's current settings compete too: tuning never makes it worse.

All candidates of one racer walk in lockstep in one `race.run_racers` call: one batched slope call
per step, whatever the grid size. Other settings of the level's own racer (eps, weight_decay...)
are kept as the level has them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from itertools import product

import numpy as np

from foggymountain import optimizers
from foggymountain.level import Level
from foggymountain.outcome import Status, Walk, describe
from foggymountain.race import run_racers

PACE_LOW = 1e-4
PACE_HIGH = 10.0
PACE_POINTS = 26  # five per decade from 1e-4 to 10: 1, 1.6, 2.5, 4, 6.3 times a power of ten
REFINE_POINTS = 9  # the second pass: this many paces from one grid neighbour of the best to the other

MOMENTA = (0.5, 0.8, 0.9, 0.95)
BETA1S = (0.5, 0.8, 0.9, 0.95)
# The second setting searched with the pace, where it changes how the racer walks.
SECOND_SETTINGS: dict[str, dict[str, tuple[float, ...]]] = {
    "momentum": {"momentum": MOMENTA},
    "nesterov": {"momentum": MOMENTA},
    "rmsprop": {"momentum": (0.0, 0.5, 0.9)},
    "adam": {"beta1": BETA1S},
    "adamw": {"beta1": BETA1S},
}

# Final heights closer than this share of the descent (start height - lowest) count as a tie.
TIE = 1e-3


@dataclass
class Tuned:
    """The best settings found for one racer, and the walk they give."""

    name: str
    settings: dict[str, float]  # every hyperparameter of the racer
    walk: Walk
    tried: int
    searched: tuple[str, ...]  # the settings the grid varied
    before: Walk | None = None  # the walk with the level's own settings (or the defaults)
    alternatives: list[tuple[dict[str, float], Walk]] = field(default_factory=list)
    kept: bool = False  # the level's own settings beat everything tried

    @property
    def label(self) -> str:
        return optimizers.LABELS[self.name]


def pace_grid(low: float = PACE_LOW, high: float = PACE_HIGH, points: int = PACE_POINTS) -> tuple[float, ...]:
    """Paces spaced evenly on a log scale, rounded to two significant digits so they paste well."""
    if not (0 < low <= high) or points < 1:
        raise ValueError("the pace grid needs 0 < low <= high and at least one point")
    if points == 1 or low == high:
        return (float(f"{low:.2g}"),)
    values = np.logspace(math.log10(low), math.log10(high), points)
    return tuple(dict.fromkeys(float(f"{v:.2g}") for v in values))


def candidates(name: str, base: dict[str, float], paces: tuple[float, ...]) -> list[dict[str, float]]:
    """Every combination of pace and second setting, over the racer's `base` settings."""
    grid = {"learning_rate": paces, **SECOND_SETTINGS.get(name, {})}
    keys = list(grid)
    return [{**base, **dict(zip(keys, values))} for values in product(*(grid[k] for k in keys))]


def failed(walk: Walk) -> bool:
    return walk.status.lost or not math.isfinite(walk.final_height)


def choose(walks: list[Walk], start_height: float) -> int:
    """Index of the best walk: lowest final height, ties broken by fewer steps to the goal."""
    usable = [i for i, w in enumerate(walks) if not failed(w)]
    if not usable:
        # Everything fell off: the one that lasted longest shows the most.
        return max(range(len(walks)), key=lambda i: (walks[i].steps, -i))
    lowest = min(walks[i].final_height for i in usable)
    tie = TIE * max(start_height - lowest, 1e-12)
    tied = [i for i in usable if walks[i].final_height <= lowest + tie]

    def key(i: int):
        to_goal = walks[i].steps_to_goal
        return (to_goal if to_goal is not None else math.inf, walks[i].final_height)

    return min(tied, key=key)


def finer_paces(paces: tuple[float, ...], best: float, points: int = REFINE_POINTS) -> tuple[float, ...]:
    """Paces between the grid neighbours of `best`, not already on the grid."""
    if best not in paces:
        return ()
    i = paces.index(best)
    low, high = paces[max(i - 1, 0)], paces[min(i + 1, len(paces) - 1)]
    return tuple(p for p in pace_grid(low, high, points) if p not in paces)


def tune_racer(level: Level, name: str, base: dict[str, float] | None = None,
               paces: tuple[float, ...] | None = None, keep: int = 0, refine: bool = True) -> Tuned:
    """Search `name`'s pace (and second setting) on `level`. `base` holds its current settings
    (default: the racer's defaults); they compete too, so tuning never makes a racer worse.
    With `refine`, a second, finer pass searches around the best pace of the grid. `keep` > 0
    also returns that many runners-up."""
    paces = paces if paces is not None else pace_grid()
    settings = dict(optimizers.make_optimizer(name, **(base or {})).hyperparameters)
    grid = [settings] + candidates(name, settings, paces)
    walks = run_racers(level, [(name, c) for c in grid])
    best = choose(walks, level.start_height)
    finer = finer_paces(paces, grid[best]["learning_rate"]) if refine else ()
    if finer:
        extra = candidates(name, settings, finer)
        walks += run_racers(level, [(name, c) for c in extra])
        grid += extra
        best = choose(walks, level.start_height)
    alternatives: list[tuple[dict[str, float], Walk]] = []
    if keep:
        rest = [i for i in range(len(walks)) if i != best]
        while rest and len(alternatives) < keep:
            i = rest[choose([walks[j] for j in rest], level.start_height)]
            alternatives.append((grid[i], walks[i]))
            rest.remove(i)
    searched = ("learning_rate", *SECOND_SETTINGS.get(name, {}))
    return Tuned(name, grid[best], walks[best], len(grid), searched, walks[0], alternatives, kept=best == 0)


def tune(level: Level, names: list[str] | None = None, paces: tuple[float, ...] | None = None,
         keep: int = 0, refine: bool = True) -> list[Tuned]:
    """Tune the level's racers (or `names`, with default settings for those the level lacks)."""
    own = {r.name: dict(r.hyperparameters) for r in level.racers}
    chosen = names if names is not None else list(own)
    return [tune_racer(level, name, own.get(name), paces, keep, refine) for name in chosen]


# ---- when nothing reaches the goal -------------------------------------------------------------

LONGER = 1000  # a longer walk of the best settings, to see whether the budget is what stops them


def reaches(results: list[Tuned]) -> bool:
    return any(r.walk.status == Status.REACHED for r in results)


def why_nobody_reaches(level: Level, results: list[Tuned]) -> list[str]:
    """Plain sentences on why no setting tried reaches the goal: the budget (does the best walk
    get there given longer?), the goal (how tight above the valley floor), the start (flat ground,
    a side valley that drains away from the goal)."""
    from foggymountain.terrain.minimum import settle

    reasons: list[str] = []
    best = results[choose([r.walk for r in results], level.start_height)] if results else None
    floor, start, goal = level.minimum.height, level.start_height, level.goal
    if best is not None and not failed(best.walk):
        (longer,) = run_racers(level, [(best.name, best.settings)], budget=max(LONGER, 10 * level.budget))
        if longer.steps_to_goal is not None:
            reasons.append(f"the budget: with more steps it would do; {best.label} at its best settings reaches the goal "
                           f"at step {longer.steps_to_goal}, and the budget is {level.budget}")
        else:
            reasons.append(f"the budget is not what stops them: {best.label} at its best settings still misses the goal "
                           f"after {longer.steps} steps (final height {longer.final_height:.6g})")
    descent = max(start - floor, 1e-300)
    share = (goal - floor) / descent
    if goal < floor:
        reasons.append(f"the goal: height <= {goal:.6g} is below the valley floor ({floor:.6g}): nobody can reach it")
        return reasons
    if share < 0.01:
        reasons.append(f"the goal: height <= {goal:.6g} is only {goal - floor:.3g} above the valley floor ({floor:.6g}), "
                       f"{share:.2%} of the way from the floor to the start ({start:.6g})")
    _, slope = level.landscape.height_and_slope(level.start)
    steepness = float(np.linalg.norm(slope))
    if steepness < 1e-8 * max(1.0, abs(start)):
        reasons.append(f"the start: the ground there is flat (slope {steepness:.2g}), so racers feel nothing to follow")
    else:
        _, bottom = settle(level.landscape, level.start[None, :])
        if np.isfinite(bottom[0]) and bottom[0] > goal and bottom[0] - floor > 0.05 * descent:
            reasons.append(f"the start: walking downhill from it drains into a side valley that bottoms out at "
                           f"height {bottom[0]:.4g}, above the goal")
    return reasons


# ---- as TOML -----------------------------------------------------------------------------------


def number(value: float) -> str:
    """A float as TOML writes it: `0.3`, `1e-05`, `10.0` (never an integer, never `nan`)."""
    return repr(float(value))


def to_toml(level: Level, results: list[Tuned], paces: tuple[float, ...]) -> str:
    """The `[agents.*]` tables to paste into the level, each with a comment of its result."""
    lines = [
        f"# foggymountain tune: {len(paces)} paces from {paces[0]:g} to {paces[-1]:g} per racer,"
        f" budget {level.budget_amount} {level.budget_unit}"
        + (f" (in batches of {level.batch_size})" if level.examples is not None else "")
        + f", goal height <= {level.goal:.4g}",
        "# paste these [agents.*] tables into the level in place of its own",
    ]
    if results and not reaches(results):
        lines += ["#", "# No setting tried reaches the goal. Why it may be:"]
        lines += [f"#  - {reason}" for reason in why_nobody_reaches(level, results)]
        lines += ["# These are the settings that get closest."]
    for result in results:
        defaults = {spec.name: spec.default for spec in optimizers.HYPERPARAMETERS[result.name]}
        lines.append("")
        lines.append(f"# {result.label}: {describe(result.walk)}")
        if result.kept:
            lines.append("#   (the level's own settings: nothing tried did better)")
        elif result.before is not None:
            lines.append(f"#   (the level's settings now: {describe(result.before)})")
        for settings, walk in result.alternatives:
            shown = ", ".join(f"{k} = {settings[k]:g}" for k in result.searched)
            lines.append(f"#   runner-up {shown}: {describe(walk)}")
        lines.append(f"[agents.{result.name}]")
        for key, value in result.settings.items():
            if key in result.searched or value != defaults[key]:
                lines.append(f"{key} = {number(value)}")
    return "\n".join(lines)
