"""What a walk's outcome means: its status, who ranks first, the stars, the verdict and the rows of
every results table.

One home per rule. Whether a walk reached the goal, how walkers are ranked, who won, how many
stars the player earned, the sentence that says so, and the words for statuses and trail events
are decided here and nowhere else; the reveal, the race summary, `race`, `preview`, `tune`,
progress and the workshop report render what this module returns. No status word is spelled
anywhere else: compare with `Status` members.

The rules (change them here and every screen and table follows):

- **Reached** means the walk *ended* at or below the goal height. `steps_to_goal` is its first
  arrival there; a walk that touched the goal and climbed out again is `WANDERING`, and its
  steps to the goal count for nothing.
- **Ranking**: walks that reached the goal first, then walks still on the map, then walks that
  fell off or diverged; within each group, fewer steps to the goal, then lower final height.
- **Winner**: winning means reaching. The winner is the first of the ranking if that walk
  reached the goal; when nobody reached it, nobody wins (`winner` is None) and the verdict and
  the tables name who came closest (the first of the ranking).
- **Par** comes from the racers, not from the level file (`race_par`): the steps the fastest
  racer needed to reach the goal, plus half again (rounded up, at least one more step, at most
  the budget). The racers are the level's tuned (or pinned) optimizers, so par is what a
  well-set gradient descent needed on *this* ground. Only when no racer reached the goal does
  the level's written `par` (default 3/4 of the budget) stand in.
- **Stars** (`stars`): ★ the player reached the goal, ★★ within par, ★★★ and ranked no lower
  than every racer (as fast as the fastest, and no higher where it ended).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from foggymountain.numbers import digits_apart, number

if TYPE_CHECKING:
    import numpy as np  # imported where it is used: the game's first frame waits for no numpy (preface.py)

    from foggymountain.level import Level

PLAYER = "player"  # the player's Walk.name; racers are named after their optimizer
PLAYER_LABEL = "You"
# The board's class-trails map: other players' trails, and where each predicted the valley floor.
CLASSMATE, PREDICTION = "classmate", "prediction"


class Status(StrEnum):
    """Where a walk stands. One vocabulary for the player's hike and every racer's walk.

    A hike in progress is WALKING, and ends SPENT (budget used up), CAMPED, FELL_OFF or DIVERGED.
    A finished walk, judged against the goal (`judge`), is REACHED, WANDERING, FELL_OFF or
    DIVERGED. The values are what `race --json`, progress and result files store.
    """

    WALKING = "walking"
    SPENT = "spent"
    CAMPED = "camped"
    REACHED = "reached"
    WANDERING = "wandering"
    FELL_OFF = "fell-off"
    DIVERGED = "diverged"

    @property
    def lost(self) -> bool:
        """The walk left the map or the ground under it was not finite: it is out of the race."""
        return self in (Status.FELL_OFF, Status.DIVERGED)

    @property
    def word(self) -> str:
        """A word or two for a table cell: `fell off`."""
        return _STATUS_WORDS[self][0]

    @property
    def on_board(self) -> str:
        """How the scoreboard says it: `reached the floor`, `short of goal`."""
        return _STATUS_WORDS[self][1]

    @property
    def ending(self) -> str:
        """How a finished walk is described after its last step: `fell off the map`."""
        return _STATUS_WORDS[self][2]


_STATUS_WORDS = {
    Status.WALKING: ("walking", "walking", "walking"),
    Status.SPENT: ("spent", "budget spent", "stopped"),
    Status.CAMPED: ("camped", "made camp", "stopped"),
    Status.REACHED: ("reached", "reached the floor", "on the valley floor"),
    Status.WANDERING: ("wandering", "short of goal", "stopped"),
    Status.FELL_OFF: ("fell off", "fell off", "fell off the map"),
    Status.DIVERGED: ("diverged", "diverged", "diverged"),
}


# ---- one walker's trail --------------------------------------------------------------------------


@dataclass
class Walk:
    """One walker's whole trail: a racer's or the player's."""

    name: str
    label: str
    path: np.ndarray  # (m, n), start included; a fall keeps the point where it fell
    heights: np.ndarray  # (m,), nan where the height could not be measured
    slopes: np.ndarray  # (m-1, n): the slope felt before each step
    status: Status
    steps_to_goal: int | None
    info: Mapping[str, np.ndarray] = field(default_factory=dict)  # per-step inner state
    hyperparameters: dict[str, float] = field(default_factory=dict)
    # Batch-size levels: the examples seen on arriving at each point (0 at the start), and the
    # racer's one batch size (None for the player, who may change it, and on other levels).
    examples: np.ndarray | None = None
    batch_size: int | None = None

    @property
    def examples_to_goal(self) -> int | None:
        if self.examples is None or self.steps_to_goal is None:
            return None
        return int(self.examples[self.steps_to_goal])

    @property
    def cost_to_goal(self) -> int | None:
        """What reaching the goal cost: examples seen on a batch-size level, steps elsewhere."""
        return self.examples_to_goal if self.examples is not None else self.steps_to_goal

    @property
    def batch_sizes_used(self) -> tuple[int, ...]:
        """Batch-size levels: every batch size this walk stepped with, smallest first."""
        import numpy as np

        if self.examples is None:
            return ()
        return tuple(sorted({int(size) for size in np.diff(self.examples)}))

    @property
    def is_player(self) -> bool:
        return self.name == PLAYER

    @property
    def steps(self) -> int:
        return len(self.path) - 1

    @property
    def final_height(self) -> float:
        """The height where the walk ended on the map (for a lost walk: before it was lost)."""
        usable = self._heights_on_map()
        return float(usable[-1]) if len(usable) else math.inf

    @property
    def best_height(self) -> float:
        usable = self._heights_on_map()
        return float(usable.min()) if len(usable) else math.inf

    def _heights_on_map(self) -> np.ndarray:
        import numpy as np

        heights = self.heights[:-1] if self.status.lost else self.heights
        return heights[np.isfinite(heights)]

    @property
    def distance(self) -> float:
        import numpy as np

        if len(self.path) < 2:
            return 0.0
        steps = np.diff(self.path, axis=0)
        steps = steps[np.all(np.isfinite(steps), axis=1)]
        return float(np.linalg.norm(steps, axis=1).sum())

    def to_json(self) -> dict:
        return {
            "name": self.name,
            "label": self.label,
            "status": self.status.value,
            "steps": self.steps,
            "steps_to_goal": self.steps_to_goal,
            "final_height": finite_or_none(self.final_height),
            "best_height": finite_or_none(self.best_height),
            "distance": finite_or_none(self.distance),
            "hyperparameters": self.hyperparameters,
            **({"batch_size": self.batch_size, "examples": int(self.examples[-1]),
                "examples_to_goal": self.examples_to_goal} if self.examples is not None else {}),
            "path": [[finite_or_none(v) for v in p] for p in self.path],
            "heights": [finite_or_none(h) for h in self.heights],
        }


def judge(name: str, label: str, path: np.ndarray, heights: np.ndarray, slopes, status: Status, goal: float,
          info: Mapping[str, np.ndarray] | None = None, hyperparameters: dict[str, float] | None = None) -> Walk:
    """A finished trail as a Walk: REACHED if it ended at or below `goal`, else WANDERING, unless it
    was lost (`status` FELL_OFF or DIVERGED, kept). A lost walk's last point, where it was lost,
    never counts as an arrival."""
    import numpy as np

    status = Status(status)
    below = np.nonzero(np.isfinite(heights) & (heights <= goal))[0]
    if status.lost:
        below = below[below < len(heights) - 1]
    steps_to_goal = int(below[0]) if len(below) else None
    walk = Walk(name, label, path, heights, np.array(slopes).reshape(-1, path.shape[1]), status, steps_to_goal,
                {} if info is None else info, hyperparameters or {})
    if not status.lost:
        walk.status = Status.REACHED if walk.final_height <= goal else Status.WANDERING
    return walk


def held_out_trail(level: Level, walk: Walk) -> np.ndarray | None:
    """The loss on the level's held-out rows (new data, never felt on the hike) at every point of
    the walk: nan off the map. None when the level has no held-out rows."""
    import numpy as np

    landscape = level.landscape
    if getattr(landscape, "holdout", None) is None:
        return None
    path = walk.path
    usable = np.isfinite(path).all(axis=1) & landscape.inside_each(path)
    losses = np.full(len(path), math.nan)
    if usable.any():
        losses[usable] = landscape.held_out_height(path[usable])
    return losses


def held_out_loss(level: Level, walk: Walk) -> float | None:
    """The held-out loss where the walk ended (before a fall: where its final height was measured)."""
    import numpy as np

    losses = held_out_trail(level, walk)
    if losses is None:
        return None
    finite = losses[np.isfinite(losses)]
    return float(finite[-1]) if len(finite) else math.inf


def finite_or_none(value: float) -> float | None:
    value = float(value)
    return value if math.isfinite(value) else None


# ---- ranking, the winner, stars --------------------------------------------------------------------


def rank_key(walk: Walk, goal: float) -> tuple:
    """Smallest first: reached the goal, then still on the map, then lost; within each, fewer
    steps to the goal (examples seen, on a batch-size level), then lower final height."""
    reached = not walk.status.lost and walk.final_height <= goal
    group = 0 if reached else (2 if walk.status.lost else 1)
    to_goal = walk.cost_to_goal if (reached and walk.cost_to_goal is not None) else math.inf
    return (group, to_goal, walk.final_height)


def ranking(walks: Sequence[Walk], goal: float) -> list[Walk]:
    """Best first (see `rank_key`); ties keep the given order (the player first)."""
    return sorted(walks, key=lambda w: rank_key(w, goal))


def winner(ranked: Sequence[Walk]) -> Walk | None:
    """Who won a race, given its ranking: the first, if it reached the goal. Winning means
    reaching: when nobody reached, nobody won (None), and the tables, the JSON and the verdict
    name who came closest (the first of the ranking)."""
    return ranked[0] if ranked and ranked[0].status == Status.REACHED else None


PAR_MARGIN = 1.5  # par = the fastest racer's steps to the goal times this, rounded up


def race_par(racers: Sequence[Walk], goal: float, written_par: int, budget: int) -> int:
    """Par for the second star, set by how the racers did on this level: the steps (examples seen,
    on a batch-size level) the fastest racer that reached the goal needed, times PAR_MARGIN rounded up (at least one more step, at
    most the budget). When no racer reached, the level's written par stands in."""
    reached = [w.cost_to_goal for w in racers if w.status == Status.REACHED and w.cost_to_goal is not None]
    if not reached:
        return written_par
    fastest = min(reached)
    return max(1, min(budget, max(math.ceil(fastest * PAR_MARGIN), fastest + 1)))


# The rules above in the player's words, for the screens that explain them.
RANKING_RULE = ("Winning means reaching the floor (goal height): first who reached it, in fewer steps; "
                "if nobody reached it, nobody wins and the closest is named.")
STARS_RULE = ("Stars: ★ reach the floor · ★★ within par (the fastest racer's steps plus half) · "
              "★★★ and beat every racer.")


def stars(player: Walk | None, racers: Sequence[Walk], goal: float, par: int) -> int:
    """★ for reaching the goal, ★★ for reaching it within par, ★★★ for also ranking no lower
    than every racer."""
    if player is None or player.status.lost or player.final_height > goal:
        return 0
    if player.cost_to_goal is None or player.cost_to_goal > par:  # par counts examples on a batch-size level
        return 1
    mine = rank_key(player, goal)
    return 3 if all(mine <= rank_key(r, goal) for r in racers) else 2


# ---- a race's outcome ------------------------------------------------------------------------------


class EventKind(StrEnum):
    """What can happen on a trail (`trail.read_trail` finds them)."""

    OVERSHOOT = "overshoot"
    CRAWL = "crawl"
    PLATEAU = "plateau"
    ZIG_ZAG = "zig-zag"
    SIDE_VALLEY = "side-valley"
    SADDLE = "saddle"
    FELL_OFF = "fell-off"
    DIVERGED = "diverged"

    @property
    def word(self) -> str:
        """How the trail table names it: `side valley`."""
        return _EVENT_WORDS[self]


_EVENT_WORDS = {
    EventKind.OVERSHOOT: "overshoot",
    EventKind.CRAWL: "crawl",
    EventKind.PLATEAU: "plateau",
    EventKind.ZIG_ZAG: "zig-zag",
    EventKind.SIDE_VALLEY: "side valley",
    EventKind.SADDLE: "saddle",
    EventKind.FELL_OFF: "fell off",
    EventKind.DIVERGED: "diverged",
}


@dataclass(frozen=True)
class Event:
    """Something that happened on a trail, pointing at the step where it happened."""

    step: int
    kind: EventKind
    text: str

    def to_json(self) -> dict:
        return {"step": self.step, "kind": self.kind.value, "text": self.text}


@dataclass
class Race:
    """The outcome of racing a level: the racers' walks and, after a hike, the player's."""

    level: Level
    racers: list[Walk]
    player: Walk | None = None
    stars: int = 0
    events: list[Event] = field(default_factory=list)
    par: int | None = None  # set by the racers (`race_par`); None: not raced yet, the level's par
    forecast: Any = None  # the player's prediction beside the truth (`prediction.Forecast`), if any

    @property
    def par_steps(self) -> int:
        return self.par if self.par is not None else self.level.par

    @property
    def walkers(self) -> list[Walk]:
        return ([self.player] if self.player else []) + self.racers

    @property
    def ranking(self) -> list[Walk]:
        return ranking(self.walkers, self.level.goal)

    @property
    def winner(self) -> Walk | None:
        return winner(self.ranking)

    @property
    def best_racer(self) -> Walk:
        """The first racer of the ranking (the player's rival on the reveal)."""
        return next(w for w in self.ranking if not w.is_player)

    def to_json(self) -> dict:
        level = self.level
        minimum = level.minimum
        return {
            "level": level.title,
            "id": level.id,
            "kind": level.kind,
            "variables": list(level.variables),
            "start": [float(v) for v in level.start],
            "budget": level.budget,
            "par": self.par_steps,
            "goal": level.goal,
            "minimum": {"point": [float(v) for v in minimum.point], "height": float(minimum.height)},
            "winner": self.winner.name if self.winner is not None else None,
            "racers": [self._walk_json(r) for r in self.racers],
            **({"player": self._walk_json(self.player), "stars": self.stars,
                "events": [e.to_json() for e in self.events]} if self.player else {}),
        }

    def _walk_json(self, walk: Walk) -> dict:
        found = walk.to_json()
        held_out = held_out_loss(self.level, walk)
        if held_out is not None:
            found["held_out_loss"] = finite_or_none(held_out)
        return found


def verdict(result: Race, short: bool = False) -> str:
    """How the player did, and who won: a sentence, or a few words for a header.

    It follows the ranking with one exception: a player whose walk was lost is never said to have
    won; the best racer is named instead. Heights are said with enough digits that one above the
    goal never reads as the goal.
    """
    level, player = result.level, result.player
    digits = height_digits(result)
    ended, goal = number(player.final_height, digits=digits), number(level.goal, digits=digits)
    if player.status == Status.FELL_OFF:
        said = f"You fell off the map at step {player.steps}."
    elif player.status == Status.DIVERGED:
        said = f"Your walk diverged at step {player.steps}."
    elif player.status == Status.REACHED and player.steps_to_goal is not None:
        # The step the goal was first reached, and the steps walked when the walk went on after it.
        at, walked = player.steps_to_goal, player.steps
        on = f" of {walked}" if walked > at else ""
        said = (f"Floor at step {at}{on}." if short else
                f"You reached the valley floor at step {at}{f', then walked to step {walked}' if on else ''}"
                f" (par {result.par_steps}).")
    else:
        said = (f"You ended at {ended} (goal {goal})." if short
                else f"You ended at height {ended}; the goal was {goal}.")
    first = result.winner
    if first is None:
        closest = result.ranking[0]
        if closest is player and player.status.lost:  # a lost walk is never said to have come closest
            closest = result.best_racer
        who = "you" if closest is player else closest.label
        return said + (f" {who[0].upper() + who[1:]} came closest." if short
                       else f" No one reached the goal; {who} came closest.")
    if first is player:
        return said + " You won the race!"
    return said + (f" {first.label} won." if short else f" Winner: {first.label}.")


def height_digits(result: Race) -> int:
    """Significant digits for the race's heights, so none above the goal reads as the goal."""
    return digits_apart(result.level.goal, [w.final_height for w in result.walkers])


# ---- the rows of every results table ---------------------------------------------------------------


@dataclass(frozen=True)
class ScoreRow:
    """One walker's line in a results table, best first. Tables choose columns and formats; what
    the cells mean is decided here."""

    rank: int  # 1 = first of the ranking
    walk: Walk
    won: bool
    reached_in: int | None  # steps to the goal, for a walk that ended there
    left_goal: bool  # touched the goal, then climbed out again
    stars: int | None  # the player's; None for racers
    settings: str  # the racer's settings (`lr 0.05, μ 0.9`); "" for the player

    @property
    def label(self) -> str:
        return self.walk.label

    @property
    def status(self) -> Status:
        return self.walk.status

    @property
    def final_height(self) -> float:
        return self.walk.final_height

    @property
    def steps_to_goal(self) -> int | None:
        """The first arrival at the goal, even if the walk left it again (see `left_goal`)."""
        return self.walk.steps_to_goal

    @property
    def distance(self) -> float:
        return self.walk.distance


def score_rows(result: Race) -> list[ScoreRow]:
    first = result.winner
    rows = []
    for rank, walk in enumerate(result.ranking, start=1):
        reached = walk.status == Status.REACHED
        rows.append(ScoreRow(
            rank=rank,
            walk=walk,
            won=walk is first,
            reached_in=walk.steps_to_goal if reached else None,
            left_goal=walk.steps_to_goal is not None and not reached,
            stars=result.stars if walk.is_player else None,
            settings="" if walk.is_player else settings_text(walk.name, walk.hyperparameters),
        ))
    return rows


LEFT_GOAL_NOTE = '"N, left": reached the goal at step N, then climbed out of it again'


def winner_line(rows: Sequence[ScoreRow]) -> str:
    """The last line of a text table: `winner: Adam`, or who came closest when nobody won."""
    won = next((row for row in rows if row.won), None)
    if won is not None:
        return f"winner: {won.label}"
    return f"winner: none (closest: {rows[0].label})" if rows else "winner: none"

SHORT_NAMES = {"learning_rate": "lr", "momentum": "μ", "beta1": "β1", "beta2": "β2", "weight_decay": "wd",
               "alpha": "α", "eps": "ε"}


def settings_text(name: str, hyperparameters: dict[str, float]) -> str:
    """`lr 0.05, μ 0.9`: the learning rate, and the other settings that differ from the defaults
    (momentum is always shown: it is what makes Momentum Momentum)."""
    from foggymountain.optimizers import HYPERPARAMETERS

    defaults = {spec.name: spec.default for spec in HYPERPARAMETERS.get(name, ())}
    shown = [f"{SHORT_NAMES.get(k, k)} {v:g}" for k, v in hyperparameters.items()
             if k in ("learning_rate", "momentum") or v != defaults.get(k, v)]
    return ", ".join(shown)


def describe(walk: Walk) -> str:
    """A walk's result in a few words, for comments and logs: status, final height, steps to the goal."""
    if walk.status.lost:
        return f"{walk.status.value}: {walk.status.ending} at step {walk.steps}"
    height = f"final height {walk.final_height:.4g}"
    if walk.status == Status.REACHED and walk.steps_to_goal is not None:
        return f"{walk.status.value}: goal at step {walk.steps_to_goal}, {height}"
    if walk.steps_to_goal is not None:  # not "wandering": an author reads this (tune's comments)
        return f"touched the goal at step {walk.steps_to_goal}, then climbed out: {height}"
    return f"misses the goal: {height}"


# ---- saved results (progress files, workshop result files) ------------------------------------------


def ended_at_goal(record: Mapping[str, Any]) -> bool:
    """Did this saved hike end at (or below) the goal: a star, or the status REACHED?"""
    earned = _number(record, "stars", 0) >= 1
    return earned or record.get("status") == Status.REACHED.value


def record_key(record: Mapping[str, Any]) -> tuple:
    """Sort key of a saved hike, smallest best: more stars, then (as in `rank_key`) fewer steps to
    the goal for a hike that ended there, then lower final height, then fewer steps. Tolerates
    hand-edited values of the wrong type."""
    cost = "examples_to_goal" if "examples_to_goal" in record else "steps_to_goal"  # a batch-size level
    steps_to_goal = _number(record, cost, math.inf) if ended_at_goal(record) else math.inf
    return (-_number(record, "stars", 0), steps_to_goal, _number(record, "final_height", math.inf),
            _number(record, "steps", 0))


def better(a: dict | None, b: dict | None) -> dict | None:
    """The better of two saved hikes (see `record_key`); `a` on a tie."""
    if a is None or b is None:
        return a or b
    return a if record_key(a) <= record_key(b) else b


def _number(record: Mapping[str, Any], key: str, missing: float) -> float:
    value = record.get(key)
    ok = isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
    return value if ok else missing
