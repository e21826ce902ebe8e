"""The deep check behind `foggymountain check`: loading, plus what costs time to verify.

Loading (`level.load_level`) refuses anything malformed. Checking also searches the landscape's
valley floor to verify a stated `minimum` and makes sure the goal can be reached at all (errors),
then races the level to warn about levels nobody can win: the level's racers all miss the goal,
even tuned racers miss it, the par is faster than the fastest racer, a fit level has nothing to
learn. Warnings do not make a level unsound (`check --strict` makes them count).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from foggymountain.diagnostics import WARNING, Problem
from foggymountain.level import Level, LevelError, load_level
from foggymountain.outcome import Status


def check_level(path: Path) -> list[Problem]:
    """Every error of the level at `path`; for a level that loads, its warnings too."""
    try:
        level = load_level(path)
    except LevelError as err:
        return err.problems
    except Exception as err:  # a bug of ours must still not show a traceback to an author
        return [Problem(str(path), 1, 1, f"internal error while loading: {type(err).__name__}: {err}",
                        "please report this with the level file", length=0)]
    return verify(level)


@dataclass(frozen=True)
class Reach:
    """How close the best racer gets when its settings are tuned for the level."""

    label: str
    settings: dict[str, float]
    reached: bool
    steps_to_goal: int | None
    final_height: float


def tuned_reach(level: Level) -> Reach:
    """The best a tuned racer does on `level`, each of its racers (pinned or not) tuned two ways:
    as the race tunes unpinned racers (`tuning.tune_racers`: reliably, never by a leap) and by the
    wide search `tune` prints for authors (`tune.tune`: the lowest final height, whatever the
    route). The fastest to reach the goal counts, else the one that ends lowest: "could anyone win
    this, and how fast?" asks for the best case. The one place checking asks the tuners."""
    from foggymountain import optimizers
    from foggymountain.tune import tune
    from foggymountain.tuning import tune_racers

    from foggymountain.work import tune_too_costly

    found = [Reach(optimizers.LABELS[t.name], t.settings, bool(t.reached) and t.steps_to_goal is not None,
                   t.steps_to_goal, t.final_height) for t in tune_racers(level, list(level.racers))]
    if tune_too_costly(level) is None:  # the wide search only where it finishes in seconds (work.py)
        found += [Reach(t.label, t.settings, t.walk.steps_to_goal is not None and t.walk.status == Status.REACHED,
                        t.walk.steps_to_goal, t.walk.final_height) for t in tune(level)]
    reached = [r for r in found if r.reached]
    if reached:
        return min(reached, key=lambda r: (r.steps_to_goal, r.final_height))
    return min(found, key=lambda r: r.final_height)


def verify(level: Level) -> list[Problem]:
    """Errors (a wrong stated minimum, a goal below the floor), then warnings."""
    from foggymountain.terrain.minimum import find_minimum
    from foggymountain.toml_places import Places

    text = _text(level.path)
    places = Places(text)
    problems: list[Problem] = []

    def at(key: tuple[str, ...], message: str, hint: str, severity: str = "error", value: bool = False) -> None:
        place = places.find(key)
        col = place.value_col if value and places.has(key) else place.col
        length = len(key[-1]) if key and places.has(key) and not value else 1
        problems.append(Problem(str(level.path), place.line, col, message, hint, length=length, severity=severity))

    try:
        found = find_minimum(level.landscape, seed=level.seed)
    except ValueError:
        at(("landscape", "height") if level.kind == "function" else ("landscape", "model") if level.kind == "fit" else ("landscape",),
           "the ground has no finite height anywhere the valley-floor search looked (only at the start?)",
           "the height must be an ordinary number over most of the map: check logs and square roots of negatives")
        return problems
    if level.stated_minimum is not None:
        stated = float(level.landscape.height(level.stated_minimum))
        tolerance = 1e-3 * max(1.0, abs(found.height))
        if not level.landscape.inside(level.stated_minimum):
            at(("landscape", "minimum"), "the stated minimum is outside the bounds", "move it inside the map, or remove it")
        elif not np.isfinite(stated) or stated > found.height + tolerance:
            point = ", ".join(f"{n} = {v:.4g}" for n, v in zip(level.variables, found.point))
            at(("landscape", "minimum"), f"the stated minimum (height {stated:.6g}) is not the lowest point: "
               f"the ground at {{ {point} }} is lower ({found.height:.6g})",
               "correct the minimum, or remove it and let the game find it")
    if level.stated_goal is not None and level.stated_goal < found.height - 1e-12:
        at(("hike", "goal"), f"the goal {level.stated_goal:.6g} is below the valley floor ({found.height:.6g}): nobody can reach it",
           f"set goal above {found.height:.6g}", value=True)
    if problems:
        return problems
    return warnings(level, places, _document(text))


def _document(text: str) -> dict:
    try:
        return tomllib.loads(text)
    except (tomllib.TOMLDecodeError, ValueError, RecursionError):  # the level loaded from this text; only a race with an edit lands here
        return {}


def _text(path: Path | None) -> str:
    """The level file's text, read again as safely as the first time (a file swapped for a FIFO
    meanwhile is no text, not a hang)."""
    from foggymountain.level import MAX_FILE_BYTES
    from foggymountain.safe_read import UnsafeFile, read_bytes

    if path is None:
        return ""
    try:
        return read_bytes(path, MAX_FILE_BYTES).decode("utf-8-sig", errors="replace")
    except UnsafeFile:
        return ""


def warnings(level: Level, places, document: dict) -> list[Problem]:
    """What makes a sound level doubtful: nobody can win it, or it teaches nothing."""
    from foggymountain.race import race

    found: list[Problem] = []

    def warn(key: tuple[str, ...], message: str, hint: str, value: bool = False) -> None:
        if key[:2] == ("landscape", "variables") and len(key) == 3:  # a name in the list: point at it
            found.append(_in_list(level, places, key[2], message, hint))
            return
        place = places.find(key)
        exact = places.has(key)
        col = place.value_col if value and exact else place.col
        length = (len(key[-1]) if not value else 1) if exact else 1
        source = places.lines[place.line - 1] if place.line <= len(places.lines) else ""
        if not value and source.lstrip().startswith("["):  # a [table] header: all of it
            length = len(source.strip())
        found.append(Problem(str(level.path), place.line, col, message, hint, length=length, severity=WARNING))

    hike = document.get("hike", {}) if isinstance(document.get("hike"), dict) else {}
    budget_key = ("hike", "budget")
    goal = f"height <= {level.goal:.4g}"

    if level.start_height <= level.goal:
        warn(("landscape", "start"), f"the start is already at the goal: its height {level.start_height:.4g} is at or "
             f"below the goal ({level.goal:.4g})",
             "the hike is won before the first step: move the start uphill, or lower the goal")
        return found
    _unused_variables(level, warn)
    if level.kind == "fit":
        target = level.landscape.data[level.landscape.target]
        if np.ptp(target) == 0:
            warn(("landscape", "target"), f"the target column '{level.landscape.target}' is {target[0]:g} on every row",
                 "a model that predicts that number is perfect: there is nothing to learn; use data that varies", value=True)

    walks = race(level).racers  # as the game races it (once per batch size on a batch-size level)
    reached = [w for w in walks if w.status == Status.REACHED]
    pinned = any(r.pinned for r in level.racers)  # unpinned racers already race tuned
    tuned = None
    if not reached and level.examples is None:  # a batch-size level races its racers as written
        tuned = tuned_reach(level)
        if not tuned.reached:
            warn(("hike", "goal") if "goal" in hike else budget_key,
                 f"nobody reaches the goal ({goal}) within {level.budget} steps, not even tuned racers",
                 f"the closest, {tuned.label}, ends at height {tuned.final_height:.4g}: raise the budget or the goal, "
                 "or move the start nearer the valley floor", value="goal" in hike)
        elif pinned:
            warn(places.first_under(("agents",)),
                 f"none of the level's racers reaches the goal ({goal}) within the budget of {level.budget} steps",
                 f"tuned, {tuned.label} reaches it at step {tuned.steps_to_goal}: "
                 f"`foggymountain tune {_shown(level)}` prints settings that do")
    # Par comes from the racers when one of them reaches (outcome.race_par); the written par stands
    # in only when none does, and then it must be within a tuned racer's reach.
    if "par" in hike and level.examples is None and not reached:
        tuned = tuned or tuned_reach(level)
        if tuned.reached and tuned.steps_to_goal > level.par:
            needs = tuned.steps_to_goal
            warn(("hike", "par"), f"par is {level.par} step{'s' if level.par != 1 else ''}, "
                 f"but even a tuned racer needs {needs}",
                 f"no racer of this level reaches the goal, so this par stands: write par = {needs} or more, "
                 "or the par star is out of everyone's reach", value=True)
    return found


def _unused_variables(level: Level, warn) -> None:
    formula = getattr(level.landscape, "expression", None) or getattr(level.landscape, "model", None)
    if formula is None:
        return
    key = "height" if level.kind == "function" else "model"
    used = set(formula.names)
    for _, unit in getattr(level.landscape, "hidden", ()):  # a hidden unit's weights are used in it
        used |= unit.names
    for name in level.variables:
        if name not in used:
            warn(("landscape", "variables", name), f"'{name}' does not appear in {key}: the ground is flat along {name}",
                 f"use {name} in the formula, or remove it from variables", value=True)


def _in_list(level: Level, places, name: str, message: str, hint: str) -> Problem:
    place = places.find(("landscape", "variables"))
    line = places.lines[place.line - 1] if place.line <= len(places.lines) else ""
    for quote in ('"', "'"):
        at = line.find(f"{quote}{name}{quote}", place.value_col - 1)
        if at >= 0:
            return Problem(str(level.path), place.line, at + 1, message, hint, length=len(name) + 2, severity=WARNING)
    return Problem(str(level.path), place.line, place.value_col, message, hint, severity=WARNING)


def _shown(level: Level) -> str:
    return str(level.path) if level.path else "LEVEL"


def is_sound(problems: list[Problem], strict: bool = False) -> bool:
    """No errors (and, when `strict`, no warnings either)."""
    return not any(strict or not p.is_warning for p in problems)
