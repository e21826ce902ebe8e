"""Reading a trail: what happened on a walk (overshoot, crawl, plateau, zig-zag, a fall, a side
valley, a saddle), each pointing at the step where it happened.

Judged on the true ground (exact heights and slopes), not on the noisy slope that was felt.
Crawling, plateaus and zig-zags count only until the walk first reached the goal: once there,
small or back-and-forth steps are fine. The kinds and their words live in `outcome.EventKind`;
the thresholds that decide them are named below, each with why it is what it is.

Scales the thresholds are relative to, so they mean the same on every level:
- *map side*: the longest side of the level's bounds;
- *steepest*: the steepest true slope met before the walk first reached the goal;
- *height left*: how far above the valley floor a point is.
"""

from __future__ import annotations

import numpy as np

from foggymountain.level import Level
from foggymountain.outcome import Event, EventKind, Status, Walk
from foggymountain.terrain.minimum import settle

# Overshoot: a downhill step whose landing point rises along the step's own direction, by at
# least this share of how steeply it fell at the start. Below it, the walker merely crossed a
# gentle, nearly flat floor, which is fine.
OVERSHOOT_RISE = 0.3

# A condition must hold this many steps in a row to be a habit (crawl, plateau, zig-zag) and not
# a single odd step.
RUN = 3

# Crawl: strides shorter than this share of the map side...
CRAWL_STRIDE = 0.02
# ...each winning less than this share of the height left...
CRAWL_GAIN = 0.01
# ...on ground still steeper than this share of the steepest: the slope was there to be used.
CRAWL_STEEP = 0.1

# Plateau: ground flatter than this share of the steepest, above the goal.
PLATEAU_FLAT = 0.02
# A plateau crossed counts only if the walk found slope again: ground this share of the steepest.
PLATEAU_LEFT = 0.1

# Stopped on flat ground: a slope under this share of the steepest is "flat underfoot".
STOPPED_FLAT = 1e-3
# Saddle test: nudge the end point by this share of the map side, and see whether it drains...
SADDLE_NUDGE = 1e-3
# ...at least this share of the way from where it stopped down to the valley floor.
SADDLE_DROP = 0.1

# Side valley: the basin's bottom is farther than this share of the map side from the floor.
SIDE_VALLEY_AWAY = 0.1

# Flowing downhill to a basin's bottom (when L-BFGS cannot be trusted): the first stride as a
# share of the map side, the most steps, and a slope this share of the steepest counts as bottom.
FLOW_STRIDE = 1e-3
FLOW_STEPS = 2000
FLOW_BOTTOM = 1e-6


def read_trail(level: Level, walk: Walk) -> list[Event]:
    """What happened on a trail, each at the step where it happened, in step order."""
    landscape = level.landscape
    path = walk.path
    steps = np.diff(path, axis=0)
    if not len(steps):
        return []
    strides = np.linalg.norm(steps, axis=1)
    map_side = _map_side(landscape)
    inside = landscape.inside_each(path)
    usable = int(np.argmin(inside)) if not inside.all() else len(path)  # points before any fall
    true_heights, slopes = landscape.height_and_slope(np.where(inside[:, None], path, path[0]))
    steep = np.linalg.norm(slopes, axis=1)
    window = min(usable - 1, walk.steps_to_goal if walk.steps_to_goal is not None else len(steps))
    steepest = float(steep[: max(window, 1)].max()) if usable else 0.0
    floor = level.minimum.height
    events: list[Event] = []

    crossings = []
    for k in range(usable - 1):
        along, after = float(steps[k] @ slopes[k]), float(steps[k] @ slopes[k + 1])
        if along < 0 < after and after > OVERSHOOT_RISE * -along:
            crossings.append(k)
    if crossings:
        k = crossings[0]
        rose = f", and the ground rose from {true_heights[k]:.3g} to {true_heights[k + 1]:.3g}" if true_heights[k + 1] > true_heights[k] else ""
        more = f" (it happened {len(crossings) - 1} more time{'s' if len(crossings) > 2 else ''})" if len(crossings) > 1 else ""
        events.append(Event(k + 1, EventKind.OVERSHOOT, f"step {k + 1} jumped across the valley floor: the slope flipped under your feet{rose}{more}"))

    flat_start = None
    if window >= RUN and steepest > 0:
        drops = true_heights[:window] - true_heights[1 : window + 1]
        height_left = np.maximum(true_heights[:window] - floor, 1e-300)
        crawling = ((strides[:window] < CRAWL_STRIDE * map_side) & (drops < CRAWL_GAIN * height_left)
                    & (steep[:window] > CRAWL_STEEP * steepest))
        start = _first_run(crawling, RUN)
        if start is not None:
            events.append(Event(start + 1, EventKind.CRAWL, f"from step {start + 1} the strides were tiny ({strides[start]:.2g}) on ground that was still steep: each step won less than 1% of the height left, and the budget ran down"))
        flat_start = _first_run((steep[:window] < PLATEAU_FLAT * steepest) & (true_heights[:window] > level.goal), RUN)
        if level.dimensions >= 2:
            turns = np.einsum("ij,ij->i", steps[: window - 1], steps[1:window]) < 0
            start = _first_run(turns, RUN)
            if start is not None:
                events.append(Event(start + 1, EventKind.ZIG_ZAG, f"from step {start + 1} each step reversed the last one: zig-zagging across a ravine instead of walking along it"))
    plateau = None
    if flat_start is not None:
        plateau = Event(flat_start + 1, EventKind.PLATEAU, f"from step {flat_start + 1} the ground was almost flat (slope {steep[flat_start]:.2g}): little to feel, a long walk")
        if np.any(steep[flat_start:usable] > PLATEAU_LEFT * steepest):  # it crossed the flat and found slope again
            events.append(plateau)
            plateau = None

    if walk.status == Status.FELL_OFF:
        events.append(Event(walk.steps, EventKind.FELL_OFF, f"step {walk.steps} left the map: you fell off the edge"))
    elif walk.status == Status.DIVERGED:
        events.append(Event(walk.steps, EventKind.DIVERGED, f"step {walk.steps} reached ground that is not finite: the walk diverged"))
    elif walk.final_height > level.goal:
        drained = _where_it_drains(level, path[-1], float(true_heights[-1]), steepest, walk.steps)
        events.extend(drained)
        if plateau is not None and not drained:  # still on the flat when the budget ran out
            events.append(plateau)
    return sorted(events, key=lambda e: e.step)


def _map_side(landscape) -> float:
    return float(np.max(landscape.bounds[:, 1] - landscape.bounds[:, 0]))


def _first_run(mask: np.ndarray, length: int) -> int | None:
    run = 0
    for i, flag in enumerate(mask):
        run = run + 1 if flag else 0
        if run >= length:
            return i - length + 1
    return None


def _where_it_drains(level: Level, end: np.ndarray, height: float, steepest: float, step: int) -> list[Event]:
    """A walk that stopped above the goal: is it on a saddle, or in a side valley's basin?"""
    landscape = level.landscape
    floor = level.minimum
    map_side = _map_side(landscape)
    slope = landscape.height_and_slope(end)[1]
    if np.linalg.norm(slope) <= STOPPED_FLAT * max(steepest, 1e-12):
        # Flat here. A saddle drops away after a nudge; a valley floor does not.
        nudge = np.random.default_rng(level.seed).standard_normal(len(end))
        nudged = np.clip(end + SADDLE_NUDGE * map_side * nudge / np.linalg.norm(nudge),
                         landscape.bounds[:, 0], landscape.bounds[:, 1])
        bottom = _basin_bottom(landscape, nudged, steepest)
        if bottom is not None and height - bottom[1] > SADDLE_DROP * (height - floor.height):
            return [Event(step, EventKind.SADDLE, f"you stopped on a pass (a saddle point) at height {height:.3g}: flat underfoot, yet the ground falls away sideways, down to {bottom[1]:.3g}")]
    bottom = _basin_bottom(landscape, end, steepest)
    if bottom is not None and bottom[1] > level.goal and np.linalg.norm(bottom[0] - floor.point) > SIDE_VALLEY_AWAY * map_side:
        return [Event(step, EventKind.SIDE_VALLEY, f"the ground where you stopped drains into a side valley, whose floor is at height {bottom[1]:.3g}; the lowest floor is {floor.height:.3g}, elsewhere")]
    return []


def _basin_bottom(landscape, start: np.ndarray, steepest: float) -> tuple[np.ndarray, float] | None:
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
    return _flow_downhill(landscape, start, steepest)


def _flow_downhill(landscape, start: np.ndarray, steepest: float):
    low_bound, high_bound = landscape.bounds[:, 0], landscape.bounds[:, 1]
    x = np.array(start, dtype=float)
    h, g = landscape.height_and_slope(x)
    h, g = float(h), np.asarray(g, float)
    stride = FLOW_STRIDE * _map_side(landscape)
    for _ in range(FLOW_STEPS):
        size = float(np.linalg.norm(g))
        if not np.isfinite(size) or size <= FLOW_BOTTOM * max(steepest, 1e-12):
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
