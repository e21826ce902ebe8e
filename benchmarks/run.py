"""Foggy Mountain's benchmarks: one command, one table (target, measured, pass/fail).

    python benchmarks/run.py            # everything (about 3 to 5 minutes)
    python benchmarks/run.py --quick    # fewer repeats, a 2,000-step soak (about a minute)
    python benchmarks/run.py --core     # only the in-process core measurements

Core (in process, CPU time, best of 3): the race of all seven racers on a 2-D level for 10,000
steps and on a fit level of 15,000 rows with mini-batches of 64 for 1,000 steps; the reveal's
computation (valley floor, race, map grid) on every campaign level and on the benchmark levels.

UI (the installed `foggymountain` in a pseudo-terminal, 80x24, TERM=xterm-256color), each against
the minimal Textual app of the speed issue (`hello_app.py`: a Static and a Footer, Enter rewrites
the Static) where the target is a ratio: `--help`/`--version` time; launch to first frame; key to
the last byte of the answer on the hike screen at steps 1-40 and after 1,000 (median and p90);
bytes per step; camp -> reveal painted (after 1,000 steps, and on the campaign's last level after
20 steps) against the minimal app's launch; the reveal's first paint in bytes; idle CPU; resident
memory after 1,000 steps; then a 10,000-step soak under Textual's headless driver for memory
growth. `--suite` also times the README's test command.

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
    record("race: 7 racers x 1,000 steps, fit level, 15,000 rows, batch 64", "< 1 s", f"{seconds:.3f} s",
           seconds < 1.0, what)
    campaign = ROOT / "levels"
    reveals = core.campaign_reveals(campaign) if campaign.is_dir() else []
    if reveals:
        name, worst = max(reveals, key=lambda item: item[1])
        record(f"reveal compute, slowest of {len(reveals)} campaign levels", "< 0.5 s", f"{worst:.3f} s",
               worst < 0.5, f"{name}; median {statistics.median(s for _, s in reveals):.3f} s")
    for key, label in (("bowl", "2-D, budget 10,000"), ("fit", "fit, 15,000 rows")):
        seconds = core.reveal_seconds(levels[key])
        record(f"reveal compute, benchmark level ({label})", "< 1 s", f"{seconds:.3f} s", seconds < 1.0)
    if hasattr(core, "tuning_seconds"):
        tuned = [(path.stem, *core.tuning_seconds(path)) for path in sorted(campaign.glob("[0-9]*.toml"))]
        if tuned:
            name, worst, what = max(tuned, key=lambda item: item[1])
            record(f"tuning (cold), slowest of {len(tuned)} campaign levels", "< 3 s", f"{worst:.3f} s",
                   worst < 3.0, f"{name}, {what}")
        for key, label in (("bowl", "7 racers, budget 10,000"), ("fit", "7 racers, 15,000 rows, batch 64")):
            seconds, what = core.tuning_seconds(levels[key])
            record(f"tuning (cold), benchmark level ({label})", "< 3 s", f"{seconds:.3f} s", seconds < 3.0)


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


def launch_benchmark(game: list[str], level: Path, env: dict, quick: bool) -> float:
    """Launch to first frame, as a ratio to the minimal app's. Returns the minimal app's median
    launch (seconds): the yardstick for camp -> reveal."""
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
    record("launch to first frame, game / minimal app", "<= 1.3", f"{ratio:.2f}", ratio <= 1.3,
           f"medians of {launches}: game {game_median * 1000:.0f} ms, minimal app {hello_median * 1000:.0f} ms")
    return hello_median


def open_hike(term: Terminal, budget: int, marker: str = MARKER) -> None:
    if term.wait_for(marker, timeout=30) is None:
        raise RuntimeError("the briefing did not appear:\n" + term.text()[-2000:])
    time.sleep(0.3)
    mark = term.mark
    term.press("enter")
    if term.wait_for(f"of {budget}", mark, timeout=15) is None:
        raise RuntimeError("the hike screen did not appear:\n" + term.text(mark)[-2000:])
    term.wait_quiet(mark, 0.5)


def step_once(term: Terminal, number: int, budget: int) -> tuple[float, int]:
    """Enter: (seconds from the key to the last byte of the new frame, bytes written)."""
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


def p90(values: list[float]) -> float:
    return sorted(values)[min(len(values) - 1, int(0.9 * len(values)))]


def minimal_key_latency(env: dict, samples: int) -> float:
    """Median seconds from Enter to the last byte of the minimal app's answer."""
    hello = [sys.executable, str(HERE / "hello_app.py")]
    with Terminal(hello, env=env, cwd=str(HERE)) as term:
        if term.wait_for(MARKER, timeout=30) is None:
            raise RuntimeError("the minimal app did not start")
        term.wait_quiet(term.mark, 0.5)
        times = [step_once(term, n, 10000)[0] for n in range(1, samples + 1)]
    return statistics.median(times)


def camp(term: Terminal) -> tuple[float | None, float | None, int]:
    """Press c, then Enter on the prediction screen (no guess): (seconds from that Enter to the
    reveal on screen, to its last byte, bytes of the first paint). The prediction screen comes
    at once; the race is scored while the player guesses, so this is what the player waits for."""
    mark = term.mark
    term.press("c")
    if term.wait_for("Reveal", mark, timeout=60) is not None:  # the prediction screen's footer
        term.wait_quiet(mark, 0.3, timeout=10)
        mark = term.mark
    pressed = term.press("enter")
    shown = term.wait_for("Retry", mark, timeout=60)  # the reveal's footer
    last, written = term.wait_quiet(mark, 0.5, timeout=30)
    if shown is None or last is None:
        return None, None, written
    return shown - pressed, last - pressed, written


def hike_benchmarks(game: list[str], level: Path, env: dict, quick: bool, yardstick: float) -> None:
    budget = 10_000
    samples = 15 if quick else 40
    minimal = minimal_key_latency(env, samples)
    with Terminal(game + ["play", str(level)], env=env, cwd=str(HERE)) as term:
        open_hike(term, budget)
        early = [step_once(term, n, budget) for n in range(1, samples + 1)]
        walk_fast(term, samples, 1000, budget)
        term.wait_quiet(term.mark, 0.5)
        rss = term.rss_mb()
        late = [step_once(term, n, budget) for n in range(1001, 1001 + samples)]
        for label, phase in ((f"steps 1-{samples}", early), (f"steps 1,001-{1000 + samples}", late)):
            times = [t for t, _ in phase]
            median = statistics.median(times)
            ratio = median / minimal
            tail = p90(times) / median
            record(f"key to last byte, hike, {label} / minimal app", "<= 3x; p90 <= 2x median",
                   f"{ratio:.1f}x; p90 {tail:.1f}x", ratio <= 3 and tail <= 2,
                   f"median {median * 1000:.1f} ms, p90 {p90(times) * 1000:.1f} ms, "
                   f"minimal app {minimal * 1000:.1f} ms")
        sizes = [b for _, b in early + late]
        size = statistics.median(sizes)
        record("bytes written per hike step (median)", "<= 2,000 B", f"{size:,.0f} B", size <= 2000,
               f"steps 1-{samples}: {statistics.median(b for _, b in early):,.0f} B, "
               f"after 1,000: {statistics.median(b for _, b in late):,.0f} B")
        record("resident memory after 1,000 steps (pty)", "< 80 MB", f"{rss:.0f} MB", rss < 80)
        term.wait_quiet(term.mark, 0.5)
        before = term.cpu_seconds()
        time.sleep(5.0)
        idle = (term.cpu_seconds() - before) / 5.0 * 100
        record("idle CPU, hike screen open, no key (5 s)", "< 1 %", f"{idle:.2f} %", idle < 1.0)
        shown, painted, written = camp(term)
        reveal_rows(f"after a {1000 + samples:,}-step hike", shown, painted, written, yardstick)


def reveal_rows(label: str, shown: float | None, painted: float | None, written: int, yardstick: float) -> None:
    if painted is None:
        record(f"camp -> reveal painted, {label}", "reveal", "no reveal", False)
        return
    record(f"camp -> reveal painted, {label}", f"<= minimal app's launch ({yardstick * 1000:.0f} ms)",
           f"{painted * 1000:.0f} ms", painted <= yardstick, f"reveal on screen after {shown * 1000:.0f} ms")
    record(f"bytes of the reveal's first paint, {label}", "<= 40 kB", f"{written / 1000:.1f} kB",
           written <= 40_000)


def last_campaign_level() -> Path | None:
    levels = sorted(p for p in (ROOT / "levels").glob("[0-9]*.toml"))
    return levels[-1] if levels else None


def campaign_reveal(game: list[str], env: dict, yardstick: float, steps: int = 20) -> None:
    """Camp -> reveal on the campaign's last level after `steps` steps (its own title is the marker)."""
    import tomllib

    level = last_campaign_level()
    if level is None:
        return
    data = tomllib.loads(level.read_text())
    budget = int(data["hike"]["budget"])
    with Terminal(game + ["play", str(level)], env=env, cwd=str(HERE)) as term:
        open_hike(term, budget, marker=str(data["title"])[:20])
        walk_fast(term, 0, min(steps, budget - 1), budget, batch=5)
        term.wait_quiet(term.mark, 0.5)
        shown, painted, written = camp(term)
        reveal_rows(f"{level.stem} after {steps} steps", shown, painted, written, yardstick)


def cli_seconds(game: list[str], env: dict, quick: bool) -> None:
    """`--help` and `--version`: they must not import numpy."""
    for flag in ("--help", "--version"):
        times = []
        for _ in range(3 if quick else 7):
            start = time.perf_counter()
            subprocess.run(game + [flag], env=env, capture_output=True, check=True)
            times.append(time.perf_counter() - start)
        median = statistics.median(times)
        record(f"`foggymountain {flag}`", "<= 0.1 s", f"{median:.3f} s", median <= 0.1)


def suite_seconds() -> None:
    """The README's test command, timed (the suite itself; the install is not counted): the suite
    on every core, then the marked `timing` suite on its own."""
    seconds, summaries, ok = 0.0, [], True
    for extra in ([], ["-m", "timing", "-n0"]):
        start = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *extra],
                              cwd=str(ROOT), capture_output=True, text=True)
        part = time.perf_counter() - start
        seconds += part
        ok = ok and done.returncode == 0
        summaries.append(f"{(done.stdout.strip().splitlines() or ['?'])[-1]} ({part / 60:.1f} min)")
    record("the README's test command", "<= 5 min", f"{seconds / 60:.1f} min", seconds <= 300 and ok,
           "; then the timing suite: ".join(summaries))


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
    parser.add_argument("--suite", action="store_true", help="also time the README's test command")
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
                cli_seconds(game, env, args.quick)
                yardstick = launch_benchmark(game, levels["walk"], env, args.quick)
                hike_benchmarks(game, levels["walk"], env, args.quick, yardstick)
                campaign_reveal(game, env, yardstick)
            print("soak (headless app, in its own process)", flush=True)
            soak_benchmark(levels["walk"], folder, args.quick)
    if args.suite:
        suite_seconds()
    print()
    print(table(info))
    if args.json:
        args.json.write_text(json.dumps({"machine": info, "rows": [row.__dict__ for row in ROWS]}, indent=2))
    return 1 if any(row.ok is False for row in ROWS) else 0


if __name__ == "__main__":
    sys.exit(main())
