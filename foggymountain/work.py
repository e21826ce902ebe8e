"""How much work a level asks for, estimated when it is loaded, and the limits that keep every
command and the game within seconds and well under a gigabyte on a small machine.

The unit is about one floating-point operation on a numpy array (about a nanosecond here).
A slope is computed by forward-mode dual numbers: every part of the formula (a number, a name,
an operation, a call) is worked out once per data row, for the height and for each variable. So:

- one slope at one point costs `parts x rows x (variables + 1)`: the valley-floor search of
  `check` asks for a few thousand of them, so this is held under MAX_EVALUATION_WORK;
- the revealed map costs `MAP_POINTS x parts x rows` (heights only), held under MAX_MAP_WORK;
- one step of a race costs `parts x (OVERHEAD + walkers x rows x (variables + 1) x DATA_FACTOR)`,
  every walker at once (OVERHEAD is numpy's fixed cost per operation; DATA_FACTOR the loss and
  the mean over the rows, 1 without data); a mini-batch level also reads each walker's true
  height over all rows. The whole race, `budget` steps, is held under
  MAX_RACE_WORK. `tune` races many candidate paces at once: see `tune_work`.

A next-token level costs `vocabulary**2` per point whatever the corpus length (the loss depends
on the corpus only through its pair counts). The limits are documented in docs/levels.md; they
are consistent: each limit of the level format (variables, rows, budget) can be reached alone.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

OVERHEAD = 5_000
DATA_FACTOR = 5  # measured: a race over data rows costs 3 to 6 ns per row-operation of the model
# Points of ground the reveal draws: the map of a big terminal (180 x 110 pixels) and the
# reference grid its colours come from (64 x 64); a line level draws a curve of 400 points.
MAP_POINTS = 24_000
CURVE_POINTS = 400
MAX_MAP_WORK = 3_000_000_000  # measured: about 1.5 ns each, on the UI thread
MAX_EVALUATION_WORK = 20_000_000
MAX_RACE_WORK = 4_000_000_000
MAX_TUNE_WORK = 5_000_000_000  # all racers' candidates together (measured: ~2 ns each)
# tune keeps every candidate's trail (points, slopes, optimizer state): about 40 bytes per number
MAX_TUNE_NUMBERS = 12_000_000


@dataclass(frozen=True)
class Work:
    parts: int  # formula parts (1 for next-token: see `per_row`)
    rows: int  # data rows walked per slope (1 without data)
    variables: int
    budget: int
    walkers: int  # the racers and the player
    batch: int | None = None  # mini-batch rows, when smaller than `rows`

    @property
    def evaluation(self) -> int:
        """One slope at one point."""
        return self.parts * self.rows * (self.variables + 1)

    def step(self, walkers: int | None = None) -> int:
        walkers = self.walkers if walkers is None else walkers
        if self.batch is not None:
            per_walker = self.batch * (self.variables + 1) + self.rows
        else:
            per_walker = self.rows * (self.variables + 1)
        if self.rows > 1:  # the loss, its slope and the mean over the rows, besides the model
            per_walker *= DATA_FACTOR
        return self.parts * (OVERHEAD + walkers * per_walker)

    @property
    def map(self) -> int:
        """The heights of the revealed map (or curve): points x parts x rows, no slopes."""
        points = MAP_POINTS if self.variables >= 2 else CURVE_POINTS
        return points * self.parts * self.rows

    @property
    def race(self) -> int:
        return self.budget * self.step()

    def budget_within(self, limit: int, walkers: int | None = None) -> int:
        """The largest budget whose race stays within `limit`."""
        return max(0, limit // max(self.step(walkers), 1))


def formula_parts(text: str) -> int:
    """Parts of a checked formula, counted as `terrain.expression` counts them."""
    from foggymountain.terrain.expression import _NOT_COUNTED

    tree = ast.parse("(" + text.strip("\n") + "\n)", mode="eval")
    return sum(1 for node in ast.walk(tree.body) if not isinstance(node, _NOT_COUNTED))


def of_landscape(landscape, budget: int, walkers: int, batch_size: int | None = None) -> Work:
    kind = landscape.kind
    variables = len(landscape.variables)
    rows = landscape.n_rows or 1
    if kind == "next-token":
        vocabulary = len(landscape.vocabulary)
        # softmax, log and the slope over a V x V table: about ten operations per weight
        return Work(parts=10, rows=1, variables=vocabulary * vocabulary, budget=budget, walkers=walkers)
    if kind == "function":
        parts = formula_parts(landscape.expression.text)
    else:  # the model and its hidden units, each worked out for every row
        parts = formula_parts(landscape.model.text) + sum(formula_parts(unit.text) for _, unit in getattr(landscape, "hidden", ()))
    batch = batch_size if batch_size is not None and batch_size < rows else None
    return Work(parts=parts, rows=rows, variables=variables, budget=budget, walkers=walkers, batch=batch)


def tune_work(work: Work, candidates: int) -> tuple[int, int]:
    """(operations, numbers kept) of tuning one racer over `candidates` settings in lockstep."""
    return work.budget * work.step(candidates), candidates * (work.budget + 1) * work.variables


def tune_too_costly(level, names=None, paces=None, refine: bool = True) -> str | None:
    """Why `tune.tune` (the wide search `tune` prints for authors) would take too long or too much
    memory on `level`, or None. Each racer's candidates walk the whole budget in lockstep and
    every trail is kept; racers are tuned one after the other."""
    from foggymountain import optimizers
    from foggymountain.tune import REFINE_POINTS, candidates, pace_grid

    paces = paces if paces is not None else pace_grid()
    own = {r.name: dict(r.hyperparameters) for r in level.racers}
    cost = of_landscape(level.landscape, level.budget, 1, level.batch_size)
    total_operations, total_tried, most_numbers = 0, 0, 0
    for name in names if names is not None else list(own):
        settings = dict(optimizers.make_optimizer(name, **own.get(name, {})).hyperparameters)
        count = 1 + len(candidates(name, settings, paces)) + (REFINE_POINTS if refine else 0)
        operations, numbers = tune_work(cost, count)
        total_operations += operations
        total_tried += count
        most_numbers = max(most_numbers, numbers)
    if total_operations > MAX_TUNE_WORK or most_numbers > MAX_TUNE_NUMBERS:
        return (f"tuning tries {total_tried} settings over {level.budget:,} steps: {total_operations:,} operations, "
                f"and up to {most_numbers:,} numbers kept at once; the limits are {MAX_TUNE_WORK:,} and {MAX_TUNE_NUMBERS:,}")
    return None
