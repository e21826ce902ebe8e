"""The blank map of the prediction screen, with the player's cursor: where is the valley floor?

1-D: a line, 2-D: the map (north up), more weights: a scale of heights. It draws a core
`GuessCursor` and marks where the hike started (S) and ended (◆); it computes nothing.
"""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from foggymountain.prediction import GuessCursor, height_range
from foggymountain.ui.widgets.reveal_walkers import GUESS_GLYPH
from foggymountain.ui.widgets.words import number

# The cursor is the mark the reveal draws the guess with (◎), never the ✕ of the true floor.
BLANK, CURSOR, START, END = "·", GUESS_GLYPH, "S", "◆"


class FloorGuess(Static):
    def show(self, cursor: GuessCursor, start, end) -> None:
        level = cursor.level
        marks = {}
        for mark, point in ((START, start), (END, end)):
            cell = cursor.cell_of(point)
            if cell is not None:
                marks[cell] = mark
        text = Text()
        if cursor.dimensions == 2:
            bounds = level.landscape.bounds
            y_name, x_name = level.variables[1], level.variables[0]
            text.append(f"{y_name} {number(bounds[1, 1])}\n", style="dim")
        for row in range(cursor.rows):
            for column in range(cursor.columns):
                if cursor.cell == (column, row):
                    text.append(CURSOR, style="bold reverse")
                elif (column, row) in marks:
                    text.append(marks[(column, row)], style="bold")
                else:
                    text.append(BLANK, style="dim")
            text.append("\n")
        if cursor.dimensions == 1:
            bounds = level.landscape.bounds
            left, right = number(bounds[0, 0]), number(bounds[0, 1])
            text.append(f"{left}{' ' * max(1, cursor.columns - len(left) - len(right))}{right}  {level.variables[0]}",
                        style="dim")
        elif cursor.dimensions == 2:
            bounds = level.landscape.bounds
            left, right = number(bounds[0, 0]), number(bounds[0, 1])
            text.append(f"{y_name} {number(bounds[1, 0])}   {x_name}: {left} … {right}", style="dim")
        else:
            low, high = height_range(level)
            left, right = f"{number(low)} lowest", f"start {number(high)}"
            text.append(f"{left}{' ' * max(1, cursor.columns - len(left) - len(right))}{right}  height (loss)",
                        style="dim")
        text.append("\n")
        point, height = cursor.point(), cursor.height()
        if point is not None:
            where = ", ".join(f"{name} = {number(v)}" for name, v in zip(level.variables, point))
            text.append("your guess: floor at ", style="dim").append(where, style="bold")
        elif height is not None:
            text.append("your guess: the floor is at height ", style="dim").append(number(height), style="bold")
        else:
            text.append("no guess yet: the arrows move the cursor", style="dim")
        self.update(text)
