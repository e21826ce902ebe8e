"""`foggymountain host`: serve the game over SSH to a workshop room (asyncssh; see foggymountain/host.py).

Players run `ssh -p PORT NAME@HOST` with any stock OpenSSH client; their user name is their
player name. Loopback only by default; any other address needs a password (given, or generated
and printed) unless `--open`. docs/workshop.md has the whole run and the security notes.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def add_parser(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--bind", default="127.0.0.1", metavar="ADDR",
                        help="address to listen on (default 127.0.0.1: this machine only; 0.0.0.0 for a room)")
    parser.add_argument("--port", type=int, default=2222, help="port to listen on (default 2222; 0 picks a free one)")
    parser.add_argument("--levels", type=Path, metavar="DIR", help="the folder of levels everyone plays (default: the campaign)")
    parser.add_argument("--results", type=Path, metavar="DIR", help="write every finished hike here (for `board` and `report`)")
    parser.add_argument("--max-players", type=int, default=40, metavar="N", help="at most N games at once (default 40)")
    parser.add_argument("--password", metavar="WORD", help="the password every player types (needed off loopback unless --open)")
    parser.add_argument("--open", action="store_true", help="no password even when listening beyond this machine")
    parser.add_argument("--idle", type=float, default=20.0, metavar="MINUTES",
                        help="end a game after this many minutes without a key press (default 20)")
    parser.add_argument("--rate", type=int, default=60, metavar="N",
                        help="connection attempts allowed per address per minute (default 60)")
    parser.add_argument("--host-key", type=Path, metavar="FILE",
                        help="the host key file (default: generated once in your data folder)")


def run(args: argparse.Namespace) -> int:
    import asyncio

    from foggymountain.commands import results_folder_ready

    from foggymountain.host import HostSettings, password_for

    if args.levels is not None and not args.levels.is_dir():
        print(f"{args.levels}:1:1: no such folder\n    hint: --levels takes a folder of .toml levels", file=sys.stderr)
        return 2
    for name, value, low in (("--max-players", args.max_players, 1), ("--rate", args.rate, 1), ("--port", args.port, 0)):
        if value < low or (name == "--port" and value > 65535):
            print(f"{name} {value}: out of range\n    hint: {name} takes a whole number from {low}"
                  f"{' to 65535' if name == '--port' else ''}", file=sys.stderr)
            return 2
    if not args.idle > 0:
        print(f"--idle {args.idle}: must be more than 0 minutes", file=sys.stderr)
        return 2
    if args.password is not None and not args.password:
        print("--password: empty\n    hint: leave it out on 127.0.0.1, or use --open to go without one", file=sys.stderr)
        return 2
    if not results_folder_ready(args.results):
        return 2
    password, generated = password_for(args.bind, args.password, args.open)
    settings = HostSettings(bind=args.bind, port=args.port, levels=args.levels, results=args.results,
                            max_players=args.max_players, idle_seconds=args.idle * 60, password=password,
                            attempts_per_minute=args.rate, host_key=args.host_key)
    try:
        return asyncio.run(_serve(settings, generated, args.open))
    except KeyboardInterrupt:
        return 0


async def _serve(settings, generated: bool, open_: bool) -> int:
    import asyncio
    import signal

    from foggymountain.host import Host, is_loopback

    host = Host(settings)
    try:
        host.load_key()
    except (OSError, ValueError) as err:  # asyncssh.KeyImportError is a ValueError
        print(f"{host.key_path}: cannot read the host key: {getattr(err, 'strerror', None) or err}\n"
              "    hint: move the file aside and a new key is made (players' ssh will then warn of a changed key)",
              file=sys.stderr)
        return 1
    try:
        await host.start()
    except OSError as err:
        print(f"{settings.bind}:{settings.port}: cannot listen: {err.strerror or err}\n"
              "    hint: another program may use this port; try --port 2223 (or --port 0 for any free one)",
              file=sys.stderr)
        return 1
    where = "this machine only" if is_loopback(settings.bind) else "reachable from the network"
    print(f"Foggy Mountain host on {settings.bind}:{host.port} ({where})")
    print(f"  players join with:  ssh -p {host.port} NAME@{'127.0.0.1' if is_loopback(settings.bind) else 'THIS-HOST'}")
    print(f"  host key:           {host.fingerprint} (ED25519), in {host.key_path}")
    if settings.password is not None:
        print(f"  password:           {settings.password}{'  (generated; give it to the players)' if generated else ''}")
    elif open_ and not is_loopback(settings.bind):
        print("  password:           none (--open): anyone who reaches this port can play")
    print(f"  levels:             {settings.levels or 'the built-in campaign'}")
    print(f"  results:            {settings.results or 'not kept (give --results DIR for board and report)'}")
    print(f"  at most {settings.max_players} players; a game ends after {settings.idle_seconds / 60:g} minutes without a key")
    print("Ctrl+C stops the host and every game.", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    await stop.wait()
    host.log("closing: ending every game")
    await host.close()
    return 0
