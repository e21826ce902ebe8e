"""How numbers are said to a player: short numbers with a real minus sign, and enough digits that
a height above the goal never reads as the goal. Shared by the core's sentences (the verdict) and
the screens."""

from __future__ import annotations

import math
from numbers import Real
from typing import Iterable


def number(value: float, signed: bool = False, digits: int = 3) -> str:
    """`digits` significant digits, with a real minus sign; inf and nan said plainly."""
    value = float(value)
    if math.isnan(value):
        return "nan"
    if math.isinf(value):
        return "∞" if value > 0 else "−∞"
    if value == 0:
        return "0" if not signed else "±0"
    text = f"{value:+.{digits}g}" if signed else f"{value:.{digits}g}"
    return text.replace("-", "−")


def digits_apart(goal: float, heights: Iterable[float | None], least: int = 3) -> int:
    """How many significant digits to say `goal` and `heights` with (`least` or more), so that no
    height above the goal reads as the goal: 10.14 against a goal of 10.125 is not "10.1 ≤ 10.1"
    but "10.14 > 10.12". Rounding keeps the order, so apart also means above."""
    try:
        goal = float(goal)
    except (TypeError, ValueError):
        return least
    above = [float(h) for h in heights
             if isinstance(h, Real) and math.isfinite(h) and math.isfinite(goal) and h > goal]
    digits = least
    while digits < 17 and any(number(h, digits=digits) == number(goal, digits=digits) for h in above):
        digits += 1
    return digits
