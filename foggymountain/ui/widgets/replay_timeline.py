"""One line under the reveal's tabs: which step the replay shows, how far along, and the keys."""

from __future__ import annotations

from textual.content import Content
from textual.reactive import reactive
from textual.widget import Widget


class ReplayTimeline(Widget):
    """`step 6/20 ━━━━━━●──────  ◀ ▶ step · space play`; events of the player's trail as ▴."""

    DEFAULT_CSS = """
    ReplayTimeline {
        height: 1;
        padding: 0 1;
        background: $boost;
    }
    """

    step: reactive[int] = reactive(0)
    playing: reactive[bool] = reactive(False)

    def __init__(self, last_step: int, event_steps: tuple[int, ...] = (), *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.last_step = max(last_step, 0)
        self.event_steps = event_steps

    def render(self) -> Content:
        width = self.size.width - 2
        counter = f"step {self.step:>{len(str(self.last_step))}}/{self.last_step} "
        keys = " ←→ step  space " + ("pause" if self.playing else "replay")
        bar_width = max(width - len(counter) - len(keys) - 1, 4)
        done = round(bar_width * self.step / self.last_step) if self.last_step else bar_width
        done = min(max(done, 0), bar_width - 1)
        marks = {min(round(bar_width * s / self.last_step), bar_width - 1) for s in self.event_steps} if self.last_step else set()
        bar: list[tuple[str, str]] = []
        for i in range(bar_width):
            if i == done:
                bar.append(("●", "bold $accent"))
            elif i in marks:
                bar.append(("▴", "$warning"))
            elif i < done:
                bar.append(("━", "$accent"))
            else:
                bar.append(("─", "$foreground-muted"))
        return Content.assemble((counter, "bold"), *bar, (keys, "$foreground-muted"))
