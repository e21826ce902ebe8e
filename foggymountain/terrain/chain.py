"""Backpropagation, spelled out: each weight's slope as a product of chain-rule factors.

For a fit level with hidden units (`hidden = { h = "tanh(w1 * x)" }`, model `"w2 * h"`), the slope
of the height with respect to a weight travels backwards from the loss:

    ∂height/∂w1 = ∂height/∂pred × ∂pred/∂h × ∂h/∂w1        (through the hidden unit)
    ∂height/∂w2 = ∂height/∂pred × ∂pred/∂w2                 (straight into the prediction)

on one data row; over several rows the height is a mean, and so is the slope. Every factor comes
from the game's own exact derivatives: the loss derivative of `landscapes`, and forward-mode dual
numbers of each formula with the hidden units held as inputs. `ChainRule.slope` is the sum over the
paths of the products, averaged over the rows, which is the landscape's slope to rounding.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from foggymountain.terrain.landscapes import FitLandscape, _loss_and_dloss

HEIGHT_BY_PREDICTION = "∂height/∂pred"


@dataclass(frozen=True)
class Path:
    """One way the slope reaches a weight: named factors, one value per row for each."""

    names: tuple[str, ...]
    values: tuple[np.ndarray, ...]  # each of shape (rows,)

    @property
    def products(self) -> np.ndarray:
        return np.prod(np.vstack(self.values), axis=0)


@dataclass(frozen=True)
class WeightChain:
    weight: str
    paths: tuple[Path, ...]

    @property
    def slope(self) -> float:
        """The mean over the rows of the sum over the paths of the products."""
        if not self.paths:
            return 0.0
        return float(np.mean(sum(path.products for path in self.paths)))


@dataclass(frozen=True)
class ChainRule:
    rows: np.ndarray  # which data rows (indices)
    inputs: dict[str, np.ndarray]  # each data column on those rows
    prediction: np.ndarray
    target: np.ndarray
    hidden: dict[str, np.ndarray]  # each hidden unit's value on those rows
    weights: tuple[WeightChain, ...]

    @property
    def slope(self) -> np.ndarray:
        return np.array([chain.slope for chain in self.weights])


def has_hidden_units(landscape) -> bool:
    return isinstance(landscape, FitLandscape) and bool(landscape.hidden)


def chain_rule(landscape: FitLandscape, point: np.ndarray, rows: np.ndarray | None = None) -> ChainRule:
    """The chain-rule factors of every weight's slope at `point`, on `rows` (default: every row)."""
    point = np.asarray(point, dtype=float)
    rows = np.arange(landscape.n_rows) if rows is None else np.asarray(rows, dtype=int)
    data = {name: column[rows] for name, column in landscape.data.items()}
    variables = list(landscape.variables)
    env = dict(data)
    # Weights as arrays of one value, so a tangent row broadcasts over the data rows.
    env.update({name: np.array([v]) for name, v in zip(variables, point)})
    count = len(rows)

    def per_row(values) -> np.ndarray:
        return np.broadcast_to(np.asarray(values, dtype=float), (count,)).astype(float)

    # Each hidden unit's value and its slope with respect to each weight.
    hidden_values: dict[str, np.ndarray] = {}
    hidden_slopes: dict[str, np.ndarray] = {}
    for name, unit in landscape.hidden:
        value, slope = unit.value_and_slope(env, variables)
        hidden_values[name] = per_row(value)
        hidden_slopes[name] = np.vstack([per_row(s) for s in slope])
    # The model with the hidden units held as inputs: its partials by each weight and each unit.
    names = variables + [name for name, _ in landscape.hidden]
    model_env = dict(env)
    model_env.update(hidden_values)
    prediction, partials = landscape.model.value_and_slope(model_env, names)
    prediction = per_row(prediction)
    partials = {name: per_row(p) for name, p in zip(names, partials)}
    target = data[landscape.target]
    _, d_loss = _loss_and_dloss(landscape.loss, prediction, target)
    d_loss = per_row(d_loss)

    chains = []
    for i, weight in enumerate(variables):
        paths = []
        if weight in landscape.model.names:
            paths.append(Path((HEIGHT_BY_PREDICTION, f"∂pred/∂{weight}"), (d_loss, partials[weight])))
        for name, unit in landscape.hidden:
            if weight in unit.names and name in landscape.model.names:
                paths.append(Path((HEIGHT_BY_PREDICTION, f"∂pred/∂{name}", f"∂{name}/∂{weight}"),
                                  (d_loss, partials[name], hidden_slopes[name][i])))
        chains.append(WeightChain(weight, tuple(paths)))
    return ChainRule(rows=rows, inputs={c: data[c] for c in landscape.columns}, prediction=prediction,
                     target=target, hidden=hidden_values, weights=tuple(chains))
