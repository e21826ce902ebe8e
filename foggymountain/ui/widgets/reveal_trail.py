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
from foggymountain.ui.widgets.reveal_walkers import is_dark

# Warm for a step too far, cool for steps too small or ground too flat, violet for the wrong
# valley, red for a walk that was lost: (on a dark theme, on a light theme).
KIND_COLOURS = {
    EventKind.OVERSHOOT: ("#ffaf00", "#8a5a00"),
    EventKind.ZIG_ZAG: ("#ffaf00", "#8a5a00"),
    EventKind.CRAWL: ("#87afff", "#2e5f9e"),
    EventKind.PLATEAU: ("#87afff", "#2e5f9e"),
    EventKind.SIDE_VALLEY: ("#d787ff", "#7b2fb3"),
    EventKind.SADDLE: ("#d787ff", "#7b2fb3"),
    EventKind.FELL_OFF: ("#ff5f5f", "#b23a48"),
    EventKind.DIVERGED: ("#ff5f5f", "#b23a48"),
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
        self._dark = True  # the options above were written for a dark theme

    def notify_style_update(self) -> None:
        """A change of theme: the event words take the new theme's colours."""
        super().notify_style_update()
        dark = is_dark(self)
        if self.is_mounted and dark != self._dark:
            self._dark = dark
            for index, event in enumerate(self.events):
                self.replace_option_prompt_at_index(index, self._line(event, dark))

    @staticmethod
    def _line(event: Event, dark: bool = True) -> Text:
        colour = KIND_COLOURS[event.kind][0 if dark else 1]
        return Text.assemble((f"step {event.step:>3}  ", "bold"), (f"{event.kind.word:<11} ", f"bold {colour}"), event.text)

    @on(OptionList.OptionSelected)
    def _chosen(self, selected: OptionList.OptionSelected) -> None:
        selected.stop()
        if selected.option_index < len(self.events):
            self.post_message(self.Chosen(self.events[selected.option_index].step))
