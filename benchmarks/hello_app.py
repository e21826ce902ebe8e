"""The yardstick for launch time: the smallest Textual app that paints one line of text."""

from textual.app import App, ComposeResult
from textual.widgets import Static

MARKER = "Benchmarkfog"  # as in levels.py (not imported: that would import numpy)


class Hello(App[None]):
    def compose(self) -> ComposeResult:
        yield Static(f"{MARKER}: hello, world")


if __name__ == "__main__":
    Hello().run()
