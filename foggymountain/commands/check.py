"""`foggymountain check PATH...`: every problem of every level, as FILE:LINE:COL, exit 1 if any."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path



def add_parser(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="*", type=Path, default=None, metavar="PATH",
                        help="level files or folders (default: the built-in campaign)")
    parser.add_argument("-q", "--quiet", action="store_true", help="print only problems")


def run(args: argparse.Namespace) -> int:
    from foggymountain.campaign import builtin_levels_dir, level_files
    from foggymountain.checking import check_level

    paths = args.paths or [builtin_levels_dir()]
    files: list[Path] = []
    missing = 0
    for path in paths:
        if path.is_dir():
            found = level_files(path)
            if not found:
                print(f"{path}: no .toml level files in this folder", file=sys.stderr)
            files.extend(found)
        elif path.exists():
            files.append(path)
        else:
            print(f"{path}:1:1: no such file or folder\n    hint: check the path")
            missing += 1
    bad = missing
    for file in files:
        problems = check_level(file)
        if problems:
            bad += 1
            for problem in problems:
                print(problem)
        elif not args.quiet:
            print(f"{file}: ok")
    sys.stdout.flush()
    if not args.quiet or bad:
        total = len(files) + missing
        print(f"{total - bad} of {total} level{'s' if total != 1 else ''} sound", file=sys.stderr)
    return 1 if bad or not files else 0
