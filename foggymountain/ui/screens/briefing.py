"""The briefing: the level's story, and what the player will and will not be able to feel.

A level that does not load shows its problems here (file:line:col and a hint) instead of a story;
`r` reads the file again, so an author can fix it and retry without leaving the game.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Header, Markdown, Static

from foggymountain.numbers import digits_apart, number
from foggymountain.preface import CONCEPTS
from foggymountain.scorebook import ScoreBook
from foggymountain.shelf import LevelEntry, Shelf
from foggymountain.ui.messages import LevelReady, LevelsChanged, StartHike
from foggymountain.ui.palette import ScreenCommands
from foggymountain.ui.widgets.fact_rows import fact_rows
from foggymountain.ui.widgets.problem_list import problems_content
from foggymountain.ui.widgets.words import best_height, best_text, stars_text


FACTS_WIDTH = 36


class BriefingScreen(Screen):
    BINDINGS = [
        Binding("enter", "start", "Start the hike", id="start", key_display="⏎"),
        Binding("r", "reload", "Reload file", id="reload"),
        Binding("question_mark", "help", "Help", id="help", key_display="?"),
        Binding("f1", "help", "Help", show=False, id="help-f1"),
        Binding("q", "back", "Back", id="back"),
        Binding("escape", "back", "Back", show=False, id="back-escape"),
        # The briefing's text can be longer than an 80x24 screen: these scroll it.
        Binding("down", "scroll_text(1)", "Scroll", show=False, id="briefing-down"),
        Binding("up", "scroll_text(-1)", "Scroll", show=False, id="briefing-up"),
        Binding("pagedown", "scroll_text(0, 1)", "More", id="briefing-page-down", key_display="PgDn"),
        Binding("pageup", "scroll_text(0, -1)", "Back up", show=False, id="briefing-page-up"),
    ]

    # With room to spare (from 120x36) the right column widens and says what the level teaches.
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (120, "-wide")]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (36, "-tall")]

    COMMANDS = {ScreenCommands}

    def __init__(self, entry: LevelEntry, shelf: Shelf, scores: ScoreBook) -> None:
        super().__init__()
        self.entry = entry
        self.shelf = shelf
        self.scores = scores
        self._start_when_loaded = False  # Enter pressed while the level was still loading (start-up)

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="briefing-body"):
            if not self.entry.broken:
                with Vertical(id="briefing-left"):
                    with VerticalScroll(id="briefing-text", can_focus=False):
                        # Links in a stranger's briefing open nothing (no browser, no action).
                        yield Markdown(self.entry.briefing.strip(), id="briefing-markdown", open_links=False)
                    keys = Static(self.controls(), id="briefing-keys")
                    keys.border_title = "in the fog you press"
                    yield keys
                with Vertical(id="briefing-right"):
                    facts = Static(self.facts(), id="facts")
                    facts.border_title = "on this hike"
                    yield facts
                    yield Static(Content.from_markup("Press [b]Enter[/b] to start the hike"), id="start-hint")
                    lessons = Static(self.lessons(), id="briefing-lessons")
                    lessons.border_title = "what this level teaches"
                    yield lessons
            else:
                with VerticalScroll(id="briefing-problems", can_focus=False) as problems:
                    problems.border_title = "✗ this level does not load"
                    yield Static(self.problems(), id="problems")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.title = self.entry.title
        chapter = "" if self.entry.broken else self.entry.chapter
        self.sub_title = f"briefing · {chapter}" if chapter else "briefing"
        self.call_after_refresh(self.refresh_bindings)  # "PgDn More" once the text's length is known

    def lessons(self) -> Content:
        """Each concept of the level in a sentence: shown when the screen has room (140x45)."""
        return Content("\n").join(
            Content.assemble((concept, "bold $accent"), "  ", CONCEPTS.get(concept, ""))
            for concept in self.entry.concepts  # from the preface while the level loads
        )

    def facts(self) -> Content:
        level = self.entry.level
        if level is None:  # still loading (start-up): a moment, then LevelsChanged brings it
            return Content.styled("reading the level…", "$text-muted")
        n = level.dimensions
        if n == 1:
            ground = f"a line: 1 direction ({level.variables[0]})"
        elif n == 2:
            ground = f"a map: 2 directions ({', '.join(level.variables)})"
        else:
            ground = f"{n} weights (directions): you choose only the pace"
        rows: list[tuple[str, str, str]] = [
            ("ground", ground, ""),
            ("you feel", "the slope (gradient)", ""),
            ("", "≈ a mini-batch estimate: noisy" if level.noisy else "exact", "$warning" if level.noisy else ""),
        ]
        stars, best = self.scores.stars(self.entry), self.scores.best(self.entry)
        digits = 3
        if level.show_height:
            rows.append(("altimeter", "yes: your height (loss)", ""))
            known = level.known_goal  # worked out in a worker when this briefing opened (LevelReady)
            if known is None:
                goal = "the valley floor"  # for a moment: the worker says its height
            else:
                digits = digits_apart(known, [best_height(best)])  # a best above the goal never reads as at it
                goal = f"height ≤ {number(known, digits=digits)}"
        else:
            rows.append(("altimeter", "none: you feel only the slope", "$warning"))
            goal = "the valley floor (unseen)"
        rows += [
            ("budget", f"{level.budget_amount} {level.budget_unit}"
                       + (f" (batch of {', '.join(map(str, level.batch_sizes))}: b)" if level.batch_sizes else ""), ""),
            ("goal", goal, ""),
            ("par", f"the fastest racer's {level.budget_unit} plus half, for ★★", ""),
        ]
        if level.concepts:
            rows.append(("lessons", ", ".join(level.concepts), ""))
        rows.append(("so far", f"{stars_text(stars)} {best_text(best, digits)}", ""))
        return fact_rows(rows, FACTS_WIDTH)

    def controls(self) -> Content:
        if self.entry.level is None:
            return Content.styled("reading the level…", "$text-muted")
        from foggymountain.hike import hold_rule  # loaded with the level, after the first frame

        n = self.entry.level.dimensions
        if n == 1:
            pairs = [("Enter", "step"), ("← →", "face left / right"), ("↑ ↓", "the held stride or pace")]
        elif n == 2:
            pairs = [("Enter", "step"), ("← →", "turn"), ("↑ ↓", "the held stride or pace"),
                     ("d", "face straight downhill")]
        else:
            pairs = [("Enter", "step (always downhill)"), ("↑ ↓", "faster / slower pace")]
        if self.entry.level.batch_sizes:
            pairs.append(("b", "the next mini-batch size"))
        pairs += [("c", "make camp: end the hike"), ("?", "all keys and words")]
        keys = Content("\n").join(Content.assemble((f"{key:<7}", "bold $accent"), what) for key, what in pairs)
        return keys + Content("\n") + Content.styled(hold_rule(n), "$text-muted")

    def problems(self) -> Content:
        return problems_content(self.entry.path, self.entry.problems, watched=self.shelf.watched,
                                excerpts=self.entry.excerpts)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "start" and self.entry.broken:
            return None  # shown, greyed out: fix the file first
        if action == "scroll_text":  # only offered when the text is longer than its panel
            return any(text.max_scroll_y > 0 for text in self.query("#briefing-text"))
        return True

    def palette_commands(self) -> list[tuple[str, str, object]]:
        found = [("Reload this level", "read the level file again (r)", self.action_reload)]
        if self.entry.ok:
            found.insert(0, ("Start the hike", "into the fog (Enter)", self.action_start))
        return found

    def on_resize(self) -> None:
        self.call_after_refresh(self.refresh_bindings)

    def action_scroll_text(self, lines: int, pages: int = 0) -> None:
        for text in self.query("#briefing-text"):
            if pages:
                (text.scroll_page_down if pages > 0 else text.scroll_page_up)(animate=False)
            else:
                text.scroll_relative(y=lines, animate=False)

    def action_start(self) -> None:
        if self.entry.ok:
            self.post_message(StartHike(self.entry.level))
        elif self.entry.pending:  # pressed in the moment the level is loading: start once it is
            self._start_when_loaded = True

    def action_reload(self) -> None:
        self.show_entry(self.shelf.reload_entry(self.entry))
        if self.entry.ok:
            self.notify(f"{self.entry.path.name} reloaded", title="Level")
        else:
            self.notify(f"{len(self.entry.problems)} problem(s) remain", title="Level", severity="error")

    def show_entry(self, entry: LevelEntry) -> None:
        """Show another version of the level (reloaded, or changed on disk with --watch)."""
        self.entry = entry
        self.refresh_bindings()
        self.on_mount()
        self.call_later(self.recompose)
        if self._start_when_loaded and not entry.pending:
            self._start_when_loaded = False
            self.action_start()

    @on(LevelsChanged)
    @on(LevelReady)
    def refresh_entries(self) -> None:
        if self.entry.ok and self.is_mounted:
            self.query_one("#facts", Static).update(self.facts())

    def action_help(self) -> None:
        from foggymountain.ui.screens.help import HelpScreen

        self.app.push_screen(HelpScreen(self.entry.level.dimensions if self.entry.ok else None))

    def action_back(self) -> None:
        if self.shelf.single or len(self.app.screen_stack) <= 1:
            self.app.exit()
        else:
            self.dismiss()
