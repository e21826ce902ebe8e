"""`foggymountain levels`: the built-in campaign's levels, with the names other commands accept."""

from __future__ import annotations

import argparse
import tomllib


def add_parser(parser: argparse.ArgumentParser) -> None:
    parser.epilog = "Any of these names works where a level file does: foggymountain race ravine, play 10."


def run(args: argparse.Namespace) -> int:
    from foggymountain.campaign import builtin_levels
    from foggymountain.diagnostics import printable

    levels = builtin_levels()
    width = max((len(level.name) for level in levels), default=4)
    chapter = None
    for level in levels:
        title, this_chapter = _title_and_chapter(level.path)
        if this_chapter != chapter:
            print(("\n" if chapter is not None else "") + printable(this_chapter or "Levels"))
            chapter = this_chapter
        print(f"  {level.number:>2}  {level.name:<{width}}  {printable(title)}")
    return 0


def _title_and_chapter(path) -> tuple[str, str]:
    from foggymountain.safe_read import read_text_or_none

    text = read_text_or_none(path, 1_000_000)  # level.MAX_FILE_BYTES, without importing numpy here
    try:
        document = tomllib.loads(text) if text is not None else None
    except (tomllib.TOMLDecodeError, ValueError, RecursionError):
        document = None
    if not isinstance(document, dict):
        return "(cannot be read: run foggymountain check)", ""
    title, chapter = document.get("title", ""), document.get("chapter", "")
    return (title if isinstance(title, str) else ""), (chapter if isinstance(chapter, str) else "")
