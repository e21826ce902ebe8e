"""What each walker felt and did at the replay step: the slope (gradient) under its feet, what the
racer keeps in memory (Momentum's velocity, Adam's moment estimates) and the pace (effective
learning rate) it used on each coordinate. Everything is read from `Walk.info`, as the race
recorded it."""

from __future__ import annotations

import numpy as np
from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.containers import VerticalScroll
from textual.reactive import reactive
from textual.widgets import Static

from foggymountain.outcome import Status, Walk
from foggymountain.ui.widgets.reveal_walkers import badge, follow_theme, is_dark

# What a racer's memory is called on screen, in the order shown.
MEMORY = (
    ("velocity", "velocity", "the slopes it has been rolling with"),
    ("first_moment", "mean slope m̂", "Adam's running average of slopes"),
    ("second_moment", "mean slope² v̂", "Adam's running average of squared slopes"),
    ("square_average", "mean slope²", "running average of squared slopes"),
    ("accumulator", "sum of slope²", "every squared slope so far"),
)
SHOWN_COORDINATES = 3


def vector_text(values: np.ndarray, names: tuple[str, ...] = ()) -> str:
    """`(−1.2, 3.4)` for a few coordinates; size and range for many."""
    values = np.asarray(values, float).ravel()
    if len(values) == 1:
        return f"{values[0]:.3g}"
    if len(values) <= SHOWN_COORDINATES:
        return "(" + ", ".join(f"{v:.3g}" for v in values) + ")"
    return f"size {np.linalg.norm(values):.3g} over {len(values)}"


def pace_text(values: np.ndarray) -> str:
    values = np.asarray(values, float).ravel()
    if np.allclose(values, values[0]):
        return f"{values[0]:.3g}" + (" on every coordinate" if len(values) > 1 else "")
    if len(values) <= SHOWN_COORDINATES:
        return "(" + ", ".join(f"{v:.3g}" for v in values) + ")"
    return f"{values.min():.3g} … {values.max():.3g} across {len(values)}"


class ReplayPanel(VerticalScroll):
    """A scrollable column: one block per walker at the replay step."""

    DEFAULT_CSS = """
    ReplayPanel {
        height: 1fr;
        padding: 0 1;
        scrollbar-size-vertical: 1;
    }
    ReplayPanel > Static {
        height: auto;
    }
    """

    step: reactive[int] = reactive(0)

    def __init__(self, walkers: list[Walk], *, step: int = 0, id: str | None = None,
                 classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.walkers = walkers
        self._body = Static()
        # Drawn at the step it opens on (the reveal's last): at the end of a walk nothing of the
        # racers' inner state is read, so the first frame never waits for its replay.
        self.set_reactive(ReplayPanel.step, step)

    def compose(self):
        yield self._body

    def on_mount(self) -> None:
        self._redraw()
        follow_theme(self, self._redraw)

    def watch_step(self) -> None:
        if self.is_mounted:
            self._redraw()

    def _redraw(self) -> None:
        self._body.update(self._content())

    def _content(self) -> Group:
        step = self.step
        parts: list = [Text.assemble((f"Step {step} → {step + 1}", "bold"), (": what each walker felt and did", "dim"))]
        if step >= max(w.steps for w in self.walkers):
            parts = [Text.assemble((f"Step {step}", "bold"), (": the end. ← steps back through the race", "dim"))]
        for walk in self.walkers:
            parts.append(Text(""))
            parts.append(badge(walk, dark=is_dark(self)))
            parts.append(self._block(walk, step))
        return Group(*parts)

    def _block(self, walk: Walk, step: int):
        if step >= walk.steps:
            if walk.status == Status.REACHED and walk.steps_to_goal is not None:
                # When it first got there, not when the walk stopped (the scoreboard's count).
                return Text(f"  reached the goal at step {walk.steps_to_goal}; height {walk.final_height:.3g} "
                            f"after {walk.steps} steps", style="dim")
            return Text(f"  {walk.status.ending} after {walk.steps} steps, height {walk.final_height:.3g}", style="dim")
        table = Table.grid(padding=(0, 1))
        table.add_column(style="dim", no_wrap=True)
        table.add_column()
        slope = walk.info.get("slope", walk.slopes[step] if step < len(walk.slopes) else None)
        if isinstance(slope, np.ndarray) and slope.ndim == 2:
            slope = slope[step]
        if slope is not None:
            table.add_row("  felt slope", vector_text(slope))
        for key, label, _ in MEMORY:
            if key in walk.info:
                table.add_row(f"  {label}", vector_text(walk.info[key][step]))
        move = walk.path[step + 1] - walk.path[step]
        table.add_row("  its step", vector_text(move))
        if "effective_step" in walk.info:
            table.add_row("  pace (lr)", pace_text(walk.info["effective_step"][step]))
        elif slope is not None and np.linalg.norm(slope) > 0:
            table.add_row("  pace (lr)", f"{np.linalg.norm(move) / np.linalg.norm(slope):.3g}")
        return table
