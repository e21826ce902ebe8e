"""A level's problems as the loader reported them: `file:line:col`, the message, the hint; where
there is room (the briefing), each as `check` shows it: the source line with carets under the spot."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

from textual.content import Content

from foggymountain.safe_text import visible, visible_lines


HINT_WIDTH = 74  # the briefing's problem panel at 80x24 holds 76 columns
CARETS = re.compile(r"^\s*\|\s*[\^-]")  # an excerpt's line of carets (^^^) or related marks (---)


def problems_content(path: Path, problems: list[str], watched: bool = False,
                     excerpts: list[str] | None = None) -> Content:
    """`watched`: the game reads the file again when it is saved (`play --watch`), so no key to press.
    `excerpts`: the same problems rendered with their source lines (`diagnostics.render`, plain)."""
    count = len(problems)
    again = ("It is read again as soon as you save it." if watched
             else "Fix the file, then press [b]r[/b] to read it again.")
    parts = [Content.from_markup(
        f"[b]$name[/b] has {count} problem{'s' if count != 1 else ''}. {again}\n\n", name=visible(path.name))]
    if excerpts and len(excerpts) == len(problems):
        return Content("").join(parts + [excerpt_content(path, excerpt) for excerpt in excerpts])
    for problem in problems:
        problem = visible_lines(problem)  # already so when it comes from a Problem; file text never raw
        first, _, hint = problem.partition("\n")
        place, _, message = first.partition(": ")
        if place.startswith(visible(path)):  # the folder is known; the name is what helps
            place = visible(path.name) + place[len(visible(path)):]
        parts.append(Content.assemble((place, "$error bold"), "\n  ", message, "\n"))
        if hint.strip():
            parts.append(Content.assemble(("  " + hint.strip(), "$text-muted italic"), "\n"))
        parts.append(Content("\n"))
    return Content("").join(parts)


def excerpt_content(path: Path, excerpt: str) -> Content:
    """One rendered problem, styled line by line (its text is data: never markup)."""
    head, *rest = visible_lines(excerpt).split("\n")
    folder = visible(path.parent) + "/"
    if head.startswith(folder):  # the folder is known; the name is what helps (the level's or its CSV's)
        head = head[len(folder):]
    place, _, message = head.partition(": ")
    lines = [Content.assemble((place + ":", "$error bold"), " ", (message, "bold"))]
    for line in rest:
        if CARETS.match(line):
            lines.append(Content.styled(line, "$error bold"))
        elif line.lstrip().startswith("= hint:"):  # wrapped under its own first word, not the panel's edge
            indent = " " * (line.index("hint:") + len("hint: "))
            for part in textwrap.wrap(line, HINT_WIDTH, subsequent_indent=indent, break_on_hyphens=False) or [line]:
                lines.append(Content.styled(part, "$text-muted italic"))
        else:
            lines.append(Content(line))
    return Content("\n").join(lines) + Content("\n\n")
