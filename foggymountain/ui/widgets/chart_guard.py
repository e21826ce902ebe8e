"""What a chart shows when plotext cannot draw the numbers (a range past the largest float,
heights a few subnormals apart): a sentence instead of a crash of the whole reveal."""

from __future__ import annotations

from rich.text import Text

# What plotext raises on such numbers (its tick labels take logs and ceilings of the range).
CHART_ERRORS = (ValueError, OverflowError, ZeroDivisionError, FloatingPointError)


def cannot_chart() -> Text:
    return Text("These heights cannot be charted: their range is beyond what a float can draw.", style="dim")
