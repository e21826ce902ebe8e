"""The altimeter: the height (loss) where the player stands, and a sparkline of heights so far."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Sparkline, Static

from foggymountain.ui.widgets.words import number


class Altimeter(Vertical):
    """Call `show(hike)` after every step. Levels without an altimeter say so instead."""

    def compose(self) -> ComposeResult:
        yield Static(id="altimeter-reading")
        yield Sparkline([], id="altimeter-trace")

    def show(self, hike) -> None:
        reading = self.query_one("#altimeter-reading", Static)
        trace = self.query_one("#altimeter-trace", Sparkline)
        if not hike.level.show_height:
            reading.update(Content.from_markup("[$warning]none here:[/] [$text-muted]you feel only the slope[/]"))
            trace.display = False
            return
        heights = hike.heights
        text = f"height [b]{number(hike.height)}[/b]"
        if len(heights) > 1:
            change = heights[-1] - heights[-2]
            if change < 0:
                text += f"   [$success]▼ {number(-change)} lower[/]"
            elif change > 0:
                text += f"   [$error]▲ {number(change)} higher[/]"
            else:
                text += "   [$text-muted]level[/]"
        reading.update(Content.from_markup(text))
        trace.data = list(heights)
