"""`foggymountain race LEVEL [--json]`: the racers walk the level headless."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def add_parser(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("level", type=Path, help="a level file")
    parser.add_argument("--json", action="store_true", help="print the race as JSON")
    parser.add_argument("--racers", metavar="NAMES",
                        help="comma-separated racers to use instead of the level's, with default settings "
                             "(sgd, momentum, nesterov, adagrad, rmsprop, adam, adamw)")


def run(args: argparse.Namespace) -> int:
    from foggymountain import optimizers, work
    from foggymountain.commands import load_or_report, racer_names
    from foggymountain.safe_text import visible
    from foggymountain.level import Racer
    from foggymountain.race import race

    level = load_or_report(args.level)
    if level is None:
        return 1
    if args.racers is not None:
        names = racer_names(args.racers)
        if names is None:
            return 2
        level.racers = tuple(Racer(n, optimizers.make_optimizer(n).hyperparameters) for n in names)
        cost = work.of_landscape(level.landscape, level.budget, len(names) + 1, level.batch_size)
        if cost.race > work.MAX_RACE_WORK:
            print(f"{visible(level.path)}:1:1: a race of {level.budget:,} steps with {len(names) + 1} walkers costs "
                  f"{cost.race:,} operations here; the limit is {work.MAX_RACE_WORK:,}\n"
                  "    hint: fewer racers in --racers", file=sys.stderr)
            return 1
    result = race(level)
    if args.json:
        json.dump(result.to_json(), sys.stdout, allow_nan=False)
        print()
        return 0
    print(format_table(result))
    return 0


def format_table(result) -> str:
    level = result.level
    minimum = level.minimum
    lines = [
        f"{level.title}  ({level.kind}, {level.dimensions} variable{'s' if level.dimensions != 1 else ''}, "
        f"budget {level.budget} steps)",
        f"goal: height <= {level.goal:.4g}   valley floor (minimum): {minimum.height:.4g}",
        "",
        f"{'racer':<10} {'status':<10} {'final height':>13} {'steps to goal':>14} {'distance':>9}",
    ]
    for walk in result.ranking:
        to_goal = "-" if walk.steps_to_goal is None else str(walk.steps_to_goal)
        if walk.steps_to_goal is not None and walk.status != "reached":
            to_goal += ", left"  # touched the goal, then climbed out again
        lines.append(f"{walk.label:<10} {walk.status:<10} {walk.final_height:>13.5g} {to_goal:>14} {walk.distance:>9.3g}")
    lines.append("")
    if any(w.steps_to_goal is not None and w.status != "reached" for w in result.ranking):
        lines.append('"N, left": reached the goal at step N, then climbed out of it again')
    lines.append(f"winner: {result.winner.label}")
    return "\n".join(lines)
