"""The altimeter: the height (loss) where the player stands, and a sparkline of heights so far.

The height and the goal are said with as many digits as it takes for a height above the goal
never to read as at the goal (`digits_apart`)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Sparkline, Static

from foggymountain.ui.widgets.words import digits_apart, number, show_text


SPARK_POINTS = 64


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
            self.add_class("-none")
            return
        heights = hike.heights
        goal = _goal(hike.level)
        digits = digits_apart(goal, [hike.height]) if goal is not None else 3
        text = f"height [b]{number(hike.height, digits=digits)}[/b]"
        if len(heights) > 1:
            change = heights[-1] - heights[-2]
            if change < 0:
                text += f"   [$success]▼ {number(-change)} lower[/]"
            elif change > 0:
                text += f"   [$error]▲ {number(change)} higher[/]"
            else:
                text += "   [$text-muted]level[/]"
        show_text(reading, Content.from_markup(text))
        # The trace is a few dozen cells wide: recent history is all it can show.
        trace.data = heights[-SPARK_POINTS:]
        if goal is not None:
            reached = hike.height <= goal
            self.border_subtitle = (f"✓ at goal (≤ {number(goal, digits=digits)}): c to camp" if reached
                                    else f"goal: height ≤ {number(goal, digits=digits)}")
            self.set_class(reached, "-reached")


def _goal(level) -> float | None:
    try:
        return float(level.goal)
    except ValueError:  # no finite height to measure a goal from: no goal shown rather than no game
        return None
