"""`foggymountain preview LEVEL`: the revealed landscape, the racers' trails and the scoreboard,
printed to stdout (no TUI)."""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from pathlib import Path


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} must be at least 1")
    return value


def add_parser(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("level", type=Path, metavar="LEVEL", help="a level file, or a built-in level's name (see `foggymountain levels`)")
    parser.add_argument("--width", type=_positive, metavar="N", help="characters across (default: the terminal's, at most 100)")
    parser.add_argument("--height", type=_positive, metavar="N", help="lines of the picture (default 20)")
    parser.add_argument("--no-color", action="store_true",
                        help="plain characters only (also when NO_COLOR is set or stdout is not a terminal)")


def run(args: argparse.Namespace) -> int:
    from foggymountain import preview
    from foggymountain.commands import load_or_report
    from foggymountain.race import race

    level = load_or_report(args.level)
    if level is None:
        return 1
    color = sys.stdout.isatty() and not args.no_color and not os.environ.get("NO_COLOR")
    width = args.width or min(shutil.get_terminal_size((80, 24)).columns, 100)
    if color and hasattr(sys.stdout, "colours"):
        sys.stdout.colours = True  # our own colour sequences pass the guard (cli.py)
    sys.stdout.write(preview.render(race(level), width=width, height=args.height or 20, color=color))
    return 0
