"""A level's problems as the loader reported them: `file:line:col`, the message, the hint."""

from __future__ import annotations

from pathlib import Path

from textual.content import Content

from foggymountain.safe_text import visible, visible_lines


def problems_content(path: Path, problems: list[str], watched: bool = False) -> Content:
    """`watched`: the game reads the file again when it is saved (`play --watch`), so no key to press."""
    count = len(problems)
    again = ("It is read again as soon as you save it." if watched
             else "Fix the file, then press [b]r[/b] to read it again.")
    parts = [Content.from_markup(
        f"[b]$name[/b] has {count} problem{'s' if count != 1 else ''}. {again}\n\n", name=visible(path.name))]
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
