"""A next-token level revealed: which word each model now expects after the level's prompts."""

from __future__ import annotations

from rich.console import Group
from rich.text import Text
from textual.reactive import reactive
from textual.widgets import Static

from foggymountain.outcome import Walk
from foggymountain.ui.widgets.reveal_walkers import badge, follow_theme, is_dark, look_of

TOP_WORDS = 3


BAR_CELLS = 10  # a 100% guess fills this many cells


def prediction_line(landscape, point, word: str, colour: str = "") -> Text:
    """`the → cat  41% ███▌  dog  38% ███  ran   9% ▉`: the likeliest next words, with bars."""
    guesses = landscape.predict(point, word, top=TOP_WORDS)
    width = max(len(w) for w in landscape.vocabulary)
    line = Text.assemble(("  " + word.rjust(width), "bold"), " → ")
    for i, (guess, chance) in enumerate(guesses):
        line.append(guess.ljust(width), style="bold" if i == 0 else "")
        line.append(f" {chance:>4.0%} ", style="dim")
        line.append(bar(chance).ljust(BAR_CELLS + 1), style=colour)
    return line


def bar(fraction: float) -> str:
    """A horizontal bar in eighths of a cell, at least a sliver for anything above 0."""
    eighths = round(max(0.0, min(fraction, 1.0)) * BAR_CELLS * 8)
    if fraction > 0 and eighths == 0:
        eighths = 1
    return "█" * (eighths // 8) + ("" if eighths % 8 == 0 else " ▏▎▍▌▋▊▉"[eighths % 8])


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
        self.prompts = self.prompts_of(level)

    @staticmethod
    def prompts_of(level) -> list[str]:
        """The level's prompts that are words of its corpus, or its first three words."""
        landscape = level.landscape
        prompts = [p.lower() for p in level.prompts if p.lower() in landscape.vocabulary]
        return prompts or list(landscape.vocabulary[:3])

    def on_mount(self) -> None:
        self.update(self._content())
        follow_theme(self, lambda: self.update(self._content()))

    def watch_step(self) -> None:
        if self.is_mounted:
            self.update(self._content())

    def _content(self) -> Group:
        landscape = self.level.landscape
        parts: list = [Text.assemble(("Which word comes next?", "bold"), (f"  at step {self.step}", "dim"))]
        dark = is_dark(self)
        for walk in self.walkers:
            point = walk.path[min(self.step, walk.steps)]
            parts += [Text(""), Text.assemble(badge(walk, dark=dark), ("" if walk.is_player else " (best racer)", "dim"))]
            parts += [prediction_line(landscape, point, word, look_of(walk).on(dark)) for word in self.prompts]
        parts += [Text(""), Text("The valley floor (the best any model can do)", style="bold green")]
        parts += [prediction_line(landscape, self.level.minimum.point, word, "green") for word in self.prompts]
        return Group(*parts)
