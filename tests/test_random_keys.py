"""Random keys and resizes: whatever a player presses, at whatever terminal size, the game runs on.

A seeded monkey presses keys (arrows, Enter, Escape, letters, digits, the command palette, the
help, camp...) and resizes the terminal between 10x5 and 200x60, over the built-in campaign and
over `levels_hostile/` (markup and escapes in every text, numbers at the edge of a float, 64
variables). Any exception in the app fails the test with the seed and the last keys. The default
run is bounded to about a minute in total; `pytest -m long` runs more seeds for longer.
"""

from __future__ import annotations

import asyncio
import random
import time
from pathlib import Path

import pytest

from foggymountain.campaign import builtin_levels_dir
from foggymountain.ui.app import make_app

HOSTILE = Path(__file__).parent / "levels_hostile"

KEYS = (
    ["enter"] * 8 + ["escape"] * 2 + ["up", "down", "left", "right"] * 3
    + ["tab", "shift+tab", "home", "end", "space", "backspace", "delete", "pageup", "pagedown"]
    + ["c"] * 3 + list("dsphrnb0123456789.-e") + ["question_mark", "f1", "ctrl+p", "ctrl+s", "q", "minus", "plus"]
)


async def monkey(folder: Path, seed: int, seconds: float, tmp_path: Path) -> tuple[int, set[str]]:
    """Press random keys for `seconds`; return how many were pressed and the screens seen.
    Restarts the game if a key quit it (q on the level select)."""
    rng = random.Random(seed)
    pressed: list[str] = []
    seen: set[str] = set()
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        # As `play` starts: from the levels' prefaces, loaded in a worker while the keys come.
        app = make_app(levels_dir=folder, progress_dir=tmp_path / "progress", player=f"monkey{seed}",
                       results_dir=tmp_path / "results", prefaces_first=True)
        keys_on_hike = 0
        async with app.run_test(size=(80, 24)) as pilot:
            while time.monotonic() < deadline and app.is_running:
                if rng.random() < 0.06:
                    size = (rng.randint(10, 200), rng.randint(5, 60))
                    pressed.append(f"resize{size}")
                    await pilot.resize_terminal(*size)
                else:
                    key = rng.choice(KEYS)
                    on_hike = type(app.screen).__name__ == "HikeScreen"
                    keys_on_hike = keys_on_hike + 1 if on_hike else 0
                    if keys_on_hike > 25:  # a nudge: make camp, so the fog lifts on a slow machine too
                        key, keys_on_hike = "c", 0
                    pressed.append(key)
                    await pilot.press(key)
                if rng.random() < 0.1:
                    await pilot.pause()
                seen.add(type(app.screen).__name__)
            await pilot.pause()
            await app.workers.wait_for_complete()
        assert app._exception is None, f"seed {seed}: {app._exception!r} after {pressed[-12:]}"
    return len(pressed), seen


@pytest.mark.parametrize("folder", [builtin_levels_dir(), HOSTILE], ids=["campaign", "hostile"])
def test_random_keys_and_sizes_never_crash_the_game(folder, tmp_path):
    pressed, seen = asyncio.run(monkey(folder, seed=13, seconds=25, tmp_path=tmp_path))
    assert pressed > 50  # the monkey really played: it got into hikes (and, given the keys, saw the fog lift)
    assert {"LevelSelectScreen", "BriefingScreen", "HikeScreen"} <= seen, seen
    if pressed >= 250:
        assert "RevealScreen" in seen, (pressed, seen)


@pytest.mark.long
@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("folder", [builtin_levels_dir(), HOSTILE], ids=["campaign", "hostile"])
def test_random_keys_long(folder, seed, tmp_path):
    asyncio.run(monkey(folder, seed=seed, seconds=120, tmp_path=tmp_path))
