"""The reveal's header line: the verdict in a few words and the stars, gold on a dark theme and
deep amber on a light one. Drawn in `render`, so a change of theme redraws it without a watcher
on the app (a watcher would keep the screen alive after it closed)."""

from __future__ import annotations

from rich.text import Text
from textual.widget import Widget

from foggymountain.ui.widgets.reveal_walkers import is_dark, stars_text


class VerdictLine(Widget):
    DEFAULT_CSS = """
    VerdictLine {
        height: 1;
    }
    """

    def __init__(self, said: str, stars: int, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.said = said
        self.stars = stars

    def render(self) -> Text:
        return Text.assemble(self.said, "  ", stars_text(self.stars, dark=is_dark(self)))
