"""How steep a slope is *for this level's ground*: a word and a 0..1 length, never an angle.

A slope of 1 is a gentle meadow on one level and a rounding error on another: heights and
positions have units of their own, so an angle (atan of rise over run) says nothing. Instead a
slope is compared with the level's own scale of slopes, `SlopeScale.reference`:

- 1 or 2 variables: the 90th percentile of the slope sizes along the straight line from the
  start to the valley floor (the ground the lesson is about; the far corners of a map, whose
  slopes can be a hundred times steeper, do not count);
- more variables: the slope size at the start (the first slope the walker feels), as the
  valley floor of such a level is a search of its own and is not waited for.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

LINE_POINTS = 65
# (ratio to the reference below which the word applies, the word), flattest first.
WORDS = (
    (0.05, "almost flat"),
    (0.3, "gentle"),
    (0.7, "moderate"),
    (1.5, "steep"),
)
STEEPEST_WORD = "very steep"
FLAT_WORD = "flat"


@dataclass(frozen=True)
class SlopeScale:
    """The slope size that counts as "steep" on one level."""

    reference: float

    def ratio(self, steepness: float) -> float:
        steepness = abs(float(steepness))
        if not math.isfinite(steepness):
            return math.inf
        if self.reference <= 0 or not math.isfinite(self.reference):
            return 0.0 if steepness == 0 else 1.0
        return steepness / self.reference

    def word(self, steepness: float) -> str:
        if float(steepness) == 0:
            return FLAT_WORD
        ratio = self.ratio(steepness)
        for below, word in WORDS:
            if ratio < below:
                return word
        return STEEPEST_WORD

    def length(self, steepness: float) -> float:
        """0..1 of a gauge's radius: 0 on flat ground, at least a quarter for any slope at all,
        the whole radius from twice the reference on."""
        if float(steepness) == 0:
            return 0.0
        return min(1.0, max(0.25, self.ratio(steepness) / 2.0))


def slope_scale(level) -> SlopeScale:
    """The level's scale of slopes (see the module's docstring). Costs one batch of slopes and,
    for 1 or 2 variables, the valley floor (which the race needs afterwards anyway)."""
    landscape = level.landscape
    start = np.asarray(level.start, float)
    if level.dimensions <= 2:
        floor = np.asarray(level.minimum.point, float)
        points = start + np.linspace(0.0, 1.0, LINE_POINTS)[:, None] * (floor - start)
    else:
        points = start[None, :]
    with np.errstate(all="ignore"):
        _, slopes = landscape.height_and_slope(points)
    sizes = np.linalg.norm(np.asarray(slopes, float).reshape(len(points), -1), axis=1)
    sizes = sizes[np.isfinite(sizes)]
    if sizes.size == 0:
        return SlopeScale(0.0)
    return SlopeScale(float(np.quantile(sizes, 0.9)))
