"""Landscapes: the ground a level is made of. Height (loss) and exact slope (gradient) anywhere.

Every landscape answers the same two questions over a batch of points of shape `(..., n)`:

- `height(points)` -> heights of shape `(...)`,
- `height_and_slope(points, rows=None)` -> `(heights (...), slopes (..., n))`.

`rows` restricts a data-driven landscape (fit, next-token) to a mini-batch of its data rows; a
function landscape has no rows and ignores it. What the player *feels* (noise, mini-batches drawn
from the level's seed) is decided in `foggymountain.feel`, not here: a landscape is deterministic.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from foggymountain.terrain.expression import Expression, as_slope, seeded

# Evaluate (points x rows) in batches of at most this many floats (1 MB per array). Small enough
# that the temporaries stay in the CPU cache and come from malloc's pool instead of fresh pages:
# 2,000,000 was 3 to 7 times slower on a race over 100,000 rows (benchmarks/run.py). The
# arithmetic of each point is the same whatever the batch, so heights do not change by a bit.
_CHUNK_FLOATS = 131_072


class Landscape:
    kind: str = ""
    variables: tuple[str, ...]
    bounds: np.ndarray  # shape (n, 2): low, high per variable

    @property
    def n_rows(self) -> int | None:
        """Number of data rows a mini-batch can be drawn from, or None (no data)."""
        return None

    def height(self, points: np.ndarray) -> np.ndarray:
        return self.height_and_slope(points)[0]

    def height_and_slope(
        self, points: np.ndarray, rows: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        raise NotImplementedError

    def inside(self, point: np.ndarray) -> bool:
        return bool(self.inside_each(point))

    def inside_each(self, points: np.ndarray) -> np.ndarray:
        """For points of shape (..., n): which are on the map (bounds included; nan is not)."""
        points = np.asarray(points, dtype=float)
        return np.all((points >= self.bounds[:, 0]) & (points <= self.bounds[:, 1]), axis=-1)


@dataclass(eq=False)
class FunctionLandscape(Landscape):
    """The ground is a formula of the variables: `height = "(x - 1)**2 + 10*(y + 2)**2"`."""

    expression: Expression
    variables: tuple[str, ...]
    bounds: np.ndarray
    kind: str = "function"

    def height(self, points: np.ndarray) -> np.ndarray:
        points = np.asarray(points, dtype=float)
        env = {name: points[..., i] for i, name in enumerate(self.variables)}
        return np.broadcast_to(self.expression.value(env), points.shape[:-1]).astype(float)

    def height_and_slope(self, points, rows=None):
        points = np.asarray(points, dtype=float)
        env = {name: points[..., i] for i, name in enumerate(self.variables)}
        value, slope = self.expression.value_and_slope(env, self.variables)
        lead = points.shape[:-1]
        if value.shape != lead:  # a formula that ignores some variables
            value = np.broadcast_to(value, lead)
        if slope.shape[1:] != lead:  # a constant formula's slope is (n,) whatever the points
            missing = (1,) * (len(lead) - slope.ndim + 1)
            slope = np.broadcast_to(slope.reshape(slope.shape[:1] + missing + slope.shape[1:]), slope.shape[:1] + lead)
        # Copies, slopes last: (..., n). transpose() is np.moveaxis without its checks, which cost
        # as much as the slope of a small formula (a race calls this every step).
        return value.astype(float), np.array(slope.transpose(tuple(range(1, slope.ndim)) + (0,)), dtype=float, order="C")


LOSSES = ("mse", "mae", "logistic")


def _loss(loss: str, prediction: np.ndarray, target: np.ndarray) -> np.ndarray:
    """Per-row loss (the same arithmetic as `_loss_and_dloss`, so heights agree to the bit)."""
    if loss == "mse":
        error = prediction - target
        return error * error
    if loss == "mae":
        return np.abs(prediction - target)
    return np.logaddexp(0.0, prediction) - target * prediction


def _loss_and_dloss(loss: str, prediction: np.ndarray, target: np.ndarray):
    """Per-row loss and its derivative with respect to the prediction."""
    error = prediction - target
    if loss == "mse":
        return error * error, 2.0 * error
    if loss == "mae":
        return np.abs(error), np.sign(error)
    # Binary cross-entropy on a logit z with target t in {0, 1}: softplus(z) - t*z.
    z = prediction
    return np.logaddexp(0.0, z) - target * z, 0.5 * (1.0 + np.tanh(0.5 * z)) - target


@dataclass(eq=False)
class FitLandscape(Landscape):
    """The ground is the mean loss of a model over data; the variables are the model's parameters."""

    model: Expression
    variables: tuple[str, ...]
    bounds: np.ndarray
    data: dict[str, np.ndarray]
    target: str
    loss: str = "mse"
    kind: str = "fit"
    columns: tuple[str, ...] = field(default=())
    holdout: dict[str, np.ndarray] | None = None  # rows never felt on the hike: new data
    # Hidden units, in order: (name, formula of the variables and data columns). The model may use
    # their names; a unit's slope flows into the model's by the chain rule (see terrain/chain.py).
    hidden: tuple[tuple[str, Expression], ...] = ()

    @property
    def n_rows(self) -> int:
        return len(self.data[self.target])

    def held_out_height(self, points: np.ndarray) -> np.ndarray | None:
        """The mean loss on the held-out rows (None without them): how the model does on new data.
        The same arithmetic as `height`, over other rows."""
        if self.holdout is None:
            return None
        on_new_data = FitLandscape(model=self.model, variables=self.variables, bounds=self.bounds,
                                   data=self.holdout, target=self.target, loss=self.loss, columns=self.columns,
                                   hidden=self.hidden)
        return on_new_data.height(points)

    def predict(self, point: np.ndarray, inputs: dict[str, np.ndarray] | None = None) -> np.ndarray:
        """The model's prediction at parameters `point` for `inputs` (default: the level's data)."""
        env = dict(inputs if inputs is not None else self.data)
        n = len(next(iter(env.values()))) if inputs is not None else self.n_rows
        env.update({name: float(v) for name, v in zip(self.variables, np.asarray(point, float))})
        return np.broadcast_to(self._prediction(env), (n,)).astype(float)

    def _prediction(self, env: dict) -> np.ndarray:
        for name, unit in self.hidden:
            env[name] = unit.value(env)
        return self.model.value(env)

    def _prediction_and_slope(self, env: dict) -> tuple[np.ndarray, np.ndarray]:
        if not self.hidden:
            return self.model.value_and_slope(env, self.variables)
        duals = seeded(env, list(self.variables))
        for name, unit in self.hidden:
            duals[name] = unit.evaluate(duals)
        return as_slope(self.model.evaluate(duals), len(self.variables))

    def height(self, points: np.ndarray) -> np.ndarray:
        """Mean loss over all rows, without slopes: a racer's true height on a mini-batch level
        is read every step, and carrying tangents over every row would cost three times more."""
        points = np.asarray(points, dtype=float)
        lead = points.shape[:-1]
        flat = points.reshape(-1, len(self.variables))
        n_rows = self.n_rows
        target = self.data[self.target][None, :]
        chunk = max(1, _CHUNK_FLOATS // max(n_rows, 1))
        heights = np.empty(len(flat))
        for start in range(0, len(flat), chunk):
            part = flat[start : start + chunk]
            env = {name: part[:, i : i + 1] for i, name in enumerate(self.variables)}
            env.update({name: column[None, :] for name, column in self.data.items()})
            prediction = np.broadcast_to(self._prediction(env), (len(part), n_rows))
            heights[start : start + chunk] = _loss(self.loss, prediction, target).mean(axis=-1)
        return heights.reshape(lead)

    def height_and_slope(self, points, rows=None):
        points = np.asarray(points, dtype=float)
        lead = points.shape[:-1]
        flat = points.reshape(-1, len(self.variables))
        data = self.data if rows is None else {k: v[rows] for k, v in self.data.items()}
        n_rows = len(data[self.target])
        chunk = max(1, _CHUNK_FLOATS // max(n_rows, 1))
        heights = np.empty(len(flat))
        slopes = np.empty_like(flat)
        for start in range(0, len(flat), chunk):
            part = flat[start : start + chunk]
            env = {name: part[:, i : i + 1] for i, name in enumerate(self.variables)}
            env.update({name: column[None, :] for name, column in data.items()})
            prediction, d_prediction = self._prediction_and_slope(env)
            prediction = np.broadcast_to(prediction, (len(part), n_rows))
            loss, d_loss = _loss_and_dloss(self.loss, prediction, data[self.target][None, :])
            heights[start : start + chunk] = loss.mean(axis=-1)
            if d_prediction.ndim < 3:  # a model that ignores the points or the rows (even "0")
                d_prediction = d_prediction.reshape(d_prediction.shape[:1] + (1,) * (3 - d_prediction.ndim) + d_prediction.shape[1:])
            d_prediction = np.broadcast_to(d_prediction, (len(self.variables), len(part), n_rows))
            slopes[start : start + chunk] = (d_prediction * d_loss[None]).mean(axis=-1).T
        return heights.reshape(lead), slopes.reshape(lead + (len(self.variables),))


def tokenize(text: str) -> list[str]:
    """Lower-case words and sentence ends; '.' becomes its own token so sentences can end."""
    out: list[str] = []
    for raw in text.lower().replace("\n", " ").split():
        word = raw.strip(",;:!?\"'()")
        ends = word.endswith(".")
        word = word.rstrip(".")
        if word:
            out.append(word)
        if ends:
            out.append(".")
    return out


@dataclass(eq=False)
class NextTokenLandscape(Landscape):
    """A bigram language model: one logit per (previous token, next token) pair.

    The variables are the logits `W[prev, next]`, flattened row by row. The height is the mean
    cross-entropy of predicting each next token of the corpus from the token before it. A
    mini-batch is a set of positions in the corpus.
    """

    vocabulary: tuple[str, ...]
    previous: np.ndarray  # token index before each predicted position
    following: np.ndarray  # token index to predict at each position
    bounds: np.ndarray
    variables: tuple[str, ...] = ()
    kind: str = "next-token"

    @classmethod
    def from_corpus(cls, corpus: str, bound: float = 8.0, vocabulary: list[str] | None = None):
        tokens = tokenize(corpus)
        vocab = tuple(vocabulary) if vocabulary else tuple(dict.fromkeys(tokens))
        index = {word: i for i, word in enumerate(vocab)}
        ids = np.array([index[t] for t in tokens], dtype=int)
        v = len(vocab)
        names = tuple(f"{a}→{b}" for a in vocab for b in vocab)
        return cls(
            vocabulary=vocab,
            previous=ids[:-1],
            following=ids[1:],
            bounds=np.tile([-bound, bound], (v * v, 1)).astype(float),
            variables=names,
        )

    @property
    def n_rows(self) -> int:
        return len(self.following)

    def probabilities(self, point: np.ndarray) -> np.ndarray:
        """Next-token probabilities, one row per previous token: shape (V, V)."""
        v = len(self.vocabulary)
        logits = np.asarray(point, float).reshape(v, v)
        logits = logits - logits.max(axis=1, keepdims=True)
        p = np.exp(logits)
        return p / p.sum(axis=1, keepdims=True)

    def predict(self, point: np.ndarray, word: str, top: int = 3) -> list[tuple[str, float]]:
        row = self.probabilities(point)[self.vocabulary.index(word)]
        order = np.argsort(-row)[:top]
        return [(self.vocabulary[i], float(row[i])) for i in order]

    def pair_counts(self, rows: np.ndarray | None = None) -> np.ndarray:
        """How often each (previous, next) pair occurs in the corpus (or in the mini-batch `rows`):
        a (V, V) table. The loss depends on the corpus only through it, so a step costs V*V
        whatever the corpus length (a 1 MB corpus used to cost gigabytes in the floor search)."""
        v = len(self.vocabulary)
        if rows is None:
            cached = self.__dict__.get("_pair_counts")
            if cached is None:
                cached = np.bincount(self.previous * v + self.following, minlength=v * v).reshape(v, v).astype(float)
                self.__dict__["_pair_counts"] = cached
            return cached
        prev, nxt = self.previous[rows], self.following[rows]
        return np.bincount(prev * v + nxt, minlength=v * v).reshape(v, v).astype(float)

    def _log_probabilities(self, points: np.ndarray) -> np.ndarray:
        v = len(self.vocabulary)
        logits = points.reshape(-1, v, v)
        shifted = logits - logits.max(axis=2, keepdims=True)
        log_z = np.log(np.exp(shifted).sum(axis=2))  # (P, V)
        return shifted - log_z[:, :, None]  # (P, V, V)

    def height(self, points: np.ndarray) -> np.ndarray:
        """Mean cross-entropy only: the valley-floor search asks for heights hundreds of times.
        Same arithmetic as `height_and_slope`, so the same heights to the bit."""
        points = np.asarray(points, dtype=float)
        counts = self.pair_counts()
        log_p = self._log_probabilities(points)
        heights = -(log_p * counts[None]).sum(axis=(1, 2)) / self.n_rows
        return heights.reshape(points.shape[:-1])

    def height_and_slope(self, points, rows=None):
        points = np.asarray(points, dtype=float)
        lead = points.shape[:-1]
        v = len(self.vocabulary)
        counts = self.pair_counts(rows)
        m = self.n_rows if rows is None else len(rows)
        log_p = self._log_probabilities(points)
        heights = -(log_p * counts[None]).sum(axis=(1, 2)) / m
        # d/dW[a, b] of mean CE = (count of a as previous * softmax[a, b] - count(a, b)) / m
        slopes = (counts.sum(axis=1)[None, :, None] * np.exp(log_p) - counts[None]) / m
        return heights.reshape(lead), slopes.reshape(lead + (v * v,))
