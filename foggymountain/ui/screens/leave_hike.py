"""Leave a hike in progress? A hike is never lost by accident: leaving asks first.

Returns True to leave (nothing is scored), False to stay. Escape, n and Enter stay; only y leaves.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Label, Static


class LeaveHikeScreen(ModalScreen[bool]):
    BINDINGS = [
        Binding("y", "leave", "Leave", id="leave-yes"),
        Binding("n", "stay", "Stay", id="leave-no"),
        Binding("enter", "stay", "Stay", show=False, id="leave-enter"),
        Binding("escape", "stay", "Stay", show=False, id="leave-escape"),
    ]

    def __init__(self, steps: int) -> None:
        super().__init__()
        self.steps = steps

    def compose(self) -> ComposeResult:
        with Vertical(id="leave"):
            yield Label("Leave this hike?", id="leave-title")
            yield Static(Content(f"You have walked {self.steps} step{'s' if self.steps != 1 else ''}. "
                                 "Leaving now scores nothing; to end the hike and see the mountain, make camp (c)."),
                         id="leave-explanation")
            yield Static(Content.from_markup("[b]y[/b] leave · [b]n[/b], [b]Enter[/b] or [b]Escape[/b] keep walking"),
                         id="leave-keys")

    def action_leave(self) -> None:
        self.dismiss(True)

    def action_stay(self) -> None:
        self.dismiss(False)
