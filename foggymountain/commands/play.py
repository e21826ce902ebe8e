"""`foggymountain [play] [FILE|DIR]`: open the level select, a folder of levels, or one level.

Textual is imported only inside `run`, so other commands (and `--help`) stay quick and headless.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path


def add_parser(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("target", nargs="?", type=Path, default=None, metavar="FILE|DIR|NAME",
                        help="a level file to play, a folder of levels, or a built-in level's name or "
                             "number (see `foggymountain levels`; default: the campaign)")
    parser.add_argument("--levels", type=Path, default=None, metavar="DIR",
                        help="play this folder of levels instead of the built-in campaign")
    parser.add_argument("--player", default=None, metavar="NAME",
                        help="whose progress to keep (default: your user name)")
    parser.add_argument("--results", type=Path, default=None, metavar="DIR",
                        help="also write each finished hike's result here (for a workshop report)")
    parser.add_argument("--watch", action="store_true",
                        help="reload the level when its file changes (for level authors)")


def run(args: argparse.Namespace) -> int:
    target: Path | None = args.target
    levels_dir: Path | None = args.levels
    level_file: Path | None = None
    if target is not None:
        if target.is_dir():
            levels_dir = target
        else:
            from foggymountain.campaign import resolve_level

            resolved = resolve_level(target)
            if not isinstance(resolved, Path):
                print(resolved, file=sys.stderr)
                return 2
            level_file = resolved
    if levels_dir is not None and not levels_dir.is_dir():
        print(f"{levels_dir}:1:1: no such folder\n    hint: --levels takes a folder of .toml levels",
              file=sys.stderr)
        return 2
    # `serve` runs us over pipes with its own driver; otherwise a terminal is needed.
    if not os.environ.get("TEXTUAL_DRIVER") and not (sys.stdout.isatty() and sys.stdin.isatty()):
        print("foggymountain play needs a terminal (try `foggymountain race LEVEL` for text output)",
              file=sys.stderr)
        return 2

    log_file = os.environ.get("FOGGYMOUNTAIN_LOG")
    if log_file:  # what the game's boundaries caught (tracebacks included), for a bug report
        import logging

        logging.basicConfig(filename=log_file, level=logging.INFO,
                            format="%(asctime)s %(levelname)s %(name)s: %(message)s")

    from foggymountain.ui.app import make_app

    app = make_app(levels_dir=levels_dir, level_file=level_file, player=args.player,
                   results_dir=args.results, watch=args.watch, prefaces_first=True)
    app.run()
    return int(app.return_code or 0)
