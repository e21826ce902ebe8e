"""How each walker looks on the reveal: a colour AND a glyph, so trails read without colour too."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.types import NoActiveAppError
from textual.color import Color, ColorParseError

from foggymountain.outcome import CLASSMATE, PLAYER, PREDICTION, Walk

START_GLYPH = "◆"
FLOOR_GLYPH = "✕"
TRAIL_DOT = "·"
GUESS_GLYPH = "◎"  # where the player guessed the valley floor was, before the fog lifted
GUESS_ON_FLOOR = "⊗"  # the guess and the floor in one cell: the ◎ around the ✕


def _rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


@dataclass(frozen=True)
class WalkerLook:
    """A glyph, a bright colour for the map and dark themes, and a deeper one for light themes.
    Terminals with fewer colours get Rich's nearest."""

    glyph: str
    colour: str
    light_colour: str

    @property
    def rgb(self) -> tuple[int, int, int]:
        return _rgb(self.colour)

    def on(self, dark: bool) -> str:
        """The colour to write with on a dark or a light background."""
        return self.colour if dark else self.light_colour

    def rgb_on(self, dark: bool) -> tuple[int, int, int]:
        return _rgb(self.on(dark))


# Warm, saturated colours that stand apart from the map's blue-green-tan scale.
LOOKS: dict[str, WalkerLook] = {
    PLAYER: WalkerLook("●", "#ffffff", "#1f2a33"),
    "sgd": WalkerLook("s", "#ff5f5f", "#c62828"),
    "momentum": WalkerLook("m", "#ffaf00", "#a36200"),
    "nesterov": WalkerLook("n", "#ffd75f", "#8a6d00"),
    "adagrad": WalkerLook("g", "#5fd7ff", "#00708a"),
    "rmsprop": WalkerLook("r", "#afafff", "#4b4bb3"),
    "adam": WalkerLook("a", "#ff5fd7", "#b0007a"),
    "adamw": WalkerLook("w", "#d787ff", "#7b2fb3"),
    # The board's class trails: every player's footsteps, and where each predicted the floor.
    CLASSMATE: WalkerLook("∘", "#e8b878", "#8a5a1a"),
    PREDICTION: WalkerLook("+", "#5fffd7", "#007a5e"),
}
# The player's guess of the floor: a lime no racer wears, drawn beside the white ✕ of the truth.
GUESS_LOOK = WalkerLook(GUESS_GLYPH, "#c6ff3d", "#4f6f00")
_SPARE = WalkerLook("?", "#d0d0d0", "#505050")

# Stars and the words that mark an outcome, for a dark and a light theme: each passes a contrast
# check against both themes' backgrounds (tests/test_ui_view.py).
STAR = {True: "#ffd75f", False: "#8a6400"}
EMPTY_STAR = {True: "#a8a8a8", False: "#5f6b76"}
GOOD = {True: "#8ac926", False: "#2e6b22"}
BAD = {True: "#ff6b6b", False: "#b23a48"}
SO_SO = {True: "#e9c46a", False: "#8a5a00"}


def stars_text(stars: int, *, dark: bool = True) -> Text:
    """★★☆ in gold, the empty stars muted, for a dark or a light theme."""
    stars = max(0, min(int(stars), 3))
    return Text.assemble(("★" * stars, f"bold {STAR[dark]}"), ("☆" * (3 - stars), EMPTY_STAR[dark]))


# Batch-size levels race one racer several times (`sgd@1`, `sgd@2`...): each gets the number of
# its batch size (1 = the smallest) as its glyph, and a colour of its own.
_VARIANT_COLOURS = ("sgd", "momentum", "adagrad", "adam", "rmsprop", "nesterov")


def look_of(walk: Walk) -> WalkerLook:
    if walk.name not in LOOKS and "@" in walk.name:
        number = walk.name.rpartition("@")[2]
        if number.isdigit() and int(number) >= 1:
            base = LOOKS[_VARIANT_COLOURS[(int(number) - 1) % len(_VARIANT_COLOURS)]]
            return WalkerLook(number[-1], base.colour, base.light_colour)
    return LOOKS.get(walk.name, _SPARE)


def badge(walk: Walk, *, dark: bool = True, bold: bool = True) -> Text:
    """`● You` in the walker's colour (for a dark or a light theme)."""
    colour = look_of(walk).on(dark)
    return Text.assemble((look_of(walk).glyph, f"bold {colour}"), " ", (walk.label, f"{'bold ' if bold else ''}{colour}"))


def chip(walk: Walk) -> Text:
    """The walker's glyph in reverse video, as it marks the walker's place on the map."""
    look = look_of(walk)
    return Text(look.glyph, style=f"bold #000000 on {look.colour}")


def height_at(walk: Walk, step: int) -> float:
    return float(walk.heights[min(max(step, 0), len(walk.heights) - 1)])


def is_dark(widget) -> bool:
    """Is the app's theme dark? (Walker colours have a bright and a deep variant.)"""
    try:
        return bool(widget.app.current_theme.dark)
    except NoActiveAppError:  # no app yet: the map's own colours are for dark ground
        return True


def follow_theme(widget, redraw) -> None:
    """Call `redraw()` whenever the app's theme changes (light <-> dark)."""
    widget.watch(widget.app, "theme", lambda _theme: redraw(), init=False)


def theme_rgb(widget, variable: str = "foreground", fallback=(220, 220, 220)) -> tuple[int, int, int]:
    """A colour of the app's theme (`foreground`, `success`...) as RGB, for charts."""
    try:
        return Color.parse(widget.app.theme_variables[variable]).rgb
    except (NoActiveAppError, KeyError, ColorParseError):  # not mounted yet, or a theme without it
        return fallback
