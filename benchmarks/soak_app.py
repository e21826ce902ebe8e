"""A long session of the real app under Textual's headless test driver, in its own process so its
resident memory is the game's alone. Prints one JSON line: RSS (MB) at checkpoints.

    python benchmarks/soak_app.py LEVEL --steps 10000 --reveals 0 --progress-dir DIR

Steps are taken through the hike screen's own action (what Enter does), with the screen drawn
every `--draw-every` steps, so the widgets grow as they would in play; reveals camp and open the
reveal screen, then retry.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import time


def rss_mb() -> float:
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def soak(level: str, steps: int, reveals: int, draw_every: int, progress_dir: str) -> dict:
    from foggymountain.ui.app import make_app
    from foggymountain.ui.screens.hike import HikeScreen

    app = make_app(level_file=level, progress_dir=progress_dir, player="bench")
    checkpoints: dict[str, float] = {}
    started = time.perf_counter()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, HikeScreen), type(screen).__name__
        gc.collect()
        checkpoints["0"] = rss_mb()
        for step in range(1, steps + 1):
            screen.action_step()
            if step % draw_every == 0:
                await pilot.pause()
            if step in (1000, 2000, 5000, 10000) or step == steps:
                await pilot.pause()
                gc.collect()
                checkpoints[str(step)] = rss_mb()
        for number in range(1, reveals + 1):
            if not isinstance(app.screen, HikeScreen):
                await pilot.press("r")  # retry from the reveal
                await pilot.pause()
            await pilot.press("c")
            await pilot.pause()
            await app.workers.wait_for_complete()
            await pilot.pause()
            if number in (1, 10, 50, 100) or number == reveals:
                gc.collect()
                checkpoints[f"reveal {number}"] = rss_mb()
    return {"rss_mb": checkpoints, "seconds": time.perf_counter() - started}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("level")
    parser.add_argument("--steps", type=int, default=10_000)
    parser.add_argument("--reveals", type=int, default=0)
    parser.add_argument("--draw-every", type=int, default=10)
    parser.add_argument("--progress-dir", required=True)
    args = parser.parse_args()
    print(json.dumps(asyncio.run(soak(args.level, args.steps, args.reveals, args.draw_every, args.progress_dir))))


if __name__ == "__main__":
    main()
