"""The hike: fog all around. The player feels the slope, plans a step, and takes it.

This screen holds no game state: every key calls a method of `Hike` and then asks the widgets to
show the hike again. Widgets are updated in place; nothing is recomposed per step.

Holding the pace, every step goes straight downhill (gradient descent), so `d` has nothing to do and
is hidden; a heading key (← →, h) means the player wants to choose the way, which holds the stride
(`Hike.choose_heading`), and a notification says so.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header

from foggymountain.hike import Hike
from foggymountain.outcome import Status
from foggymountain.terrain.steepness import slope_scale
from foggymountain.ui.messages import HikeFinished, LevelReady
from foggymountain.ui.palette import ScreenCommands
from foggymountain.ui.screens.number_prompt import NumberPrompt, parse_heading, parse_positive
from foggymountain.terrain.chain import has_hidden_units
from foggymountain.ui.widgets.altimeter import Altimeter
from foggymountain.ui.widgets.chain_rule import ChainRulePanel
from foggymountain.ui.widgets.logbook import Logbook
from foggymountain.ui.widgets.slope_gauge import SlopeGauge
from foggymountain.ui.widgets.step_plan import StepPlan
from foggymountain.ui.widgets.whereabouts import Whereabouts
from foggymountain.ui.widgets.words import number

TYPE = Binding.Group("Type", compact=True)
TURN = Binding.Group("Turn", compact=True)
FACE = Binding.Group("Face", compact=True)
STRIDE = Binding.Group("Stride", compact=True)
PACE = Binding.Group("Pace", compact=True)

ENDINGS = {
    Status.SPENT: ("The budget is spent", "information"),
    Status.FELL_OFF: ("You fell off the edge of the map!", "error"),
    Status.DIVERGED: ("The ground gave way: the walk diverged", "error"),
}


class HikeScreen(Screen):
    BINDINGS = [
        Binding("enter", "step", "Step", id="step", key_display="⏎"),
        Binding("left", "turn(15)", "Turn left 15°", group=TURN, id="turn-left"),
        Binding("right", "turn(-15)", "Turn right 15°", group=TURN, id="turn-right"),
        Binding("shift+left", "turn(5)", "Turn left 5°", show=False, id="turn-left-fine"),
        Binding("shift+right", "turn(-5)", "Turn right 5°", show=False, id="turn-right-fine"),
        Binding("left", "face(-1)", "Face left", group=FACE, id="face-left"),
        Binding("right", "face(1)", "Face right", group=FACE, id="face-right"),
        Binding("up", "lengthen", "Longer stride", group=STRIDE, id="stride-longer"),
        Binding("down", "shorten", "Shorter stride", group=STRIDE, id="stride-shorter"),
        Binding("up", "quicken", "Faster pace", group=PACE, id="pace-faster"),
        Binding("down", "slow", "Slower pace", group=PACE, id="pace-slower"),
        Binding("d", "downhill", "Down", id="point-downhill"),
        Binding("b", "batch", "Batch", id="batch-size"),
        Binding("c", "camp", "Camp", id="camp"),
        Binding("s", "type_stride", "Type a stride", group=TYPE, id="type-stride"),
        Binding("p", "type_pace", "Type a pace", group=TYPE, id="type-pace"),
        Binding("h", "type_heading", "Type a heading", group=TYPE, id="type-heading"),
        Binding("question_mark", "help", "Help", id="help", key_display="?"),
        Binding("f1", "help", "Help", show=False, id="help-f1"),
        Binding("q", "back", "Back", id="back"),
        Binding("escape", "back", "Back", show=False, id="back-escape"),
    ]

    # From 120x36 on, the left column widens and the altimeter shows a taller chart.
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (120, "-wide")]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (36, "-tall")]
    COMMANDS = {ScreenCommands}

    def __init__(self, hike: Hike) -> None:
        super().__init__()
        self.hike = hike
        self.scale = slope_scale(hike.level, find_floor=False)  # read again on LevelReady
        self._ended = False

    # ---- layout

    def compose(self) -> ComposeResult:
        level = self.hike.level
        yield Header()
        yield Whereabouts(id="whereabouts")
        with Horizontal(id="hike-body"):
            with Vertical(id="hike-left"):
                with VerticalScroll(id="slope-panel", can_focus=False) as panel:
                    panel.border_title = "slope (gradient) under your feet"
                    if level.noisy:
                        panel.border_subtitle = "≈ estimate from a mini-batch"
                        panel.add_class("-noisy")
                    yield SlopeGauge(self.scale, id="slope")
                altimeter = Altimeter(id="altimeter-panel")
                altimeter.border_title = "altimeter: height (loss)"
                yield altimeter
                plan = StepPlan(id="plan-panel")
                plan.border_title = "your next step · ■ held"
                yield plan
            if has_hidden_units(level.landscape):
                with Vertical(id="hike-right"):
                    chain = ChainRulePanel(id="chain-panel")
                    chain.border_title = "backpropagation (chain rule)"
                    yield chain
                    yield from self._logbook()
            else:
                yield from self._logbook()
        yield Footer(compact=True)

    def _logbook(self) -> ComposeResult:
        with Vertical(id="logbook-panel") as logbook:
            logbook.border_title = "logbook"
            yield Logbook(id="logbook")

    def on_mount(self) -> None:
        level = self.hike.level
        self.title = level.title
        self.sub_title = "in the fog" + (" · noisy slope" if level.noisy else "")
        self.show_hike()

    def show_hike(self) -> None:
        hike = self.hike
        self.query_one(Whereabouts).show(hike)
        self.query_one(SlopeGauge).show(hike)
        self.query_one(Altimeter).show(hike)
        self.query_one(StepPlan).show(hike)
        self.query_one(Logbook).show(hike)
        for chain in self.query(ChainRulePanel):
            chain.show(hike)

    @on(LevelReady)
    def goal_known(self, ready: LevelReady) -> None:
        """The worker found the valley floor: the goal, and the scale of slopes along the way to it."""
        if ready.level is self.hike.level and self.is_mounted:
            self.scale = slope_scale(self.hike.level)  # one batch of slopes: the floor is known now
            gauge = self.query_one(SlopeGauge)
            gauge.scale = self.scale
            gauge.show(self.hike)
            self.query_one(Altimeter).show(self.hike)

    # ---- which keys apply on this level

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """False hides a key that means nothing on this level (and lets another binding have it)."""
        hike = self.hike
        applies = {
            "turn": hike.level.dimensions == 2,
            "face": hike.level.dimensions == 1,
            "lengthen": not hike.holds_pace,
            "shorten": not hike.holds_pace,
            "quicken": hike.holds_pace,
            "slow": hike.holds_pace,
            "type_heading": not hike.pace_only,
            "downhill": not hike.holds_pace,  # holding the pace, every step already goes downhill
            "batch": bool(hike.level.batch_sizes),
        }
        return applies.get(action, True)

    def palette_commands(self) -> list[tuple[str, str, object]]:
        found = [
            ("Take the step", "walk the planned step (Enter)", self.action_step),
            ("Make camp", "stop here and see what was in the fog (c)", self.action_camp),
            ("Type a pace", "set the pace (learning rate) exactly (p)", self.action_type_pace),
            ("Type a stride", "set the stride (step size) exactly (s)", self.action_type_stride),
        ]
        if not self.hike.pace_only:
            found.append(("Type a heading", "set the heading exactly (h)", self.action_type_heading))
        if not self.hike.holds_pace:
            found.append(("Point downhill", "face straight down the slope you feel (d)", self.action_downhill))
        return found

    # ---- the controls

    def action_step(self) -> None:
        if self.hike.over:
            return
        status = self.hike.step()
        self.show_hike()
        if self.hike.over:
            self.end_hike(status)

    def action_turn(self, degrees: float) -> None:
        held = self.hike.holds_pace
        self.hike.turn(float(degrees))
        self._show_heading(held)

    def action_face(self, sign: float) -> None:
        held = self.hike.holds_pace
        self.hike.face(float(sign))
        self._show_heading(held)

    def _show_heading(self, held_pace: bool) -> None:
        """The plan and the compass after a heading was chosen; if the pace was held, say that the
        step now holds the stride (a held pace walks only straight downhill)."""
        if held_pace and not self.hike.holds_pace:
            self.notify(f"A held pace walks only straight downhill, so your own heading holds the stride: "
                        f"{number(self.hike.stride)}, the stride the pace was taking. "
                        "Type a pace (p) to walk downhill at a pace again.",
                        title="Now holding the stride")
            self.refresh_bindings()
        self.query_one(StepPlan).show(self.hike)
        self.query_one(SlopeGauge).show(self.hike)

    def action_lengthen(self) -> None:
        self.hike.lengthen()
        self.query_one(StepPlan).show(self.hike)

    def action_shorten(self) -> None:
        self.hike.shorten()
        self.query_one(StepPlan).show(self.hike)

    def _show_held(self) -> None:
        """The plan after typing a stride or a pace: the lock moved, Up/Down follow it, and the
        heading may have changed (a held pace walks straight downhill)."""
        self.query_one(StepPlan).show(self.hike)
        self.query_one(SlopeGauge).show(self.hike)
        self.refresh_bindings()

    def action_quicken(self) -> None:
        self.action_lengthen()

    def action_slow(self) -> None:
        self.action_shorten()

    def action_downhill(self) -> None:
        if not self.hike.downhill.any():
            self.notify("The ground is flat here: there is no downhill to point at.", title="Flat")
        self.hike.point_downhill()
        self.query_one(StepPlan).show(self.hike)
        self.query_one(SlopeGauge).show(self.hike)

    def action_batch(self) -> None:
        """The next larger mini-batch the examples left pay for, then back to the smallest."""
        hike = self.hike
        sizes = [b for b in hike.level.batch_sizes if b <= hike.examples_left]
        if hike.over or not sizes:
            return
        larger = [b for b in sizes if b > hike.batch_size]
        hike.set_batch_size(larger[0] if larger else sizes[0])
        self.show_hike()
        self.notify(f"The slope is now felt on {hike.batch_size} example{'s' if hike.batch_size != 1 else ''} per step "
                    f"({hike.steps_left} step{'s' if hike.steps_left != 1 else ''} of that size left).",
                    title="Mini-batch size")

    def action_camp(self) -> None:
        if self.hike.over:
            return
        self.hike.camp()
        self.end_hike(self.hike.status)

    def action_help(self) -> None:
        from foggymountain.ui.screens.help import HelpScreen

        self.app.push_screen(HelpScreen(self.hike.level.dimensions))

    def action_back(self) -> None:
        """Leave the hike; one in progress asks first (a stray Escape must not lose it)."""
        if not self.hike.steps_used or self.hike.over:
            self.dismiss()
            return
        from foggymountain.ui.screens.leave_hike import LeaveHikeScreen

        self.app.push_screen(LeaveHikeScreen(self.hike.steps_used), self._leave_if_asked)

    def _leave_if_asked(self, leave: bool | None) -> None:
        if leave:
            self.notify("Hike abandoned; nothing was scored.", title="Back to the briefing")
            self.dismiss()

    # ---- typed values

    def action_type_stride(self) -> None:
        hike = self.hike
        self.app.push_screen(NumberPrompt(
            "Stride (step size)",
            f"Holds the stride: every step this long, whatever the slope. Longest here: {number(hike.max_stride)}.",
            number(hike.planned_stride).replace("−", "-"),
            lambda text: parse_positive(text, "a stride"),
        ), self._set_stride)

    def action_type_pace(self) -> None:
        hike = self.hike
        current = hike.planned_pace
        self.app.push_screen(NumberPrompt(
            "Pace (learning rate)",
            "Holds the pace: every step straight downhill, stride = pace × slope size (gradient descent)."
            if not hike.pace_only else
            "Holds the pace: each step's stride = pace × slope size (a steep slope, a long step).",
            number(current).replace("−", "-") if current is not None else "",
            lambda text: parse_positive(text, "a pace"),
        ), self._set_pace)

    def action_type_heading(self) -> None:
        if self.hike.level.dimensions == 1:
            explanation = "Type left or right (or degrees: 0 = right, 180 = left)."
            current = "right" if self.hike.heading[0] > 0 else "left"
        else:
            explanation = "Degrees counter-clockwise from east: 0 = E, 90 = N, 180 = W, 270 = S (or N, NE, ...)."
            current = f"{self.hike.heading_degrees:.0f}"
        if self.hike.holds_pace:
            explanation += " A held pace walks only downhill: a heading of your own holds the stride."
        self.app.push_screen(NumberPrompt("Heading (direction)", explanation, current, parse_heading),
                             self._set_heading)

    def _set_stride(self, value: float | None) -> None:
        if value is None:
            return
        try:
            self.hike.set_stride(value)
        except ValueError as err:
            self.notify(str(err), title="Stride unchanged", severity="error")
            return
        if value > self.hike.max_stride and not self.hike.pace_only:
            self.notify(f"The longest stride allowed here is {number(self.hike.max_stride)}.", title="Stride")
        self._show_held()

    def _set_pace(self, value: float | None) -> None:
        if value is None:
            return
        held = self.hike.holds_pace
        try:
            self.hike.set_pace(value)
        except ValueError as err:
            self.notify(str(err), title="Pace unchanged", severity="error")
            return
        if value * self.hike.steepness > self.hike.max_stride:
            self.notify(f"At that pace the step would pass the longest stride ({number(self.hike.max_stride)}).",
                        title="Pace")
        if not held:
            self.notify("Every step now goes straight downhill, stride = pace × slope size: gradient descent. "
                        "A heading of your own (← → h) holds the stride again.", title="Now holding the pace")
        self._show_held()

    def _set_heading(self, value: float | None) -> None:
        if value is None:
            return
        held = self.hike.holds_pace
        try:
            self.hike.set_heading(value)
        except ValueError as err:
            self.notify(str(err), title="Heading unchanged", severity="error")
            return
        self._show_heading(held)

    # ---- the end

    def end_hike(self, status: Status) -> None:
        if self._ended:
            return
        self._ended = True
        if status in ENDINGS:
            message, severity = ENDINGS[status]
            self.notify(message, title="The hike is over", severity=severity)
        self.post_message(HikeFinished(self.hike))
