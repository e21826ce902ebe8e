"""A level's reveal as plain text: the landscape, the racers' trails and the scoreboard, no TUI.

For authors (`foggymountain preview LEVEL`) and for places without a full terminal (CI logs, a
chat, a slide). What is drawn depends on the number of variables:

- 2: a map. Each cell is the height band of the ground there (shade characters, or 256-colour
  half blocks when `color`); each racer's visited points carry its glyph (uppercase) and the way
  between them its lowercase glyph; `o` is the start, `*` the valley floor.
- 1: the curve of heights over the variable, with each racer's visited points on it.
- more: the height of each racer at each step (the loss curve).

The grids and the colour scale are the reveal screen's own (`terrain.grid`), so the preview
shows the same ground. Nothing here imports Textual.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from foggymountain.outcome import Race, Walk, score_rows, winner_line
from foggymountain.terrain.grid import WALL, HeightAxis, TerrainMap, mountain, profile

SHADES = " .:-=+#%@"  # low to high; no letters, 'o' or '*', which mark walkers, the start, the floor
START, FLOOR = "o", "*"
RACER_COLOURS = (196, 226, 201, 51, 208, 46, 231)  # xterm-256: bright, warm first; far from the terrain
WALL_COLOUR = 235
TRAIL_BACKGROUND = 16
RESET = "\x1b[0m"


@dataclass(frozen=True)
class Marker:
    walk: Walk
    glyph: str
    colour: int


def markers(result: Race) -> list[Marker]:
    """A distinct glyph per walker: the first free letter of its label (SGD -> S, Adam -> A,
    AdaGrad -> D), never 'O' or 'X'."""
    used = {"O", "X"}
    chosen = []
    for index, walk in enumerate(result.walkers):
        candidates = [c for c in walk.label.upper() if c.isalpha()] + list("123456789")
        glyph = next(c for c in candidates if c not in used)
        used.add(glyph)
        chosen.append(Marker(walk, glyph, RACER_COLOURS[index % len(RACER_COLOURS)]))
    return chosen


def render(result: Race, width: int = 72, height: int = 20, color: bool = False) -> str:
    """The whole preview of a race as text (with ANSI colours only when `color`)."""
    level = result.level
    width, height = max(int(width), 20), max(int(height), 6)
    marks = markers(result)
    if level.dimensions == 2:
        picture = _map(result, marks, width, height, color)
    elif level.dimensions == 1:
        picture = _curve(result, marks, width, height, color)
    else:
        picture = _loss_curves(result, marks, width, height, color)
    return "\n".join([_header(result), "", *picture, "", *_legend(result, marks, color), "", *scoreboard(result, marks)]) + "\n"


def _header(result: Race) -> str:
    level = result.level
    names = ", ".join(level.variables) if level.dimensions <= 4 else f"{level.dimensions} weights"
    return (f"{level.title}  ({level.kind}: {names}; budget {level.budget} steps)\n"
            f"goal: height <= {level.goal:.4g}   valley floor (minimum): {level.minimum.height:.4g}")


def _paint(text: str, colour: int | None, background: int | None, color: bool) -> str:
    if not color or (colour is None and background is None):
        return text
    codes = ([f"38;5;{colour}"] if colour is not None else []) + ([f"48;5;{background}"] if background is not None else [])
    return f"\x1b[{';'.join(codes)}m{text}{RESET}"


class _Line:
    """A line of text whose colours change only where they change (short escape sequences)."""

    def __init__(self, color: bool) -> None:
        self.color = color
        self.parts: list[str] = []
        self.state: tuple[int | None, int | None] = (None, None)

    def add(self, text: str, colour: int | None = None, background: int | None = None) -> None:
        if self.color and (colour, background) != self.state:
            codes = ["0"] + ([f"38;5;{colour}"] if colour is not None else []) + ([f"48;5;{background}"] if background is not None else [])
            self.parts.append(f"\x1b[{';'.join(codes)}m")
            self.state = (colour, background)
        self.parts.append(text)

    def text(self) -> str:
        return "".join(self.parts) + (RESET if self.color and self.state != (None, None) else "")


def _number(value: float) -> str:
    return f"{value:.3g}"


# ---- 2 variables: a map -----------------------------------------------------------------------


def _map(result: Race, marks: list[Marker], width: int, height: int, color: bool) -> list[str]:
    level = result.level
    label_width = 8
    columns = width - label_width - 2
    # Colour: two pixels per character (upper and lower half block); plain: one.
    rows = height * 2 if color else height
    grid = TerrainMap(level).grid(columns, rows)
    scale = mountain(len(grid.levels) - 1)
    cells: dict[tuple[int, int], tuple[str, int | None]] = {}

    def place(points, glyph: str, colour: int | None, overwrite: bool = True) -> None:
        column, row, inside = grid.pixel_of(np.asarray(points, float).reshape(-1, level.dimensions))
        for c, r, ok in zip(np.atleast_1d(column), np.atleast_1d(row), np.atleast_1d(inside)):
            key = (int(r) // 2 if color else int(r), int(c))
            if ok and (overwrite or key not in cells):
                cells[key] = (glyph, colour)

    ordered = sorted(marks, key=lambda m: result.ranking.index(m.walk), reverse=True)  # the winner on top
    for mark in ordered:
        place(_segments(mark.walk.path), mark.glyph.lower(), mark.colour)
    for mark in ordered:
        place(mark.walk.path, mark.glyph, mark.colour)
    place(level.minimum.point, FLOOR, 231)
    place(level.start, START, 231)

    (x_low, x_high), (y_low, y_high) = grid.plane.extent
    lines = [f"{level.variables[1]:>{label_width}}"]
    for line in range(height):
        text = _Line(color)
        for column in range(columns):
            if color:
                upper, lower = grid.bands[2 * line, column], grid.bands[2 * line + 1, column]
                if (line, column) in cells:
                    glyph, colour = cells[(line, column)]
                    text.add(glyph, colour, TRAIL_BACKGROUND)  # a dark path, readable on any ground
                else:
                    text.add("\u2580", _band_colour(upper, scale), _band_colour(lower, scale))
            elif (line, column) in cells:
                text.add(cells[(line, column)][0])
            else:
                text.add(_shade(grid.bands[line, column], len(grid.levels) - 1))
        label = _number(y_high) if line == 0 else _number(y_low) if line == height - 1 else ""
        lines.append(f"{label:>{label_width}} |" + text.text())
    lines.append(" " * label_width + " +" + "-" * columns)
    left, right = _number(x_low), _number(x_high)
    lines.append(" " * (label_width + 2) + left + " " * max(1, columns - len(left) - len(right)) + right + "  " + level.variables[0])
    return lines


def _segments(path: np.ndarray) -> np.ndarray:
    """Points along the straight lines between consecutive points of a trail."""
    path = np.asarray(path, float)
    pieces = []
    for a, b in zip(path[:-1], path[1:]):
        if not (np.all(np.isfinite(a)) and np.all(np.isfinite(b))):
            continue
        t = np.linspace(0.0, 1.0, 200)[:, None]
        pieces.append(a + t * (b - a))
    return np.concatenate(pieces) if pieces else np.empty((0, path.shape[1]))


def _shade(band: int, bands: int) -> str:
    if band == WALL:
        return "!"
    return SHADES[min(int(band * len(SHADES) / max(bands, 1)), len(SHADES) - 1)]


def _band_colour(band: int, scale) -> int:
    return WALL_COLOUR if band == WALL else scale.xterm[int(band)]


# ---- 1 variable: the curve --------------------------------------------------------------------


def _curve(result: Race, marks: list[Marker], width: int, height: int, color: bool) -> list[str]:
    level = result.level
    label_width = 10
    columns = width - label_width - 2
    xs, heights = profile(level.landscape, columns)
    visited = [h for m in marks for h in m.walk.heights]
    floor = level.minimum.height
    # A curve reads best on a straight scale; only ground spanning many decades gets a log one.
    axis = HeightAxis.for_heights([*heights, *visited, floor], decades=4.0)
    finite = axis.plotted(np.append(heights, floor))
    finite = finite[np.isfinite(finite)]
    if not len(finite):
        return ["(the ground has no finite height on this map)"]
    low, high = float(finite.min()), float(finite.max())
    to_row = _row_function(low, high, height, axis.log)
    canvas = [[" "] * columns for _ in range(height)]
    colours: dict[tuple[int, int], int] = {}
    x_low, x_high = level.landscape.bounds[0]

    def column_of(x: float) -> int | None:
        if not math.isfinite(x) or not x_low <= x <= x_high:
            return None
        return min(int((x - x_low) / (x_high - x_low) * columns), columns - 1)

    previous = None
    for column, h in enumerate(axis.plotted(heights)):
        row = to_row(float(h))
        if row is None:
            previous = None
            continue
        # Fill the rows between this column and the last so steep ground stays one line.
        span = range(min(row, previous), max(row, previous) + 1) if previous is not None else [row]
        for filled in span:
            if filled == row or abs(filled - row) <= abs(filled - previous):
                canvas[filled][column] = "."
            else:
                canvas[filled][column - 1] = "."
        previous = row
    ordered = sorted(marks, key=lambda m: result.ranking.index(m.walk), reverse=True)
    for mark in ordered:
        for point, h in zip(mark.walk.path, mark.walk.heights):
            column, row = column_of(float(point[0])), to_row(float(axis.plotted(h)))
            if column is not None and row is not None:
                canvas[row][column] = mark.glyph
                colours[(row, column)] = mark.colour
    for point, glyph in ((level.minimum.point, FLOOR), (level.start, START)):
        column = column_of(float(point[0]))
        row = to_row(float(axis.plotted(level.landscape.height(np.asarray(point, float)))))
        if column is not None and row is not None:
            canvas[row][column] = glyph
            colours[(row, column)] = 231
    return _frame([f"{axis.label}"], canvas, colours, (".", 250), color,
                  (_number(high - axis.offset), _number(low - axis.offset)), label_width,
                  (_number(x_low), _number(x_high)), level.variables[0])


def _row_function(low: float, high: float, height: int, log: bool):
    """Chart row (0 = top) of a plotted height, or None when it is off the chart."""
    if log:
        low, high = math.log10(low), math.log10(high)
    span = high - low if high > low else 1.0

    def to_row(value: float) -> int | None:
        if not math.isfinite(value) or (log and value <= 0):
            return None
        if log:
            value = math.log10(value)
        fraction = (value - low) / span
        if fraction < -1e-9 or fraction > 1 + 1e-9:
            return None
        return min(max(int(round((1 - fraction) * (height - 1))), 0), height - 1)

    return to_row


# ---- more variables: heights over steps -------------------------------------------------------


def _loss_curves(result: Race, marks: list[Marker], width: int, height: int, color: bool) -> list[str]:
    level = result.level
    label_width = 10
    columns = width - label_width - 2
    axis = HeightAxis.for_heights([h for m in marks for h in m.walk.heights])
    values = [axis.plotted(m.walk.heights) for m in marks]
    finite = np.concatenate([v[np.isfinite(v)] for v in values]) if values else np.empty(0)
    if not len(finite):
        return ["(no racer measured a finite height)"]
    low, high = float(finite.min()), float(finite.max())
    to_row = _row_function(low, high, height, axis.log)
    canvas = [[" "] * columns for _ in range(height)]
    colours: dict[tuple[int, int], int] = {}
    goal_row = to_row(float(axis.plotted(level.goal)))
    if goal_row is not None:
        canvas[goal_row] = ["-"] * columns
    ordered = sorted(range(len(marks)), key=lambda i: result.ranking.index(marks[i].walk), reverse=True)
    for i in ordered:
        for step, value in enumerate(values[i]):
            row = to_row(float(value))
            column = min(int(step / max(level.budget, 1) * (columns - 1)), columns - 1)
            if row is not None:
                canvas[row][column] = marks[i].glyph
                colours[(row, column)] = marks[i].colour
    title = f"{axis.label} over steps" + ("   (- - - the goal)" if goal_row is not None else "")
    return _frame([title], canvas, colours, ("-", 244), color,
                  (_number(high - axis.offset), _number(low - axis.offset)), label_width,
                  ("0", str(level.budget)), "step")


def _frame(lines: list[str], canvas, colours, faint: tuple[str, int], color: bool,
           y_labels: tuple[str, str], label_width: int, x_labels: tuple[str, str], x_name: str) -> list[str]:
    """A chart's canvas inside its axes: the top and bottom values on the left, the x range below.
    `faint` is the background character of the canvas and the colour it is drawn in."""
    height, columns = len(canvas), len(canvas[0]) if canvas else 0
    for row in range(height):
        text = _Line(color)
        for c, ch in enumerate(canvas[row]):
            text.add(ch, colours.get((row, c), faint[1] if ch == faint[0] else None))
        label = y_labels[0] if row == 0 else y_labels[1] if row == height - 1 else ""
        lines.append(f"{label:>{label_width}} |" + text.text())
    lines.append(" " * label_width + " +" + "-" * columns)
    left, right = x_labels
    lines.append(" " * (label_width + 2) + left + " " * max(1, columns - len(left) - len(right)) + right + "  " + x_name)
    return lines


# ---- legend and scoreboard ----------------------------------------------------------------------


def _legend(result: Race, marks: list[Marker], color: bool) -> list[str]:
    walkers = "  ".join(_paint(m.glyph, m.colour, None, color) + f" {m.walk.label}" for m in marks)
    lines = [f"racers (optimizers): {walkers}"]
    if result.level.dimensions <= 2:
        lines.append(f"{START} start   {FLOOR} valley floor (minimum)"
                     + ("   lowercase: the way between two steps" if result.level.dimensions == 2 else ""))
    if result.level.dimensions == 2:
        lines.append("ground: dark = low, light = high (height = loss)" if color
                     else f"ground: low '{SHADES}' high (height = loss)   ! = no height (a wall)")
    return lines


def scoreboard(result: Race, marks: list[Marker] | None = None) -> list[str]:
    """The race's ranking as an aligned table."""
    glyphs = {id(m.walk): m.glyph for m in (marks or markers(result))}
    rows = []
    scored = score_rows(result)
    for row in scored:
        to_goal = "-" if row.steps_to_goal is None else str(row.steps_to_goal)
        final = row.final_height
        rows.append([glyphs.get(id(row.walk), " "), row.label, row.status.value,
                     f"{final:.5g}" if math.isfinite(final) else "-", to_goal, f"{row.distance:.3g}"])
    header = [" ", "racer", "status", "final height", "steps to goal", "distance"]
    align = "llLrrr"
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]

    def line(cells):
        return "  ".join(c.ljust(w) if a in "lL" else c.rjust(w) for c, w, a in zip(cells, widths, align)).rstrip()

    return [line(header), *[line(r) for r in rows], "", winner_line(scored)]
