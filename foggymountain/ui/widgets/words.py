"""How numbers are said on screen: steepness words, compass points, short numbers, stars.

Pure text helpers shared by the widgets; no Textual here and nothing computed about the terrain
beyond reading the numbers the core already gave us.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Sequence

if TYPE_CHECKING:
    import numpy as np

from foggymountain.numbers import digits_apart, number  # noqa: F401 - said here by the widgets too
from foggymountain.outcome import ended_at_goal

COMPASS = ("E", "NE", "N", "NW", "W", "SW", "S", "SE")
ARROWS = ("→", "↗", "↑", "↖", "←", "↙", "↓", "↘")


def slope_angle(steepness: float) -> float:
    """The slope as a hiker's angle: rise over run of 1 is 45°."""
    return math.degrees(math.atan(abs(float(steepness)))) if math.isfinite(steepness) else 90.0


def steepness_word(steepness: float) -> str:
    angle = slope_angle(steepness)
    if angle < 1:
        return "flat"
    if angle < 15:
        return "gentle"
    if angle < 45:
        return "steep"
    return "very steep"


def compass_index(degrees: float) -> int:
    """0..7: E, NE, N, NW, W, SW, S, SE for an angle counter-clockwise from east."""
    return int(((degrees % 360) + 22.5) // 45) % 8


def compass_name(degrees: float) -> str:
    return COMPASS[compass_index(degrees)]


def arrow(degrees: float) -> str:
    return ARROWS[compass_index(degrees)]


def point_text(variables: Sequence[str], point: np.ndarray, room: int = 3) -> str:
    """`x = 1.2, y = −0.5`, or for many variables the first few and how many more."""
    pairs = [f"{name} = {number(v)}" for name, v in zip(variables, point)]
    if len(pairs) <= room:
        return ", ".join(pairs)
    return ", ".join(pairs[:room]) + f", … ({len(pairs)} values)"


def vector_text(vector: np.ndarray, room: int = 2) -> str:
    """`(1.2, −0.5)` for short vectors; for long ones the size."""
    if len(vector) == 1:
        return number(vector[0], signed=True)
    if len(vector) <= room:
        return "(" + ", ".join(number(v) for v in vector) + ")"
    from numpy.linalg import norm

    return f"size {number(float(norm(vector)))}"


def stars_text(stars: int, out_of: int = 3) -> str:
    stars = max(0, min(int(stars), out_of))
    return "★" * stars + "☆" * (out_of - stars)


def best_height(best: dict | None) -> float | None:
    """The final height of the progress file's best hike, if it has a usable one (the file may
    have been edited by hand)."""
    height = (best or {}).get("final_height")
    return float(height) if isinstance(height, (int, float)) and not isinstance(height, bool) else None


def best_text(best: dict | None, digits: int = 3) -> str:
    """The progress file's best hike, said in a few words (heights with `digits` significant
    digits: see `digits_apart`)."""
    if best is None:
        return "not walked yet"
    parts = []
    steps = best.get("steps_to_goal") if ended_at_goal(best) else None  # not if it climbed out again
    height = best_height(best)
    if isinstance(steps, int):
        parts.append(f"floor in {steps} step{'s' if steps != 1 else ''}")
    if height is not None:
        parts.append(f"height {number(height, digits=digits)}")
    if not parts and isinstance(best.get("steps"), int):
        parts.append(f"{best['steps']} steps")
    return ", ".join(parts) if parts else "walked"


def best_short(best: dict | None) -> str:
    """A few characters for a list row: steps to the goal, else the final height."""
    if not isinstance(best, dict):
        return ""
    steps = best.get("steps_to_goal") if ended_at_goal(best) else None
    if isinstance(steps, int):
        return f"{steps} step{'s' if steps != 1 else ''}"
    height = best.get("final_height")
    if isinstance(height, (int, float)):
        return f"h {number(height)}"
    return ""


def show_text(widget, content) -> None:
    """Update a Static only when what it shows changed, and without a layout pass when its
    number of lines stayed the same: a layout repaints the whole screen, which over SSH costs
    ten times the bytes of the few cells that changed."""
    key = content.markup if hasattr(content, "markup") else str(content)
    previous = getattr(widget, "_shown_text", None)
    if key == previous:
        return
    widget._shown_text = key
    same_height = previous is not None and previous.count("\n") == key.count("\n")
    widget.update(content, layout=not same_height)
