"""Predict, then reveal: before the fog lifts, where is the valley floor, and which racer wins?

Shown when the hike ends (camp, budget spent, a fall). It needs no computation: the race and the
valley floor are worked out in the app's worker meanwhile. Enter posts `Predicted` with the guess,
or with None when nothing was chosen (the prediction is skipped); then the screen waits for the
reveal to replace it.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from foggymountain.hike import Hike
from foggymountain.prediction import NOBODY, GuessCursor, Prediction
from foggymountain.race import racer_entries
from foggymountain.ui.messages import Predicted
from foggymountain.ui.widgets.floor_guess import FloorGuess

COLUMNS, ROWS = 51, 9
WHERE = {1: "Where along the line is the valley floor?", 2: "Where on the map is the valley floor?"}


class PredictionScreen(Screen):
    BINDINGS = [
        Binding("enter", "reveal", "Reveal", id="predict-reveal", key_display="⏎"),
        Binding("left", "move(-1, 0)", "Move", id="predict-left"),
        Binding("right", "move(1, 0)", "Move", show=False, id="predict-right"),
        Binding("up", "move(0, 1)", "Move", show=False, id="predict-up"),
        Binding("down", "move(0, -1)", "Move", show=False, id="predict-down"),
        Binding("shift+left", "move(-5, 0)", "Move 5", show=False, id="predict-left-far"),
        Binding("shift+right", "move(5, 0)", "Move 5", show=False, id="predict-right-far"),
        Binding("shift+up", "move(0, 3)", "Move 3", show=False, id="predict-up-far"),
        Binding("shift+down", "move(0, -3)", "Move 3", show=False, id="predict-down-far"),
        *[Binding(str(i), f"pick({i})", "Pick", show=False, id=f"predict-pick-{i}") for i in range(10)],
    ]

    def __init__(self, hike: Hike) -> None:
        super().__init__()
        self.hike = hike
        level = hike.level
        if level.dimensions > 2:  # a height: where the hike stopped, if the altimeter showed it
            origin = hike.height if level.show_height else None
        else:
            origin = hike.position
        self.cursor = GuessCursor(level, COLUMNS, ROWS, origin=origin)
        self.racers = racer_entries(level)
        self.winner: str | None = None
        self.sent = False

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="predict"):
            yield Static(self.question(), id="predict-question")
            guess = FloorGuess(id="predict-floor")
            guess.border_title = ("the blank map: S start, ◆ where you stopped" if self.hike.level.dimensions <= 2
                                  else "the heights: from the start down")
            yield guess
            yield Static(id="predict-racers")
            yield Static(Text.from_markup("[b]Enter[/b] lift the fog · with nothing chosen, Enter skips the guess"),
                         id="predict-keys")
        yield Footer(compact=True)

    def question(self) -> Text:
        n = self.hike.level.dimensions
        where = WHERE.get(n, f"{n} weights: how low is the valley floor (the lowest loss)?")
        keys = "←/→ move" if n != 2 else "arrows move (shift: faster)"
        return Text.assemble(("Before the fog lifts, predict. ", "bold"), where, (f"  ({keys})", "dim"))

    def on_mount(self) -> None:
        self.title = self.hike.level.title
        self.sub_title = "predict, then reveal"
        self.show_guess()

    def show_guess(self) -> None:
        hike = self.hike
        self.query_one(FloorGuess).show(self.cursor, hike.level.start, hike.position)
        text = Text("Which racer will win (reach the goal first)?\n", style="bold")
        choices = [(str(i + 1), name, label) for i, (name, label) in enumerate(self.racers[:9])]
        choices.append(("0", NOBODY, "nobody reaches the goal"))
        for key, name, label in choices:
            chosen = name == self.winner
            text.append(f" {key} ", style="bold reverse" if chosen else "bold")
            text.append(f" {label}{'  ◀' if chosen else ''}   ", style="bold" if chosen else "")
        self.query_one("#predict-racers", Static).update(text)

    def action_move(self, right: int, up: int) -> None:
        if not self.sent:
            self.cursor.move(int(right), int(up))
            self.show_guess()

    def action_pick(self, index: int) -> None:
        if self.sent:
            return
        index = int(index)
        if index == 0:
            self.winner = NOBODY
        elif index <= len(self.racers):
            self.winner = self.racers[index - 1][0]
        self.show_guess()

    def prediction(self) -> Prediction | None:
        guess = Prediction(floor=self.cursor.point(), floor_height=self.cursor.height(), winner=self.winner)
        return None if guess.empty else guess

    def action_reveal(self) -> None:
        if self.sent:
            return
        self.sent = True
        self.query_one("#predict-keys", Static).update(Text("The fog is lifting…", style="bold"))
        self.post_message(Predicted(self.prediction()))

