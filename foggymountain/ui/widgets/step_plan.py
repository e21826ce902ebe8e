"""The step the player plans: heading, stride (step size) and the pace (learning rate) it makes.

The step holds either its stride or its pace (`Hike.holding`); a lock mark sits beside the held
one. Holding the pace, every step goes straight downhill with `stride = pace × slope size`: the
game's link to gradient descent, `x ← x − learning_rate · gradient`. The heading shown is the one
the step walks (`Hike.heading`), so holding the pace it is downhill, and says so.
"""

from __future__ import annotations

import math

import numpy as np
from textual.content import Content

from foggymountain.ui.widgets.lines import Lines
from foggymountain.ui.widgets.words import arrow, compass_name, number

ACROSS = 0.5  # degrees either side of 90° that count as straight across the slope, not uphill


LOCK = "[$accent]■[/]"  # beside what the step holds: the stride or the pace


def off_downhill(hike) -> float | None:
    """Degrees between the heading and straight downhill (None on flat ground)."""
    down = hike.downhill
    heading = hike.heading
    size = float(np.linalg.norm(heading))
    if not down.any() or size == 0:
        return None
    cosine = float(np.clip(np.dot(heading / size, down), -1.0, 1.0))
    return math.degrees(math.acos(cosine))


class StepPlan(Lines):
    """A bordered panel; its subtitle says how the heading compares with straight downhill.
    A step repaints only the cells that changed (see `Lines`)."""

    def show(self, hike) -> None:
        n = hike.level.dimensions
        off = off_downhill(hike)
        if hike.pace_only:
            verdict, mood = "", ""
        elif off is None:
            verdict, mood = "flat ground: no downhill", ""
        elif off < 1:
            verdict, mood = "✓ straight downhill", "-downhill"
        elif off < 90 - ACROSS:
            verdict, mood = f"{off:.0f}° off downhill", "-off"
        elif off <= 90 + ACROSS:
            verdict, mood = "across the slope: 90° off downhill", "-off"
        else:
            verdict, mood = "✗ uphill!" if n == 1 else f"✗ uphill! {off:.0f}° off downhill", "-uphill"
        if self.border_subtitle != verdict:
            self.border_subtitle = verdict
        for name in ("-downhill", "-off", "-uphill"):
            self.set_class(name == mood, name)
        lines = []
        downhill = "downhill " if hike.holds_pace and off is not None else ""  # the pace chose it
        if n == 1:
            name = hike.level.variables[0]
            facing = f"→ right (+{name})" if hike.heading[0] > 0 else f"← left (−{name})"
            lines.append(f"facing [b]{downhill}{facing}[/b]")
        elif n == 2:
            degrees = hike.heading_degrees
            lines.append(f"heading [b]{downhill}{degrees:.0f}° {arrow(degrees)} {compass_name(degrees)}[/b]")
        else:
            lines.append("heading [b]always straight downhill[/b]")
        pace = hike.planned_pace
        pace_text = f"[b]{number(pace)}[/b]" if pace is not None else "[$text-muted]— (flat)[/]"
        stride_text = f"[b]{number(hike.planned_stride)}[/b]"
        if hike.stride_capped:
            stride_text += " [$warning](max)[/]"
        if hike.holds_pace:
            lines.append(f"{LOCK} [$accent]pace[/] (learning rate)  {pace_text}")
            lines.append(f"   stride (step size)    {stride_text}")
            lines.append("[$text-muted]stride = pace × slope size[/]")
        else:
            lines.append(f"{LOCK} [$accent]stride[/] (step size)    {stride_text}")
            lines.append(f"   pace (learning rate)  {pace_text}")
            lines.append("[$text-muted]pace = stride ÷ slope size[/]")
        self.show_lines(Content.from_markup(line) for line in lines)
