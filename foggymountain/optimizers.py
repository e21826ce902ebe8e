"""The racers: the update rules of the optimizers the player races against.

Each racer is a pair of pure functions in the optax shape (google-deepmind/optax):

    state = optimizer.init(params)
    updates, state, info = optimizer.update(grads, state, params)
    params = params + updates

`updates` is the displacement to ADD to the position (it already carries the minus sign and the
pace). `state` is a small NamedTuple of float64 arrays; inputs are never mutated, so any step can
be replayed from its state. `info` (a read-only mapping, `StepInfo`) explains the move to a
teaching screen; every racer gives:

- "slope": the slope (gradient) it was handed,
- "effective_step": the per-coordinate stride per unit of slope that was actually used,
  `|update| / |slope|` where the slope is not 0, and the learning rate where it is 0. For plain
  SGD it is the learning rate (up to rounding); for AdaGrad, RMSProp and Adam it is the adaptive
  pace of each coordinate; with momentum it also shows how far the velocity carried past the
  slope. Weight decay counts in the update, not in the slope.

plus what the rule keeps in memory: "velocity" (momentum buffer; RMSProp only with momentum),
"accumulator" (AdaGrad's sum of squared slopes), "square_average" (RMSProp), "first_moment" and
"second_moment" (Adam's and AdamW's bias-corrected m-hat and v-hat). The arrays in `info` may
share memory with `grads` or with the new state: read them, don't write to them.

Every rule follows PyTorch's `torch.optim` implementation (the single-tensor path, float64)
operation for operation, constants and order of rounding included. The one thing numpy cannot
copy is the fused multiply-add (FMA) of torch's CPU kernels, so a step may differ from torch's in
the last bit; `tests/data/torch_reference.json` holds PyTorch's own trajectories, which ours
match to 1e-12 (in practice 0 to a few ulps). Hyperparameters use the names of
`HYPERPARAMETERS` (`learning_rate`, not torch's `lr`; `beta1`, `beta2`, not `betas`).

Updates work elementwise, so `params` may be of any shape: one walker `(n,)` or many `(k, n)`.
"""

from __future__ import annotations

import difflib
import math
import numbers
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np

NAMES = ("sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam", "adamw")

LABELS = {
    "sgd": "SGD",
    "momentum": "Momentum",
    "nesterov": "Nesterov",
    "adagrad": "AdaGrad",
    "rmsprop": "RMSProp",
    "adam": "Adam",
    "adamw": "AdamW",
}

# Raced when a level names no racers of its own.
DEFAULT_RACERS = ("sgd", "momentum", "adam")


# --------------------------------------------------------------------------------------------
# Hyperparameters: what a level may set, within which range, and what it means.


@dataclass(frozen=True)
class HyperParameter:
    name: str
    default: float
    low: float
    high: float
    low_inclusive: bool
    high_inclusive: bool
    help: str

    def admits(self, value: float) -> bool:
        above = value >= self.low if self.low_inclusive else value > self.low
        below = value <= self.high if self.high_inclusive else value < self.high
        return above and below

    @property
    def range_text(self) -> str:
        """The allowed range in interval notation, e.g. `[0, 1)` or `> 0`."""
        if math.isinf(self.high):
            return f"{'>=' if self.low_inclusive else '>'} {self.low:g}"
        left = "[" if self.low_inclusive else "("
        right = "]" if self.high_inclusive else ")"
        return f"{left}{self.low:g}, {self.high:g}{right}"


def _learning_rate(default: float) -> HyperParameter:
    return HyperParameter(
        "learning_rate", default, low=0.0, high=math.inf, low_inclusive=False,
        high_inclusive=False,
        help="pace (learning rate): how far one stride goes per unit of slope",
    )  # fmt: skip


def _momentum(default: float, low_inclusive: bool = True) -> HyperParameter:
    return HyperParameter(
        "momentum", default, low=0.0, high=1.0, low_inclusive=low_inclusive, high_inclusive=False,
        help="momentum: the share of the previous velocity kept at each step (0 forgets at once)",
    )  # fmt: skip


def _weight_decay(default: float, decoupled: bool = False) -> HyperParameter:
    how = (
        "shrinks the position toward 0 by learning_rate*weight_decay each step, apart from the"
        " slope (decoupled, AdamW)"
        if decoupled
        else "adds weight_decay*position to the slope, a pull toward 0 (L2 regularisation)"
    )
    return HyperParameter(
        "weight_decay", default, low=0.0, high=math.inf, low_inclusive=True, high_inclusive=False,
        help=f"weight decay: {how}",
    )  # fmt: skip


def _eps(default: float) -> HyperParameter:
    return HyperParameter(
        "eps", default, low=0.0, high=math.inf, low_inclusive=False, high_inclusive=False,
        help="epsilon: added to the root of the squared-slope average, so a flat stretch never"
        " divides by 0",
    )  # fmt: skip


def _share_kept(name: str, default: float, what: str) -> HyperParameter:
    return HyperParameter(
        name, default, low=0.0, high=1.0, low_inclusive=True, high_inclusive=False,
        help=f"{name}: how much of the running average of {what} is kept at each step",
    )  # fmt: skip


_BETA1 = _share_kept("beta1", 0.9, "slopes (first moment)")
_BETA2 = _share_kept("beta2", 0.999, "squared slopes (second moment)")
_ALPHA = _share_kept("alpha", 0.99, "squared slopes")

# Defaults are PyTorch's own defaults (SGD's lr=1e-3 since torch 2.0).
HYPERPARAMETERS: dict[str, tuple[HyperParameter, ...]] = {
    "sgd": (_learning_rate(1e-3), _weight_decay(0.0)),
    "momentum": (_learning_rate(1e-3), _momentum(0.9), _weight_decay(0.0)),
    # torch refuses Nesterov without momentum.
    "nesterov": (_learning_rate(1e-3), _momentum(0.9, low_inclusive=False), _weight_decay(0.0)),
    "adagrad": (_learning_rate(1e-2), _eps(1e-10)),
    "rmsprop": (_learning_rate(1e-2), _ALPHA, _eps(1e-8), _momentum(0.0)),
    "adam": (_learning_rate(1e-3), _BETA1, _BETA2, _eps(1e-8), _weight_decay(0.0)),
    "adamw": (
        _learning_rate(1e-3),
        _BETA1,
        _BETA2,
        _eps(1e-8),
        _weight_decay(1e-2, decoupled=True),
    ),
}


class HyperparameterError(ValueError):
    """A racer or a hyperparameter a level cannot have. `key` is the hyperparameter's name, or
    None when the racer's name itself is wrong; `hint` says how to fix it."""

    def __init__(self, message: str, key: str | None = None, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.key = key
        self.hint = hint


# What people bring from PyTorch, Keras or papers, and what it is called here.
_ALIASES = {
    "lr": "learning_rate",
    "pace": "learning_rate",
    "step_size": "learning_rate",
    "betas": "beta1",
    "beta_1": "beta1",
    "beta_2": "beta2",
    "epsilon": "eps",
    "rho": "alpha",
    "wd": "weight_decay",
    "decay": "weight_decay",
}


def _did_you_mean(word: str, choices) -> str:
    choices = list(choices)
    word = word.lower()
    if word == "betas" and "beta1" in choices:
        return "did you mean 'beta1' and 'beta2'? "
    if _ALIASES.get(word) in choices:
        return f"did you mean '{_ALIASES[word]}'? "
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'? " if close else ""


def _check_value(name: str, spec: HyperParameter, value: Any) -> float:
    key = spec.name
    # bool is an int in Python; `momentum = true` is a mistake, not a 1.
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise HyperparameterError(
            f"{name}: {key} must be a number, not {type(value).__name__} {value!r}",
            key,
            f"write a plain number, e.g. {key} = {spec.default:g}",
        )
    try:
        number = float(value)
    except OverflowError:  # a TOML integer of hundreds of digits
        number = math.inf
    if not math.isfinite(number):
        raise HyperparameterError(
            f"{name}: {key} must be a finite number, not {number}",
            key,
            f"allowed: {spec.range_text}",
        )
    if not spec.admits(number):
        raise HyperparameterError(
            f"{name}: {key} = {number:g} is out of range",
            key,
            f"allowed: {spec.range_text} (default {spec.default:g})",
        )
    return number


# --------------------------------------------------------------------------------------------
# The optimizer: a name, its settings, and two pure functions.


@dataclass(frozen=True)
class Optimizer:
    """A racer: `init(params) -> state` and
    `update(grads, state, params) -> (updates, state, info)`."""

    name: str
    label: str
    hyperparameters: dict[str, float]
    init: Callable[[np.ndarray], tuple]
    update: Callable[
        [np.ndarray, tuple, np.ndarray], tuple[np.ndarray, tuple, Mapping[str, np.ndarray]]
    ]


def make_optimizer(name: str, **hyper: Any) -> Optimizer:
    """The racer `name` with `hyper` over its defaults; every user mistake is a
    HyperparameterError with a hint (unknown racer or key, non-number, NaN/inf, out of range)."""
    if not isinstance(name, str) or name not in _BUILDERS:
        raise HyperparameterError(
            f"unknown racer {name!r}",
            None,
            _did_you_mean(str(name), NAMES) + "racers: " + ", ".join(NAMES),
        )
    specs = {spec.name: spec for spec in HYPERPARAMETERS[name]}
    for key in hyper:
        if key not in specs:
            raise HyperparameterError(
                f"{name}: unknown setting '{key}'",
                key,
                _did_you_mean(key, specs) + f"{name} takes: " + ", ".join(specs),
            )
    values = {
        key: _check_value(name, spec, hyper[key]) if key in hyper else spec.default
        for key, spec in specs.items()
    }
    init, update = _BUILDERS[name](**values)
    return Optimizer(name, LABELS[name], values, init, update)


def make_pace_batch(name: str, learning_rates, **hyper: Any) -> Optimizer:
    """The racer `name` at several paces at once, for the tuner: row i of a `(k, n)` stack of
    positions walks at `learning_rates[i]`, every other setting shared (`hyper`). The rules work
    elementwise and the pace enters each one the way a scalar does, so row i walks bit for bit
    what `make_optimizer(name, learning_rate=learning_rates[i], **hyper)` walks."""
    rates = [float(rate) for rate in learning_rates]
    if not rates:
        raise ValueError("make_pace_batch needs at least one pace")
    checked = make_optimizer(name, learning_rate=rates[0], **hyper)
    spec = next(s for s in HYPERPARAMETERS[name] if s.name == "learning_rate")
    for rate in rates:
        _check_value(name, spec, rate)
    values = {**checked.hyperparameters, "learning_rate": np.array(rates)[:, None]}
    init, update = _BUILDERS[name](**values)
    return Optimizer(name, LABELS[name], values, init, update)


def walk(
    optimizer: Optimizer, start, slope_fn: Callable[[np.ndarray], np.ndarray], steps: int
) -> np.ndarray:
    """Positions of `optimizer` walking `steps` steps from `start` on the slopes of `slope_fn`:
    an array of shape (steps + 1, n), the start first. Non-finite positions are kept as they
    come."""
    position = np.array(start, dtype=np.float64)
    positions = np.empty((steps + 1,) + position.shape)
    positions[0] = position
    state = optimizer.init(position)
    update = optimizer.update
    for k in range(1, steps + 1):
        grads = np.asarray(slope_fn(position), dtype=np.float64)
        updates, state, _ = update(grads, state, position)
        position = position + updates
        positions[k] = position
    return positions


# --------------------------------------------------------------------------------------------
# The update rules. Operation order follows torch/optim/*.py (single-tensor path) and the ATen
# CPU kernels it calls, because in floating point the order is the result:
#   add_(x, alpha=a)        -> p + a*x
#   addcmul_(t1, t2, v)     -> p + (v*t1)*t2
#   addcdiv_(t1, t2, v)     -> p + (v*t1)/t2
#   lerp_(end, w)           -> p + w*(end - p) if |w| < 0.5 else end - (end - p)*(1 - w)
# Scalars (bias corrections, 1 - beta) are Python floats, computed as torch computes them.
# Torch's CPU build fuses the `a + b*c` of add_, addcmul_ and lerp_ into one FMA (one rounding
# instead of two); numpy has no FMA, so a step can differ from torch's in the last bit.
# Constants are 0-d arrays: numpy multiplies a small array by a 0-d array faster than by a
# Python float, and a race takes tens of thousands of steps.


class EmptyState(NamedTuple):
    """Plain SGD remembers nothing."""


class MomentumState(NamedTuple):
    velocity: np.ndarray  # torch's momentum_buffer


class AdaGradState(NamedTuple):
    accumulator: np.ndarray  # torch's state["sum"]: the sum of squared slopes


class RMSPropState(NamedTuple):
    square_average: np.ndarray
    velocity: np.ndarray  # torch's momentum_buffer; stays 0 without momentum


class AdamState(NamedTuple):
    count: int  # steps taken, torch's state["step"]
    first_moment: np.ndarray  # torch's exp_avg, before bias correction
    second_moment: np.ndarray  # torch's exp_avg_sq, before bias correction


class StepInfo(Mapping):
    """What one step did, by name: a read-only mapping of numpy arrays (see the module docstring).

    The entries a rule already has at hand are stored; "effective_step" and Adam's bias-corrected
    "first_moment"/"second_moment" are computed when first read, so a race of 10,000 steps pays
    only for the explanations a screen actually shows. `dict(info)` makes a plain dict.
    """

    __slots__ = ("_known", "_updates", "_learning_rate", "_moments", "_derived")

    def __init__(
        self, known: dict, updates: np.ndarray, learning_rate: float, moments=None
    ) -> None:
        self._known = known  # "slope" and the rule's memory, ready to read
        self._updates = updates
        self._learning_rate = learning_rate
        self._moments = moments  # Adam: (m, 1 - beta1**t, v, 1 - beta2**t)
        self._derived: dict | None = None

    def _derived_names(self) -> tuple[str, ...]:
        if self._moments is None:
            return ("effective_step",)
        return ("first_moment", "second_moment", "effective_step")

    def __getitem__(self, key: str) -> np.ndarray:
        if key in self._known:
            return self._known[key]
        if self._derived is None:
            self._derived = {}
        if key not in self._derived:
            if key == "effective_step":
                self._derived[key] = _effective_step(
                    self._updates, self._known["slope"], self._learning_rate
                )
            elif key in self._derived_names():
                m, correction1, v, correction2 = self._moments
                self._derived[key] = m / correction1 if key == "first_moment" else v / correction2
            else:
                raise KeyError(key)
        return self._derived[key]

    def __contains__(self, key: object) -> bool:
        return key in self._known or key in self._derived_names()

    def __iter__(self):
        yield from self._known
        yield from self._derived_names()

    def __len__(self) -> int:
        return len(self._known) + len(self._derived_names())

    def __repr__(self) -> str:
        return f"StepInfo({dict(self)!r})"


def _effective_step(updates: np.ndarray, grads: np.ndarray, learning_rate: float) -> np.ndarray:
    step = np.full(grads.shape, learning_rate)
    np.divide(updates, grads, out=step, where=grads != 0)
    return np.abs(step, out=step)


def _zeros(params) -> np.ndarray:
    return np.zeros(np.shape(params), dtype=np.float64)


def _constant(value: float) -> np.ndarray:
    return np.array(value, dtype=np.float64)


def _sgd(learning_rate: float, weight_decay: float):
    """Plain gradient descent, as torch.optim.SGD(lr, momentum=0, weight_decay):
    g <- g + weight_decay*p (when weight_decay != 0); update = -lr*g."""
    neg_lr = _constant(-learning_rate)
    decay = _constant(weight_decay)

    def init(params) -> EmptyState:
        return EmptyState()

    def update(grads, state, params):
        grads = np.asarray(grads, dtype=np.float64)
        updates = neg_lr * (grads + decay * params) if weight_decay else neg_lr * grads
        return updates, state, StepInfo({"slope": grads}, updates, learning_rate)

    return init, update


# The rules below compute into arrays they have just made, in place: on the few coordinates of
# a level, numpy's in-place operations cost half as much as ones that allocate. They never write
# to `grads`, `params` or the state they are given. Each line's comment is the formula.


def _heavy_ball(learning_rate: float, momentum: float, weight_decay: float, nesterov: bool):
    """torch.optim.SGD(lr, momentum, dampening=0, weight_decay, nesterov):
    g <- g + weight_decay*p; b <- momentum*b + g (b = g at the first step);
    update = -lr*b, or -lr*(g + momentum*b) with Nesterov."""
    neg_lr = _constant(-learning_rate)
    mu = _constant(momentum)
    decay = _constant(weight_decay)

    def init(params) -> MomentumState:
        return MomentumState(_zeros(params))

    def update(grads, state, params):
        grads = np.asarray(grads, dtype=np.float64)
        g = grads + decay * params if weight_decay else grads
        # torch starts the buffer as a copy of g; 0*momentum + g is g bit for bit.
        velocity = state.velocity * mu
        velocity += g  # b*momentum + g
        if nesterov:
            updates = mu * velocity
            updates += g  # g + momentum*b
            updates *= neg_lr
        else:
            updates = neg_lr * velocity
        info = StepInfo({"slope": grads, "velocity": velocity}, updates, learning_rate)
        return updates, MomentumState(velocity), info

    return init, update


def _momentum_sgd(learning_rate: float, momentum: float, weight_decay: float):
    """Heavy ball: torch.optim.SGD(lr, momentum, dampening=0, weight_decay, nesterov=False)."""
    return _heavy_ball(learning_rate, momentum, weight_decay, nesterov=False)


def _nesterov(learning_rate: float, momentum: float, weight_decay: float):
    """torch.optim.SGD(lr, momentum, dampening=0, weight_decay, nesterov=True)."""
    return _heavy_ball(learning_rate, momentum, weight_decay, nesterov=True)


def _adagrad(learning_rate: float, eps: float):
    """torch.optim.Adagrad(lr, lr_decay=0, weight_decay=0, initial_accumulator_value=0, eps):
    s <- s + g*g; update = -lr*g / (sqrt(s) + eps), eps after the root."""
    neg_lr = _constant(-learning_rate)
    epsilon = _constant(eps)

    def init(params) -> AdaGradState:
        return AdaGradState(_zeros(params))

    def update(grads, state, params):
        grads = np.asarray(grads, dtype=np.float64)
        accumulator = grads * grads
        accumulator += state.accumulator  # s + g*g
        denominator = np.sqrt(accumulator)
        denominator += epsilon  # sqrt(s) + eps
        updates = neg_lr * grads
        updates /= denominator  # (-lr*g) / (sqrt(s) + eps)
        info = StepInfo({"slope": grads, "accumulator": accumulator}, updates, learning_rate)
        return updates, AdaGradState(accumulator), info

    return init, update


def _rmsprop(learning_rate: float, alpha: float, eps: float, momentum: float):
    """torch.optim.RMSprop(lr, alpha, eps, weight_decay=0, momentum, centered=False):
    v <- alpha*v + (1-alpha)*g*g; d = sqrt(v) + eps (eps after the root);
    update = -lr*g/d, or with momentum b <- momentum*b + g/d, update = -lr*b."""
    neg_lr = _constant(-learning_rate)
    keep = _constant(alpha)
    blend = _constant(1 - alpha)
    epsilon = _constant(eps)
    mu = _constant(momentum)

    def init(params) -> RMSPropState:
        return RMSPropState(_zeros(params), _zeros(params))

    def update(grads, state, params):
        grads = np.asarray(grads, dtype=np.float64)
        square_average = state.square_average * keep
        fresh = blend * grads
        fresh *= grads
        square_average += fresh  # v*alpha + ((1-alpha)*g)*g
        denominator = np.sqrt(square_average)
        denominator += epsilon  # sqrt(v) + eps
        if momentum > 0:
            velocity = state.velocity * mu
            velocity += grads / denominator  # b*momentum + g/d
            updates = neg_lr * velocity
            known = {"slope": grads, "square_average": square_average, "velocity": velocity}
        else:
            velocity = state.velocity
            updates = neg_lr * grads
            updates /= denominator  # (-lr*g) / d
            known = {"slope": grads, "square_average": square_average}
        return (
            updates,
            RMSPropState(square_average, velocity),
            StepInfo(known, updates, learning_rate),
        )

    return init, update


def _adam_rule(
    learning_rate: float,
    beta1: float,
    beta2: float,
    eps: float,
    weight_decay: float,
    decoupled: bool,
):
    weight = 1 - beta1  # torch's lerp weight
    lerp_small = abs(weight) < 0.5
    lerp_weight = _constant(weight)
    lerp_keep = _constant(1 - weight)
    keep2 = _constant(beta2)
    blend2 = _constant(1 - beta2)
    epsilon = _constant(eps)
    decay = _constant(weight_decay)
    shrink = _constant(1 - learning_rate * weight_decay)
    decay_slope = bool(weight_decay) and not decoupled  # Adam's L2
    decay_position = bool(weight_decay) and decoupled  # AdamW's

    def init(params) -> AdamState:
        return AdamState(0, _zeros(params), _zeros(params))

    def update(grads, state, params):
        grads = np.asarray(grads, dtype=np.float64)
        count = state.count + 1
        g = grads + decay * params if decay_slope else grads
        m = state.first_moment
        first = g - m
        if lerp_small:
            first *= lerp_weight
            first += m  # m + w*(g - m)
        else:
            first *= lerp_keep
            np.subtract(g, first, out=first)  # g - (g - m)*(1 - w)
        second = state.second_moment * keep2
        fresh = blend2 * g
        fresh *= g
        second += fresh  # v*beta2 + ((1-beta2)*g)*g
        # torch keeps the count in a float tensor and reads it back with .item().
        correction1 = 1 - beta1 ** float(count)
        correction2 = 1 - beta2 ** float(count)
        denominator = np.sqrt(second)
        denominator /= correction2**0.5
        denominator += epsilon  # sqrt(v) / sqrt(1 - beta2**t) + eps
        move = first * -(learning_rate / correction1)
        move /= denominator  # (-(lr / (1 - beta1**t)) * m) / denominator
        if decay_position:
            # torch shrinks the position first, then adds the move: p' = p*shrink + move.
            # As a displacement, p + (p' - p) == p' exactly whenever p' is within a factor 2 of
            # p (Sterbenz's lemma), i.e. on every step that does not cross 0.
            updates = params * shrink
            updates += move
            updates -= params
        else:
            updates = move
        info = StepInfo(
            {"slope": grads}, updates, learning_rate, (first, correction1, second, correction2)
        )
        return updates, AdamState(count, first, second), info

    return init, update


def _adam(learning_rate: float, beta1: float, beta2: float, eps: float, weight_decay: float):
    """torch.optim.Adam(lr, betas=(beta1, beta2), eps, weight_decay, amsgrad=False):
    g <- g + weight_decay*p; m <- lerp(m, g, 1-beta1); v <- beta2*v + (1-beta2)*g*g;
    update = -(lr / (1 - beta1**t)) * m / (sqrt(v) / sqrt(1 - beta2**t) + eps)
    (eps after the root of the bias-corrected v, exactly as torch computes it)."""
    return _adam_rule(learning_rate, beta1, beta2, eps, weight_decay, decoupled=False)


def _adamw(learning_rate: float, beta1: float, beta2: float, eps: float, weight_decay: float):
    """torch.optim.AdamW(lr, betas=(beta1, beta2), eps, weight_decay=0.01): Adam on the plain slope,
    after shrinking the position p <- p*(1 - lr*weight_decay) (decoupled weight decay)."""
    return _adam_rule(learning_rate, beta1, beta2, eps, weight_decay, decoupled=True)


_BUILDERS: dict[str, Callable[..., tuple[Callable, Callable]]] = {
    "sgd": _sgd,
    "momentum": _momentum_sgd,
    "nesterov": _nesterov,
    "adagrad": _adagrad,
    "rmsprop": _rmsprop,
    "adam": _adam,
    "adamw": _adamw,
}
