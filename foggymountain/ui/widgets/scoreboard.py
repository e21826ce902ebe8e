"""The race's result table: every walker, best first, with the winner highlighted."""

from __future__ import annotations

import math

from rich.text import Text
from textual.widgets import DataTable

from foggymountain.outcome import Race, Status, height_digits, score_rows
from foggymountain.ui.widgets.reveal_walkers import badge, follow_theme, is_dark

WINNER_STYLE = "bold"


def status_style(status: Status) -> str:
    if status == Status.REACHED:
        return "bold green"
    return "bold red" if status.lost else "yellow"


def stars_text(stars: int) -> Text:
    return Text.assemble(("★" * stars, "bold #ffd75f"), ("☆" * (3 - stars), "#a8a8a8"))


class Scoreboard(DataTable):
    """Rank, walker, status, final height (loss), steps to reach the goal, distance walked, and
    the player's stars or the racer's settings (hyperparameters)."""

    DEFAULT_CSS = """
    Scoreboard {
        height: auto;
        max-height: 1fr;
    }
    """

    def __init__(self, race: Race, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="none", zebra_stripes=True)
        self.race = race

    def on_mount(self) -> None:
        self._fill()
        follow_theme(self, self._fill)

    def _fill(self) -> None:
        race = self.race
        self.clear(columns=True)
        self.add_columns("", "Walker", "Status", "Height", "Steps", "Walked", "Stars / settings")
        digits = height_digits(race)  # a height above the goal never reads as the goal
        for row in score_rows(race):
            place = Text("1 ▶", style="bold #ffd75f") if row.won else Text(f"{row.rank}", style="bold")
            extra = stars_text(row.stars) if row.stars is not None else Text(row.settings, style="dim")
            cells = [
                place,
                badge(row.walk, dark=is_dark(self)),
                Text(row.status.on_board, style=status_style(row.status)),
                Text(_number(row.final_height, digits).rjust(6)),
                Text(("—" if row.reached_in is None else str(row.reached_in)).rjust(5)),
                Text(_number(row.distance).rjust(6)),
                extra,
            ]
            if row.won:
                for cell in cells:
                    cell.stylize(WINNER_STYLE)
            self.add_row(*cells, key=row.walk.name)


def _number(value: float, digits: int = 3) -> str:
    return f"{value:.{digits}g}" if math.isfinite(value) else "—"
