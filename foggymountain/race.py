"""Racing the optimizers on a level, scoring the player, and reading what happened on a trail.

Every racer starts where the player starts, has the same budget and at step k feels the k-th draw
of the level's seed (see `feel`), so the race is fair and reproducible. Racers walk in lockstep:
one vectorised slope call per step for all racers still walking.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from foggymountain import optimizers
from foggymountain.feel import felt_slope
from foggymountain.level import Level
from foggymountain.terrain.minimum import settle
from foggymountain.tuning import RacerSetting, racer_settings

REACHED, WANDERING, FELL_OFF, DIVERGED = "reached", "wandering", "fell-off", "diverged"


@dataclass
class Walk:
    """One walker's whole trail: a racer's or the player's."""

    name: str
    label: str
    path: np.ndarray  # (m, n), start included; a fall keeps the point where it fell
    heights: np.ndarray  # (m,), nan where the height could not be measured
    slopes: np.ndarray  # (m-1, n): the slope felt before each step
    status: str
    steps_to_goal: int | None
    info: Mapping[str, np.ndarray] = field(default_factory=dict)  # per-step inner state
    hyperparameters: dict[str, float] = field(default_factory=dict)

    @property
    def steps(self) -> int:
        return len(self.path) - 1

    @property
    def final_height(self) -> float:
        finite = self.heights[np.isfinite(self.heights)]
        inside = finite if self.status not in (FELL_OFF, DIVERGED) else self.heights[:-1][np.isfinite(self.heights[:-1])]
        return float(inside[-1]) if len(inside) else math.inf

    @property
    def best_height(self) -> float:
        usable = self.heights if self.status not in (FELL_OFF, DIVERGED) else self.heights[:-1]
        usable = usable[np.isfinite(usable)]
        return float(usable.min()) if len(usable) else math.inf

    @property
    def distance(self) -> float:
        if len(self.path) < 2:
            return 0.0
        steps = np.diff(self.path, axis=0)
        steps = steps[np.all(np.isfinite(steps), axis=1)]
        return float(np.linalg.norm(steps, axis=1).sum())

    def to_json(self) -> dict:
        return {
            "name": self.name,
            "label": self.label,
            "status": self.status,
            "steps": self.steps,
            "steps_to_goal": self.steps_to_goal,
            "final_height": _finite_or_none(self.final_height),
            "best_height": _finite_or_none(self.best_height),
            "distance": _finite_or_none(self.distance),
            "hyperparameters": self.hyperparameters,
            "path": [[_finite_or_none(v) for v in p] for p in self.path],
            "heights": [_finite_or_none(h) for h in self.heights],
        }


@dataclass(frozen=True)
class Event:
    """Something that happened on a trail, pointing at the step where it happened."""

    step: int
    kind: str  # overshoot, crawl, plateau, side-valley, zig-zag, fell-off, diverged
    text: str


@dataclass
class Race:
    level: Level
    racers: list[Walk]
    player: Walk | None = None
    stars: int = 0
    events: list[Event] = field(default_factory=list)

    @property
    def walkers(self) -> list[Walk]:
        return ([self.player] if self.player else []) + self.racers

    @property
    def ranking(self) -> list[Walk]:
        """Best first: reached the goal, then fewer steps to the goal, then lower final height."""
        goal = self.level.goal
        return sorted(self.walkers, key=lambda w: _rank_key(w, goal))

    @property
    def winner(self) -> Walk:
        return self.ranking[0]

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
            "par": level.par,
            "goal": level.goal,
            "minimum": {"point": [float(v) for v in minimum.point], "height": float(minimum.height)},
            "winner": self.winner.name,
            "racers": [r.to_json() for r in self.racers],
            **({"player": self.player.to_json(), "stars": self.stars,
                "events": [e.__dict__ for e in self.events]} if self.player else {}),
        }


def _rank_key(walk: Walk, goal: float):
    """Reached the goal first, then still on the map, then fell off or diverged; within each,
    fewer steps to the goal, then lower final height."""
    lost = walk.status in (FELL_OFF, DIVERGED)
    reached = not lost and walk.final_height <= goal
    group = 0 if reached else (2 if lost else 1)
    return (group, walk.steps_to_goal if (reached and walk.steps_to_goal is not None) else math.inf, walk.final_height)


def _finite_or_none(value: float):
    value = float(value)
    return value if math.isfinite(value) else None


# ---- racing ----------------------------------------------------------------------------------


def run_racers(level: Level, names_and_settings=None, budget: int | None = None) -> list[Walk]:
    """Walk every racer of the level (or the given (name, hyperparameters) pairs) in lockstep.

    Per step: one vectorised slope call for all racers still walking, one update call per racer,
    and the bookkeeping (finite? off the map?) vectorised over the racers. What a racer kept in
    memory (`Walk.info`) is not recorded here: it is replayed from the trail when first read.
    """
    entries = names_and_settings if names_and_settings is not None else [(r.name, r.hyperparameters) for r in level.racers]
    racers = [optimizers.make_optimizer(name, **settings) for name, settings in entries]
    budget = level.budget if budget is None else budget
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
    status = [REACHED] * count  # provisional: "still walking"
    walking = np.arange(count)
    updates = np.empty((count, n))
    for k in range(budget + 1):
        if not len(walking):
            break
        points = path[k, walking]
        h, g = felt_slope(landscape, points, k, seed=level.seed, noise=level.noise, batch_size=level.batch_size)
        h = np.asarray(h, dtype=float).reshape(len(walking))
        g = np.asarray(g, dtype=float).reshape(len(walking), n)
        heights[k, walking] = h
        felt = np.isfinite(h) & np.isfinite(g).all(axis=1)
        if not felt.all():
            for i in walking[~felt]:
                status[i] = DIVERGED
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
                status[i] = DIVERGED  # the height there stays nan
            for row in np.nonzero(outside)[0]:  # one at a time: a racer falls once
                i = walking[row]
                status[i] = FELL_OFF
                heights[k + 1, i] = float(landscape.height(nxt[row]))
            walking = walking[finite & ~outside]
    walks = []
    for i, opt in enumerate(racers):
        m = length[i]
        trail = path[:m, i].copy()
        felt_slopes = slopes[: m - 1, i].copy()
        # One height per point: felt on the way, measured where it fell, nan where it blew up.
        hs = heights[:m, i].copy()
        walks.append(_finish(opt.name, opt.label, trail, hs, felt_slopes, status[i], goal,
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
            opt, state, infos = self._optimizer, self._optimizer.init(self._path[0].copy()), []
            for k in range(len(self._slopes)):
                _, state, info = opt.update(self._slopes[k], state, self._path[k])
                infos.append(info)
            self._stacked = _stack(infos)
        return self._stacked

    def __getitem__(self, key: str) -> np.ndarray:
        return self._data()[key]

    def __iter__(self):
        return iter(self._data())

    def __len__(self) -> int:
        return len(self._data())


def _stack(infos: list) -> dict[str, np.ndarray]:
    if not infos:
        return {}
    return {key: np.array([info[key] for info in infos]) for key in infos[0]}


def _finish(name, label, path, heights, slopes, status, goal, info=None, hyper=None) -> Walk:
    below = np.nonzero(np.isfinite(heights) & (heights <= goal))[0]
    if status in (FELL_OFF, DIVERGED):
        below = below[below < len(heights) - 1]
    steps_to_goal = int(below[0]) if len(below) else None
    walk = Walk(name, label, path, heights, np.array(slopes).reshape(-1, path.shape[1]), status, steps_to_goal,
                {} if info is None else info, hyper or {})
    if status not in (FELL_OFF, DIVERGED):
        walk.status = REACHED if walk.final_height <= goal else WANDERING
    return walk


def walk_of_hike(hike) -> Walk:
    """The player's trail as a Walk, for racing against the racers."""
    from foggymountain import hike as hike_module

    level = hike.level
    path = hike.trail
    heights = list(hike.heights)
    status = WANDERING
    if hike.status in (hike_module.FELL_OFF, hike_module.DIVERGED):
        status = FELL_OFF if hike.status == hike_module.FELL_OFF else DIVERGED
        last = path[-1]
        if len(heights) < len(path):  # a fall leaves the last point unmeasured; a wall may not
            heights.append(float(level.landscape.height(last)) if np.all(np.isfinite(last)) else math.nan)
    elif len(heights) > len(path):
        heights = heights[: len(path)]
    slopes = hike.slopes[: len(path) - 1]
    return _finish("player", "You", path, np.array(heights, dtype=float), slopes, status, level.goal)


def race(level: Level, hike=None, settings: list[RacerSetting] | None = None) -> Race:
    """Race the level's racers, each at its pinned or tuned settings (`settings`, resolved by
    `tuning.racer_settings` in a worker; resolved here when not given); with a finished hike,
    score the player against them."""
    if settings is None:
        settings = racer_settings(level)
    result = Race(level=level, racers=run_racers(level, [(s.name, s.hyperparameters) for s in settings]))
    if hike is not None:
        result.player = walk_of_hike(hike)
        result.stars = stars(result)
        result.events = read_trail(level, result.player)
    return result


def stars(result: Race) -> int:
    """One for reaching the goal, two for reaching it within par, three for also beating every racer."""
    player, level = result.player, result.level
    if player is None or player.status in (FELL_OFF, DIVERGED) or player.final_height > level.goal:
        return 0
    earned = 1
    if player.steps_to_goal is not None and player.steps_to_goal <= level.par:
        earned = 2
        if all(_rank_key(player, level.goal) <= _rank_key(r, level.goal) for r in result.racers):
            earned = 3
    return earned


# ---- what happened on a trail -------------------------------------------------------------------


def read_trail(level: Level, walk: Walk) -> list[Event]:
    """What happened on a trail: overshooting, crawling, plateaus, zig-zags, falls, side valleys
    and saddles, each at the step where it happened.

    Judged on the true ground (exact heights and slopes), not on the noisy slope that was felt.
    Crawling, plateaus and zig-zags count only until the walk first reached the goal: once there,
    small or back-and-forth steps are fine.
    """
    landscape = level.landscape
    path = walk.path
    steps = np.diff(path, axis=0)
    if not len(steps):
        return []
    strides = np.linalg.norm(steps, axis=1)
    sides = landscape.bounds[:, 1] - landscape.bounds[:, 0]
    scale = float(np.max(sides))  # the longest side of the map
    inside = landscape.inside_each(path)
    usable = int(np.argmin(inside)) if not inside.all() else len(path)  # points before any fall
    true_heights, slopes = landscape.height_and_slope(np.where(inside[:, None], path, path[0]))
    steep = np.linalg.norm(slopes, axis=1)
    window = min(usable - 1, walk.steps_to_goal if walk.steps_to_goal is not None else len(steps))
    top = float(steep[: max(window, 1)].max()) if usable else 0.0
    floor = level.minimum.height
    events: list[Event] = []

    # Overshoot: the step went downhill and landed on the far side of the valley floor, where the
    # ground along the step already rises again (steeply enough to matter).
    crossings = []
    for k in range(usable - 1):
        along, after = float(steps[k] @ slopes[k]), float(steps[k] @ slopes[k + 1])
        if along < 0 < after and after > 0.3 * -along:
            crossings.append(k)
    if crossings:
        k = crossings[0]
        rose = f", and the ground rose from {true_heights[k]:.3g} to {true_heights[k + 1]:.3g}" if true_heights[k + 1] > true_heights[k] else ""
        more = f" (it happened {len(crossings) - 1} more time{'s' if len(crossings) > 2 else ''})" if len(crossings) > 1 else ""
        events.append(Event(k + 1, "overshoot", f"step {k + 1} jumped across the valley floor: the slope flipped under your feet{rose}{more}"))

    flat_start = None
    if window >= 3 and top > 0:
        drops = true_heights[:window] - true_heights[1 : window + 1]
        above = np.maximum(true_heights[:window] - floor, 1e-300)
        crawling = (strides[:window] < 0.02 * scale) & (drops < 0.01 * above) & (steep[:window] > 0.1 * top)
        start = _first_run(crawling, 3)
        if start is not None:
            events.append(Event(start + 1, "crawl", f"from step {start + 1} the strides were tiny ({strides[start]:.2g}) on ground that was still steep: each step won less than 1% of the height left, and the budget ran down"))
        flat_start = _first_run((steep[:window] < 0.02 * top) & (true_heights[:window] > level.goal), 3)
        if level.dimensions >= 2:
            turns = np.einsum("ij,ij->i", steps[: window - 1], steps[1:window]) < 0
            start = _first_run(turns, 3)
            if start is not None:
                events.append(Event(start + 1, "zig-zag", f"from step {start + 1} each step reversed the last one: zig-zagging across a ravine instead of walking along it"))
    plateau = None
    if flat_start is not None:
        plateau = Event(flat_start + 1, "plateau", f"from step {flat_start + 1} the ground was almost flat (slope {steep[flat_start]:.2g}): little to feel, a long walk")
        if np.any(steep[flat_start:usable] > 0.1 * top):  # it crossed the flat and found slope again
            events.append(plateau)
            plateau = None

    if walk.status == FELL_OFF:
        events.append(Event(walk.steps, "fell-off", f"step {walk.steps} left the map: you fell off the edge"))
    elif walk.status == DIVERGED:
        events.append(Event(walk.steps, "diverged", f"step {walk.steps} reached ground that is not finite: the walk diverged"))
    elif walk.final_height > level.goal:
        drained = _where_it_drains(level, path[-1], float(true_heights[-1]), top, walk.steps)
        events.extend(drained)
        if plateau is not None and not drained:  # still on the flat when the budget ran out
            events.append(plateau)
    return sorted(events, key=lambda e: e.step)


def _first_run(mask: np.ndarray, length: int) -> int | None:
    run = 0
    for i, flag in enumerate(mask):
        run = run + 1 if flag else 0
        if run >= length:
            return i - length + 1
    return None


def _where_it_drains(level: Level, end: np.ndarray, height: float, top: float, step: int) -> list[Event]:
    """A walk that stopped above the goal: is it on a saddle, or in a side valley's basin?"""
    landscape = level.landscape
    floor = level.minimum
    scale = float(np.max(landscape.bounds[:, 1] - landscape.bounds[:, 0]))
    slope = landscape.height_and_slope(end)[1]
    if np.linalg.norm(slope) <= 1e-3 * max(top, 1e-12):
        # Flat here. A saddle drops away after a nudge; a valley floor does not.
        nudge = np.random.default_rng(level.seed).standard_normal(len(end))
        nudged = np.clip(end + 1e-3 * scale * nudge / np.linalg.norm(nudge), landscape.bounds[:, 0], landscape.bounds[:, 1])
        bottom = _basin_bottom(landscape, nudged, top)
        if bottom is not None and height - bottom[1] > 0.1 * (height - floor.height):
            return [Event(step, "saddle", f"you stopped on a pass (a saddle point) at height {height:.3g}: flat underfoot, yet the ground falls away sideways, down to {bottom[1]:.3g}")]
    bottom = _basin_bottom(landscape, end, top)
    if bottom is not None and bottom[1] > level.goal and np.linalg.norm(bottom[0] - floor.point) > 0.1 * scale:
        return [Event(step, "side-valley", f"the ground where you stopped drains into a side valley, whose floor is at height {bottom[1]:.3g}; the lowest floor is {floor.height:.3g}, elsewhere")]
    return []


def _basin_bottom(landscape, start: np.ndarray, top: float) -> tuple[np.ndarray, float] | None:
    """The bottom of the basin `start` drains into, or None when we cannot tell.

    L-BFGS is fast but its line search may hop over a ridge into the next basin: its answer is
    kept only if the ground falls all the way along the straight line to it. Otherwise plain
    downhill steps (slow, but they never leave the basin) decide, if they settle.
    """
    points, lows = settle(landscape, start[None])
    point, low = points[0], float(lows[0])
    start_height = float(landscape.height(start))
    line = start + np.linspace(0, 1, 65)[:, None] * (point - start)
    if np.all(landscape.height(line) <= start_height + 1e-9 * max(1.0, abs(start_height))):
        return point, low
    return _flow_downhill(landscape, start, top)


def _flow_downhill(landscape, start: np.ndarray, top: float, iterations: int = 2000):
    low_bound, high_bound = landscape.bounds[:, 0], landscape.bounds[:, 1]
    x = np.array(start, dtype=float)
    h, g = landscape.height_and_slope(x)
    h, g = float(h), np.asarray(g, float)
    stride = 1e-3 * float(np.max(high_bound - low_bound))
    for _ in range(iterations):
        size = float(np.linalg.norm(g))
        if not np.isfinite(size) or size <= 1e-6 * max(top, 1e-12):
            return x, h
        while stride > 1e-15:
            trial = np.clip(x - stride * g / size, low_bound, high_bound)
            th, tg = landscape.height_and_slope(trial)
            if np.isfinite(th) and float(th) < h:
                x, h, g = trial, float(th), np.asarray(tg, float)
                stride *= 1.5
                break
            stride /= 2
        else:
            return x, h  # no lower ground within reach: a bottom
    return None  # still walking: cannot tell
