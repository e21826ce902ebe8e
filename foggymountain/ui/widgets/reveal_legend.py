"""The key to the map: each walker's glyph and colour with where it stands at the replay step, the
start and valley floor marks, and the colour scale of heights."""

from __future__ import annotations

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.reactive import reactive
from textual.widgets import Static

from foggymountain.outcome import Walk
from foggymountain.terrain.grid import ColourScale
from foggymountain.ui.widgets.reveal_walkers import FLOOR_GLYPH, START_GLYPH, badge, chip, follow_theme, height_at, is_dark

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
                 id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.walkers = walkers
        self.goal = goal
        self.floor_height = floor_height
        self.scale = scale
        self.levels = levels
        self.note = note

    def on_mount(self) -> None:
        self.update(self._content())
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
            Text.assemble(chip(sample), " where each walker is now"),
            Text.assemble((START_GLYPH, "bold"), " start"),
            Text.assemble((FLOOR_GLYPH, "bold"), " valley floor ", (height_text(self.floor_height), "dim"), (" (minimum)", "dim")),
        ]
        if self.scale is not None and self.levels is not None:
            parts += [Text(""), Text("ground height, low → high", style="dim"), self._colour_bar()]
        if self.note:
            parts += [Text(""), Text(self.note, style="dim italic")]
        return Group(*parts)

    def _colour_bar(self) -> ColourBar:
        # With 256 colours, the map's own xterm colours, so the key matches the map.
        few = self.app.console.color_system in ("256", "standard", "windows")
        colours = tuple(f"color({i})" for i in self.scale.xterm) if few else self.scale.hex
        return ColourBar(colours, self.levels)


class ColourBar:
    """The map's colour scale as a bar as wide as there is room for, low to high, with heights."""

    def __init__(self, colours: tuple[str, ...], levels) -> None:
        self.colours = colours
        self.levels = levels

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
