"""One line: how much of the budget is spent and where the player stands."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static

from foggymountain.ui.widgets.words import point_text, show_text


class Whereabouts(Static):
    def show(self, hike) -> None:
        level = hike.level
        if level.examples is not None:
            self.show_examples(hike)
            return
        used, budget = hike.steps_used, level.budget
        left = hike.steps_left
        warn = "$error" if left <= max(1, budget // 10) else "$text-muted"
        room = 2 if level.dimensions <= 2 else 1
        show_text(self, Content.from_markup(
            f"step [b]{used}[/b] of [b]{budget}[/b] [$text-muted](budget = steps)[/] · "
            f"[{warn}]{left} left[/] · at $where",
            where=point_text(level.variables, hike.position, room=room),
        ))

    def show_examples(self, hike) -> None:
        """A batch-size level: the budget is examples seen, and the batch is the player's choice."""
        level = hike.level
        used, budget, left = hike.examples_used, level.examples, hike.examples_left
        warn = "$error" if left < 2 * hike.batch_size else "$text-muted"
        show_text(self, Content.from_markup(
            f"examples [b]{used}[/b] of [b]{budget}[/b] · [{warn}]{left} left[/] · "
            f"[$accent]batch {hike.batch_size}[/] [$text-muted](b)[/] · step {hike.steps_used} · at $where",
            where=point_text(level.variables, hike.position, room=2),
        ))
