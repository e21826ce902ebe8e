"""The levels the benchmarks run on, written into a folder at run time (the 15,000-row CSV is
0.3 MB and generated from a seed, so nothing large is committed)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

RACERS = ("sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam", "adamw")
# Rows of the fit level: within the work budget (work.py) for its map and a 1,000-step race of
# 7 racers (100,000 rows is refused at load: a benchmark of a level nobody can play).
ROWS = 15_000
MARKER = "Benchmarkfog"  # a word of every briefing, to see the first frame arrive
AGENTS = "\n".join(f"[agents.{name}]" for name in RACERS)

BOWL_2D = f"""\
title = "Benchmark bowl"
briefing = "{MARKER}: a 2-D bowl with a ripple, walked for the whole budget by all seven racers."

[landscape]
variables = ["x", "y"]
height = "(x - 1)**2 + 3*(y + 2)**2 + sin(x)"
bounds = {{ x = [-10, 10], y = [-10, 10] }}
start = {{ x = -4, y = 3 }}

[hike]
budget = 10000
seed = 1

{AGENTS}
"""

FIT_100K = f"""\
title = "Benchmark fit"
briefing = "{MARKER}: a line through 15,000 rows, felt on mini-batches of 64."

[landscape]
kind = "fit"
variables = ["w", "b"]
model = "w*size + b"
target = "price"
data_file = "rows-15k.csv"
bounds = {{ w = [-10, 10], b = [-10, 10] }}
start = {{ w = -5, b = 5 }}

[hike]
budget = 1000
batch_size = 64
seed = 1

{AGENTS}
"""

# The long walk of the UI measurements: a wide gentle bowl with a short fixed stride, so 10,000
# steps in one heading never reach an edge (10,000 x 1 < 50,000).
LONG_WALK = f"""\
title = "Benchmark walk"
briefing = "{MARKER}: a wide gentle bowl for a very long walk."

[landscape]
variables = ["x", "y"]
height = "(x/1000)**2 + (y/1000)**2"
bounds = {{ x = [-100000, 100000], y = [-100000, 100000] }}
start = {{ x = -50000, y = 3 }}

[hike]
budget = 10000
stride = 1.0
seed = 1

{AGENTS}
"""


def write_levels(folder: Path) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(2024)
    size = rng.uniform(-3, 3, ROWS)
    price = 2.5 * size - 1 + rng.normal(0, 0.5, size.size)
    with open(folder / "rows-15k.csv", "w") as out:
        out.write("size,price\n")
        out.writelines(f"{a:.6g},{b:.6g}\n" for a, b in zip(size, price))
    files = {"bowl": BOWL_2D, "fit": FIT_100K, "walk": LONG_WALK}
    paths = {}
    for name, text in files.items():
        path = folder / f"bench-{name}.toml"
        path.write_text(text)
        paths[name] = path
    return paths
