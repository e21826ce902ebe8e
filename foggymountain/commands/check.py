"""`foggymountain check PATH...`: every problem of every level, shown with an excerpt of the file
and carets under the spot (see `diagnostics`); exit 1 if any level has an error (with `--strict`,
a warning too)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def add_parser(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="*", type=Path, default=None, metavar="PATH",
                        help="level files or folders, or names of built-in levels (default: the built-in campaign)")
    parser.add_argument("-q", "--quiet", action="store_true", help="print only problems")
    parser.add_argument("--strict", action="store_true", help="warnings count as errors (exit 1)")
    parser.add_argument("--short", action="store_true",
                        help="one line per problem (FILE:LINE:COL: message) and its hint, no excerpt")


def run(args: argparse.Namespace) -> int:
    from foggymountain.campaign import builtin_levels_dir, level_files, resolve_level
    from foggymountain.checking import check_level, is_sound
    from foggymountain.diagnostics import Problem, Sources, render, summary, use_color

    paths = args.paths or [builtin_levels_dir()]
    files: list[Path] = []
    missing: list[Problem] = []
    for path in paths:
        if path.is_dir():
            found = level_files(path)
            if not found:
                print(f"{path}: no .toml level files in this folder", file=sys.stderr)
            files.extend(found)
        else:
            resolved = resolve_level(path)
            if isinstance(resolved, Path):
                files.append(resolved)
            else:
                missing.append(resolved)
    color = use_color(sys.stdout)
    sources = Sources()

    def show(problem: Problem) -> None:
        print(str(problem) if args.short else render(problem, sources, color) + "\n")

    for problem in missing:
        show(problem)
    bad = len(missing)
    everything: list[Problem] = list(missing)
    for file in files:
        problems = check_level(file)
        everything += problems
        if not is_sound(problems, args.strict):
            bad += 1
        for problem in problems:
            show(problem)
        if not args.quiet and is_sound(problems, args.strict):
            warned = summary(problems)
            print(f"{file}: ok" + (f" ({warned})" if warned else ""))
    sys.stdout.flush()
    if not args.quiet or bad or any(p.is_warning for p in everything):
        total = len(files) + len(missing)
        counted = summary(everything)
        print(f"{total - bad} of {total} level{'s' if total != 1 else ''} sound" + (f"; {counted}" if counted else ""),
              file=sys.stderr)
    return 1 if bad or not files else 0
