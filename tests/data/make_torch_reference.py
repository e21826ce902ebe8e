"""Make tests/data/torch_reference.json: PyTorch's own trajectories for our racers to match.

Regenerate (PyTorch is not a dependency of the game; use a separate virtualenv):

    python3 -m venv /work/torchvenv
    /work/torchvenv/bin/pip install numpy torch==2.13.0
    /work/torchvenv/bin/python tests/data/make_torch_reference.py

It runs each torch.optim optimizer in float64 (single-tensor path, foreach=False) for STEPS
steps on the Rosenbrock function f(x, y) = (1 - x)^2 + 100 (y - x^2)^2 from START, and writes
every position (STEPS + 1 points, full float repr) with the settings that made it. The slope is
computed by `rosenbrock_slope` below, in numpy, and handed to torch as `.grad`, so the only thing
compared is the update rule; tests/test_optimizers.py uses the very same function.

Torch's CPU kernels fuse multiply-adds (FMA) in add_(alpha=), lerp_ and addcmul_, which numpy
cannot, so our racers differ from these trajectories by rounding (0 to a few ulps). How much
such a difference can grow is recorded per run as "spread_from_one_ulp": the largest distance
between torch's trajectory and torch's trajectory started one ulp away. Where it is above
CONDITIONING the run is chaotic enough that 1e-12 agreement is only reachable when the rounding
happens to coincide (RMSProp at its default lr 0.01 is such a run, kept because it is the
default; it agrees bit for bit). Adam with betas (0.3, 0.5) at lr 0.02 was dropped: one ulp at the
start grows to 1e-6 there, and the FMA roundings to 4e-10.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

STEPS = 200
START = (-1.5, 2.0)
OUT = Path(__file__).with_name("torch_reference.json")
CONDITIONING = 1e-13

# (our racer name, our hyperparameters, torch.optim class name, torch keyword arguments)
SETTINGS = [
    ("sgd", {"learning_rate": 5e-4}, "SGD", {"lr": 5e-4}),
    ("sgd", {"learning_rate": 2e-4, "weight_decay": 0.1}, "SGD", {"lr": 2e-4, "weight_decay": 0.1}),
    ("momentum", {"learning_rate": 1e-4, "momentum": 0.9}, "SGD", {"lr": 1e-4, "momentum": 0.9}),
    (
        "momentum",
        {"learning_rate": 2e-4, "momentum": 0.5, "weight_decay": 0.05},
        "SGD",
        {"lr": 2e-4, "momentum": 0.5, "weight_decay": 0.05},
    ),
    (
        "nesterov",
        {"learning_rate": 1e-4, "momentum": 0.9},
        "SGD",
        {"lr": 1e-4, "momentum": 0.9, "nesterov": True},
    ),
    (
        "nesterov",
        {"learning_rate": 1e-4, "momentum": 0.95, "weight_decay": 0.01},
        "SGD",
        {"lr": 1e-4, "momentum": 0.95, "nesterov": True, "weight_decay": 0.01},
    ),
    ("adagrad", {}, "Adagrad", {}),
    ("adagrad", {"learning_rate": 0.5, "eps": 1e-6}, "Adagrad", {"lr": 0.5, "eps": 1e-6}),
    ("rmsprop", {}, "RMSprop", {}),
    (
        "rmsprop",
        {"learning_rate": 1e-3, "alpha": 0.9, "eps": 1e-6, "momentum": 0.9},
        "RMSprop",
        {"lr": 1e-3, "alpha": 0.9, "eps": 1e-6, "momentum": 0.9},
    ),
    ("adam", {}, "Adam", {}),
    (
        "adam",
        {"learning_rate": 0.05, "beta1": 0.8, "beta2": 0.99, "eps": 1e-6, "weight_decay": 0.1},
        "Adam",
        {"lr": 0.05, "betas": (0.8, 0.99), "eps": 1e-6, "weight_decay": 0.1},
    ),
    # beta1 < 0.5 takes the other branch of torch's lerp.
    (
        "adam",
        {"learning_rate": 0.02, "beta1": 0.3, "beta2": 0.99},
        "Adam",
        {"lr": 0.02, "betas": (0.3, 0.99)},
    ),
    ("adamw", {}, "AdamW", {}),
    (
        "adamw",
        {"learning_rate": 0.01, "weight_decay": 0.1},
        "AdamW",
        {"lr": 0.01, "weight_decay": 0.1},
    ),
    (
        "adamw",
        {"learning_rate": 0.05, "beta1": 0.0, "beta2": 0.9, "weight_decay": 0.5},
        "AdamW",
        {"lr": 0.05, "betas": (0.0, 0.9), "weight_decay": 0.5},
    ),
]


def rosenbrock_slope(point: np.ndarray) -> np.ndarray:
    """The exact slope of (1 - x)^2 + 100 (y - x^2)^2, in this operation order."""
    x, y = point[0], point[1]
    valley = y - x * x
    return np.array([-2.0 * (1.0 - x) - 400.0 * x * valley, 200.0 * valley], dtype=np.float64)


def torch_trajectory(optimizer: str, options: dict, steps: int = STEPS, start=START) -> np.ndarray:
    import torch

    param = torch.tensor(start, dtype=torch.float64, requires_grad=True)
    opt = getattr(torch.optim, optimizer)([param], foreach=False, **options)
    points = [param.detach().numpy().copy()]
    for _ in range(steps):
        position = param.detach().numpy().copy()
        param.grad = torch.from_numpy(rosenbrock_slope(position))
        opt.step()
        points.append(param.detach().numpy().copy())
    return np.array(points)


def main() -> int:
    import torch

    runs = []
    for name, hyper, optimizer, options in SETTINGS:
        trajectory = torch_trajectory(optimizer, options)
        if not np.all(np.isfinite(trajectory)):
            print(f"{name} {hyper}: not finite, pick a smaller learning rate", file=sys.stderr)
            return 1
        nudged = torch_trajectory(optimizer, options, start=(np.nextafter(START[0], 0.0), START[1]))
        spread = float(np.max(np.abs(nudged - trajectory)))
        if spread > CONDITIONING:
            print(f"note: {name} {hyper}: one ulp at the start moves a point by {spread:.1e}")
        runs.append(
            {
                "name": name,
                "hyperparameters": hyper,
                "torch": [optimizer, options],
                "spread_from_one_ulp": spread,
                "trajectory": trajectory,
            }
        )

    # One run per block, one point per line: readable diffs, full repr of every float.
    lines = [
        "{",
        f' "torch_version": {json.dumps(torch.__version__)},',
        ' "function": "(1 - x)**2 + 100*(y - x**2)**2",',
        ' "slope": "dx = -2*(1 - x) - 400*x*(y - x*x), dy = 200*(y - x*x)",',
        f' "start": {json.dumps(list(START))},',
        f' "steps": {STEPS},',
        ' "runs": [',
    ]
    for i, run in enumerate(runs):
        points = ",\n".join(f"    [{x!r}, {y!r}]" for x, y in run["trajectory"].tolist())
        lines += [
            "  {",
            f'   "name": {json.dumps(run["name"])},',
            f'   "hyperparameters": {json.dumps(run["hyperparameters"])},',
            f'   "torch": {json.dumps(run["torch"])},',
            f'   "spread_from_one_ulp": {run["spread_from_one_ulp"]!r},',
            '   "trajectory": [',
            points,
            "   ]",
            "  }" + ("," if i < len(runs) - 1 else ""),
        ]
    lines += [" ]", "}"]
    OUT.write_text("\n".join(lines) + "\n")
    json.loads(OUT.read_text())  # the file we wrote is valid JSON
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes, {len(runs)} runs)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
