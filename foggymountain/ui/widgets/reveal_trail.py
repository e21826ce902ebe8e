"""What happened on the player's trail: the race's events, each pointing at its step. Choosing one
asks the reveal to replay that step."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from foggymountain.outcome import Event, EventKind

# Warm for a step too far, cool for steps too small or ground too flat, violet for the wrong
# valley, red for a walk that was lost.
KIND_COLOURS = {
    EventKind.OVERSHOOT: "#ffaf00",
    EventKind.ZIG_ZAG: "#ffaf00",
    EventKind.CRAWL: "#87afff",
    EventKind.PLATEAU: "#87afff",
    EventKind.SIDE_VALLEY: "#d787ff",
    EventKind.SADDLE: "#d787ff",
    EventKind.FELL_OFF: "#ff5f5f",
    EventKind.DIVERGED: "#ff5f5f",
}


class TrailEvents(OptionList):
    """One option per event: `step 6  overshoot  step 6 jumped across the valley floor…`."""

    DEFAULT_CSS = """
    TrailEvents {
        height: auto;
        max-height: 12;
        border: none;
        padding: 0;
    }
    """

    @dataclass
    class Chosen(Message):
        """The player picked an event: replay its step."""

        step: int

    def __init__(self, events: list[Event], *, id: str | None = None) -> None:
        options = [Option(self._line(e), id=f"event-{i}") for i, e in enumerate(events)]
        if not options:
            options = [Option(Text("Nothing unusual: no overshoot, crawl, zig-zag or fall on your trail.", style="dim"), disabled=True)]
        super().__init__(*options, id=id)
        self.events = events

    @staticmethod
    def _line(event: Event) -> Text:
        colour = KIND_COLOURS[event.kind]
        return Text.assemble((f"step {event.step:>3}  ", "bold"), (f"{event.kind.word:<11} ", f"bold {colour}"), event.text)

    @on(OptionList.OptionSelected)
    def _chosen(self, selected: OptionList.OptionSelected) -> None:
        selected.stop()
        if selected.option_index < len(self.events):
            self.post_message(self.Chosen(self.events[selected.option_index].step))
