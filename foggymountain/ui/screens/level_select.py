"""The level select: the campaign by chapter, each level with its stars and best result.

A level that fails to load is listed with a mark and its problems shown when highlighted; it is
never a crash. Keyboard first: arrows to choose, Enter to open the briefing.
"""

from __future__ import annotations

from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Header, OptionList, Static
from textual.widgets.option_list import Option, OptionDoesNotExist

from foggymountain.preface import CONCEPTS
from foggymountain.scorebook import ScoreBook
from foggymountain.shelf import LevelEntry, Shelf
from foggymountain.ui.messages import LevelChosen, LevelsChanged
from foggymountain.ui.palette import ScreenCommands
from foggymountain.ui.widgets.fact_rows import fact_rows
from foggymountain.ui.widgets.problem_list import problems_content
from foggymountain.ui.widgets.words import best_short, best_text, stars_text

TITLE_ROOM = 22
CARD_WIDTH = 34


class LevelSelectScreen(Screen):
    BINDINGS = [
        Binding("r", "reload", "Reload levels", id="reload"),
        Binding("question_mark", "help", "Help", id="help", key_display="?"),
        Binding("f1", "help", "Help", show=False, id="help-f1"),
        Binding("q", "quit", "Quit", id="quit"),
    ]
    COMMANDS = {ScreenCommands}

    def __init__(self, shelf: Shelf, scores: ScoreBook) -> None:
        super().__init__()
        self.shelf = shelf
        self.scores = scores
        self.opened: Path | None = None  # the level whose briefing was opened last: highlighted on return

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="select-body"):
            levels = OptionList(id="levels")
            levels.border_title = Content(self.shelf.title)  # a pack's title is data, never markup
            yield levels
            with VerticalScroll(id="level-card-panel", can_focus=False):
                yield Static(id="level-card")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.sub_title = "choose a level"
        self.refresh_entries()
        self.query_one("#levels", OptionList).focus()

    def on_screen_resume(self) -> None:
        if self.is_mounted:
            self.refresh_entries()

    # ---- the list

    @on(LevelsChanged)
    def refresh_entries(self) -> None:
        levels = self.query_one("#levels", OptionList)
        entries = self.shelf.entries
        keep = levels.highlighted_option.id if levels.highlighted_option else None
        keep = next((str(i) for i, e in enumerate(entries) if e.path == self.opened), keep)
        options: list[Option] = []
        chapter = None
        for index, entry in enumerate(entries):
            if not entry.broken and entry.chapter != chapter:
                chapter = entry.chapter
                options.append(Option(Content.styled(chapter or "Levels", "bold"), disabled=True))
            options.append(Option(self.line(index, entry), id=str(index)))
        levels.set_options(options)
        if not entries:
            self.query_one("#level-card", Static).update(self.nothing_to_play())
            return
        if keep is None:
            keep = next((str(i) for i, e in enumerate(entries) if not e.broken and not self.scores.stars(e)), "0")
        try:
            levels.highlighted = levels.get_option_index(keep)
        except OptionDoesNotExist:  # the file list changed under us
            levels.highlighted = levels.get_option_index("0")
        self.show_card(self.entry_at(levels.highlighted))

    def line(self, index: int, entry: LevelEntry) -> Content:
        title = entry.title if len(entry.title) <= TITLE_ROOM else entry.title[: TITLE_ROOM - 1] + "…"
        number = Content.styled(f"{index + 1:>2} ", "$text-muted")
        if entry.broken:
            return Content.assemble(number, f"{title:<{TITLE_ROOM}} ", ("✗ broken", "$error bold"))
        stars = self.scores.stars(entry)
        return Content.assemble(number, f"{title:<{TITLE_ROOM}} ",
                                (stars_text(stars), "$accent" if stars else "$text-muted"),
                                (f" {best_short(self.scores.best(entry))}", "$text-muted"))

    def entry_at(self, option_index: int | None) -> LevelEntry | None:
        if option_index is None:
            return None
        option = self.query_one("#levels", OptionList).get_option_at_index(option_index)
        return self.shelf.entries[int(option.id)] if option.id is not None else None

    # ---- the card on the right

    @on(OptionList.OptionHighlighted, "#levels")
    def highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self.show_card(self.entry_at(event.option_index))

    def show_card(self, entry: LevelEntry | None) -> None:
        card = self.query_one("#level-card", Static)
        if entry is None:
            card.update("")
        elif entry.broken:
            card.update(Content.assemble(Content.styled("✗ this level does not load\n\n", "$error bold"),
                                         problems_content(entry.path, entry.problems, watched=self.shelf.watched)))
        else:
            card.update(self.card(entry))

    def card(self, entry: LevelEntry) -> Content:
        """The highlighted level: what it teaches and what the hike is like (while the levels are
        still loading at start-up, its preface's words and "reading the level…")."""
        level = entry.level
        index = self.shelf.entries.index(entry) + 1
        width = max(24, self.query_one("#level-card", Static).size.width or CARD_WIDTH)
        best = ("best", f"{stars_text(self.scores.stars(entry))} {best_text(self.scores.best(entry))}", "$accent")
        if level is None:
            rows = [("ground", "reading the level…", "$text-muted"), best]
        else:
            n = level.dimensions
            ground = {1: "a line, 1 direction", 2: "a map, 2 directions"}.get(n, f"{n} weights: you choose the pace")
            rows = [
                ("ground", ground, ""),
                ("feel", "a noisy slope (mini-batch)" if level.noisy else "the exact slope", ""),
                ("", "and an altimeter" if level.show_height else "no altimeter", ""),
                ("budget", f"{level.budget_amount} {level.budget_unit}", ""),
                best,
            ]
        chapter, concepts = entry.chapter, entry.concepts
        parts = [
            Content.styled(entry.title, "bold $accent"),
            Content.styled(f"\n{chapter + ' · ' if chapter else ''}level {index} of {len(self.shelf.entries)}\n\n",
                           "$text-muted"),
        ]
        if concepts:
            parts.append(Content.styled("You will learn\n", "bold"))
            lessons = [("•", CONCEPTS.get(concept, concept), "") for concept in concepts]
            parts.append(fact_rows(lessons, width, label_width=2) + Content("\n\n"))
        parts.append(fact_rows(rows, width, label_width=8))
        parts.append(Content.from_markup("\n\n[$text-muted]Enter: read the briefing[/]"))
        introduction = self.shelf.introduction.strip()
        if index == 1 and introduction:  # the pack's welcome, where a newcomer starts
            parts.append(Content.styled("\n\n" + " ".join(introduction.split()), "italic $text-muted"))
        return Content("").join(parts)

    def nothing_to_play(self) -> Content:
        problem = self.shelf.problem or "no levels found"
        return Content.assemble(("No levels to play\n\n", "bold $error"), problem, "\n\n",
                                ("Try: foggymountain play --levels FOLDER", "$text-muted"))

    # ---- keys

    @on(OptionList.OptionSelected, "#levels")
    def selected(self, event: OptionList.OptionSelected) -> None:
        entry = self.entry_at(event.option_index)
        if entry is None:
            return
        if not entry.broken:  # a level still loading: its briefing shows it once loaded
            self.post_message(LevelChosen(entry))
        else:
            fresh = self.shelf.reload_entry(entry)
            self.refresh_entries()
            if fresh.ok:
                self.notify(f"{fresh.path.name} loads now", title="Fixed")
                self.post_message(LevelChosen(fresh))
            else:
                self.notify(f"{fresh.path.name} does not load yet: its problems are on the right.",
                            title="Broken level", severity="error")

    def palette_commands(self) -> list[tuple[str, str, object]]:
        return [("Reload levels", "read every level file again (r)", self.action_reload)]

    def action_reload(self) -> None:
        self.shelf.reload()
        self.refresh_entries()
        broken = sum(not e.ok for e in self.shelf.entries)
        self.notify(f"{len(self.shelf.entries)} levels read" + (f", {broken} broken" if broken else ""),
                    title="Levels")

    def action_help(self) -> None:
        from foggymountain.ui.screens.help import HelpScreen

        self.app.push_screen(HelpScreen(None))

    def action_quit(self) -> None:
        self.app.exit()
