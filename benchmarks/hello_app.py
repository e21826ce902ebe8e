"""The yardstick: the minimal Textual app of the speed issue, a Static and a Footer; Enter
rewrites the Static. Launch time and key latency of the game are reported as ratios to this."""

from textual.app import App, ComposeResult
from textual.widgets import Footer, Static

MARKER = "Benchmarkfog"  # as in levels.py (not imported: that would import numpy)


class Hello(App[None]):
    BINDINGS = [("enter", "rewrite", "Rewrite")]

    def compose(self) -> ComposeResult:
        yield Static(f"{MARKER}: hello, world", id="line")
        yield Footer()

    def action_rewrite(self) -> None:
        self.count = getattr(self, "count", 0) + 1
        self.query_one("#line", Static).update(f"{MARKER}: step {self.count} of 10000")


if __name__ == "__main__":
    Hello().run()
