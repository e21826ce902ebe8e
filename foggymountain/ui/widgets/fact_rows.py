"""`label  value` rows with long values wrapped under the value column (briefing, level card)."""

from __future__ import annotations

import textwrap

from textual.content import Content


def fact_rows(rows: list[tuple[str, str, str]], width: int, label_width: int = 10) -> Content:
    """Each row is (label, value, style of the value); an empty label continues the row above."""
    lines = []
    for label, value, style in rows:
        wrapped = textwrap.wrap(value, max(8, width - label_width)) or [""]
        for k, part in enumerate(wrapped):
            head = Content.styled(f"{label if k == 0 else '':<{label_width}}", "bold")
            lines.append(head + (Content.styled(part, style) if style else Content(part)))
    return Content("\n").join(lines)
