"""What a walker feels at step k: the slope (exact, or an estimate) under their feet.

Fairness rule of the race: step k of the player and of every racer uses the k-th draw from the
level's seed. The draw for step k comes from its own generator seeded with `(seed, k)`, so it does
not depend on how many draws came before or on who is walking, and every race is reproducible.
"""

from __future__ import annotations

import numpy as np

from foggymountain.terrain.landscapes import Landscape


def draw(seed: int, k: int) -> np.random.Generator:
    return np.random.default_rng([int(seed) & 0xFFFFFFFF, int(k)])


def felt_slope(
    landscape: Landscape,
    points: np.ndarray,
    k: int,
    *,
    seed: int,
    noise: float = 0.0,
    batch_size: int | None = None,
    true_height: bool = True,
) -> tuple[np.ndarray | None, np.ndarray]:
    """Heights and felt slopes at `points` (shape (..., n)) for step `k`.

    With `batch_size`, the slope is the mini-batch slope over rows drawn without replacement; with
    `noise`, Gaussian noise of that standard deviation is added to each component. All walkers at
    step k get the same rows and the same noise vector. The height returned is the true
    (full-data) height, which is what the altimeter shows; with `true_height=False` a mini-batch
    level skips measuring it over every row and returns None for the heights (the tuner measures
    its many walkers' heights on fewer rows).
    """
    points = np.asarray(points, dtype=float)
    n_rows = landscape.n_rows
    batched = bool(batch_size and n_rows and batch_size < n_rows)
    # Seeding a generator costs more than a whole slope on a small level: only when it is used.
    rng = draw(seed, k) if batched or noise > 0 else None
    if batched:
        rows = _batch(rng, n_rows, batch_size)
        _, slopes = landscape.height_and_slope(points, rows)
        heights = landscape.height(points) if true_height else None
    else:
        heights, slopes = landscape.height_and_slope(points)
    if noise > 0:
        slopes = slopes + noise * rng.standard_normal(points.shape[-1])
    return heights, slopes


def felt_rows(n_rows: int | None, k: int, *, seed: int, batch_size: int | None = None) -> np.ndarray | None:
    """The data rows the slope of step `k` is felt on: the mini-batch, or None for every row."""
    if not (batch_size and n_rows and batch_size < n_rows):
        return None
    return _batch(draw(seed, k), n_rows, batch_size)


def _batch(rng: np.random.Generator, n_rows: int, batch_size: int) -> np.ndarray:
    return rng.choice(n_rows, size=batch_size, replace=False)
