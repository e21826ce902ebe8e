"""A small modal asking for one number (a stride, a pace, a heading), returned via dismiss().

Whatever is typed, the answer is a number the hike can use or a message saying why not: the
prompt stays open on junk so the player can fix it, and Escape leaves without changing anything.
"""

from __future__ import annotations

import math
from typing import Callable

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

# Anything past this is a typo, not a plan: no level is a billion units wide.
LARGEST = 1e9
COMPASS_DEGREES = {
    "e": 0, "east": 0, "ne": 45, "n": 90, "north": 90, "nw": 135, "w": 180, "west": 180,
    "sw": 225, "s": 270, "south": 270, "se": 315, "right": 0, "left": 180, "up": 90, "down": 270,
}


def parse_number(text: str, example: str = "0.5") -> float:
    """A plain finite number; fractions like 1/8 are fine. Raises ValueError with a message."""
    cleaned = text.strip().replace("−", "-").replace(",", ".").replace("_", "")
    if not cleaned:
        raise ValueError(f"type a number, like {example}")
    try:
        if "/" in cleaned:
            top, bottom = cleaned.split("/", 1)
            value = float(top) / float(bottom)
        else:
            value = float(cleaned)
    except (ValueError, ZeroDivisionError):
        raise ValueError(f"'{text.strip()[:20]}' is not a number; type something like {example}") from None
    if not math.isfinite(value):
        raise ValueError(f"that is not a finite number; type something like {example}")
    return value


def parse_positive(text: str, what: str = "it") -> float:
    value = parse_number(text)
    if value <= 0:
        raise ValueError(f"{what} must be more than zero")
    if value > LARGEST:
        raise ValueError(f"{value:.3g} is far too big for {what}; try something under 100")
    return value


def parse_heading(text: str) -> float:
    """Degrees counter-clockwise from east (0 = E, 90 = N), or a compass point like NE."""
    word = text.strip().lower().rstrip("°").removesuffix("deg").strip()
    if word in COMPASS_DEGREES:
        return float(COMPASS_DEGREES[word])
    value = parse_number(word, example="45 or NE")
    if abs(value) > LARGEST:
        raise ValueError("a heading is an angle in degrees, like 45 or 270")
    return value % 360.0


class NumberPrompt(ModalScreen[float | None]):
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="prompt-cancel")]

    def __init__(self, title: str, explanation: str, current: str, parse: Callable[[str], float]) -> None:
        super().__init__()
        self.prompt_title = title
        self.explanation = explanation
        self.current = current
        self.parse = parse

    def compose(self) -> ComposeResult:
        with Vertical(id="prompt"):
            yield Label(self.prompt_title, id="prompt-title")
            yield Static(self.explanation, id="prompt-explanation")
            yield Input(value=self.current, id="prompt-input", select_on_focus=True)
            yield Static("[b]Enter[/b] set it · [b]Escape[/b] leave it as it was", id="prompt-keys")

    def on_mount(self) -> None:
        self.query_one(Input).cursor_blink = False

    @on(Input.Submitted)
    def submitted(self, event: Input.Submitted) -> None:
        try:
            value = self.parse(event.value)
        except ValueError as err:
            self.notify(str(err), title="Not a usable number", severity="error")
            return
        self.dismiss(value)

    def action_cancel(self) -> None:
        self.dismiss(None)
