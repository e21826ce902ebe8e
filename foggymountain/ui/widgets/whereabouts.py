"""One line: how much of the budget is spent and where the player stands."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static

from foggymountain.ui.widgets.words import point_text, show_text


class Whereabouts(Static):
    def show(self, hike) -> None:
        level = hike.level
        used, budget = hike.steps_used, level.budget
        left = hike.steps_left
        warn = "$error" if left <= max(1, budget // 10) else "$text-muted"
        room = 2 if level.dimensions <= 2 else 1
        show_text(self, Content.from_markup(
            f"step [b]{used}[/b] of [b]{budget}[/b] [$text-muted](budget = steps)[/] · "
            f"[{warn}]{left} left[/] · at $where",
            where=point_text(level.variables, hike.position, room=room),
        ))
