"""Subcommands: each module has `add_parser(parser)` and `run(args) -> int` (see cli.py)."""

from __future__ import annotations

import difflib
import sys
from pathlib import Path


def load_or_report(path: Path):
    """The level at `path`, or None after printing its problems (FILE:LINE:COL + hint) to stderr."""
    from foggymountain.level import LevelError, load_level

    try:
        return load_level(path)
    except LevelError as err:
        print(err, file=sys.stderr)
        return None


def racer_names(text: str) -> list[str] | None:
    """The distinct racer names of a `--racers a,b,c` option, or None after saying which is unknown."""
    from foggymountain import optimizers

    names = list(dict.fromkeys(n.strip() for n in text.split(",") if n.strip()))
    if not names:
        print(f"--racers: no racer named\n    hint: for example --racers sgd,adam; racers: {', '.join(optimizers.NAMES)}",
              file=sys.stderr)
        return None
    for name in names:
        if name not in optimizers.NAMES:
            close = difflib.get_close_matches(name.lower(), optimizers.NAMES, n=1)
            guess = f"did you mean '{close[0]}'? " if close else ""
            print(f"--racers: unknown racer '{name}'\n    hint: {guess}racers: {', '.join(optimizers.NAMES)}",
                  file=sys.stderr)
            return None
    return names
