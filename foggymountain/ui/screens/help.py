"""Help: every key, and the words of the mountain with their machine-learning names.

Dense on purpose: at 80x24 the story, the keys and the vocabulary fit on one page.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from foggymountain.hike import hold_rule
from foggymountain.outcome import RANKING_RULE, STARS_RULE

STORY = (
    "You stand on a mountain in thick fog. You cannot see the valley, only [b]feel the slope[/b] "
    "under your boots. Plan a step (which way, how far), take it, feel again. Reach the valley "
    "floor within the [b]budget[/b] of steps. Then the fog lifts and the [b]racers[/b] show how "
    "they walked the same mountain."
)

WORDS = [
    ("height", "loss"),
    ("slope", "gradient"),
    ("heading", "direction"),
    ("stride", "step size"),
    ("pace", "learning rate"),
    ("budget", "number of steps"),
    ("valley floor", "minimum"),
    ("racers", "optimizers"),
    ("mini-batch slope", "stochastic gradient"),
]

HIKE_KEYS = {
    1: [("Enter", "take the planned step"), ("← →", "face left / right"), ("↑ ↓", "held stride/pace ×1.25"),
        ("d", "face downhill"), ("s p h", "type stride/pace/heading")],
    2: [("Enter", "take the planned step"), ("← →", "turn 15° (shift: 5°)"), ("↑ ↓", "held stride/pace ×1.25"),
        ("d", "point straight downhill"), ("s p h", "type stride/pace/heading")],
    3: [("Enter", "step straight downhill"), ("↑ ↓", "pace ×1.25 / ÷1.25"), ("p s", "type a pace / a stride")],
}
COMMON_KEYS = [("c", "camp: end, see the mountain"), ("? F1", "this help"), ("q Esc", "back"),
               ("ctrl+p", "commands, colour themes")]
REVEAL_KEYS = [("← →", "replay a step back / on"), ("Space", "replay the race"), ("Home End", "first / last step"),
               ("1-6", "open a tab"), ("PgDn PgUp", "read the side panel or trail on"),
               ("↑ ↓ Enter", "trail: pick an event, replay it"), ("r n", "retry / next level"),
               ("ctrl+s", "save an SVG picture"), ("q Esc", "back to the levels")]
SELECT_KEYS = [("↑ ↓", "choose a level"), ("Enter", "briefing, Enter again: go"), ("r", "read the files again"),
               ("q", "quit"), ("ctrl+p", "commands, colour themes")]


def rows(pairs: list[tuple[str, str]], width: int, style: str) -> Content:
    return Content("\n").join(
        Content.assemble((f"{left:<{width}}", style), right) for left, right in pairs)


class HelpScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape", "close", "Close", id="help-close"),
        Binding("q", "close", "Close", show=False, id="help-close-q"),
        Binding("question_mark", "close", "Close", show=False, id="help-close-question"),
        Binding("f1", "close", "Close", show=False, id="help-close-f1"),
    ]

    def __init__(self, dimensions: int | None, keys: list[tuple[str, str]] | None = None) -> None:
        """`keys`: the keys to list instead of the hike's (or the level list's, for no dimensions)."""
        super().__init__()
        self.dimensions = dimensions
        self.key_list = keys

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help") as help_panel:
            help_panel.border_title = "how to play"
            help_panel.border_subtitle = "Esc to close"
            yield Static(Content.from_markup(STORY), id="help-story")
            with Horizontal(id="help-columns"):
                yield Static(self.keys(), id="help-keys")
                yield Static(self.words(), id="help-words")
            yield Static(Content.from_markup(
                "Holding a pace walks [b]straight downhill[/b] at every step: gradient descent,\n"
                "    [$accent]position ← position − pace × slope[/]"), id="help-formula")
            yield Static(Content(hold_rule(self.dimensions or 1) if self.dimensions else
                                 hold_rule(1) + " " + hold_rule(3)), id="help-hold")
            yield Static(Content(RANKING_RULE + "\n" + STARS_RULE), id="help-rules")

    def keys(self) -> Content:
        if self.key_list is not None:
            title, pairs = "KEYS HERE", self.key_list
        elif self.dimensions is None:
            title, pairs = "KEYS HERE", SELECT_KEYS
        else:
            title, pairs = "KEYS", HIKE_KEYS[min(self.dimensions, 3)] + COMMON_KEYS
        width = max(7, max(len(left) for left, _ in pairs) + 1)
        return Content.styled(title + "\n", "bold $text-muted") + rows(pairs, width, "bold $accent")

    def words(self) -> Content:
        head = Content.styled("ON THE MOUNTAIN   IN MACHINE LEARNING\n", "bold $text-muted")
        return head + rows(WORDS, 18, "bold")

    def action_close(self) -> None:
        self.dismiss()
