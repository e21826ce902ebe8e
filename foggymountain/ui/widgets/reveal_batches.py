"""A batch-size level revealed: on the same budget of examples, how each batch size walked.

A batch of 1 takes many steps on rough slopes; the full data few steps on true ones. The table
puts them side by side: batch, steps taken, examples to reach the goal, final height (loss).
"""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.widgets import Static

from foggymountain.outcome import Race, Status
from foggymountain.ui.widgets.reveal_walkers import badge, follow_theme, is_dark
from foggymountain.ui.widgets.words import number


class BatchTradeOff(Static):
    DEFAULT_CSS = """
    BatchTradeOff {
        height: auto;
        margin: 1 0 0 0;
    }
    """

    def __init__(self, race: Race, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.race = race

    def on_mount(self) -> None:
        self.update(self._content())
        follow_theme(self, lambda: self.update(self._content()))

    def _content(self) -> Table:
        level = self.race.level
        table = Table(box=None, padding=(0, 1), show_edge=False, header_style="bold", title_justify="left",
                      title=Text(f"The same {level.examples} examples, in batches of different sizes", style="bold"))
        for name, justify in (("walker", "left"), ("batch", "right"), ("steps", "right"),
                              ("examples to goal", "right"), ("final height", "right")):
            table.add_column(name, justify=justify)
        dark = is_dark(self)
        for walk in self.race.ranking:
            # The player may have changed batch size on the way: every size used, smallest first.
            batch = "/".join(str(size) for size in walk.batch_sizes_used) or "—"
            reached = walk.examples_to_goal if walk.status == Status.REACHED else None
            table.add_row(badge(walk, dark=dark), batch, str(walk.steps),
                          "—" if reached is None else str(reached), number(walk.final_height))
        return table
