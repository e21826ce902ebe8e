"""Core measurements, in process: how long the racers take, and how long the reveal computes.

Times are CPU seconds of this process (`time.process_time`), the best of a few runs: on a shared
machine the wall clock also counts other people's work, CPU time only ours.
"""

from __future__ import annotations

import time
from pathlib import Path


def best_cpu(function, repeats: int = 3) -> float:
    best = float("inf")
    for _ in range(repeats):
        start = time.process_time()
        function()
        best = min(best, time.process_time() - start)
    return best


def race_seconds(path: Path, repeats: int = 3) -> tuple[float, str]:
    """CPU seconds of `run_racers` on the level (its valley floor found beforehand, once)."""
    from foggymountain.level import load_level
    from foggymountain.race import run_racers

    level = load_level(path)
    level.goal  # noqa: B018 - the minimum search is the reveal's cost, not the race's
    walks = run_racers(level)
    steps = sum(w.steps for w in walks)
    seconds = best_cpu(lambda: run_racers(level), repeats)
    return seconds, f"{len(walks)} racers, {steps:,} racer-steps"


def _walked_hike(level, steps: int):
    from foggymountain.hike import Hike

    hike = Hike(level)
    for _ in range(steps):
        if hike.over:
            break
        hike.step()
    if not hike.over:
        hike.camp()
    return hike


def reveal_seconds(path: Path, steps: int = 10, columns: int = 60, rows: int = 17) -> float:
    """CPU seconds from a finished hike to everything the reveal's first paint computes: the
    valley floor (first use), the race with the player scored, and the map grid (2+ variables)."""
    from foggymountain.level import load_level
    from foggymountain.race import race

    try:
        from foggymountain.terrain.grid import TerrainMap
    except ImportError:  # before the reveal's map existed
        TerrainMap = None  # noqa: N806

    try:  # the racers' settings are tuned in a worker during the hike, not by the reveal
        from foggymountain.tuning import racer_settings

        settings = racer_settings(load_level(path), cache=False)
    except ImportError:  # before racers were tuned by default
        settings = None

    def once() -> None:
        level = load_level(path)  # fresh: nothing cached
        hike = _walked_hike(level, steps)
        result = race(level, hike, settings) if settings is not None else race(level, hike)
        if TerrainMap is not None and level.dimensions >= 2:
            TerrainMap(level, [w.path for w in result.walkers]).grid(columns, rows)

    return best_cpu(once, 2)


def campaign_reveals(folder: Path) -> list[tuple[str, float]]:
    from foggymountain.level import LevelError, load_level

    found = []
    for path in sorted(folder.glob("*.toml")):
        try:
            load_level(path)
        except LevelError:
            continue
        found.append((path.stem, reveal_seconds(path)))
    return found


def tuning_seconds(path: Path) -> tuple[float, str]:
    """CPU seconds to tune a level's unpinned racers from a cold cache (its valley floor found
    beforehand: the race needs it anyway)."""
    from foggymountain.level import load_level
    from foggymountain.tuning import tune_racers

    level = load_level(path)
    level.goal  # noqa: B018
    racers = [r for r in level.racers if not r.pinned] or list(level.racers)
    seconds = best_cpu(lambda: tune_racers(level, racers), 1)
    return seconds, f"{len(racers)} racers, budget {level.budget}"
