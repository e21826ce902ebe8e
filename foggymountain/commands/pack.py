"""`foggymountain pack DIR`: a pack's title, introduction and levels in order, each checked as
`check` does (errors and warnings, with excerpts)."""

from __future__ import annotations

import argparse
import sys
import textwrap
from pathlib import Path


def add_parser(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("folder", type=Path, metavar="DIR", help="a folder of level files, with or without pack.toml")
    parser.add_argument("-q", "--quiet", action="store_true", help="print only problems")
    parser.add_argument("--strict", action="store_true", help="warnings count as errors (exit 1)")


def run(args: argparse.Namespace) -> int:
    from foggymountain.campaign import PACK_FILE, level_files, load_pack
    from foggymountain.checking import is_sound
    from foggymountain.diagnostics import Sources, printable, render, summary, use_color
    from foggymountain.level import LevelError

    color = use_color(sys.stdout)
    sources = Sources()

    folder: Path = args.folder
    if not folder.is_dir():
        print(f"{folder}:1:1: not a folder\n    hint: give the folder that holds the level files (and pack.toml)", file=sys.stderr)
        return 1
    pack_broken = False
    try:
        pack = load_pack(folder)
        title, introduction, author, files = pack.title, pack.introduction, pack.author, pack.files
    except LevelError as err:
        pack_broken = True
        for problem in err.problems:
            print(render(problem, sources, color) + "\n")
        title, introduction, author, files = f"{folder} ({PACK_FILE} is broken)", "", "", level_files(folder)
    if not args.quiet:
        heading = printable(title + (f"  (by {author})" if author else ""))
        print(heading)
        print("=" * min(len(heading), 78))
        for paragraph in introduction.strip().split("\n\n") if introduction.strip() else []:
            print(textwrap.fill(printable(" ".join(paragraph.split())), width=78))
            print()
        if not (folder / PACK_FILE).is_file():
            print(f"(no {PACK_FILE}: the levels come in file-name order)\n")
    if not files:
        print(f"{folder}: no .toml level files in this folder", file=sys.stderr)
        return 1
    width = len(str(len(files)))
    bad = 0
    everything = []
    for number, file in enumerate(files, start=1):
        title_of_level, problems = _check(file)
        everything += problems
        if not is_sound(problems, args.strict):
            bad += 1
        if not is_sound(problems):
            print(f"{number:>{width}}. {file.name}  BROKEN")
        elif problems or not args.quiet:
            print(f"{number:>{width}}. {file.name}  ok  {printable(title_of_level)}  ({summary(problems)})" if problems
                  else f"{number:>{width}}. {file.name}  ok  {printable(title_of_level)}")
        for problem in problems:
            print(textwrap.indent(render(problem, sources, color), " " * (width + 2)) + "\n")
    counted = summary(everything)
    print(f"{len(files) - bad} of {len(files)} level{'s' if len(files) != 1 else ''} sound"
          + (f"; {counted}" if counted else "")
          + (f"; {PACK_FILE} is broken" if pack_broken else ""), file=sys.stderr)
    return 1 if bad or pack_broken else 0


def _check(file: Path):
    """(title, problems) of a level: loaded once, then verified as `check` does."""
    from foggymountain.checking import check_level, verify
    from foggymountain.level import LevelError, Problem, load_level

    try:
        level = load_level(file)
    except LevelError as err:
        return "", err.problems
    except Exception:  # same safety net as `check`: an internal error is a problem, not a traceback
        return "", check_level(file) or [Problem(str(file), 1, 1, "internal error while loading", "please report this", length=0)]
    return level.title, verify(level)
