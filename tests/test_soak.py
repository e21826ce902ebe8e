"""A long session: thousands of steps and many reveals, with memory checked at the end.

What must hold after a long session: the screens and hikes of finished levels are freed (nothing
keeps them alive once the player has moved on), the memory of a walk grows only by the trail it
keeps, and repeated reveals of one level do not pile up memory.

The default run is light (a few seconds); the full soak, 10,000 steps through the hike screen and
100 reveals, is marked `long` (`pytest -m long tests/test_soak.py`).
"""

from __future__ import annotations

import gc
import tracemalloc
import weakref
from pathlib import Path

import numpy as np
import pytest

from foggymountain.hike import Hike
from foggymountain.outcome import Status
from foggymountain.level import load_level_text
from foggymountain.race import race
from foggymountain.ui.app import make_app
from foggymountain.ui.screens.hike import HikeScreen

SIZE = (80, 24)

LONG_WALK = """\
title = "Soak walk"
briefing = "A wide gentle bowl for a very long walk."

[landscape]
variables = ["x", "y"]
height = "(x/1000)**2 + (y/1000)**2"
bounds = { x = [-100000, 100000], y = [-100000, 100000] }
start = { x = -50000, y = 3 }

[hike]
budget = 10000
stride = 1.0
seed = 1

[agents.sgd]
[agents.momentum]
[agents.adam]
"""

SHORT = """\
title = "Soak bowl"
briefing = "A bowl to camp in again and again."

[landscape]
variables = ["x", "y"]
height = "x**2 + 3*y**2"
bounds = { x = [-4, 4], y = [-4, 4] }
start = { x = -3, y = 2 }

[hike]
budget = 20
stride = 0.6
seed = 2
"""


def rss_mb() -> float:
    try:
        for line in open("/proc/self/status"):
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def level_of(text: str, tmp_path: Path, name: str):
    path = tmp_path / f"{name}.toml"
    path.write_text(text)
    return path, load_level_text(text, path)


# ---- core --------------------------------------------------------------------------------------


def core_soak(tmp_path: Path, steps: int, reveals: int) -> None:
    _, walk_level = level_of(LONG_WALK, tmp_path, "walk")
    _, short_level = level_of(SHORT, tmp_path, "short")
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        hike = Hike(walk_level)
        for _ in range(steps):
            hike.step()
        assert hike.steps_used == steps and hike.status in (Status.WALKING, Status.SPENT)
        per_step = (tracemalloc.get_traced_memory()[0] - before) / steps
        # positions, heights, slopes and displacements: a few small arrays per step, no more.
        assert per_step < 2500, f"{per_step:.0f} bytes per step"
        del hike
        gc.collect()

        race(short_level, _camped(short_level))  # the first reveal finds the valley floor once
        gc.collect()
        settled = tracemalloc.get_traced_memory()[0]
        for _ in range(reveals):
            result = race(short_level, _camped(short_level))
            assert result.player is not None and len(result.racers) == len(short_level.racers)
            del result
        gc.collect()
        grown = tracemalloc.get_traced_memory()[0] - settled
        assert grown < 256 * 1024, f"{reveals} reveals kept {grown / 1024:.0f} kB"
    finally:
        tracemalloc.stop()


def _camped(level) -> Hike:
    hike = Hike(level)
    for _ in range(5):
        hike.step()
    hike.camp()
    return hike


def test_core_soak_light(tmp_path):
    core_soak(tmp_path, steps=2000, reveals=20)


@pytest.mark.long
def test_core_soak_long(tmp_path):
    core_soak(tmp_path, steps=10_000, reveals=100)


# ---- screens -----------------------------------------------------------------------------------


async def walk_on_screen(pilot, steps: int, draw_every: int = 25) -> HikeScreen:
    screen = pilot.app.screen
    assert isinstance(screen, HikeScreen)
    for number in range(1, steps + 1):
        screen.action_step()
        if number % draw_every == 0:
            await pilot.pause()
    await pilot.pause()
    return screen


async def reveal_cycles(pilot, cycles: int) -> tuple[list, list, list[float]]:
    """Camp, see the reveal, retry: `cycles` times. Weak references to every hike screen, hike
    and reveal screen, and the RSS after each cycle."""
    app = pilot.app
    hikes, screens, memory = [], [], []
    for _ in range(cycles):
        screen = app.screen
        assert isinstance(screen, HikeScreen), type(screen).__name__
        hikes.append(weakref.ref(screen.hike))
        for _ in range(3):
            screen.action_step()
        await pilot.press("c")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert type(app.screen).__name__ in ("RevealScreen", "RaceSummaryScreen")
        screens.append(weakref.ref(screen))
        screens.append(weakref.ref(app.screen))
        await pilot.press("r")
        await pilot.pause()
        gc.collect()
        memory.append(rss_mb())
    return hikes, screens, memory


async def screens_soak(tmp_path: Path, steps: int, reveals: int) -> None:
    walk_path, _ = level_of(LONG_WALK, tmp_path, "walk")
    short_path, _ = level_of(SHORT, tmp_path, "short")

    app = make_app(level_file=walk_path, player="soak", progress_dir=tmp_path / "progress")
    app.animation_level = "none"
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        screen = await walk_on_screen(pilot, steps)
        assert screen.hike.steps_used == steps
        assert np.all(np.isfinite(screen.hike.position))
        assert app.is_running and app._exception is None

    app = make_app(level_file=short_path, player="soak", progress_dir=tmp_path / "progress")
    app.animation_level = "none"
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        hikes, screens, memory = await reveal_cycles(pilot, reveals)
        gc.collect()
        alive_hikes = sum(ref() is not None for ref in hikes[:-1])
        alive_screens = sum(ref() is not None for ref in screens[:-2])
        # The current hike is alive; every earlier hike and screen must be gone.
        assert alive_hikes == 0, f"{alive_hikes} of {len(hikes) - 1} finished hikes are still alive"
        assert alive_screens == 0, f"{alive_screens} of {len(screens) - 2} closed screens are still alive"
        if reveals >= 10:
            # After a few cycles to warm caches, memory must not keep climbing with every reveal.
            settled = memory[len(memory) // 5:]
            climb = settled[-1] - settled[0]
            assert climb < 0.1 * len(settled) + 10, f"RSS climbed {climb:.1f} MB over {len(settled)} reveals"
        assert app.is_running and app._exception is None


async def test_screens_soak_light(tmp_path):
    await screens_soak(tmp_path, steps=300, reveals=6)


@pytest.mark.long
async def test_screens_soak_long(tmp_path):
    await screens_soak(tmp_path, steps=10_000, reveals=100)
