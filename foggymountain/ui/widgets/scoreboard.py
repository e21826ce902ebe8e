"""The race's result table: every walker, best first, with the winner highlighted."""

from __future__ import annotations

import math

from rich.text import Text
from textual.widgets import DataTable

from foggymountain.optimizers import HYPERPARAMETERS
from foggymountain.race import DIVERGED, FELL_OFF, REACHED, Race
from foggymountain.ui.widgets.reveal_walkers import STAR, badge, follow_theme, is_dark
from foggymountain.ui.widgets.reveal_walkers import stars_text as _stars_text
from foggymountain.ui.widgets.words import digits_apart

STATUS = {
    REACHED: ("reached the floor", "bold green"),
    "wandering": ("short of goal", "yellow"),
    FELL_OFF: ("fell off", "bold red"),
    DIVERGED: ("diverged", "bold red"),
}
WINNER_STYLE = "bold"


def stars_text(stars: int, dark: bool = True) -> Text:
    return _stars_text(stars, dark=dark)


def number(value: float | None, digits: int = 3) -> str:
    if value is None or not math.isfinite(value):
        return "—"
    return f"{value:.{digits}g}"


SHORT_NAMES = {"learning_rate": "lr", "momentum": "μ", "beta1": "β1", "beta2": "β2", "weight_decay": "wd", "alpha": "α", "eps": "ε"}


def settings_text(name: str, hyperparameters: dict[str, float]) -> str:
    """`lr 0.05, μ 0.9`: the learning rate, and the other settings that differ from the defaults
    (momentum is always shown: it is what makes Momentum Momentum)."""
    defaults = {spec.name: spec.default for spec in HYPERPARAMETERS.get(name, ())}
    shown = [f"{SHORT_NAMES.get(k, k)} {v:g}" for k, v in hyperparameters.items()
             if k in ("learning_rate", "momentum") or v != defaults.get(k, v)]
    return ", ".join(shown)


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
        winner = race.winner
        digits = digits_apart(race.level.goal, [w.final_height for w in race.walkers])  # above the goal never reads as it
        for rank, walk in enumerate(race.ranking, start=1):
            word, colour = STATUS.get(walk.status, (walk.status, ""))
            place = Text(f"{rank}", style="bold")
            if walk is winner:
                place = Text("1 ▶", style=f"bold {STAR[is_dark(self)]}")
            steps = walk.steps_to_goal if walk.status == REACHED else None
            extra = stars_text(race.stars, is_dark(self)) if walk.name == "player" else Text(settings_text(walk.name, walk.hyperparameters), style="dim")
            cells = [
                place,
                badge(walk, dark=is_dark(self)),
                Text(word, style=colour),
                Text(number(walk.final_height, digits).rjust(6)),
                Text(("—" if steps is None else str(steps)).rjust(5)),
                Text(number(walk.distance).rjust(6)),
                extra,
            ]
            if walk is winner:
                for cell in cells:
                    cell.stylize(WINNER_STYLE)
            self.add_row(*cells, key=walk.name)
