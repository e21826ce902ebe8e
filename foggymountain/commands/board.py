"""`foggymountain board DIR`: a live leaderboard for the projector, and the class's trails per level.

Reads the results folder the players' games write into (`host --results DIR`, `play --results DIR`)
and keeps up with it by itself: it looks at the folder's modification time twice a second (one
`stat`, no reading) and reads only the files that are new. `--freeze` stops the updates (like a
contest freeze) until `f` is pressed; `--hide` hides the names until `h` is pressed.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def add_parser(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("folder", type=Path, metavar="DIR", help="the results folder the players' games write into")
    parser.add_argument("--levels", type=Path, metavar="DIR",
                        help="the folder of levels they play, to draw the class trails (default: the campaign)")
    parser.add_argument("--freeze", action="store_true", help="start frozen: the board stops updating until you press f")
    parser.add_argument("--hide", action="store_true", help="hide the players' names until you press h")


def run(args: argparse.Namespace) -> int:
    folder: Path = args.folder
    if not folder.is_dir():
        print(f"{folder}: no such folder\n    hint: give the folder passed to `foggymountain host --results`", file=sys.stderr)
        return 1
    if args.levels is not None and not args.levels.is_dir():
        print(f"{args.levels}:1:1: no such folder\n    hint: --levels takes the folder of .toml levels the players play",
              file=sys.stderr)
        return 2
    if not (sys.stdout.isatty() and sys.stdin.isatty()):
        print("foggymountain board needs a terminal (try `foggymountain report DIR` for text output)", file=sys.stderr)
        return 2

    from foggymountain.ui.board_app import make_board_app

    app = make_board_app(folder, levels_dir=args.levels, frozen=args.freeze, hidden=args.hide)
    app.run()
    return 0
