"""A next-token level revealed: which word each model now expects after the level's prompts."""

from __future__ import annotations

from rich.console import Group
from rich.text import Text
from textual.reactive import reactive
from textual.widgets import Static

from foggymountain.race import Walk
from foggymountain.ui.widgets.reveal_walkers import badge, follow_theme, is_dark

TOP_WORDS = 3


def prediction_line(landscape, point, word: str) -> Text:
    """`the → cat 41%, dog 38%, ran 9%`."""
    guesses = landscape.predict(point, word, top=TOP_WORDS)
    line = Text.assemble(("  " + word, "bold"), " → ")
    for i, (guess, chance) in enumerate(guesses):
        if i:
            line.append(", ")
        line.append(guess, style="bold" if i == 0 else "")
        line.append(f" {chance:.0%}", style="dim")
    return line


class WordPredictions(Static):
    """For each prompt: what the player's model, the best racer's and the valley floor predict."""

    DEFAULT_CSS = """
    WordPredictions {
        height: auto;
        padding: 0 1;
    }
    """

    step: reactive[int] = reactive(0)

    def __init__(self, level, walkers: list[Walk], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.level = level
        self.walkers = walkers  # the player and the best racer
        landscape = level.landscape
        prompts = [p.lower() for p in level.prompts if p.lower() in landscape.vocabulary]
        self.prompts = prompts or list(landscape.vocabulary[:3])

    def on_mount(self) -> None:
        self.update(self._content())
        follow_theme(self, lambda: self.update(self._content()))

    def watch_step(self) -> None:
        if self.is_mounted:
            self.update(self._content())

    def _content(self) -> Group:
        landscape = self.level.landscape
        parts: list = [Text.assemble(("Which word comes next?", "bold"), (f"  at step {self.step}", "dim"))]
        for walk in self.walkers:
            point = walk.path[min(self.step, walk.steps)]
            parts += [Text(""), Text.assemble(badge(walk, dark=is_dark(self)), (" (best racer)" if walk.name != "player" else "", "dim"))]
            parts += [prediction_line(landscape, point, word) for word in self.prompts]
        parts += [Text(""), Text("The valley floor (the best any model can do)", style="bold green")]
        parts += [prediction_line(landscape, self.level.minimum.point, word) for word in self.prompts]
        return Group(*parts)
