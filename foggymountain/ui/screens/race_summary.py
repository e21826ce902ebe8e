"""A plain race table, shown when the full reveal screen fails.

The reveal screen (`screens/reveal.py`) is the real end of a hike; this stand-in only lists how
the player and the racers did, so a hike always ends somewhere sensible.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from foggymountain.hike import Hike
from foggymountain.outcome import Race, score_rows
from foggymountain.ui.messages import BackToLevels, NextLevel, Retry
from foggymountain.ui.widgets.words import number, stars_text


class RaceSummaryScreen(Screen):
    BINDINGS = [
        Binding("enter", "next", "Next level", id="next", key_display="⏎"),
        Binding("r", "retry", "Retry", id="retry"),
        Binding("q", "back", "Level select", id="back"),
        Binding("escape", "back", "Level select", show=False, id="back-escape"),
    ]

    def __init__(self, hike: Hike, result: Race) -> None:
        super().__init__()
        self.hike = hike
        self.result = result

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="summary"):
            yield Static(id="summary-verdict")
            table = DataTable(id="summary-table", cursor_type="none")
            table.can_focus = False  # Enter belongs to the screen: next level
            yield table
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.title = self.hike.level.title
        self.sub_title = "the fog lifts"
        result = self.result
        self.query_one("#summary-verdict", Static).update(
            f"[b]{stars_text(result.stars)}[/b]  the valley floor: height {number(self.hike.level.minimum.height)}"
        )
        table = self.query_one("#summary-table", DataTable)
        table.add_columns("", "walker", "status", "steps to floor", "final height")
        for row in score_rows(result):
            table.add_row(str(row.rank), row.label, row.status.value,
                          str(row.steps_to_goal) if row.steps_to_goal is not None else "—",
                          number(row.final_height))

    def action_next(self) -> None:
        self.post_message(NextLevel(self.hike.level))

    def action_retry(self) -> None:
        self.post_message(Retry(self.hike.level))

    def action_back(self) -> None:
        self.post_message(BackToLevels())
