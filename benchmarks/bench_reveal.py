"""How long the reveal takes after making camp: race, grid evaluation, first paint.

    python benchmarks/bench_reveal.py [LEVEL.toml ...] [--size 120x40] [--repeat 5]

For each level (default: the 2-D, fit, 1-D and many-variable test levels) a hike of a few steps
camps, then the reveal screen is pushed and the clock runs until the map (or curve) has painted
its first line. Printed: the core parts alone (race, slice plane, grid) and the whole reveal, cold (valley
floor not yet searched) and warm (the game's briefing already searched it to show the goal), and
the map's redraw for one replay step. The target: the warm reveal of a 2-D level within 0.2 s.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from textual.app import App  # noqa: E402

from foggymountain.hike import Hike  # noqa: E402
from foggymountain.level import load_level  # noqa: E402
from foggymountain.race import race  # noqa: E402
from foggymountain.terrain.grid import TerrainMap  # noqa: E402
from foggymountain.ui.screens.reveal import RevealScreen  # noqa: E402

LEVELS = HERE.parent / "tests" / "levels_reveal"
DEFAULT = [LEVELS / n for n in ("ravine_2d.toml", "line_fit.toml", "bowl_1d.toml", "tiny_words.toml")]


def camped_hike(path: Path, steps: int = 10) -> Hike:
    hike = Hike(load_level(path))
    for _ in range(min(steps, hike.level.budget)):
        hike.point_downhill()
        if hike.step() != "walking":
            break
    hike.camp()
    return hike


async def reveal_seconds(hike: Hike, size: tuple[int, int], redraws: list | None = None) -> float:
    """Seconds from making camp (building the screen) to the map's first painted line; the time
    to redraw the map for one replay step is appended to `redraws`."""
    app = App()
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        start = time.perf_counter()
        screen = RevealScreen(hike, race(hike.level, hike))
        app.push_screen(screen)
        for _ in range(50):
            await pilot.pause()
            view = screen.query("#map, #curve").first() if screen.query("#map, #curve") else None
            if view is not None and view.painted_at is not None:
                if redraws is not None and hasattr(view, "_build"):
                    view.step = max(view.step - 1, 0)
                    begin = time.perf_counter()
                    view._build()
                    redraws.append(time.perf_counter() - begin)
                return view.painted_at - start
        raise RuntimeError("the reveal never painted its map")


def core_seconds(path: Path, size: tuple[int, int]) -> dict[str, float]:
    hike = camped_hike(path)
    level = hike.level
    times = {}
    start = time.perf_counter()
    level.minimum  # noqa: B018 - the valley floor search, cached on the level
    times["floor search"] = time.perf_counter() - start
    start = time.perf_counter()
    result = race(level, hike)
    times["race"] = time.perf_counter() - start
    if level.dimensions >= 2:
        start = time.perf_counter()
        terrain = TerrainMap(level, [w.path for w in result.walkers])
        terrain.levels  # noqa: B018
        times["plane + contour levels"] = time.perf_counter() - start
        start = time.perf_counter()
        terrain.grid(size[0] - 36, (size[1] - 8) * 2)
        times["grid for the map"] = time.perf_counter() - start
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("levels", nargs="*", type=Path, default=DEFAULT)
    parser.add_argument("--size", default="120x40")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    size = tuple(int(v) for v in args.size.split("x"))
    print(f"terminal {size[0]}x{size[1]}, {args.repeat} runs each, median (max) in ms")
    for path in args.levels:
        parts = [core_seconds(path, size) for _ in range(args.repeat)]
        core = "  ".join(f"{k} {statistics.median(p[k] for p in parts) * 1000:.1f}" for k in parts[0])
        cold, warm, redraws = [], [], []
        for _ in range(args.repeat):
            cold.append(asyncio.run(reveal_seconds(camped_hike(path), size)))
            hike = camped_hike(path)
            hike.level.minimum  # noqa: B018 - the briefing already asked for the goal
            warm.append(asyncio.run(reveal_seconds(hike, size, redraws)))
        print(f"{path.name}: {core}")
        print(f"    whole reveal to first paint: cold {statistics.median(cold) * 1000:.0f} ({max(cold) * 1000:.0f})"
              f"  warm {statistics.median(warm) * 1000:.0f} ({max(warm) * 1000:.0f})"
              + (f"  map redraw per replay step {statistics.median(redraws) * 1000:.1f}" if redraws else ""))


if __name__ == "__main__":
    main()
