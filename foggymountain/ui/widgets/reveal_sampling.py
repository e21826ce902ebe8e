"""A next-token level revealed: each model writes a sentence, drawing every next word at the
player's temperature (sampling.write). Words that were not the likeliest next word stand out."""

from __future__ import annotations

from rich.console import Group
from rich.text import Text
from textual.reactive import reactive
from textual.widgets import Static

from foggymountain.outcome import Walk
from foggymountain.sampling import SENTENCE_END, write
from foggymountain.ui.widgets.reveal_walkers import badge, follow_theme, is_dark


class SampledSentences(Static):
    """One sentence per walker, from the level's first prompt, at the replay step's weights."""

    DEFAULT_CSS = """
    SampledSentences {
        height: auto;
        padding: 0 1;
        margin: 0 0 1 0;
    }
    """

    step: reactive[int] = reactive(0)
    temperature: reactive[float] = reactive(1.0)
    writing: reactive[int] = reactive(0)  # which draw: each "write again" is a new seed

    def __init__(self, level, walkers: list[Walk], first: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.level = level
        self.walkers = walkers
        self.first = first

    def on_mount(self) -> None:
        self.update(self._content())
        follow_theme(self, lambda: self.update(self._content()))

    def _refresh_content(self) -> None:
        if self.is_mounted:
            self.update(self._content())

    watch_step = watch_temperature = watch_writing = _refresh_content

    def sentences(self) -> list[tuple[Walk, object]]:
        seed = self.level.seed + self.writing
        return [(walk, write(self.level.landscape, walk.path[min(self.step, walk.steps)], self.first,
                             temperature=self.temperature, seed=seed)) for walk in self.walkers]

    def _content(self) -> Group:
        heading = Text.assemble(("Each model writes", "bold"),
                                (f"  temperature {self.temperature:g} · draw {self.writing + 1}", "dim"))
        parts: list = [heading]
        dark = is_dark(self)
        for walk, sentence in self.sentences():
            line = Text.assemble(badge(walk, dark=dark), "  ", (sentence.words[0], "bold"))
            for word, chance, likeliest in zip(sentence.words[1:], sentence.chances, sentence.likeliest):
                line.append("" if word == SENTENCE_END else " ")
                line.append(word, style="" if likeliest else "italic underline")
                if not likeliest:
                    line.append(f"({chance:.0%})", style="dim")
            parts.append(line)
        parts.append(Text(
            "Underlined: not the likeliest next word (its chance at this temperature). "
            "t: temperature (0 always takes the likeliest word) · w: write again", style="dim"))
        return Group(*parts)
