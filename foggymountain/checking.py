"""The deep check behind `foggymountain check`: loading, plus what costs time to verify.

Loading (`level.load_level`) refuses anything malformed. Checking also searches the landscape's
valley floor to verify a stated `minimum`, makes sure the goal can be reached at all, and races
the level once so an author learns at check time that a racer falls off or no racer gets there.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from foggymountain.level import Level, LevelError, Problem, load_level


def check_level(path: Path) -> list[Problem]:
    try:
        level = load_level(path)
    except LevelError as err:
        return err.problems
    except Exception as err:  # a bug of ours must still not show a traceback to an author
        return [Problem(str(path), 1, 1, f"internal error while loading: {type(err).__name__}: {err}",
                        "please report this with the level file")]
    return verify(level)


def verify(level: Level) -> list[Problem]:
    from foggymountain.terrain.minimum import find_minimum
    from foggymountain.toml_places import Places

    problems: list[Problem] = []
    places = _places(level.path)

    def at(key: tuple[str, ...], message: str, hint: str) -> None:
        place = places.find(key) if places else None
        problems.append(Problem(str(level.path), place.line if place else 1, place.col if place else 1, message, hint))

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
           f"set goal above {found.height:.6g}")
    return problems


def _places(path: Path | None):
    """Where keys are written in the level file (read again, as safely as the first time)."""
    from foggymountain.level import MAX_FILE_BYTES
    from foggymountain.safe_read import UnsafeFile, read_bytes
    from foggymountain.toml_places import Places

    if path is None:
        return None
    try:
        return Places(read_bytes(path, MAX_FILE_BYTES).decode("utf-8-sig", errors="replace"))
    except UnsafeFile:
        return None
