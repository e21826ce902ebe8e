"""Problems with a place, and how they are shown: the way rustc, clang and Elm show theirs.

A `Problem` is a message about a spot in a file (`line`, `col`, and how many characters it
covers), with a hint, and maybe other spots of the same file worth seeing (the first of two
`budget = ...` lines). `render` turns it into an excerpt:

    levels/bowl.toml:7:14: error: this bracket is never closed
      |
    7 | height = "sin(x + y**2"
      |              ^ opened here
      = hint: close it: sin(x + y**2)

Colour only when asked (a terminal without NO_COLOR set, see `use_color`); the plain text is what
tests and CI see. Text that came from a file goes through `printable` first: a level can hold
escape sequences, and they must never reach a terminal.
"""

from __future__ import annotations

import os
import unicodedata
from dataclasses import dataclass
from pathlib import Path

ERROR = "error"
WARNING = "warning"
MAX_EXCERPT_BYTES = 25_000_000  # a CSV may be 20 MB; past that no excerpt is worth the read
WIDE_LINE = 110  # longer source lines are shown as a window around the caret
TAB = 4


@dataclass(frozen=True)
class Span:
    """Another spot of the same file, drawn with '-' under it and a label."""

    line: int
    col: int
    length: int = 1
    label: str = ""


@dataclass(frozen=True)
class Problem:
    """Something wrong (or, as a warning, doubtful) at `path:line:col`.

    `length` is how many characters the carets cover; 0 means the problem is about the whole file
    (unreadable, too large, binary) and no excerpt is shown."""

    path: str
    line: int
    col: int
    message: str
    hint: str = ""
    length: int = 1
    label: str = ""
    related: tuple[Span, ...] = ()
    severity: str = ERROR

    @property
    def is_warning(self) -> bool:
        return self.severity == WARNING

    def __str__(self) -> str:
        """The one-line form (plus its hint): `file:line:col: message`, warnings marked as such."""
        kind = "warning: " if self.is_warning else ""
        text = printable(f"{self.path}:{self.line}:{self.col}: {kind}{self.message}")
        return text + (f"\n    hint: {printable(self.hint)}" if self.hint else "")


class LevelError(Exception):
    """A level (or pack.toml) we refuse, with every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


def use_color(stream) -> bool:
    """Colour for a terminal, never when NO_COLOR is set (https://no-color.org) or for a pipe."""
    if os.environ.get("NO_COLOR"):
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def printable(text: str) -> str:
    """`text` with control characters (escape sequences, bells, carriage returns) made visible as
    '�', one for one, so columns still line up. Tabs and newlines stay."""
    return "".join(
        "\ufffd" if (unicodedata.category(c) in ("Cc", "Cf") and c not in "\t\n") or c == "\x7f" else c
        for c in text
    )


# ---- rendering -------------------------------------------------------------------------------

_STYLES = {
    "error": "\x1b[1;31m",
    "warning": "\x1b[1;33m",
    "gutter": "\x1b[1;34m",
    "related": "\x1b[1;34m",
    "hint": "\x1b[36m",
    "bold": "\x1b[1m",
}
_RESET = "\x1b[0m"


class Sources:
    """The lines of the files problems point into, each read once (None: no excerpt possible)."""

    def __init__(self, texts: dict[str, str] | None = None) -> None:
        self._lines: dict[str, list[str] | None] = {
            path: _split(text) for path, text in (texts or {}).items()
        }

    def lines(self, path: str) -> list[str] | None:
        if path not in self._lines:
            self._lines[path] = _read(path)
        return self._lines[path]


def _read(path: str) -> list[str] | None:
    from foggymountain.safe_read import UnsafeFile, read_bytes

    try:
        raw = read_bytes(path, MAX_EXCERPT_BYTES)  # regular files only: never a FIFO or a device
    except UnsafeFile:
        return None
    if b"\x00" in raw:
        return None
    return _split(raw.decode("utf-8-sig", errors="replace"))


def _split(text: str) -> list[str]:
    return text.replace("\r\n", "\n").split("\n")


def render(problem: Problem, sources: Sources | None = None, color: bool = False, window: int = WIDE_LINE) -> str:
    """The problem as a location line, an excerpt with carets under the spot, and its hint. A source
    line longer than `window` characters is cut to a window around the spot (the game's panel is
    narrower than a terminal)."""
    sources = sources or Sources()
    paint = _painter(color)
    kind = WARNING if problem.is_warning else ERROR
    head = (
        paint("bold", printable(f"{problem.path}:{problem.line}:{problem.col}: "))
        + paint(kind, f"{kind}:")
        + " "
        + paint("bold", printable(problem.message))
    )
    out = [head]
    lines = sources.lines(problem.path) if problem.length > 0 else None
    marks = [(problem.line, problem.col, problem.length, problem.label, "^", kind)]
    marks += [(s.line, s.col, s.length, s.label, "-", "related") for s in problem.related]
    marks = [m for m in marks if lines is not None and 1 <= m[0] <= len(lines)]
    if marks:
        shown = sorted({m[0] for m in marks})
        width = len(str(shown[-1]))
        bar = paint("gutter", " " * width + " |")
        out.append(bar)
        previous = None
        for number in shown:
            if previous is not None and number == previous + 2:  # one line between: show it
                out.append(_source_line(paint, width, number - 1, _window(lines[number - 2], [], window)[0]))
            elif previous is not None and number > previous + 2:
                out.append(paint("gutter", "." * width + " |"))
            text, here = _window(lines[number - 1], [m for m in marks if m[0] == number], window)
            out.append(_source_line(paint, width, number, text))
            for _, col, length, label, char, style in sorted(here, key=lambda m: m[1]):
                pad, run = _columns(text, col, length)
                caret = paint(style, char * run + (" " + printable(label) if label else ""))
                out.append(bar + " " + " " * pad + caret)
            previous = number
    if problem.hint:
        prefix = " " * (len(str(problem.line)) if not marks else width) + " = "
        hint_lines = printable(problem.hint).split("\n")
        out.append(prefix + paint("hint", "hint: " + hint_lines[0]))
        out.extend(" " * (len(prefix) + 6) + paint("hint", line) for line in hint_lines[1:])
    return "\n".join(out)


def render_all(problems: list[Problem], sources: Sources | None = None, color: bool = False) -> str:
    """Every problem rendered, a blank line between two."""
    sources = sources or Sources()
    return "\n\n".join(render(p, sources, color) for p in problems)


def summary(problems: list[Problem]) -> str:
    """'2 errors, 1 warning' (or '' for none)."""
    errors = sum(not p.is_warning for p in problems)
    warnings = len(problems) - errors
    parts = [f"{errors} error{'s' if errors != 1 else ''}"] if errors else []
    parts += [f"{warnings} warning{'s' if warnings != 1 else ''}"] if warnings else []
    return ", ".join(parts)


def _painter(color: bool):
    if not color:
        return lambda style, text: text
    return lambda style, text: f"{_STYLES[style]}{text}{_RESET}" if text.strip() else text


def _source_line(paint, width: int, number: int, text: str) -> str:
    return paint("gutter", f"{number:>{width}} |") + (" " + _expand_tabs(text) if text else "")


def _expand_tabs(text: str) -> str:
    out = []
    width = 0
    for char in text:
        if char == "\t":
            out.append(" " * (TAB - width % TAB))
            width += TAB - width % TAB
        else:
            out.append(char)
            width += _display_width(char)
    return "".join(out)


def _window(line: str, marks, window: int = WIDE_LINE) -> tuple[str, list]:
    """The line ready to show (tabs expanded later, control characters visible), cut to a window
    around the first mark when it is very long; marks shifted to match."""
    line = printable(line)
    if len(line) <= window:
        return line, marks
    first = min((m[1] for m in marks), default=1) - 1
    start = max(0, min(first - min(30, window // 3), len(line) - window + 2))
    end = start + window - 2
    text = ("…" if start else "") + line[start:end] + ("…" if end < len(line) else "")
    shift = start - (1 if start else 0)
    return text, [(m[0], max(1, m[1] - shift), m[2], m[3], m[4], m[5]) for m in marks]


def _display_width(text: str) -> int:
    width = 0
    for char in text:
        if char == "\t":
            width += TAB - width % TAB
        elif unicodedata.combining(char):
            continue
        else:
            width += 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
    return width


def _columns(text: str, col: int, length: int) -> tuple[int, int]:
    """Screen columns before the mark and under it, for a mark at character `col` (1-based)."""
    before = text[: max(col - 1, 0)]
    pad = _display_width(before) + max(col - 1 - len(text), 0)
    covered = text[max(col - 1, 0) : max(col - 1, 0) + max(length, 1)]
    run = _display_width(before + covered) - _display_width(before) if covered else 1
    return pad, max(run, 1)
