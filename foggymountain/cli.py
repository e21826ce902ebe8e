"""The one entry point: `foggymountain [play] ...`, `check`, `race`, `tune`, `report`, `new`, ...

Each subcommand lives in `foggymountain/commands/NAME.py` with `add_parser(subparsers)` and
`run(args) -> int`. Modules are imported only when their command runs, so `check` never imports
Textual and `play` starts as fast as possible.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from foggymountain import __version__
from foggymountain.safe_text import VisibleStream

# name -> one-line help. Order is the order in --help.
COMMANDS = {
    "play": "play the campaign, a level file or a folder of levels (the default)",
    "check": "check level files: every problem with its place (FILE:LINE:COL), an excerpt and a hint",
    "race": "race the optimizers on a level, headless (--json for machines)",
    "tune": "search each racer's learning rate for a level and print [agents.*] TOML",
    "preview": "print a level's revealed landscape, trails and scoreboard, no TUI",
    "levels": "list the built-in levels and the names that open them (race ravine, play 10)",
    "new": "write a commented starting level that passes check",
    "schema": "print a JSON Schema of the level format for editors",
    "report": "a workshop leaderboard from a folder of results",
    "pack": "show or check a level pack (a folder with pack.toml)",
    "serve": "serve the game in a browser (needs the [web] extra)",
    "host": "host a workshop over SSH: players run `ssh -p PORT NAME@HOST`",
    "board": "a live workshop leaderboard and class trails from a results folder",
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="foggymountain",
        description="Foggy Mountain: gradient descent, played blindfolded. "
        "With no command, opens the level select.",
    )
    parser.add_argument("--version", action="version", version=f"foggymountain {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, help_text in COMMANDS.items():
        module = _module(name)
        command = sub.add_parser(name, help=help_text, description=help_text)
        module.add_parser(command)
    return parser


def _mistyped_command(word: str) -> str | None:
    """The command `word` looks like a typo of, unless `word` is something `play` opens (a file,
    a folder, a built-in level's name) or an option."""
    import difflib
    from pathlib import Path

    if word.startswith("-") or Path(word).exists():
        return None
    from foggymountain.campaign import find_builtin

    if find_builtin(word) is not None:
        return None
    close = difflib.get_close_matches(word.lower(), list(COMMANDS), n=1, cutoff=0.6)
    return close[0] if close else None


def _module(name: str):
    return importlib.import_module(f"foggymountain.commands.{name}")


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or (argv[0] not in COMMANDS and argv[0] not in ("-h", "--help", "--version")):
        mistyped = _mistyped_command(argv[0]) if argv else None
        if mistyped:
            print(f"foggymountain: unknown command '{argv[0]}'\n    hint: did you mean '{mistyped}'? "
                  f"Commands: {', '.join(COMMANDS)}", file=sys.stderr)
            return 2
        argv = ["play", *argv]
    guarded = argv[0] not in ("play", "serve")  # the game draws its own screen
    if guarded:
        # Whatever a command prints (argparse's errors too), control characters reach the
        # terminal as escapes.
        streams = sys.stdout, sys.stderr
        # On a terminal the colours check and preview draw (SGR sequences only) pass.
        sys.stdout, sys.stderr = (VisibleStream(stream, colours=_is_terminal(stream)) for stream in streams)
    try:
        args = build_parser().parse_args(argv)
        return int(_module(args.command).run(args) or 0)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    finally:
        if guarded:
            sys.stdout, sys.stderr = streams


def _is_terminal(stream) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False
