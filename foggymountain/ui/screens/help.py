"""Help: every key, and the words of the mountain with their machine-learning names."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Markdown

WORDS = """\
## Words of the mountain

| on the mountain | in machine learning |
|---|---|
| height | loss |
| slope | gradient |
| heading | direction |
| stride | step size |
| pace = stride ÷ slope size | learning rate |
| budget | number of steps |
| valley floor | minimum |
| racers | optimizers (SGD, Momentum, Adam…) |
| mini-batch slope | stochastic gradient |

Walking **straight downhill at a fixed pace** is gradient descent:
each step is `position ← position − pace × slope`.
"""

KEYS_PLANAR = """\
| key | what it does |
|---|---|
| **Enter** | take the planned step |
| **← →** | {turn} |
| **↑ ↓** | stride ×1.25 / ÷1.25 |
| **d** | point straight downhill |
| **s** / **p** / **h** | type a stride / a pace / a heading |
| **c** | make camp: stop here and see the mountain |
| **?** / **F1** | this help |
| **q** / **Esc** | back |
| **ctrl+p** | all commands, and colour themes |
"""

KEYS_MANY = """\
| key | what it does |
|---|---|
| **Enter** | take a step straight downhill |
| **↑ ↓** | pace ×1.25 / ÷1.25 |
| **p** / **s** | type a pace / a stride |
| **c** | make camp: stop here and see the mountain |
| **?** / **F1** | this help |
| **q** / **Esc** | back |
| **ctrl+p** | all commands, and colour themes |

With this many directions you cannot aim: every step goes straight downhill, and you choose
only the **pace** (learning rate), just like training a model.
"""

KEYS_SELECT = """\
| key | what it does |
|---|---|
| **↑ ↓** | choose a level |
| **Enter** | read its briefing, then Enter again to start |
| **r** | read the level files again |
| **q** | quit |
| **ctrl+p** | all commands, and colour themes |
"""

STORY = """\
# How to play

You stand on a mountain in thick fog. You cannot see the valley, only **feel the slope**
under your boots. Plan a step (which way, how far), take it, feel again. Reach the valley
floor within the **budget** of steps. Then the fog lifts and the **racers** (optimizers)
show how they walked the same mountain.

"""


class HelpScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape", "close", "Close", id="help-close"),
        Binding("q", "close", "Close", show=False, id="help-close-q"),
        Binding("question_mark", "close", "Close", show=False, id="help-close-question"),
        Binding("f1", "close", "Close", show=False, id="help-close-f1"),
    ]

    def __init__(self, dimensions: int | None) -> None:
        super().__init__()
        self.dimensions = dimensions

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help") as scroll:
            scroll.border_title = "help"
            scroll.border_subtitle = "Esc to close"
            yield Markdown(self.text())

    def text(self) -> str:
        if self.dimensions is None:
            keys = "## Keys in the level select\n\n" + KEYS_SELECT + "\n## Keys on a hike\n\n" + KEYS_PLANAR.format(
                turn="turn 15° (shift: 5°); on a line, face left / right")
        elif self.dimensions == 1:
            keys = "## Keys\n\n" + KEYS_PLANAR.format(turn="face left / right")
        elif self.dimensions == 2:
            keys = "## Keys\n\n" + KEYS_PLANAR.format(turn="turn the heading 15° (with shift: 5°)")
        else:
            keys = "## Keys\n\n" + KEYS_MANY
        return STORY + keys + "\n" + WORDS

    def action_close(self) -> None:
        self.dismiss()
