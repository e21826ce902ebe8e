"""`foggymountain tune LEVEL`: search each racer's pace on a level and print `[agents.*]` TOML;
`--write` tunes them as the race does and writes the settings into the level file."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


# The search's defaults, here so that `--help` does not import numpy (tests check they agree
# with foggymountain.tune).
PACE_LOW = 1e-4
PACE_HIGH = 10.0
PACE_POINTS = 26


def add_parser(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("level", type=Path, help="a level file, or a built-in level's name")
    parser.add_argument("--racers", metavar="NAMES",
                        help="comma-separated racers to tune instead of the level's "
                             "(sgd, momentum, nesterov, adagrad, rmsprop, adam, adamw)")
    parser.add_argument("--low", type=float, default=PACE_LOW, help=f"smallest pace tried (default {PACE_LOW:g})")
    parser.add_argument("--high", type=float, default=PACE_HIGH, help=f"largest pace tried (default {PACE_HIGH:g})")
    parser.add_argument("--points", type=int, default=PACE_POINTS,
                        help=f"paces tried, evenly on a log scale (default {PACE_POINTS})")
    parser.add_argument("--no-refine", action="store_true",
                        help="skip the finer second pass around each racer's best pace")
    parser.add_argument("--runners-up", type=int, default=0, metavar="N",
                        help="also list the next N best settings of each racer, as comments")
    parser.add_argument("--write", action="store_true",
                        help="tune the racers as the race tunes them (reach the goal reliably, never by a "
                             "leap) and write their settings into the level file, keeping its comments "
                             "and layout (--low/--high/--points/--runners-up do not apply)")


def run(args: argparse.Namespace) -> int:
    from foggymountain.commands import load_or_report, racer_names
    from foggymountain.safe_text import visible
    from foggymountain.tune import pace_grid, reaches, to_toml, tune
    from foggymountain.work import tune_too_costly

    level = load_or_report(args.level)
    if level is None:
        return 1
    names = None
    if args.racers is not None:
        names = racer_names(args.racers)
        if names is None:
            return 2
    if args.write:
        from foggymountain.campaign import builtin_levels_dir

        if level.path is not None and level.path.resolve().parent == builtin_levels_dir().resolve():
            print(f"{level.path}: --write does not edit a built-in level\n"
                  "    hint: copy it next to your own levels first, then tune the copy", file=sys.stderr)
            return 2
        return _write(level.path, level, names)
    try:
        paces = pace_grid(args.low, args.high, args.points)
    except ValueError as err:
        print(f"--low/--high/--points: {err}\n    hint: for example --low 0.001 --high 1 --points 16", file=sys.stderr)
        return 2
    if args.runners_up < 0:
        print("--runners-up: must be 0 or more", file=sys.stderr)
        return 2
    refused = tune_too_costly(level, names, paces, refine=not args.no_refine)
    if refused:
        print(f"{visible(level.path)}:1:1: {refused}\n    hint: fewer paces (--points 8), --no-refine, fewer racers "
              "(--racers sgd), or tune a copy of the level with a smaller budget", file=sys.stderr)
        return 1
    results = tune(level, names, paces, keep=args.runners_up, refine=not args.no_refine)
    if results and not reaches(results):
        print(f"{args.level}: no setting of {', '.join(r.label for r in results)} reaches the goal "
              f"(height <= {level.goal:.6g}) within {level.budget} step{'s' if level.budget != 1 else ''}; "
              "the reasons are at the top of the output",
              file=sys.stderr)
    print(to_toml(level, results, paces))
    return 0


def _write(path: Path, level, names: list[str] | None) -> int:
    from foggymountain import optimizers
    from foggymountain.commands import load_or_report
    from foggymountain.level import Racer
    from foggymountain.tuning import outcome_note, tune_racers, write_settings

    if level.examples is not None:
        print(f"{path}: --write does not tune a batch-size level (each racer walks several batch sizes)\n"
              "    hint: write each racer's learning_rate in [agents.NAME] yourself", file=sys.stderr)
        return 2
    own = {r.name: r for r in level.racers}
    chosen = names if names is not None else list(own)
    racers = [own.get(n) or Racer(n, optimizers.make_optimizer(n).hyperparameters) for n in chosen]
    # Tuning ignores a pinned pace: the author asked for a new one. Other written settings stay.
    racers = [Racer(r.name, r.hyperparameters, tuple(k for k in r.written if k != "learning_rate")) for r in racers]
    tuned = tune_racers(level, racers)
    original = path.read_bytes()
    try:
        write_settings(path, tuned, racers)
    except OSError as err:
        print(f"{path}: could not write the settings ({err.strerror or err})\n    hint: is the file writable?", file=sys.stderr)
        return 1
    if load_or_report(path) is None:  # never leave a level that no longer loads
        path.write_bytes(original)
        print(f"{path}: the written level did not load; the file is unchanged", file=sys.stderr)
        return 1
    for result in tuned:
        shown = ", ".join(f"{k} = {v:g}" for k, v in result.settings.items() if k in ("learning_rate", "momentum", "beta1"))
        print(f"[agents.{result.name}] {shown}  ({outcome_note(result).split(': ', 1)[1]})")
    if names is not None and not own.keys() <= set(names) and level.racers and not any(r.written for r in level.racers):
        print("note: the level had no [agents] table; now it races only the racers written", file=sys.stderr)
    print(f"wrote {path}")
    return 0
