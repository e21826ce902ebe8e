"""A fit level with held-out rows revealed: each walker's loss on the training rows (the height it
felt) beside its loss on the held-out rows (new data it never felt), at the replay step."""

from __future__ import annotations

import math

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.reactive import reactive
from textual.widgets import Static

from foggymountain.outcome import Walk, held_out_trail
from foggymountain.ui.widgets.reveal_walkers import badge, follow_theme, is_dark
from foggymountain.ui.widgets.words import number


class HeldOutLosses(Static):
    """Training loss and held-out loss per walker, and the valley floor's, at the replay step."""

    DEFAULT_CSS = """
    HeldOutLosses {
        height: auto;
        padding: 0 1;
    }
    """

    step: reactive[int] = reactive(0)

    def __init__(self, level, walkers: list[Walk], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.level = level
        self.walkers = walkers
        # Read from the core once: the held-out loss at every point of every trail.
        self.trails = {walk.name: held_out_trail(level, walk) for walk in walkers}
        self.floor_held_out = float(level.landscape.held_out_height(level.minimum.point))

    def on_mount(self) -> None:
        self.update(self._content())
        follow_theme(self, lambda: self.update(self._content()))

    def watch_step(self) -> None:
        if self.is_mounted:
            self.update(self._content())

    def _content(self) -> Group:
        table = Table(box=None, padding=(0, 1), show_edge=False, header_style="bold")
        table.add_column("walker")
        table.add_column("training", justify="right")
        table.add_column("held out", justify="right")
        dark = is_dark(self)
        for walk in self.walkers:
            at = min(self.step, walk.steps)
            training = float(walk.heights[min(at, len(walk.heights) - 1)])
            held_out = self.trails[walk.name][at]
            table.add_row(badge(walk, dark=dark), _said(training), _said(held_out))
        floor = self.level.minimum.height
        table.add_row(Text("✕ valley floor", style="bold green"), _said(floor), _said(self.floor_held_out))
        heading = Text.assemble(("Training loss", "bold"), " (the height you felt) and ", ("held-out loss", "bold"),
                                " (new data, never felt)", (f"  at step {self.step}", "dim"))
        return Group(heading, table)


def _said(value: float) -> Text:
    return Text(number(value) if math.isfinite(value) else "—")
