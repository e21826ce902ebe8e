"""Predict, then reveal: the player's guess before the fog lifts, and how close it was.

Before the reveal the player may guess where the valley floor is (1-D: a point on the line; 2-D:
a point on the map; more weights: only how low the floor is) and which racer will win. Guessing
first makes the reveal teach more (Crouch et al. 2004). Nothing here imports Textual.

The forecast score (0–100) is the sum of its parts, each given only for what was guessed:

- **floor** (50): full marks within 5% of the map's diagonal of the true floor, none beyond 50%,
  straight in between. With many weights the floor's *height* is guessed instead: full marks
  within 5% of the drop from the start to the floor, none beyond 50%.
- **winner** (50): the racer named won, or "nobody" was named and nobody reached the goal.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from foggymountain.outcome import Race, Status

NOBODY = "nobody"  # the winner guessed when the player thinks no racer will reach the goal
FLOOR_POINTS = WINNER_POINTS = 50
FULL_MARKS_WITHIN, NONE_BEYOND = 0.05, 0.5  # of the map's diagonal, or of the drop to the floor


@dataclass(frozen=True)
class Prediction:
    """What the player guessed; None where they guessed nothing."""

    floor: tuple[float, ...] | None = None  # 1-D and 2-D: where the floor is
    floor_height: float | None = None  # many weights: how low the floor is
    winner: str | None = None  # a racer's name, or NOBODY

    @property
    def empty(self) -> bool:
        return self.floor is None and self.floor_height is None and self.winner is None


@dataclass(frozen=True)
class Forecast:
    """A prediction beside the truth."""

    prediction: Prediction
    true_floor: tuple[float, ...]
    true_floor_height: float
    true_winner: str  # the racer that won among the racers, or NOBODY
    floor_off: float | None  # how far the guessed floor was (distance, or height difference)
    floor_points: int
    winner_points: int

    @property
    def score(self) -> int:
        return self.floor_points + self.winner_points

    def to_json(self) -> dict:
        """The `prediction` field of progress and result files."""
        guess = self.prediction
        return {
            "floor": list(guess.floor) if guess.floor is not None else None,
            "floor_height": guess.floor_height,
            "winner": guess.winner,
            "score": self.score,
            "true_floor": list(self.true_floor),
            "true_floor_height": self.true_floor_height,
            "true_winner": self.true_winner,
        }


def height_range(level) -> tuple[float, float]:
    """The heights a floor-height guess moves between: from the start down to 0 for losses (never
    below 0), or as far below the start as the start is above 0 otherwise. Needs no search."""
    top = float(level.start_height)
    bottom = 0.0 if top > 0 else top - abs(top) - 1.0
    return bottom, top


def closeness(off: float, scale: float) -> int:
    """FLOOR_POINTS for `off` within FULL_MARKS_WITHIN of `scale`, none beyond NONE_BEYOND."""
    if not math.isfinite(off) or scale <= 0:
        return 0
    fraction = off / scale
    if fraction <= FULL_MARKS_WITHIN:
        return FLOOR_POINTS
    if fraction >= NONE_BEYOND:
        return 0
    return round(FLOOR_POINTS * (NONE_BEYOND - fraction) / (NONE_BEYOND - FULL_MARKS_WITHIN))


def judge_prediction(prediction: Prediction, result: Race) -> Forecast:
    level = result.level
    floor = level.minimum
    point = np.asarray(floor.point, dtype=float)
    off, floor_points = None, 0
    if prediction.floor is not None:
        bounds = level.landscape.bounds
        diagonal = float(np.linalg.norm(bounds[:, 1] - bounds[:, 0]))
        off = float(np.linalg.norm(np.asarray(prediction.floor, dtype=float) - point))
        floor_points = closeness(off, diagonal)
    elif prediction.floor_height is not None:
        off = abs(prediction.floor_height - float(floor.height))
        floor_points = closeness(off, float(level.start_height) - float(floor.height))
    # Which *racer* wins: the first racer of the ranking if it reached the goal (winning means
    # reaching), whether or not the player beat it.
    best = result.best_racer if result.racers else None
    true_winner = best.name if best is not None and best.status == Status.REACHED else NOBODY
    winner_points = WINNER_POINTS if prediction.winner is not None and prediction.winner == true_winner else 0
    return Forecast(prediction, tuple(float(v) for v in point), float(floor.height), true_winner,
                    off, floor_points, winner_points)


# ---- placing a guess on a blank map ---------------------------------------------------------------


class GuessCursor:
    """A cursor over a blank grid of `columns` × `rows` cells standing for the level's map (1-D: one
    row along the line; 2-D: the map, north up; more weights: a scale of heights, left lowest).
    Not placed until first moved: Enter with nothing placed guesses nothing.

    The first move starts from `origin`, where the hike stopped (with many weights: its height,
    when the player could read it on the altimeter; else the start, the top of the scale), then
    moves: the guess grows from what the player knows. Never from the middle of the map, which is
    the valley floor of many symmetric levels: one key press there was a perfect guess."""

    def __init__(self, level, columns: int, rows: int = 1, origin=None) -> None:
        self.level = level
        self.dimensions = level.dimensions
        self.columns = max(2, columns)
        self.rows = max(1, rows) if self.dimensions == 2 else 1
        self.origin = origin
        self.cell: tuple[int, int] | None = None

    def _origin_cell(self) -> tuple[int, int]:
        if self.dimensions > 2:
            low, high = height_range(self.level)
            height = self.origin if self.origin is not None and math.isfinite(self.origin) else high
            fraction = min(max((height - low) / (high - low), 0.0), 1.0) if high > low else 1.0
            return min(int(fraction * self.columns), self.columns - 1), 0
        cell = self.cell_of(self.origin) if self.origin is not None else None
        return cell if cell is not None else (self.columns // 2, self.rows // 2)

    def move(self, right: int, up: int = 0) -> None:
        if self.cell is None:
            self.cell = self._origin_cell()
        column = min(max(self.cell[0] + right, 0), self.columns - 1)
        row = min(max(self.cell[1] - up, 0), self.rows - 1) if self.dimensions == 2 else 0
        self.cell = (column, row)

    def _along(self, index: int, cells: int, low: float, high: float) -> float:
        return low + (high - low) * (index + 0.5) / cells

    def point(self) -> tuple[float, ...] | None:
        """1-D and 2-D: where the cursor stands on the map (the centre of its cell)."""
        if self.cell is None or self.dimensions > 2:
            return None
        bounds = self.level.landscape.bounds
        x = self._along(self.cell[0], self.columns, bounds[0, 0], bounds[0, 1])
        if self.dimensions == 1:
            return (x,)
        y = self._along(self.rows - 1 - self.cell[1], self.rows, bounds[1, 0], bounds[1, 1])
        return (x, y)

    def height(self) -> float | None:
        """More weights: the floor height the cursor points at on the scale."""
        if self.cell is None or self.dimensions <= 2:
            return None
        low, high = height_range(self.level)
        return self._along(self.cell[0], self.columns, low, high)

    def cell_of(self, point) -> tuple[int, int] | None:
        """The cell a point of the map falls in (1-D, 2-D), to mark the start and the hike's end."""
        if self.dimensions > 2 or point is None or not np.all(np.isfinite(point)):
            return None
        bounds = self.level.landscape.bounds
        spans = bounds[:, 1] - bounds[:, 0]
        fraction = (np.asarray(point, dtype=float) - bounds[:, 0]) / np.where(spans > 0, spans, 1)
        if np.any(fraction < 0) or np.any(fraction > 1):
            return None
        column = min(int(fraction[0] * self.columns), self.columns - 1)
        row = 0 if self.dimensions == 1 else self.rows - 1 - min(int(fraction[1] * self.rows), self.rows - 1)
        return column, row


# ---- drawing a guess beside the truth --------------------------------------------------------------

# (right, up) -> the arrow pointing from a picture's edge towards a point beyond it
EDGE_ARROWS = {(-1, 0): "←", (1, 0): "→", (0, 1): "↑", (0, -1): "↓",
               (-1, 1): "↖", (1, 1): "↗", (-1, -1): "↙", (1, -1): "↘"}


def edge_arrow(point, frame) -> str:
    """Nothing when `point` lies within `frame` (one (low, high) per axis: x, then y, north up),
    else the arrow from the frame's edge towards it: a guess beyond the drawn part of the map or curve
    is drawn at the edge as this arrow."""
    sides = []
    for value, (low, high) in zip(np.asarray(point, float).ravel()[:2], np.asarray(frame, float).reshape(-1, 2)[:2]):
        sides.append(-1 if value < low else 1 if value > high else 0)
    right, up = (sides + [0, 0])[:2]
    return EDGE_ARROWS.get((right, up), "")


def guessed_point(forecast: Forecast | None) -> tuple[float, ...] | None:
    """Where the player guessed the floor (1-D, 2-D), or None: no forecast, or nothing placed."""
    if forecast is None or forecast.prediction.floor is None:
        return None
    point = tuple(float(v) for v in forecast.prediction.floor)
    return point if all(math.isfinite(v) for v in point) else None


def guessed_height(forecast: Forecast | None) -> float | None:
    """How low the player guessed the floor (many weights), or None."""
    if forecast is None or forecast.prediction.floor_height is None:
        return None
    height = float(forecast.prediction.floor_height)
    return height if math.isfinite(height) else None


def forecast_sentence(forecast: Forecast, variables, labels: dict[str, str]) -> str:
    """The guess beside the truth, for the reveal: `You guessed the floor at x = 0.4 (truth: x = 0;
    2.3 away) and Momentum to win (right). Forecast 97/100.`"""
    from foggymountain.numbers import number

    guess, parts = forecast.prediction, []
    if guess.floor is not None:
        said = ", ".join(f"{name} = {number(v)}" for name, v in zip(variables, guess.floor))
        truth = ", ".join(f"{name} = {number(v)}" for name, v in zip(variables, forecast.true_floor))
        parts.append(f"the floor at {said} (truth: {truth}; {number(forecast.floor_off)} away)")
    elif guess.floor_height is not None:
        parts.append(f"the floor at height {number(guess.floor_height)} "
                     f"(truth: {number(forecast.true_floor_height)}; {number(forecast.floor_off)} off)")
    if guess.winner is not None:
        name = "nobody" if guess.winner == NOBODY else labels.get(guess.winner, guess.winner)
        truth = "nobody" if forecast.true_winner == NOBODY else labels.get(forecast.true_winner, forecast.true_winner)
        right = "right" if forecast.winner_points else f"it was {truth}"
        parts.append(f"{name} to win ({right})")
    return f"You guessed {' and '.join(parts)}. Forecast {forecast.score}/100."
