"""Foggy Mountain's benchmarks: one command, one table (target, measured, pass/fail).

    python benchmarks/run.py            # everything (about 3 to 5 minutes)
    python benchmarks/run.py --quick    # fewer repeats, a 2,000-step soak (about a minute)
    python benchmarks/run.py --core     # only the in-process core measurements

Core (in process, CPU time, best of 3): the race of all seven racers on a 2-D level for 10,000
steps and on a fit level of 100,000 rows with mini-batches of 64 for 1,000 steps; the reveal's
computation (valley floor, race, map grid) on every campaign level and on the benchmark levels.

UI (the installed `foggymountain` in a pseudo-terminal, 80x24, TERM=xterm-256color): launch to
first frame against a hello-world Textual app (alternating, medians), key press to updated screen
and bytes written per step on the hike screen, bytes of the reveal's first paint, idle CPU, and
resident memory after 1,000 steps; then a 10,000-step soak of the app under Textual's headless
driver for memory growth.

Exit status 1 when a target is missed. BENCHMARKS.md keeps the latest table and its story.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(1, str(ROOT))

import core  # noqa: E402
from levels import MARKER, write_levels  # noqa: E402
from terminal import Terminal  # noqa: E402


@dataclass
class Row:
    name: str
    target: str
    measured: str
    ok: bool | None  # None: informational, no target
    note: str = ""


ROWS: list[Row] = []


def record(name: str, target: str, measured: str, ok: bool | None, note: str = "") -> None:
    row = Row(name, target, measured, ok, note)
    ROWS.append(row)
    verdict = {True: "pass", False: "FAIL", None: "-"}[ok]
    print(f"  {verdict:4}  {name}: {measured}  (target {target}){'  ' + note if note else ''}", flush=True)


# ---- the machine -------------------------------------------------------------------------------


def machine() -> dict[str, str]:
    cpu = platform.processor() or "?"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        import textual

        textual_version = textual.__version__
    except (ImportError, AttributeError):
        from importlib.metadata import version

        textual_version = version("textual")
    import numpy

    return {
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "cpu": cpu,
        "nproc": str(os.cpu_count()),
        "load average at start": " ".join(f"{x:.2f}" for x in os.getloadavg()),
        "python": platform.python_version(),
        "textual": textual_version,
        "numpy": numpy.__version__,
        "os": platform.platform(),
    }


# ---- core ----------------------------------------------------------------------------------------


def core_benchmarks(levels: dict[str, Path], quick: bool) -> None:
    repeats = 2 if quick else 3
    print("core (CPU seconds, best of %d)" % repeats, flush=True)
    seconds, what = core.race_seconds(levels["bowl"], repeats)
    record("race: 7 racers x 10,000 steps, 2-D function level", "< 1 s", f"{seconds:.3f} s", seconds < 1.0, what)
    seconds, what = core.race_seconds(levels["fit"], repeats)
    record("race: 7 racers x 1,000 steps, fit level, 100,000 rows, batch 64", "< 1 s", f"{seconds:.3f} s",
           seconds < 1.0, what)
    campaign = ROOT / "levels"
    reveals = core.campaign_reveals(campaign) if campaign.is_dir() else []
    if reveals:
        name, worst = max(reveals, key=lambda item: item[1])
        record(f"reveal compute, slowest of {len(reveals)} campaign levels", "< 0.5 s", f"{worst:.3f} s",
               worst < 0.5, f"{name}; median {statistics.median(s for _, s in reveals):.3f} s")
    for key, label in (("bowl", "2-D, budget 10,000"), ("fit", "fit, 100,000 rows")):
        seconds = core.reveal_seconds(levels[key])
        record(f"reveal compute, benchmark level ({label})", "< 1 s", f"{seconds:.3f} s", seconds < 1.0)


# ---- UI in a pseudo-terminal ------------------------------------------------------------------


def game_command() -> list[str] | None:
    found = shutil.which("foggymountain", path=str(Path(sys.executable).parent)) or shutil.which("foggymountain")
    return [found] if found else None


def isolated_env(folder: Path) -> dict[str, str]:
    """The player's own progress and settings stay untouched: every XDG folder points here."""
    env = dict(os.environ)
    for name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
        env[name] = str(folder / name.lower())
    env["USER"] = env.get("USER") or "bench"
    return env


def first_frame(argv: list[str], env: dict, timeout: float = 30.0) -> float:
    with Terminal(argv, env=env, cwd=str(HERE)) as term:
        arrived = term.wait_for(MARKER, timeout=timeout)
        if arrived is None:
            raise RuntimeError(f"no first frame from {argv} in {timeout} s:\n{term.text()[-2000:]}")
        return arrived - term.started


def launch_benchmark(game: list[str], level: Path, env: dict, quick: bool) -> None:
    launches = 3 if quick else 7
    hello = [sys.executable, str(HERE / "hello_app.py")]
    first_frame(game + ["play", str(level)], env)  # warm the file cache and .pyc files
    first_frame(hello, env)
    game_times, hello_times = [], []
    for _ in range(launches):
        game_times.append(first_frame(game + ["play", str(level)], env))
        hello_times.append(first_frame(hello, env))
    game_median, hello_median = statistics.median(game_times), statistics.median(hello_times)
    ratio = game_median / hello_median
    record("launch to first frame, game / hello-world Textual app", "<= 1.3", f"{ratio:.2f}", ratio <= 1.3,
           f"medians of {launches}: game {game_median * 1000:.0f} ms, hello {hello_median * 1000:.0f} ms")


def open_hike(term: Terminal, budget: int) -> None:
    if term.wait_for(MARKER, timeout=30) is None:
        raise RuntimeError("the briefing did not appear:\n" + term.text()[-2000:])
    time.sleep(0.3)
    mark = term.mark
    term.press("enter")
    if term.wait_for(f"of {budget}", mark, timeout=15) is None:
        raise RuntimeError("the hike screen did not appear:\n" + term.text(mark)[-2000:])
    term.wait_quiet(mark, 0.5)


def step_once(term: Terminal, number: int, budget: int) -> tuple[float, int]:
    """Enter on the hike screen: (seconds from the key to the last byte of the new frame, bytes)."""
    mark = term.mark
    pressed = term.press("enter")
    if term.wait_for(f"step {number} of {budget}", mark, timeout=10) is None:
        raise RuntimeError(f"step {number} never showed:\n" + term.text(mark)[-2000:])
    last, written = term.wait_quiet(mark, 0.15)
    return (last or pressed) - pressed, written


def walk_fast(term: Terminal, steps_from: int, steps_to: int, budget: int, batch: int = 25) -> None:
    """Many steps quickly: keys in batches, waiting for each batch's last step to show."""
    step = steps_from
    while step < steps_to:
        count = min(batch, steps_to - step)
        mark = term.mark
        term.press(*(["enter"] * count))
        step += count
        if term.wait_for(f"step {step} of {budget}", mark, timeout=60) is None:
            raise RuntimeError(f"step {step} never showed:\n" + term.text(mark)[-2000:])


def hike_benchmarks(game: list[str], level: Path, env: dict, quick: bool) -> None:
    budget = 10_000
    samples = 15 if quick else 40
    with Terminal(game + ["play", str(level)], env=env, cwd=str(HERE)) as term:
        open_hike(term, budget)
        early = [step_once(term, n, budget) for n in range(1, samples + 1)]
        walk_fast(term, samples, 1000, budget)
        term.wait_quiet(term.mark, 0.5)
        rss = term.rss_mb()
        late = [step_once(term, n, budget) for n in range(1001, 1001 + samples)]
        latencies = [t * 1000 for t, _ in early + late]
        sizes = [b for _, b in early + late]
        latency, size = statistics.median(latencies), statistics.median(sizes)
        record("key press to updated screen, hike (median)", "< 16 ms", f"{latency:.1f} ms", latency < 16,
               f"steps 1-{samples}: {statistics.median(t * 1000 for t, _ in early):.1f} ms, "
               f"after 1,000: {statistics.median(t * 1000 for t, _ in late):.1f} ms; "
               f"p90 {sorted(latencies)[int(0.9 * len(latencies))]:.1f} ms")
        record("bytes written per step, hike (median)", "< 2,000 B", f"{size:,.0f} B", size < 2000,
               f"steps 1-{samples}: {statistics.median(b for _, b in early):,.0f} B, "
               f"after 1,000: {statistics.median(b for _, b in late):,.0f} B")
        record("resident memory after 1,000 steps (pty)", "< 120 MB", f"{rss:.0f} MB", rss < 120)
        term.wait_quiet(term.mark, 0.5)
        before = term.cpu_seconds()
        time.sleep(5.0)
        idle = (term.cpu_seconds() - before) / 5.0 * 100
        record("idle CPU, hike screen open, no key (5 s)", "< 1 %", f"{idle:.2f} %", idle < 1.0)
        mark = term.mark
        pressed = term.press("c")
        shown = term.wait_for("Retry", mark, timeout=60)  # the reveal's footer
        last, written = term.wait_quiet(mark, 0.5, timeout=30)
        if shown is None:
            record("reveal first paint", "< 40 kB", "no reveal", False, term.text(mark)[-300:])
        else:
            record("bytes of the reveal's first paint (to 0.5 s of quiet)", "< 40 kB", f"{written / 1000:.1f} kB",
                   written < 40_000, f"reveal on screen {(shown - pressed) * 1000:.0f} ms after 'c' "
                   f"({1000 + samples} steps walked)")


def reveal_paint_small(game: list[str], level: Path, env: dict) -> None:
    """The reveal after a short hike on a campaign-sized level: its first paint and how soon."""
    with Terminal(game + ["play", str(level)], env=env, cwd=str(HERE)) as term:
        if term.wait_for(MARKER, timeout=30) is None:
            raise RuntimeError("no briefing")
        time.sleep(0.3)
        mark = term.mark
        term.press("enter")
        term.wait_for(" of ", mark, timeout=15)
        term.wait_quiet(mark, 0.5)
        for _ in range(5):
            mark = term.mark
            term.press("enter")
            term.wait_quiet(mark, 0.15)
        mark = term.mark
        pressed = term.press("c")
        shown = term.wait_for("Retry", mark, timeout=60)  # the reveal's footer
        last, written = term.wait_quiet(mark, 0.5, timeout=30)
        ok = shown is not None and written < 40_000
        record("bytes of the reveal's first paint, campaign-sized level", "< 40 kB", f"{written / 1000:.1f} kB", ok,
               f"on screen {(shown - pressed) * 1000:.0f} ms after 'c'" if shown else "no reveal")


def soak_benchmark(level: Path, folder: Path, quick: bool) -> None:
    steps = 2000 if quick else 10_000
    command = [sys.executable, str(HERE / "soak_app.py"), str(level), "--steps", str(steps),
               "--progress-dir", str(folder / "soak-progress")]
    done = subprocess.run(command, capture_output=True, text=True, timeout=1800, cwd=str(ROOT))
    if done.returncode != 0:
        record(f"memory over a {steps:,}-step soak", "flat", "crashed", False, done.stderr[-300:])
        return
    found = json.loads(done.stdout.strip().splitlines()[-1])
    rss = found["rss_mb"]
    start, at_1000, end = rss["0"], rss["1000"], rss[str(steps)]
    growth = end - at_1000
    per_1000 = growth / ((steps - 1000) / 1000)
    record(f"memory growth, steps 1,000 to {steps:,} (headless app)", "< 2 MB per 1,000 steps",
           f"{per_1000:.1f} MB per 1,000", per_1000 < 2.0,
           f"RSS {start:.0f} MB at step 0, {at_1000:.0f} at 1,000, {end:.0f} at {steps:,}; "
           f"{found['seconds']:.0f} s for the soak")


# ---- the table -----------------------------------------------------------------------------------


def table(info: dict[str, str]) -> str:
    lines = ["| measurement | target | measured | result |", "| --- | --- | --- | --- |"]
    for row in ROWS:
        verdict = {True: "pass", False: "**FAIL**", None: "-"}[row.ok]
        measured = row.measured + (f" ({row.note})" if row.note else "")
        lines.append(f"| {row.name} | {row.target} | {measured} | {verdict} |")
    lines.append("")
    lines.append("Machine: " + "; ".join(f"{k} {v}" for k, v in info.items()))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats and a 2,000-step soak")
    parser.add_argument("--core", action="store_true", help="only the in-process core measurements")
    parser.add_argument("--ui", action="store_true", help="only the terminal and soak measurements")
    parser.add_argument("--json", metavar="FILE", type=Path, help="also write the rows as JSON")
    args = parser.parse_args(argv)
    info = machine()
    print("Foggy Mountain benchmarks, " + info["date"], flush=True)
    with tempfile.TemporaryDirectory(prefix="foggy-bench-") as scratch:
        folder = Path(scratch)
        levels = write_levels(folder / "levels")
        if not args.ui:
            core_benchmarks(levels, args.quick)
        if not args.core:
            game = game_command()
            if game is None:
                record("UI measurements", "-", "skipped: no `foggymountain` command installed", None)
            else:
                print("terminal (pty 80x24, TERM=xterm-256color): " + game[0], flush=True)
                env = isolated_env(folder)
                launch_benchmark(game, levels["walk"], env, args.quick)
                hike_benchmarks(game, levels["walk"], env, args.quick)
                small = ROOT / "tests" / "levels_ui" / "02-bowl.toml"
                if small.exists():
                    text = small.read_text().replace("briefing = \"\"\"\n", f"briefing = \"\"\"\n{MARKER}. ", 1)
                    copy = folder / "levels" / "small-bowl.toml"
                    copy.write_text(text)
                    reveal_paint_small(game, copy, env)
            print("soak (headless app, in its own process)", flush=True)
            soak_benchmark(levels["walk"], folder, args.quick)
    print()
    print(table(info))
    if args.json:
        args.json.write_text(json.dumps({"machine": info, "rows": [row.__dict__ for row in ROWS]}, indent=2))
    return 1 if any(row.ok is False for row in ROWS) else 0


if __name__ == "__main__":
    sys.exit(main())
