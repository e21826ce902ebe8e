"""The live leaderboard: the overall board and one per level, large, for a projector.

The boards come from `results.leaderboard` (one home for the ranking); this screen only lays
them out. Names and titles come from players' files: they are shown as `Text`, never markup,
with control characters removed (`board.clean`).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import DataTable, Footer, OptionList, Static
from textual.widgets.option_list import Option

from foggymountain.board import Snapshot, clean
from foggymountain.ui.widgets.words import number, stars_text

HIDDEN_NAME = "(hidden)"
OVERALL = ""  # the overall board's id


@dataclass
class TrailsRequested(Message):
    """Show the class trails of a level."""

    level_id: str
    title: str


MEDALS = {1: "bold #ffd75f", 2: "bold #d0d0d0", 3: "bold #d7875f"}  # gold, silver, bronze


def player_cell(name: str, hidden: bool, rank: int = 0) -> Text:
    if hidden:
        return Text(HIDDEN_NAME, style="italic")
    return Text(clean(name), style=MEDALS.get(rank, "bold"))


def rank_cell(rank: int) -> Text:
    return Text(str(rank), style=MEDALS.get(rank, ""))


class BoardScreen(Screen):
    DEFAULT_CSS = """
    BoardScreen #board-status { height: auto; max-height: 2; padding: 0 1; background: $panel; }
    BoardScreen #board-status.-frozen { background: $warning; color: $background; text-style: bold; }
    BoardScreen #board-list { width: 26; height: 1fr; }
    BoardScreen #board-heading { height: 3; padding: 1 2 0 2; text-style: bold; color: $accent; }
    BoardScreen #standings { height: 1fr; text-style: bold; }
    """
    BINDINGS = [
        Binding("t", "trails", "Class trails", id="trails"),
        Binding("right", "next_board", "Next board", show=False, id="next-board"),
        Binding("left", "previous_board", "Previous board", show=False, id="previous-board"),
    ]

    frozen: reactive[bool] = reactive(False)
    hidden: reactive[bool] = reactive(False)

    def __init__(self, *, frozen: bool = False, hidden: bool = False) -> None:
        super().__init__()
        self.set_reactive(BoardScreen.frozen, frozen)
        self.set_reactive(BoardScreen.hidden, hidden)
        self.snapshot: Snapshot | None = None
        self.board_ids: list[str] = [OVERALL]
        self.selected = OVERALL
        self.shown_key: tuple | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="board-status")
        with Horizontal():
            yield OptionList(Option(Text("Overall"), id="board:"), id="board-list")
            with Vertical():
                yield Static(Text("Overall"), id="board-heading")
                yield DataTable(id="standings", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        self._status()

    def on_resize(self) -> None:
        # Wide gaps between columns on a projector (read from the back of a room); tight at 80.
        self.query_one("#standings", DataTable).cell_padding = 2 if self.size.width >= 120 else 1

    # ---- what the app hands us

    def show(self, snapshot: Snapshot) -> None:
        self.snapshot = snapshot
        ids = [OVERALL] + [board.level_id for board in snapshot.boards]
        if ids != self.board_ids:
            self.board_ids = ids
            options = self.query_one("#board-list", OptionList)
            highlighted = ids.index(self.selected) if self.selected in ids else 0
            options.set_options([Option(Text("Overall"), id="board:")] +
                                [Option(Text(clean(b.title)), id=f"board:{b.level_id}") for b in snapshot.boards])
            options.highlighted = highlighted
        self.call_after_refresh(self._status)
        self._table()

    def watch_frozen(self) -> None:
        self._status()

    def watch_hidden(self) -> None:
        self.shown_key = None
        self._table()

    # ---- drawing

    def _status(self) -> None:
        if not self.is_mounted:
            return
        status = self.query_one("#board-status", Static)
        snapshot = self.snapshot
        parts = ["Foggy Mountain"]
        if snapshot is None:
            parts.append("reading the results…")
        else:
            parts += [f"{snapshot.players} player{'s' if snapshot.players != 1 else ''}",
                      f"{snapshot.hikes} hike{'s' if snapshot.hikes != 1 else ''}",
                      f"{len(snapshot.boards)} level{'s' if len(snapshot.boards) != 1 else ''}",
                      "updated " + time.strftime("%H:%M:%S", time.localtime(snapshot.taken_at))]
            if snapshot.warnings:
                parts.append(f"{len(snapshot.warnings)} unreadable file{'s' if len(snapshot.warnings) != 1 else ''} skipped")
        if self.frozen:
            parts.append("FROZEN (f to unfreeze)")
        if self.hidden:
            parts.append("names hidden (h to show)")
        status.update(Text("  ·  ".join(parts)))
        status.set_class(self.frozen, "-frozen")

    def _board(self):
        snapshot = self.snapshot
        if snapshot is None:
            return None
        if self.selected == OVERALL:
            return snapshot.overall
        return next((b for b in snapshot.boards if b.level_id == self.selected), snapshot.overall)

    def _table(self) -> None:
        if not self.is_mounted:
            return
        board = self._board()
        if board is None:
            return
        key = (board.level_id, self.hidden, tuple(board.standings))
        if key == self.shown_key:
            return
        self.shown_key = key
        overall = board.level_id == OVERALL
        heading = "Overall" if overall else f"{clean(board.title)}   (t: class trails)"
        self.query_one("#board-heading", Static).update(Text(heading))
        table = self.query_one("#standings", DataTable)
        table.clear(columns=True)
        if overall:
            table.add_columns("#", "player", "stars", "levels", "steps")
            rows = [(rank_cell(s.rank), player_cell(s.player, self.hidden, s.rank), Text(str(s.stars), justify="right"),
                     Text(str(s.plays), justify="right"), Text(str(s.steps), justify="right")) for s in board.standings]
        else:
            table.add_columns("#", "player", "stars", "final height", "steps", "to goal", "hikes")
            rows = [(rank_cell(s.rank), player_cell(s.player, self.hidden, s.rank), Text(stars_text(s.stars)),
                     Text("-" if s.final_height is None else number(s.final_height), justify="right"),
                     Text(str(s.steps), justify="right"),
                     Text("-" if s.steps_to_goal is None else str(s.steps_to_goal), justify="right"),
                     Text(str(s.plays), justify="right")) for s in board.standings]
        table.add_rows(rows)

    # ---- choosing a board

    @on(OptionList.OptionHighlighted, "#board-list")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self.selected = (event.option.id or "board:")[len("board:"):]
        self._table()

    @on(OptionList.OptionSelected, "#board-list")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self.action_trails()

    def action_trails(self) -> None:
        options = self.query_one("#board-list", OptionList)
        if options.highlighted is not None:  # a key pressed right after a move: the list knows first
            self.selected = (options.get_option_at_index(options.highlighted).id or "board:")[len("board:"):]
        board = self._board()
        if board is not None and board.level_id != OVERALL:
            self.post_message(TrailsRequested(board.level_id, board.title))
        else:
            self.notify("Pick a level on the left for its class trails.", timeout=3)

    def _move(self, delta: int) -> None:
        options = self.query_one("#board-list", OptionList)
        count = options.option_count
        if count:
            options.highlighted = ((options.highlighted or 0) + delta) % count

    def action_next_board(self) -> None:
        self._move(1)

    def action_previous_board(self) -> None:
        self._move(-1)
