"""The valley floor: the lowest point of a landscape within its bounds (the global minimum).

The game needs it to score a hike and to check the valley floor a level file claims. A level's
landscape is a stranger's formula, so the search assumes nothing but bounds: the point found always
stays inside them (bounds are inclusive) and non-finite heights are walls, never a valley floor.

How (deterministic for a given `seed`):

1. Starting points. With 1 or 2 variables, a dense grid (2001 points, or 601 x 601) in one
   vectorised height call; every grid point no higher than its neighbours is the floor of a basin,
   and the lowest `BASINS` of them are kept. With more variables, a Latin hypercube of `SAMPLES`
   points from a seeded generator, and the lowest `STARTS` of them are kept. Data landscapes
   cost more per point, so they get a coarser grid and fewer starts (see `_WORK`).
2. Descent. A projected L-BFGS on all starts at once, using the exact slopes: coordinates pinned
   at a bound with the slope pushing outward are frozen, the direction comes from the two-loop
   recursion on the free coordinates, and the line search tries `TRIAL_STEPS` step lengths along
   the clipped path in one batched height call and keeps the lowest. After `EARLY_STEPS`, only the
   lowest `KEPT` starts go on.
3. With 3 to `MAX_SCANNED_VARIABLES` variables, scans of each axis in turn through the best few
   points (`SCAN_POINTS` heights per axis), jumping to lower ground and descending again.
4. Polish. A compass search (try plus and minus a stride on every axis, halve the stride when none
   is lower) on the best few, with heights only: it settles minima where slopes fail, such as the
   tip of a cone (`sqrt` at 0) or a kink (`abs`, `max`, `relu`).

No step ever accepts a point that is not strictly lower, so the answer is never worse than the best
starting point.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from foggymountain.terrain.landscapes import Landscape

GRID_POINTS = {1: 2001, 2: 601}
BASINS = 10
SAMPLES = 512
STARTS = 64
EARLY_STEPS = 30
KEPT = 8
POLISHED = 4
MEMORY = 8
MAX_DESCENT_STEPS = 300
MAX_POLISH_STEPS = 200
SCAN_POINTS = 201
MAX_SCAN_ROUNDS = 4
MAX_SCANNED_VARIABLES = 32
TRIAL_STEPS = 2.0 ** np.arange(2, -28, -1)

# What one batched height call should cost, in points x (data rows + variables): a fit level with
# thousands of rows searches a coarser grid and fewer starts instead of taking many seconds.
_WORK = 1_000_000
_CALL_POINTS = 400_000


@dataclass(frozen=True, eq=False)  # eq=False: `==` on arrays has no single truth value
class Minimum:
    """The valley floor found: `point` of shape (n,), read-only, and its `height`."""

    point: np.ndarray
    height: float


def find_minimum(landscape: Landscape, *, seed: int = 0) -> Minimum:
    """The global minimum of `landscape` within its bounds; ValueError if no height is finite."""
    with np.errstate(all="ignore"):  # walls and flat curvature pairs are handled, not warned about
        return _search(landscape, seed, np.empty((0, len(landscape.variables))))


# ---- the search --------------------------------------------------------------------------------


def settle(landscape: Landscape, points: np.ndarray, steps: int = 300) -> tuple[np.ndarray, np.ndarray]:
    """Where each point drains to: the bottom of its basin (projected L-BFGS, kept in bounds).

    `points` has shape (count, n); returns the settled points and their heights.
    """
    low, high = landscape.bounds[:, 0], landscape.bounds[:, 1]
    with np.errstate(all="ignore"):
        return _descend(landscape, np.atleast_2d(np.asarray(points, dtype=float)), low, high, steps)


def _search(landscape: Landscape, seed: int, extra_starts: np.ndarray) -> Minimum:
    bounds = np.asarray(landscape.bounds, dtype=float)
    if bounds.ndim != 2 or bounds.shape[1] != 2 or not np.all(np.isfinite(bounds)):
        raise ValueError("a landscape's bounds must be finite, one (low, high) pair per variable")
    low, high = bounds[:, 0], bounds[:, 1]
    if np.any(low > high):
        raise ValueError("a landscape's bounds must have low <= high")
    n = len(bounds)
    if n == 0:
        raise ValueError("a landscape needs at least one variable")
    cost = (landscape.n_rows or 1) + n

    if n <= 2:
        starts, heights = _grid_starts(landscape, low, high, cost)
    else:
        rng = np.random.default_rng(seed)
        starts, heights = _sampled_starts(landscape, low, high, cost, rng)
    if len(extra_starts):
        starts = np.concatenate([starts, extra_starts])
        heights = np.concatenate([heights, _heights(landscape, extra_starts)])
    finite = np.isfinite(heights)
    if not finite.any():
        raise ValueError("the landscape has no finite height anywhere its search looked")
    points, heights = _descend(landscape, starts[finite], low, high, EARLY_STEPS)
    points, heights = _lowest(points, heights, KEPT)
    points, heights = _descend(landscape, points, low, high, MAX_DESCENT_STEPS)
    if 2 < n <= MAX_SCANNED_VARIABLES:
        points, heights = _lowest(points, heights, _affordable(POLISHED, SCAN_POINTS * cost))
        points, heights = _scan_axes(landscape, points, heights, low, high)
    points, heights = _lowest(points, heights, _affordable(POLISHED, 2 * n * cost))
    points, heights = _polish(landscape, points, heights, low, high)
    i = int(np.argmin(heights))
    point = np.clip(points[i], low, high)
    point.setflags(write=False)
    return Minimum(point=point, height=float(heights[i]))


def _lowest(points, heights, count) -> tuple[np.ndarray, np.ndarray]:
    keep = np.argsort(heights, kind="stable")[:count]
    return points[keep], heights[keep]


def _affordable(count: int, cost_each: int) -> int:
    """How many of `count` batched searches fit one call of `_WORK`, at least one."""
    return int(np.clip(_WORK // max(cost_each, 1), 1, count))


def _grid_starts(landscape, low, high, cost) -> tuple[np.ndarray, np.ndarray]:
    """The floors of the lowest `BASINS` basins of a dense grid (1 or 2 variables)."""
    n = len(low)
    per_axis = min(GRID_POINTS[n], max(31, int((_WORK / cost) ** (1.0 / n))))
    axes = [np.linspace(lo, hi, per_axis) for lo, hi in zip(low, high)]
    mesh = np.stack(np.meshgrid(*axes, indexing="ij"), axis=-1)
    heights = _heights(landscape, mesh.reshape(-1, n)).reshape(mesh.shape[:-1])

    padded = np.pad(heights, 1, constant_values=np.inf)
    is_floor = np.isfinite(heights)
    for offset in np.ndindex(*(3,) * n):
        if offset == (1,) * n:
            continue
        window = tuple(slice(o, o + per_axis) for o in offset)
        is_floor &= heights <= padded[window]
    floors = np.flatnonzero(is_floor)
    if len(floors) == 0:  # only flat or non-finite ground: take the lowest finite points
        floors = np.flatnonzero(np.isfinite(heights))
    flat_heights = heights.reshape(-1)
    order = floors[np.argsort(flat_heights[floors], kind="stable")[:BASINS]]
    return mesh.reshape(-1, n)[order], flat_heights[order]


def _sampled_starts(landscape, low, high, cost, rng) -> tuple[np.ndarray, np.ndarray]:
    """The lowest `STARTS` of a Latin hypercube sample, plus the centre of the box."""
    n = len(low)
    samples = max(STARTS, _affordable(SAMPLES, cost))
    strata = np.argsort(rng.random((n, samples)), axis=1).T
    unit = (strata + rng.random((samples, n))) / samples
    points = np.concatenate([low + unit * (high - low), ((low + high) / 2)[None]])
    heights = _heights(landscape, points)
    return _lowest(points, heights, _affordable(STARTS, len(TRIAL_STEPS) * cost))


def _descend(landscape, points, low, high, steps) -> tuple[np.ndarray, np.ndarray]:
    """Projected L-BFGS from every start at once; each start stops when no step is lower."""
    points = np.clip(points, low, high)
    count, n = points.shape
    diagonal = max(float(np.linalg.norm(high - low)), 1e-12)
    heights, slopes = _heights_and_slopes(landscape, points)
    s_memory = np.zeros((count, MEMORY, n))
    y_memory = np.zeros((count, MEMORY, n))
    stored = np.zeros((count, MEMORY), dtype=bool)
    running = np.isfinite(heights)

    for _ in range(steps):
        if not running.any():
            break
        idx = np.flatnonzero(running)
        x, f, g = points[idx], heights[idx], slopes[idx]
        free = ~(((x <= low) & (g > 0)) | ((x >= high) & (g < 0)))
        projected = g * free
        direction = _lbfgs_direction(
            projected, free, s_memory[idx], y_memory[idx], stored[idx], diagonal
        )
        flat = np.all(projected == 0, axis=1)

        trials = np.clip(
            x[:, None, :] + TRIAL_STEPS[None, :, None] * direction[:, None, :], low, high
        )
        trial_heights = _heights(landscape, trials.reshape(-1, n)).reshape(len(idx), -1)
        pick = np.argmin(trial_heights, axis=1)
        new_f = trial_heights[np.arange(len(idx)), pick]
        lower = (new_f < f) & ~flat

        # A start that cannot go lower with an empty memory is done; otherwise forget and retry.
        had_memory = stored[idx].any(axis=1)
        stored[idx[~lower]] = False
        running[idx[~lower & ~had_memory]] = False
        running[idx[flat]] = False
        if not lower.any():
            continue

        moved = idx[lower]
        new_x = trials[lower, pick[lower]]
        new_h, new_g = _heights_and_slopes(landscape, new_x)
        step, change = new_x - points[moved], new_g - slopes[moved]
        s_memory[moved] = np.concatenate([s_memory[moved, 1:], step[:, None]], axis=1)
        y_memory[moved] = np.concatenate([y_memory[moved, 1:], change[:, None]], axis=1)
        stored[moved] = np.concatenate(
            [stored[moved, 1:], np.ones((len(moved), 1), dtype=bool)], axis=1
        )
        points[moved], heights[moved], slopes[moved] = new_x, new_h, new_g
    return points, heights


def _lbfgs_direction(projected, free, s_memory, y_memory, stored, diagonal) -> np.ndarray:
    """The L-BFGS two-loop recursion restricted to the free coordinates, for a batch of starts.

    Memory pairs are masked to the free coordinates and dropped where their curvature is not
    positive there, which keeps the direction downhill on the free coordinates.
    """
    s = s_memory * free[:, None, :]
    y = y_memory * free[:, None, :]
    sy = np.einsum("bmn,bmn->bm", s, y)
    yy = np.einsum("bmn,bmn->bm", y, y)
    scale = np.sqrt(np.einsum("bmn,bmn->bm", s, s) * yy)
    usable = stored & (sy > 1e-12 * scale) & (sy > 0)
    rho = np.where(usable, 1.0 / np.where(usable, sy, 1.0), 0.0)

    q = projected.copy()
    alpha = np.zeros(rho.shape)
    for i in reversed(range(MEMORY)):
        alpha[:, i] = rho[:, i] * np.einsum("bn,bn->b", s[:, i], q)
        q -= alpha[:, i, None] * y[:, i]

    # Scale the first guess like the newest usable pair; with no memory, aim a tenth of the box.
    newest = MEMORY - 1 - np.argmax(usable[:, ::-1], axis=1)
    rows = np.arange(len(q))
    gradient_norm = np.maximum(np.linalg.norm(projected, axis=1), 1e-300)
    gamma = np.where(
        usable.any(axis=1),
        sy[rows, newest] / np.where(usable.any(axis=1), yy[rows, newest], 1.0),
        0.1 * diagonal / gradient_norm,
    )
    r = gamma[:, None] * q
    for i in range(MEMORY):
        beta = rho[:, i] * np.einsum("bn,bn->b", y[:, i], r)
        r += s[:, i] * (alpha[:, i] - beta)[:, None]
    direction = -r * free

    uphill = ~(np.einsum("bn,bn->b", direction, projected) < 0)
    direction[uphill] = -(0.1 * diagonal / gradient_norm[uphill])[:, None] * projected[uphill]
    return direction


def _scan_axes(landscape, points, heights, low, high) -> tuple[np.ndarray, np.ndarray]:
    """Scan each axis through the best points, jump to the lowest ground seen, descend again.

    Random starts rarely land in the right basin on every axis at once when there are many
    variables (2**n basins for Styblinski-Tang); one axis at a time, the right basin is easy.
    """
    points, heights = points.copy(), heights.copy()
    count, n = points.shape
    for _ in range(MAX_SCAN_ROUNDS):
        jumped = False
        for axis in range(n):
            trials = np.repeat(points[:, None, :], SCAN_POINTS, axis=1)
            trials[:, :, axis] = np.linspace(low[axis], high[axis], SCAN_POINTS)
            trial_heights = _heights(landscape, trials.reshape(-1, n)).reshape(count, -1)
            pick = np.argmin(trial_heights, axis=1)
            new_f = trial_heights[np.arange(count), pick]
            lower = new_f < heights
            points[lower] = trials[lower, pick[lower]]
            heights[lower] = new_f[lower]
            jumped |= bool(lower.any())
        if not jumped:
            break
        points, heights = _descend(landscape, points, low, high, MAX_DESCENT_STEPS)
    return points, heights


def _polish(landscape, points, heights, low, high) -> tuple[np.ndarray, np.ndarray]:
    """Compass search with heights only: step to the lowest of +-stride on each axis, else halve."""
    points, heights = points.copy(), heights.copy()
    count, n = points.shape
    stride = np.tile(1e-2 * (high - low), (count, 1))
    smallest = 1e-12 * np.maximum(np.abs(high - low), 1e-300)
    moves = np.concatenate([np.eye(n), -np.eye(n)])
    for _ in range(MAX_POLISH_STEPS):
        running = np.any(stride > smallest, axis=1)
        if not running.any():
            break
        idx = np.flatnonzero(running)
        trials = np.clip(points[idx, None, :] + moves[None] * stride[idx, None, :], low, high)
        trial_heights = _heights(landscape, trials.reshape(-1, n)).reshape(len(idx), -1)
        pick = np.argmin(trial_heights, axis=1)
        new_f = trial_heights[np.arange(len(idx)), pick]
        lower = new_f < heights[idx]
        points[idx[lower]] = trials[lower, pick[lower]]
        heights[idx[lower]] = new_f[lower]
        stride[idx[~lower]] /= 2
    return points, heights


# ---- evaluation: non-finite heights are walls ---------------------------------------------------


def _heights(landscape, points: np.ndarray) -> np.ndarray:
    out = np.empty(len(points))
    for start in range(0, len(points), _CALL_POINTS):
        out[start : start + _CALL_POINTS] = landscape.height(points[start : start + _CALL_POINTS])
    out[~np.isfinite(out)] = np.inf
    return out


def _heights_and_slopes(landscape, points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    heights, slopes = landscape.height_and_slope(points)
    heights = np.array(heights, dtype=float)
    slopes = np.array(slopes, dtype=float)
    heights[~np.isfinite(heights)] = np.inf
    # Where a slope is undefined (the tip of sqrt at 0), the compass polish takes over.
    slopes[~np.isfinite(slopes)] = 0.0
    return heights, slopes
