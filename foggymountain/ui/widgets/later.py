"""`Later(widget, frames=n)`: Textual's `Lazy`, mounted after `n` screen refreshes instead of one.

A screen full of widgets lays itself out and paints in one callback, which can hold the UI
thread for a frame or more (the reveal: tabs, map, legend, timeline, footer). Mounting its parts
a frame apart paints the first thing to see first, and keeps each callback short: a key pressed
meanwhile is answered between two frames.
"""

from __future__ import annotations

from textual.widget import Widget


class Later(Widget):
    """A stand-in that mounts `widget` in its place after `frames` refreshes of the screen."""

    DEFAULT_CSS = """
    Later {
        display: none;
    }
    """

    def __init__(self, widget: Widget, frames: int = 1) -> None:
        self._replace_widget = widget
        self._frames = max(1, frames)
        super().__init__()

    def compose_add_child(self, widget: Widget) -> None:
        self._replace_widget.compose_add_child(widget)

    async def mount_composed_widgets(self, widgets: list[Widget]) -> None:
        parent = self.parent
        if parent is None:
            return
        assert isinstance(parent, Widget)
        waits = self._frames

        async def mount() -> None:
            nonlocal waits
            waits -= 1
            if waits > 0:
                self.call_after_refresh(mount)
                return
            if self.is_attached:
                await parent.mount(self._replace_widget, after=self)
                await self.remove()

        self.call_after_refresh(mount)
