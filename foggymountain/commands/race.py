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
    from foggymountain.outcome import LEFT_GOAL_NOTE, score_rows, winner_line

    level = result.level
    minimum = level.minimum
    rows = score_rows(result)
    lines = [
        f"{level.title}  ({level.kind}, {level.dimensions} variable{'s' if level.dimensions != 1 else ''}, "
        f"budget {level.budget} steps)",
        f"goal: height <= {level.goal:.4g}   valley floor (minimum): {minimum.height:.4g}",
        "",
        f"{'racer':<10} {'status':<10} {'final height':>13} {'steps to goal':>14} {'distance':>9}",
    ]
    for row in rows:
        to_goal = "-" if row.steps_to_goal is None else str(row.steps_to_goal)
        if row.left_goal:
            to_goal += ", left"
        lines.append(f"{row.label:<10} {row.status.value:<10} {row.final_height:>13.5g} {to_goal:>14} {row.distance:>9.3g}")
    lines.append("")
    if any(row.left_goal for row in rows):
        lines.append(LEFT_GOAL_NOTE)
    lines.append(winner_line(rows))
    return "\n".join(lines)
