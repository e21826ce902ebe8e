"""Subcommands: each module has `add_parser(parser)` and `run(args) -> int` (see cli.py)."""

from __future__ import annotations

import difflib
import sys
from pathlib import Path


def load_or_report(path: Path):
    """The level at `path` (a file, or a built-in level's name like `ravine` or `10`), or None
    after printing its problems to stderr, each with an excerpt of the file."""
    from foggymountain.campaign import resolve_level
    from foggymountain.level import LevelError, load_level

    resolved = resolve_level(path)
    if not isinstance(resolved, Path):
        show_problems([resolved])
        return None
    try:
        return load_level(resolved)
    except LevelError as err:
        show_problems(err.problems)
        return None


def show_problems(problems, stream=None) -> None:
    """Problems shown as `check` shows them (excerpt, carets, hint), on stderr by default."""
    from foggymountain.diagnostics import render_all, use_color

    stream = stream or sys.stderr
    print(render_all(problems, color=use_color(stream)), file=stream)


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


def results_folder_ready(folder: Path | None) -> bool:
    """Make `--results FOLDER` if it is missing; False after saying why it cannot be made."""
    if folder is None:
        return True
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        print(f"{folder}: cannot create the results folder: {err.strerror}", file=sys.stderr)
        return False
    return True
