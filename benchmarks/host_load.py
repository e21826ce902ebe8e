"""Load on `foggymountain host`: N players connect at once and each reaches the level select.

    python benchmarks/host_load.py [--players 30]

Starts the installed `foggymountain host` on 127.0.0.1 (a free port, a throwaway data folder),
opens N asyncssh clients at the same moment, each with an 80x24 pty, and times how long each
takes from connecting to seeing the level select ("choose a level" on its screen). With every
player at the level select, it sums the memory of the host and all its children: RSS (what `ps`
shows, counting shared pages once per process) and PSS (shared pages divided among the processes
that share them: the memory the machine really spends). Prints one Markdown table row.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import asyncssh

ANSI = re.compile(r"\x1b\[[0-9;?<>=]*[ -/]*[@-~]|\x1b[()][0-9A-Za-z]|\x1b[=>]|\x1b\][^\x07]*\x07")
MARKER = "choose a level"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def descendants(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                children.setdefault(int(fields[1]), []).append(int(entry.name))
            except (OSError, IndexError, ValueError):
                continue
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(children.get(current, []))
    return found


def memory_kb(pid: int, field: str, source: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/{source}").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


async def one_player(port: int, name: str, started: float) -> tuple[float, asyncssh.SSHClientConnection, object]:
    conn = await asyncssh.connect("127.0.0.1", port=port, username=name, known_hosts=None, client_keys=None,
                                  agent_path=None)
    process = await conn.create_process(term_type="xterm-256color", term_size=(80, 24), encoding="utf-8",
                                        errors="replace")
    seen = ""
    while MARKER not in ANSI.sub("", seen):
        chunk = await process.stdout.read(65536)
        if not chunk:
            raise RuntimeError(f"{name}: the game closed before the level select: {ANSI.sub('', seen)[-300:]!r}")
        seen = seen[-20000:] + chunk
    return time.perf_counter() - started, conn, process


async def load(port: int, players: int, host_pid: int) -> dict:
    started = time.perf_counter()
    outcomes = await asyncio.wait_for(
        asyncio.gather(*(one_player(port, f"player{k:02d}", started) for k in range(players))), 600)
    wall = time.perf_counter() - started
    await asyncio.sleep(2.0)  # every game settled at its level select
    pids = descendants(host_pid)
    games = len(pids) - 1
    rss = sum(memory_kb(pid, "VmRSS", "status") for pid in pids)
    pss = sum(memory_kb(pid, "Pss", "smaps_rollup") for pid in pids)
    host_rss = memory_kb(host_pid, "VmRSS", "status")
    host_pss = memory_kb(host_pid, "Pss", "smaps_rollup")
    for _, conn, _ in outcomes:
        conn.close()
    times = sorted(t for t, _, _ in outcomes)
    return {"wall": wall, "median": statistics.median(times), "p90": times[int(0.9 * (len(times) - 1))],
            "max": times[-1], "rss": rss, "pss": pss, "host_rss": host_rss, "host_pss": host_pss,
            "games": games}


def machine() -> str:
    cpu = "?"
    try:
        cpu = next(l.split(":", 1)[1].strip() for l in Path("/proc/cpuinfo").read_text().splitlines()
                   if l.startswith("model name"))
    except (OSError, StopIteration):
        pass
    memory = 0
    try:
        memory = int(next(l.split()[1] for l in Path("/proc/meminfo").read_text().splitlines() if l.startswith("MemTotal")))
    except (OSError, StopIteration):
        pass
    load1 = os.getloadavg()[0]
    return (f"{os.cpu_count()} cores ({cpu}), {memory / 1048576:.0f} GB, Python {platform.python_version()}, "
            f"load average {load1:.1f} when started")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--players", type=int, default=30)
    args = parser.parse_args()
    game = shutil.which("foggymountain", path=str(Path(sys.executable).parent)) or shutil.which("foggymountain")
    if game is None:
        print("needs the installed foggymountain command (pip install -e .)", file=sys.stderr)
        return 2
    print(machine())
    with tempfile.TemporaryDirectory() as folder:
        env = {**os.environ, "XDG_DATA_HOME": f"{folder}/data", "XDG_CONFIG_HOME": f"{folder}/config",
               "XDG_STATE_HOME": f"{folder}/state", "XDG_CACHE_HOME": f"{folder}/cache"}
        port = free_port()
        log = Path(folder) / "host.log"
        host = subprocess.Popen([game, "host", "--port", str(port), "--max-players", str(args.players + 5),
                                 "--rate", str(args.players * 4)], stdout=log.open("w"), stderr=subprocess.STDOUT,
                                env=env, cwd=folder)
        try:
            deadline = time.monotonic() + 60
            while "Ctrl+C stops" not in log.read_text():
                if host.poll() is not None or time.monotonic() > deadline:
                    print(log.read_text(), file=sys.stderr)
                    return 1
                time.sleep(0.1)
            idle_rss = memory_kb(host.pid, "VmRSS", "status")
            result = asyncio.run(load(port, args.players, host.pid))
        finally:
            host.terminate()
            host.wait(timeout=30)
        joins = log.read_text().count(" join  ")
    print(f"host alone: {idle_rss / 1024:.0f} MB RSS (with {args.players} players: {result['host_rss'] / 1024:.0f} MB); games running at the measurement: {result['games']}; "
          f"joins logged: {joins}")
    print("| players | all at the level select | per player: median / p90 / max | host + games RSS | PSS | per game (PSS) |")
    print("| --- | --- | --- | --- | --- | --- |")
    per_game = (result["pss"] - result["host_pss"]) / max(result["games"], 1) / 1024
    print(f"| {args.players} | {result['wall']:.1f} s | {result['median']:.1f} / {result['p90']:.1f} / {result['max']:.1f} s "
          f"| {result['rss'] / 1024:.0f} MB | {result['pss'] / 1024:.0f} MB | {per_game:.0f} MB |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
