"""Shown over everything while the terminal is smaller than the game can draw; gone when enlarged."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Static


class TooSmallScreen(Screen):
    def __init__(self, min_width: int, min_height: int) -> None:
        super().__init__()
        self.min_width = min_width
        self.min_height = min_height

    def compose(self) -> ComposeResult:
        yield Static(id="too-small")

    def on_mount(self) -> None:
        self.describe()

    def on_resize(self) -> None:
        self.describe()

    def describe(self) -> None:
        width, height = self.app.size
        self.query_one("#too-small", Static).update(
            f"[b]Terminal too small[/b]\n{width}×{height}, the game needs "
            f"{self.min_width}×{self.min_height}.\nEnlarge the window: the game waits.\n"
            "(ctrl+q quits)"
        )
