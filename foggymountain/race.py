"""Racing the optimizers on a level, and scoring the player against them.

Every racer starts where the player starts, has the same budget and at step k feels the k-th draw
of the level's seed (see `feel`), so the race is fair and reproducible. Racers walk in lockstep:
one vectorised slope call per step for all racers still walking. What the outcome means (status,
ranking, stars) is `outcome`'s to say; what happened on the player's trail is `trail`'s.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Mapping

import numpy as np

from foggymountain import optimizers
from foggymountain.feel import felt_slope
from foggymountain.level import Level
from foggymountain.outcome import PLAYER, PLAYER_LABEL, Race, Status, Walk, held_out_loss, held_out_trail, judge, race_par, stars
from foggymountain.trail import read_trail
from foggymountain.tuning import RacerSetting, racer_settings

__all__ = ["held_out_loss", "held_out_trail", "race", "run_batch_racers", "run_racers", "walk_of_hike"]


# ---- racing ----------------------------------------------------------------------------------


def run_racers(level: Level, names_and_settings=None, budget: int | None = None, batch_size: int | None = None) -> list[Walk]:
    """Walk every racer of the level (or the given (name, hyperparameters) pairs) in lockstep.

    Per step: one vectorised slope call for all racers still walking, one update call per racer,
    and the bookkeeping (finite? off the map?) vectorised over the racers. What a racer kept in
    memory (`Walk.info`) is not recorded here: it is replayed from the trail when first read.
    """
    entries = names_and_settings if names_and_settings is not None else [(r.name, r.hyperparameters) for r in level.racers]
    racers = [optimizers.make_optimizer(name, **settings) for name, settings in entries]
    batch_size = level.batch_size if batch_size is None else batch_size
    if budget is None:  # a batch-size level: as many steps as its examples buy at this batch size
        budget = level.examples // batch_size if level.examples is not None else level.budget
    landscape = level.landscape
    goal = level.goal
    n = level.dimensions
    count = len(racers)
    start = np.array(level.start, dtype=float)
    # np.empty: pages of steps nobody reaches are never touched, so never resident.
    path = np.empty((budget + 1, count, n))
    path[0] = start
    slopes = np.empty((budget, count, n))
    heights = np.full((budget + 2, count), math.nan)
    length = np.ones(count, dtype=int)  # points on each racer's path
    states = [opt.init(start.copy()) for opt in racers]
    status = [Status.WALKING] * count
    walking = np.arange(count)
    updates = np.empty((count, n))
    for k in range(budget + 1):
        if not len(walking):
            break
        points = path[k, walking]
        h, g = felt_slope(landscape, points, k, seed=level.seed, noise=level.noise, batch_size=batch_size)
        h = np.asarray(h, dtype=float).reshape(len(walking))
        g = np.asarray(g, dtype=float).reshape(len(walking), n)
        heights[k, walking] = h
        felt = np.isfinite(h) & np.isfinite(g).all(axis=1)
        if not felt.all():
            for i in walking[~felt]:
                status[i] = Status.DIVERGED
            walking, points, g = walking[felt], points[felt], g[felt]
        if k == budget or not len(walking):
            break
        slopes[k, walking] = g
        moves = updates[: len(walking)]
        for row, i in enumerate(walking):
            moves[row], states[i], _ = racers[i].update(g[row], states[i], points[row])
        nxt = points + moves
        path[k + 1, walking] = nxt
        length[walking] = k + 2
        finite = np.isfinite(nxt).all(axis=1)
        outside = finite & ~landscape.inside_each(nxt)
        if not finite.all() or outside.any():
            for i in walking[~finite]:
                status[i] = Status.DIVERGED  # the height there stays nan
            for row in np.nonzero(outside)[0]:  # one at a time: a racer falls once
                i = walking[row]
                status[i] = Status.FELL_OFF
                heights[k + 1, i] = float(landscape.height(nxt[row]))
            walking = walking[finite & ~outside]
    walks = []
    for i, opt in enumerate(racers):
        m = length[i]
        trail = path[:m, i].copy()
        felt_slopes = slopes[: m - 1, i].copy()
        # One height per point: felt on the way, measured where it fell, nan where it blew up.
        hs = heights[:m, i].copy()
        walks.append(judge(opt.name, opt.label, trail, hs, felt_slopes, status[i], goal,
                             _ReplayedInfo(opt, trail, felt_slopes), dict(opt.hyperparameters)))
    return walks


class _ReplayedInfo(Mapping):
    """A racer's per-step inner state (`StepInfo` entries stacked over the steps), computed on first
    read by replaying its update rule over the trail it walked. Optimizers are pure, so the replay
    gives bit for bit what the race saw; a race that nobody explains step by step pays nothing."""

    def __init__(self, optimizer, path: np.ndarray, slopes: np.ndarray) -> None:
        self._optimizer = optimizer
        self._path = path
        self._slopes = slopes
        self._stacked: dict[str, np.ndarray] | None = None

    def _data(self) -> dict[str, np.ndarray]:
        if self._stacked is None:
            opt, state = self._optimizer, self._optimizer.init(self._path[0].copy())
            steps = len(self._slopes)
            stacked: dict[str, np.ndarray] = {}
            for k in range(steps):  # written into arrays made once: no list of 10,000 small dicts
                _, state, info = opt.update(self._slopes[k], state, self._path[k])
                if not stacked:
                    stacked = _arrays_for(info, steps)
                for key, value in info.items():
                    stacked[key][k] = value
            self._stacked = stacked
        return self._stacked

    def __getitem__(self, key: str) -> np.ndarray:
        return self._data()[key]

    def __iter__(self):
        return iter(self._data())

    def __len__(self) -> int:
        return len(self._data())


def _arrays_for(info, steps: int) -> dict[str, np.ndarray]:
    """Empty arrays for `steps` copies of each entry of a step's `info`."""
    return {key: np.empty((steps,) + np.shape(value), dtype=np.result_type(value)) for key, value in info.items()}


def batch_racer(name: str, label: str, index: int, size: int) -> tuple[str, str]:
    """Name and label of a racer walking with the `index`-th batch size of a batch-size level."""
    return f"{name}@{index}", f"{label}, batch {size}"


def racer_entries(level: Level) -> list[tuple[str, str]]:
    """(name, label) of every racer the race will walk on `level`, in the race's order, before
    it is run (a batch-size level races each racer once per batch size)."""
    plain = [(racer.name, optimizers.LABELS.get(racer.name, racer.name)) for racer in level.racers]
    if level.examples is None:
        return plain
    return [batch_racer(name, label, index, size)
            for index, size in enumerate(level.batch_sizes, start=1) for name, label in plain]


def run_batch_racers(level: Level, names_and_settings=None) -> list[Walk]:
    """A batch-size level: every racer walks once with each batch size, on the same budget of
    examples (so a batch of 1 takes many steps, the full data few). Named `sgd@2` for the racer
    with the second batch size, labelled `SGD, batch 4`."""
    walks = []
    for index, size in enumerate(level.batch_sizes, start=1):
        for walk in run_racers(level, names_and_settings, budget=level.examples // size, batch_size=size):
            walk.name, walk.label = batch_racer(walk.name, walk.label, index, size)
            walk.examples, walk.batch_size = size * np.arange(len(walk.path)), size
            walks.append(walk)
    return walks


def walk_of_hike(hike) -> Walk:
    """The player's trail as a Walk, for racing against the racers."""
    level = hike.level
    path = hike.trail
    heights = list(hike.heights)
    if hike.status.lost:
        last = path[-1]
        if len(heights) < len(path):  # a fall leaves the last point unmeasured; a wall may not
            heights.append(float(level.landscape.height(last)) if np.all(np.isfinite(last)) else math.nan)
    elif len(heights) > len(path):
        heights = heights[: len(path)]
    slopes = hike.slopes[: len(path) - 1]
    walk = judge(PLAYER, PLAYER_LABEL, path, np.array(heights, dtype=float), slopes, hike.status, level.goal)
    if level.examples is not None:
        walk.examples = np.concatenate([[0], np.cumsum(hike.batches[: len(path) - 1])]).astype(int)
    return walk


def race(level: Level, hike=None, settings: list[RacerSetting] | None = None, walks: list[Walk] | None = None) -> Race:
    """Race the level's racers, each at its pinned or tuned settings; with a finished hike, score
    the player against them. A worker may have done the slow part already: `settings` from
    `tuning.racer_settings` (resolved here when not given), or the racers' `walks` at them."""
    if walks is None:
        if settings is None:
            settings = racer_settings(level)
        entries = [(s.name, s.hyperparameters) for s in settings]
        walks = run_batch_racers(level, entries) if level.examples is not None else run_racers(level, entries)
    result = Race(level=level, racers=walks)
    result.par = race_par(result.racers, level.goal, level.par, level.budget_amount)
    return score(result, hike) if hike is not None else result


def score(racers: Race, hike) -> Race:
    """The player's finished hike scored against a race of the racers run before (the racers do
    not depend on the player, so the game races them while the player reads and walks)."""
    level = racers.level
    result = Race(level=level, racers=racers.racers, par=racers.par)
    result.player = walk_of_hike(hike)
    result.stars = stars(result.player, result.racers, level.goal, result.par)
    result.events = read_trail(level, result.player)
    return result


class RaceAhead:
    """Everything the reveal needs that does not depend on the player, worked out once per level
    and ahead of time (the game starts `run` in a worker thread when the briefing opens): the
    valley floor and the goal, and the racers' race (tuned first where the level leaves their pace
    open: see `tuning`). `scored(hike)` then only scores the walk.

    Thread-safe: a second caller of `run` waits for the first and gets the same race."""

    def __init__(self, level: Level) -> None:
        self.level = level
        self._lock = threading.Lock()
        self._race: Race | None = None

    @property
    def done(self) -> bool:
        return self._race is not None

    def run(self) -> Race:
        with self._lock:
            if self._race is None:
                self.level.minimum  # noqa: B018 - the valley floor and the goal: worked out here,
                self.level.goal  # noqa: B018 - cached on the level, read by the screens
                self._race = race(self.level)
            return self._race

    def scored(self, hike) -> Race:
        return score(self.run(), hike)


def replay_inner_states(result: Race) -> None:
    """Work out now each racer's per-step inner state (velocity, Adam's moments...), which the
    reveal's replay panel reads when the player steps back through the race. Call it in a worker:
    7 racers x 10,000 steps take 0.75 s. Not done while the player walks (a few MB kept only for
    the reveal), nor before the reveal's first frame (which shows the end and reads none of it)."""
    for walk in result.racers:
        walk.info.get("")
