"""A block of one-line texts that repaints only the cells that changed.

`Static.update` repaints the whole widget, and over SSH every repainted cell costs bytes. The
hike's panels change a few numbers per step, so they are drawn here with the Line API instead:
`show_lines` compares each new line with the one on screen, cell by cell, and marks only the
changed span of each line dirty. Lines never wrap (they are cut at the widget's width); a
change in the number of lines is the only thing that asks for a layout pass.
"""

from __future__ import annotations

from collections.abc import Iterable

from rich.segment import Segment
from textual.content import Content
from textual.geometry import Region
from textual.strip import Strip
from textual.widget import Widget


def _cells(strip: Strip) -> list[tuple[str, object]]:
    found: list[tuple[str, object]] = []
    for segment in strip:
        for char in segment.text:
            found.append((char, segment.style))
    return found


def changed_span(old: Strip, new: Strip) -> tuple[int, int] | None:
    """(first, end) cells where two strips differ, or None when they look the same."""
    a, b = _cells(old), _cells(new)
    if a == b:
        return None
    size = max(len(a), len(b))
    a += [(" ", None)] * (size - len(a))
    b += [(" ", None)] * (size - len(b))
    first = next(i for i in range(size) if a[i] != b[i])
    last = next(i for i in range(size - 1, -1, -1) if a[i] != b[i])
    return first, last + 1


class Lines(Widget):
    """Call `show_lines(contents)`; each Content is one line."""

    DEFAULT_CSS = """
    Lines {
        height: auto;
    }
    """

    def __init__(self, *, name: str | None = None, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._contents: list[Content] = []
        self._strips: dict[int, Strip] = {}
        self._base = None  # (visual style, rich style): walking the ancestors for them costs

    @property
    def lines(self) -> list[Content]:
        return list(self._contents)

    @property
    def plain(self) -> str:
        return "\n".join(line.plain for line in self._contents)

    def render(self) -> Content:
        """All the lines as one Content (for `str()` and tests; painting goes by `render_line`)."""
        return Content("\n").join(self._contents)

    def show_lines(self, contents: Iterable[Content | str]) -> None:
        new = [line if isinstance(line, Content) else Content(line) for line in contents]
        old = self._contents
        self._contents = new
        if len(new) != len(old) or not self.size.width:
            self._strips.clear()
            self.refresh(layout=len(new) != len(old))
            return
        regions = []
        for y, (before, after) in enumerate(zip(old, new)):
            if before.markup == after.markup and before.plain == after.plain:
                continue
            was = self._strips.pop(y, None) or self._strip(before)
            now = self._strip(after)
            self._strips[y] = now
            span = changed_span(was, now)
            if span is not None:
                regions.append(Region(span[0], y, span[1] - span[0], 1))
        if regions:
            self.refresh(*regions)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._strips.clear()
        self._base = None

    def on_resize(self) -> None:
        self._strips.clear()

    def get_content_height(self, container, viewport, width: int) -> int:
        return len(self._contents)

    def get_content_width(self, container, viewport) -> int:
        return max((line.cell_length for line in self._contents), default=0)

    def _strip(self, content: Content) -> Strip:
        width = self.size.width
        if self._base is None:
            self._base = (self.visual_style, self.rich_style)
        visual, rich = self._base
        segments = content.render_segments(visual)
        return Strip(segments).crop_extend(0, width, rich) if width else Strip(segments)

    def render_line(self, y: int) -> Strip:
        if not 0 <= y < len(self._contents):
            if self._base is None:
                self._base = (self.visual_style, self.rich_style)
            return Strip([Segment(" " * self.size.width, self._base[1])], self.size.width)
        strip = self._strips.get(y)
        if strip is None:
            strip = self._strips[y] = self._strip(self._contents[y])
        return strip
