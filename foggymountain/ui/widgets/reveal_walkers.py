"""How each walker looks on the reveal: a colour AND a glyph, so trails read without colour too."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text

from foggymountain.race import Walk

START_GLYPH = "◆"
FLOOR_GLYPH = "✕"
TRAIL_DOT = "·"


@dataclass(frozen=True)
class WalkerLook:
    glyph: str
    colour: str  # truecolor hex; terminals with fewer colours get Rich's nearest

    @property
    def rgb(self) -> tuple[int, int, int]:
        return int(self.colour[1:3], 16), int(self.colour[3:5], 16), int(self.colour[5:7], 16)


# Warm, saturated colours that stand apart from the map's blue-green-yellow scale.
LOOKS: dict[str, WalkerLook] = {
    "player": WalkerLook("●", "#ffffff"),
    "sgd": WalkerLook("s", "#ff5f5f"),
    "momentum": WalkerLook("m", "#ffaf00"),
    "nesterov": WalkerLook("n", "#ffd75f"),
    "adagrad": WalkerLook("g", "#5fd7ff"),
    "rmsprop": WalkerLook("r", "#afafff"),
    "adam": WalkerLook("a", "#ff5fd7"),
    "adamw": WalkerLook("w", "#d787ff"),
}
_SPARE = WalkerLook("?", "#d0d0d0")


def look_of(walk: Walk) -> WalkerLook:
    return LOOKS.get(walk.name, _SPARE)


def badge(walk: Walk, *, bold: bool = True) -> Text:
    """`● You` in the walker's colour."""
    look = look_of(walk)
    return Text.assemble((look.glyph, f"bold {look.colour}"), " ", (walk.label, f"{'bold ' if bold else ''}{look.colour}"))


def position_at(walk: Walk, step: int):
    """Where the walker stood after `step` steps (its last point once it stopped)."""
    return walk.path[min(max(step, 0), walk.steps)]


def height_at(walk: Walk, step: int) -> float:
    return float(walk.heights[min(max(step, 0), len(walk.heights) - 1)])
