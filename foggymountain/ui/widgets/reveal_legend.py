"""The key to the map: each walker's glyph and colour with where it stands at the replay step, the
start and valley floor marks, the player's guess of the floor (only when there is one), and the
colour scale of heights. A guessed *height* (many weights: no point to draw on a slice) is marked
on the colour scale, beside the floor's true height."""

from __future__ import annotations

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.reactive import reactive
from textual.widgets import Static

import numpy as np

from foggymountain.outcome import Walk
from foggymountain.prediction import Forecast, edge_arrow, guessed_height, guessed_point
from foggymountain.terrain.grid import ColourScale
from foggymountain.ui.widgets.reveal_walkers import (FLOOR_GLYPH, GUESS_LOOK, GUESS_ON_FLOOR, START_GLYPH, badge, chip,
                                                     follow_theme, height_at, is_dark)

def height_text(value: float) -> str:
    return f"{value:.3g}" if value == value else "—"


class RevealLegend(Static):
    """Who is who on the map, and their height (loss) at the replay step."""

    DEFAULT_CSS = """
    RevealLegend {
        height: auto;
        padding: 0 1;
    }
    """

    step: reactive[int] = reactive(0)

    def __init__(self, walkers: list[Walk], *, goal: float, floor_height: float,
                 scale: ColourScale | None = None, levels=None, note: str = "",
                 guess: Forecast | None = None, frame=None,
                 id: str | None = None, classes: str | None = None) -> None:
        """`guess`: the player's forecast, if any; `frame`: the part of the level the map or curve
        draws, one (low, high) per axis (to say when a guessed point lies beyond it)."""
        super().__init__(id=id, classes=classes)
        self.walkers = walkers
        self.goal = goal
        self.floor_height = floor_height
        self.scale = scale
        self.levels = levels
        self.note = note
        self.guess_point = guessed_point(guess)
        self.guess_height = guessed_height(guess)
        self.frame = frame

    def compose(self):
        # The key is drawn before the first frame: updating it on mount would lay the screen out
        # and paint it a second time (bytes over SSH).
        self.update(self._content())
        return super().compose()

    def on_mount(self) -> None:
        follow_theme(self, lambda: self.update(self._content()))

    def watch_step(self) -> None:
        if self.is_mounted:
            self.update(self._content())

    def _content(self) -> Group:
        table = Table.grid(padding=(0, 1), expand=True)
        table.add_column(ratio=1, no_wrap=True)
        table.add_column(justify="right", no_wrap=True)
        for walk in self.walkers:
            step = min(self.step, walk.steps)
            height = height_at(walk, step)
            if step == walk.steps and walk.status.lost:
                right = Text(walk.status.word, style="red")
            else:
                right = Text(height_text(height), style="bold green" if height <= self.goal else "")
            table.add_row(badge(walk, dark=is_dark(self)), right)
        parts: list = [Text("height (loss) at this step", style="dim"), table]
        sample = self.walkers[-1]
        parts += [
            Text(""),
            Text.assemble(chip(self.walkers[0]), " ", chip(sample), " = where each walker", "\n",
                          "   stands at this step"),
            Text.assemble((START_GLYPH, "bold"), " start"),
            Text.assemble((FLOOR_GLYPH, "bold"), " valley floor ", (height_text(self.floor_height), "dim"), (" (minimum)", "dim")),
        ]
        guess_key = self._guess_key()
        if guess_key is not None:
            parts.append(guess_key)
        if self.scale is not None and self.levels is not None:
            parts += [Text(""), Text("ground height, low → high", style="dim"), self._colour_bar()]
        if self.note:
            parts += [Text(""), Text(self.note, style="dim italic")]
        return Group(*parts)

    def _guess_style(self) -> str:
        return f"bold {GUESS_LOOK.on(is_dark(self))}"

    def _guess_key(self) -> Text | None:
        """`◎ your guess (⊗ = on the ✕)`, only when the player guessed the floor."""
        style = self._guess_style()
        if self.guess_point is not None:
            arrow = edge_arrow(self.guess_point, self.frame) if self.frame is not None else ""
            where = "map" if len(self.guess_point) > 1 else "chart"
            aside = f" ({arrow} off the {where})" if arrow else " (" + GUESS_ON_FLOOR + " = on the " + FLOOR_GLYPH + ")"
            return Text.assemble((GUESS_LOOK.glyph, style), " your guess", (aside, "dim"))
        if self.guess_height is not None:
            return Text.assemble((GUESS_LOOK.glyph, style), " your guess: height ", (height_text(self.guess_height), "dim"))
        return None

    def _colour_bar(self) -> ColourBar:
        # With 256 colours, the map's own xterm colours, so the key matches the map.
        few = self.app.console.color_system in ("256", "standard", "windows")
        colours = tuple(f"color({i})" for i in self.scale.xterm) if few else self.scale.hex
        marks = ()
        if self.guess_height is not None:  # many weights: the guessed height beside the true one
            marks = ((self.floor_height, FLOOR_GLYPH, "bold"), (self.guess_height, GUESS_LOOK.glyph, self._guess_style()))
        return ColourBar(colours, self.levels, marks)


class ColourBar:
    """The map's colour scale as a bar as wide as there is room for, low to high, with heights.
    `marks` ((height, glyph, style)...) are drawn above the bar where their heights fall on it (an
    arrow at its end for a height beyond it; ⊗ where the ✕ and the ◎ share a place)."""

    def __init__(self, colours: tuple[str, ...], levels, marks=()) -> None:
        self.colours = colours
        self.levels = levels
        self.marks = marks

    def place(self, height: float, width: int) -> tuple[int, str]:
        """(column, arrow) of a height on a bar `width` wide: within the band it falls in, in
        proportion; at an end with "←" or "→" when beyond the scale."""
        levels = np.asarray(self.levels, float)
        if height < levels[0]:
            return 0, "←"
        if height > levels[-1]:
            return width - 1, "→"
        bands = len(levels) - 1
        band = int(np.clip(np.searchsorted(levels, height, side="right") - 1, 0, bands - 1))
        low, high = levels[band], levels[band + 1]
        within = (height - low) / (high - low) if high > low else 0.5
        return min(int((band + within) / bands * width), width - 1), ""

    def _marks_row(self, width: int) -> Text:
        row: dict[int, tuple[str, str]] = {}
        for height, glyph, style in self.marks:
            column, arrow = self.place(float(height), width)
            if column in row and arrow:  # beyond the scale and past the mark at its end: one further in
                column += 1 if arrow == "←" else -1
            if column in row and row[column][0] == FLOOR_GLYPH and glyph == GUESS_LOOK.glyph:
                row[column] = (GUESS_ON_FLOOR, style)
            else:
                row[column] = (arrow or glyph, style)
        line = Text()
        for column in range(width):
            glyph, style = row.get(column, (" ", ""))
            line.append(glyph, style=style)
        return line

    def __rich_console__(self, console, options):
        count = len(self.colours)
        each = max(1, min(3, options.max_width // count))
        bar = Text()
        for colour in self.colours:
            bar.append("█" * each, style=colour)
        width = len(bar)
        low, high = height_text(self.levels[0]), height_text(self.levels[-1])
        middle = height_text(self.levels[len(self.levels) // 2])
        ticks = low + " " * max(width - len(low) - len(high), 1) + high
        centre = (width - len(middle)) // 2
        if centre > len(low) + 1 and centre + len(middle) < width - len(high) - 1:
            ticks = ticks[:centre] + middle + ticks[centre + len(middle):]
        if self.marks:
            yield self._marks_row(width)
        yield bar
        yield Text(ticks, style="dim")


class WalkerKey(Static):
    """One line under a chart: `● You  s SGD  m Momentum  a Adam`, plus any extra marks."""

    DEFAULT_CSS = """
    WalkerKey {
        height: auto;
        padding: 0 1;
    }
    """

    def __init__(self, walkers: list[Walk], extra: tuple[tuple[str, str, str], ...] = (), *,
                 notes: dict[str, str] | None = None, id: str | None = None) -> None:
        super().__init__(id=id)
        self.walkers = walkers
        self.extra = extra  # (glyph, style, words)
        self.notes = notes or {}

    def on_mount(self) -> None:
        self.update(self._content())
        follow_theme(self, lambda: self.update(self._content()))

    def _content(self) -> Text:
        line = Text()
        for walk in self.walkers:
            line.append_text(badge(walk, dark=is_dark(self), bold=False))
            line.append(self.notes.get(walk.name, "") + "  ", style="dim")
        for glyph, style, words in self.extra:
            line.append(glyph, style=style)
            line.append(f" {words}  ", style="dim")
        return line
