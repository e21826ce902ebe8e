"""`foggymountain race LEVEL [--json]`: the racers walk the level headless."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def add_parser(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("level", type=Path, help="a level file, or a built-in level's name (see `foggymountain levels`)")
    parser.add_argument("--json", action="store_true", help="print the race as JSON")
    parser.add_argument("--racers", metavar="NAMES",
                        help="comma-separated racers to use instead of the level's, each tuned to the level "
                             "(sgd, momentum, nesterov, adagrad, rmsprop, adam, adamw)")


def run(args: argparse.Namespace) -> int:
    from foggymountain import optimizers, work
    from foggymountain.commands import load_or_report, racer_names
    from foggymountain.safe_text import visible
    from foggymountain.level import Racer
    from foggymountain.race import race
    from foggymountain.tuning import racer_settings

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
    settings = racer_settings(level)
    result = race(level, settings=settings)
    if args.json:
        data = result.to_json()
        by_name = {s.name: s for s in settings}
        for entry in data["racers"]:
            setting = by_name[entry["name"].split("@")[0]]  # `sgd@2`: SGD with a batch-size level's second batch
            entry["settings"] = setting.source  # "pinned" (as the level wrote it), "tuned" or "default"
            if setting.tuning is not None:
                entry["tuning"] = setting.tuning.to_json()
        json.dump(data, sys.stdout, allow_nan=False)
        print()
        return 0
    print(format_table(result))
    print(format_settings(settings))
    return 0


def format_settings(settings) -> str:
    """One line per racer: the settings it walked at, and whether the level pinned them or they
    were tuned to the level."""
    from foggymountain import optimizers

    lines = ["", "racers' settings (pinned: as the level wrote them; tuned: searched for this level):"]
    for setting in settings:
        defaults = {spec.name: spec.default for spec in optimizers.HYPERPARAMETERS[setting.name]}
        shown = [f"learning_rate {setting.hyperparameters['learning_rate']:g}"] + [
            f"{key} {value:g}" for key, value in setting.hyperparameters.items()
            if key != "learning_rate" and value != defaults[key]]
        lines.append(f"  {optimizers.LABELS[setting.name]:<10} {setting.source:<7} {', '.join(shown)}")
    return "\n".join(lines)


def format_table(result) -> str:
    from foggymountain.outcome import LEFT_GOAL_NOTE, held_out_loss, score_rows, winner_line

    level = result.level
    minimum = level.minimum
    rows = score_rows(result)
    held_out = held_out_loss(level, result.racers[0]) is not None if result.racers else False
    batches = level.examples is not None
    width = max([10] + [len(row.label) for row in rows])
    lines = [
        f"{level.title}  ({level.kind}, {level.dimensions} variable{'s' if level.dimensions != 1 else ''}, "
        + (f"budget {level.examples} examples, batches of {', '.join(map(str, level.batch_sizes))})" if level.examples is not None
           else f"budget {level.budget} steps)"),
        f"goal: height <= {level.goal:.4g}   valley floor (minimum): {minimum.height:.4g}",
        "",
        f"{'racer':<{width}} {'status':<10} {'final height':>13} {'steps to goal':>14} {'distance':>9}"
        + (f" {'held-out loss':>14}" if held_out else "")
        + (f" {'examples to goal':>17}" if batches else ""),
    ]
    for row in rows:
        to_goal = "-" if row.steps_to_goal is None else str(row.steps_to_goal)
        if row.left_goal:
            to_goal += ", left"
        walk = row.walk
        lines.append(f"{row.label:<{width}} {row.status.value:<10} {row.final_height:>13.5g} {to_goal:>14} {row.distance:>9.3g}"
                     + (f" {held_out_loss(level, walk):>14.5g}" if held_out else "")
                     + (f" {walk.examples_to_goal if walk.examples_to_goal is not None else '-':>17}" if batches else ""))
    lines.append("")
    if any(row.left_goal for row in rows):
        lines.append(LEFT_GOAL_NOTE)
    lines.append(winner_line(rows))
    return "\n".join(lines)
