"""Pilot tests of the reveal: the replay (keys move the step, Space plays on a timer that exists only
while playing), what the map and panels show at a step, the keys that leave the screen, the SVG
picture, and the way from a finished hike to the reveal in the real app."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from textual import on
from textual.app import App
from textual.message import Message
from textual.widgets import TabbedContent

from foggymountain.hike import Hike
from foggymountain.level import load_level
from foggymountain.outcome import Status
from foggymountain.prediction import Prediction, judge_prediction
from foggymountain.race import race
from foggymountain.ui.messages import BackToLevels, NextLevel, Retry
from foggymountain.ui.screens.reveal import RevealScreen
from foggymountain.ui.widgets.heatmap import HeatMap
from foggymountain.ui.widgets.replay_panel import ReplayPanel, vector_text
from foggymountain.ui.widgets.replay_timeline import ReplayTimeline
from foggymountain.ui.widgets.reveal_legend import RevealLegend
from foggymountain.ui.widgets.reveal_walkers import FLOOR_GLYPH, GUESS_GLYPH, GUESS_LOOK, GUESS_ON_FLOOR, look_of

LEVELS = Path(__file__).parent / "levels_reveal"
SIZE = (80, 24)

# Fixed hikes: (stride or pace, steps). Each step points downhill first, as a careful player would.
HIKES = {
    "bowl_1d": (0.7, 7),
    "ravine_2d": (0.9, 12),
    "line_fit": (0.7, 10),
    "tiny_words": (0.8, 9),
    "bowl_3d": (0.15, 8),
}


def camped(name: str) -> Hike:
    """A deterministic hike on a test level: downhill with a fixed stride (pace on many variables)."""
    level = load_level(LEVELS / f"{name}.toml")
    hike = Hike(level)
    size, steps = HIKES[name]
    if hike.pace_only:
        hike.set_pace(size)
    else:
        hike.set_stride(size)
    for _ in range(steps):
        hike.point_downhill()
        if hike.step() != Status.WALKING:
            break
    hike.camp()
    return hike


def foggy_theme():
    """The game's dark theme, so pictures look like the game (None before app.py has it)."""
    try:
        from foggymountain.ui.app import FOGGY_DARK
    except ImportError:
        return None
    return FOGGY_DARK


class RevealTestApp(App[None]):
    """A plain Textual app showing one reveal (of the hike's race), keeping the messages it posts."""

    def __init__(self, hike: Hike) -> None:
        super().__init__()
        self.hike = hike
        self.posted: list[Message] = []
        theme = foggy_theme()
        if theme is not None:
            self.register_theme(theme)
            self.theme = theme.name

    def on_mount(self) -> None:
        result = self.raced()
        self.push_screen(RevealScreen(self.hike, result, self.terrain(result)))

    def raced(self):
        return race(self.hike.level, self.hike)

    def terrain(self, result):
        """The map's terrain handed to the screen (None: the screen builds its own)."""
        return None

    @on(Retry)
    @on(NextLevel)
    @on(BackToLevels)
    def keep(self, message: Message) -> None:
        self.posted.append(message)


class GuessedRevealApp(RevealTestApp):
    """The reveal after the player guessed `prediction` before the fog lifted (None: skipped)."""

    def __init__(self, hike: Hike, prediction: Prediction | None) -> None:
        super().__init__(hike)
        self.prediction = prediction

    def raced(self):
        result = super().raced()
        if self.prediction is not None:
            result.forecast = judge_prediction(self.prediction, result)
        return result


async def opened(pilot) -> RevealScreen:
    await pilot.pause()
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, RevealScreen)
    return screen


def map_cell_text(heat: HeatMap, point) -> tuple[str, object]:
    """The character and style drawn where `point` is on the map."""
    column, row, _ = heat.cell_of(point)
    strip = heat.render_line(row)
    x = heat._gutter() + column
    cropped = strip.crop(x, x + 1)
    segment = list(cropped)[0]
    return segment.text, segment.style


# ---- the replay ---------------------------------------------------------------------------------


async def test_replay_opens_at_the_end_and_arrows_move_the_step():
    hike = camped("ravine_2d")
    app = RevealTestApp(hike)
    async with app.run_test(size=SIZE) as pilot:
        screen = await opened(pilot)
        last = max(w.steps for w in screen.race.walkers)
        assert screen.step == screen.last_step == last
        heat = screen.query_one(HeatMap)
        timeline = screen.query_one(ReplayTimeline)
        assert heat.step == timeline.step == last
        await pilot.press("left", "left", "left")
        assert screen.step == heat.step == timeline.step == last - 3
        assert f"step {last - 3:>2}/{last}" in str(timeline.render())
        await pilot.press("right")
        assert screen.step == last - 2
        await pilot.press("home")
        assert screen.step == 0
        await pilot.press("left")
        assert screen.step == 0  # no step before the start
        await pilot.press("end", "right")
        assert screen.step == last


async def test_the_map_shows_every_walker_where_it_stood_at_the_step():
    hike = camped("ravine_2d")
    app = RevealTestApp(hike)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await opened(pilot)
        heat = screen.query_one(HeatMap)
        for step in (0, 3, 7):
            screen.step = step
            await pilot.pause()
            # The player is drawn last, so its mark is on top wherever it stands.
            player = screen.race.player
            text, style = map_cell_text(heat, player.path[min(step, player.steps)])
            assert text == look_of(player).glyph
            assert style.bgcolor == heat._colour(look_of(player).rgb)  # in reverse video: "now"
        screen.step = 5
        await pilot.pause()
        racers_now = [w for w in screen.race.racers if heat.cell_of(w.path[5])[:2] != heat.cell_of(player.path[5])[:2]]
        assert racers_now
        for walk in racers_now:
            text, style = map_cell_text(heat, walk.path[5])
            assert style.bgcolor in {heat._colour(look_of(w).rgb) for w in screen.race.walkers}


async def test_the_replay_panel_tells_what_each_racer_felt_at_the_step():
    hike = camped("ravine_2d")
    app = RevealTestApp(hike)
    async with app.run_test(size=SIZE) as pilot:
        screen = await opened(pilot)
        await pilot.press("home", "right", "right", "right", "2")
        await pilot.pause()
        panel = screen.query_one("#heights-side", ReplayPanel)
        assert panel.step == 3
        momentum = next(w for w in screen.race.racers if w.name == "momentum")
        adam = next(w for w in screen.race.racers if w.name == "adam")
        table_text = _plain(panel._content())
        assert "Step 3 → 4" in table_text
        assert vector_text(momentum.info["velocity"][3]) in table_text
        assert vector_text(adam.info["first_moment"][3]) in table_text
        assert vector_text(adam.info["second_moment"][3]) in table_text
        assert "pace (lr)" in table_text and "felt slope" in table_text


async def test_the_reveal_opens_at_the_end_without_replaying_the_racers_then_replays_them_in_a_worker(monkeypatch):
    """The first frame shows the end of the race, which reads none of the racers' per-step inner
    state; a worker replays it for the player's first ← (on a 10,000-step race, 1.3 s that used to
    be spent on the UI thread before the reveal appeared)."""
    from foggymountain.ui.screens import reveal as reveal_module

    asked = []
    monkeypatch.setattr(reveal_module, "replay_inner_states", asked.append)  # the worker only notes it
    hike = camped("ravine_2d")
    app = RevealTestApp(hike)
    async with app.run_test(size=SIZE) as pilot:
        screen = await opened(pilot)
        await pilot.press("2")
        await pilot.pause()
        await app.workers.wait_for_complete()
        assert asked == [screen.race]
        assert all(walk.info._stacked is None for walk in screen.race.racers)  # nothing read so far
        assert "the end" in _plain(screen.query_one("#heights-side", ReplayPanel)._content())
        await pilot.press("left")
        await pilot.pause()
        assert "felt slope" in _plain(screen.query_one("#heights-side", ReplayPanel)._content())


def _plain(renderable) -> str:
    from rich.console import Console

    console = Console(width=200, record=True, color_system=None)
    console.print(renderable)
    return console.export_text()


async def test_space_plays_on_a_timer_only_while_playing():
    hike = camped("ravine_2d")
    app = RevealTestApp(hike)
    async with app.run_test(size=SIZE) as pilot:
        screen = await opened(pilot)
        assert screen._timer is None and not screen.playing
        await pilot.press("space")  # at the end: starts again from step 0
        assert screen.playing and screen._timer is not None
        # From the start again; on a busy machine the first tick may already have come.
        assert screen.step <= 1 < screen.last_step
        await pilot.pause(0.75)
        assert 1 <= screen.step < screen.last_step
        await pilot.press("space")
        paused_at = screen.step
        assert not screen.playing and screen._timer is None
        await pilot.pause(0.5)
        assert screen.step == paused_at  # nothing ticks when idle
        await pilot.press("space")
        await pilot.press("right")  # stepping by hand stops the play
        assert not screen.playing and screen._timer is None


async def test_play_stops_by_itself_at_the_last_step():
    hike = camped("bowl_1d")
    app = RevealTestApp(hike)
    async with app.run_test(size=SIZE) as pilot:
        screen = await opened(pilot)
        await pilot.press("left")
        await pilot.press("space")
        assert screen.playing
        await pilot.pause(0.6)
        assert screen.step == screen.last_step
        assert not screen.playing and screen._timer is None


async def test_choosing_an_event_replays_its_step_on_the_map():
    hike = camped("ravine_2d")
    app = RevealTestApp(hike)
    async with app.run_test(size=SIZE) as pilot:
        screen = await opened(pilot)
        events = screen.race.events
        assert events, "the test hike should have something to tell"
        await pilot.press("4")  # the Trail tab: Map, Heights, Scoreboard, Trail
        await pilot.pause()
        tabs = screen.query_one(TabbedContent)
        assert tabs.active == "tab-trail"
        screen.query_one("#events").focus()
        await pilot.press("enter")
        await pilot.pause()
        assert screen.step == min(events[0].step, screen.last_step)
        assert tabs.active == "tab-map"


async def test_number_keys_switch_tabs():
    app = RevealTestApp(camped("line_fit"))
    async with app.run_test(size=SIZE) as pilot:
        screen = await opened(pilot)
        tabs = screen.query_one(TabbedContent)
        for key, pane in (("2", "tab-data"), ("3", "tab-heights"), ("4", "tab-board"), ("5", "tab-trail"), ("1", "tab-map")):
            await pilot.press(key)
            assert tabs.active == pane


async def test_the_legend_follows_the_step():
    app = RevealTestApp(camped("bowl_3d"))
    async with app.run_test(size=SIZE) as pilot:
        screen = await opened(pilot)
        legend = screen.query_one(RevealLegend)
        await pilot.press("home")
        start_height = screen.level.start_height
        assert f"{start_height:.3g}" in _plain(legend._content())
        assert legend.step == 0


# ---- other views ---------------------------------------------------------------------------------


async def test_fit_chart_draws_the_models_at_the_step():
    hike = camped("line_fit")
    app = RevealTestApp(hike)
    async with app.run_test(size=SIZE) as pilot:
        screen = await opened(pilot)
        await pilot.press("2", "home", "right", "right")
        await pilot.pause()
        chart = screen.query_one("#fit-chart")
        assert chart.step == 2
        player = screen.race.player
        expected = screen.level.landscape.predict(player.path[2], chart.inputs)
        np.testing.assert_allclose(chart.prediction(player.path[2]), expected)
        assert chart.walkers == [player, screen.best_racer]


async def test_words_show_what_the_models_predict_after_the_prompts():
    hike = camped("tiny_words")
    app = RevealTestApp(hike)
    async with app.run_test(size=SIZE) as pilot:
        screen = await opened(pilot)
        await pilot.press("2")
        await pilot.pause()
        words = screen.query_one("#words")
        text = _plain(words._content())
        landscape = screen.level.landscape
        guess, chance = landscape.predict(screen.race.player.path[-1], "the")[0]
        assert f"the → {guess} " in text and f" {chance:.0%}" in text
        assert "cat →" in text
        assert screen.best_racer.label in text


async def test_scoreboard_lists_every_walker_best_first():
    hike = camped("ravine_2d")
    app = RevealTestApp(hike)
    async with app.run_test(size=SIZE) as pilot:
        screen = await opened(pilot)
        await pilot.press("4")
        await pilot.pause()
        table = screen.query_one("#scoreboard")
        assert [str(k.value) for k in table.rows] == [w.name for w in screen.race.ranking]
        first = table.get_row_at(0)
        assert "1 ▶" in str(first[0]) and screen.race.winner.label in str(first[1])


async def test_resizing_evaluates_the_grid_for_the_new_size_only():
    app = RevealTestApp(camped("ravine_2d"))
    async with app.run_test(size=SIZE) as pilot:
        screen = await opened(pilot)
        grids = screen.terrain._grids
        heat = screen.query_one(HeatMap)
        assert list(grids) == [(heat.size.width - heat._gutter(), (heat.size.height - 1) * 2)]
        await pilot.resize_terminal(120, 40)
        await pilot.pause()
        await pilot.pause()
        now = (heat.size.width - heat._gutter(), (heat.size.height - 1) * 2)
        assert list(grids)[-1] == now and len(grids) <= 3  # the new size (and maybe a layout on the way)
        count = len(grids)
        await pilot.press("left", "left")  # replaying draws from the cached grid
        await pilot.pause()
        assert len(grids) == count and list(grids)[-1] == now


# ---- leaving the reveal, and its picture ---------------------------------------------------------


@pytest.mark.parametrize(("key", "message"), [("r", Retry), ("n", NextLevel), ("escape", BackToLevels), ("q", BackToLevels)])
async def test_keys_that_leave_the_reveal(key, message):
    hike = camped("bowl_1d")
    app = RevealTestApp(hike)
    async with app.run_test(size=SIZE) as pilot:
        await opened(pilot)
        await pilot.press(key)
        await pilot.pause()
        assert [type(m) for m in app.posted] == [message]
        if message is not BackToLevels:
            assert app.posted[0].level is hike.level


async def test_bindings_have_ids_and_show_in_the_footer():
    app = RevealTestApp(camped("bowl_1d"))
    async with app.run_test(size=SIZE) as pilot:
        screen = await opened(pilot)
        ids = {b.id for b in RevealScreen.BINDINGS}
        assert {"reveal.retry", "reveal.next", "reveal.back", "reveal.play", "reveal.save"} <= ids
        footer_keys = {b.action for b in RevealScreen.BINDINGS if b.show}
        assert {"retry", "next_level", "back", "play", "save_picture"} <= footer_keys
        assert screen.query_one("Footer")


@pytest.mark.parametrize("key", ["ctrl+s", "S"])
async def test_ctrl_s_saves_an_svg_of_the_reveal(tmp_path, monkeypatch, key):
    monkeypatch.chdir(tmp_path)
    app = RevealTestApp(camped("ravine_2d"))
    async with app.run_test(size=SIZE) as pilot:
        await opened(pilot)
        await pilot.press(key)
        await pilot.pause()
        saved = list(tmp_path.glob("*.svg"))
        assert len(saved) == 1 and saved[0].name == "foggymountain-ravine_2d-reveal.svg"
        assert "<svg" in saved[0].read_text(encoding="utf-8")[:500]
        assert any(str(saved[0]) in str(n.message) for n in app._notifications)


# ---- in the real app ------------------------------------------------------------------------------


async def test_camping_in_the_real_app_opens_the_reveal_and_r_retries(tmp_path):
    make_app = pytest.importorskip("foggymountain.ui.app").make_app
    from foggymountain.ui.screens.hike import HikeScreen

    app = make_app(level_file=LEVELS / "ravine_2d.toml", player="tester", progress_dir=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        hike = camped("ravine_2d")
        hike.level = app.shelf.entries[0].level
        app.show_reveal(hike, race(hike.level, hike))
        screen = await opened(pilot)
        assert screen.race.player.steps == hike.steps_used
        await pilot.press("left", "left")
        assert screen.step == screen.last_step - 2
        await pilot.press("r")
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, HikeScreen)
        assert app.screen.hike.level is app.shelf.entries[0].level and app.screen.hike.steps_used == 0


# ---- odd hikes -------------------------------------------------------------------------------------


def odd_hike(name: str, how: str) -> Hike:
    level = load_level(LEVELS / f"{name}.toml")
    hike = Hike(level)
    if how == "fell-off":
        hike.set_stride(hike.max_stride) if not hike.pace_only else hike.set_pace(1e6)
        hike.point_downhill()
        hike.turn(180)
        hike.step()
        hike.step()
    hike.camp()
    return hike


@pytest.mark.parametrize("how", ["camped-at-once", "fell-off"])
@pytest.mark.parametrize("name", ["bowl_1d", "ravine_2d", "line_fit", "tiny_words", "bowl_3d"])
async def test_every_view_copes_with_odd_hikes(name, how):
    hike = odd_hike(name, how)
    app = RevealTestApp(hike)
    async with app.run_test(size=SIZE) as pilot:
        screen = await opened(pilot)
        if how == "fell-off" and not hike.pace_only:
            assert screen.race.player.status == "fell-off"
        for key in ("2", "3", "4", "5", "6", "1", "home", "right", "end"):
            await pilot.press(key)
            await pilot.pause()
        assert screen.is_current


# ---- the verdict: who won, said as the scoreboard ranks, and never a lost walk --------------------

EDGE = """title = "Edge"
briefing = "b"
[landscape]
kind = "function"
variables = ["x"]
height = "-x"
bounds = { x = [-10, 10] }
start = { x = 0 }
[hike]
budget = 3
max_stride = 20
goal = -9.5
[agents.sgd]
learning_rate = 0.001
[agents.momentum]
learning_rate = 0.001
[agents.adam]
learning_rate = 0.001
"""
LOG = """title = "Log"
briefing = "b"
[landscape]
kind = "function"
variables = ["x"]
height = "log(x)"
bounds = { x = [-10, 10] }
start = { x = 5 }
[hike]
budget = 5
goal = 0.1
"""


def walked(tmp_path, text: str, *strides: float, back: bool = False) -> Hike:
    """A hike on a level written to `tmp_path`: the given strides, downhill (uphill with `back`)."""
    path = tmp_path / "level.toml"
    path.write_text(text, encoding="utf-8")
    hike = Hike(load_level(path))
    if back:
        hike.face(-1)
    for stride in strides:
        hike.set_stride(stride)
        if hike.step() != Status.WALKING:
            return hike
    hike.camp()
    return hike


# The racers crawl (pinned to a slow pace on a gentle slope, three steps); the player ends far lower, on the map or off it.
@pytest.mark.parametrize("how, strides, status", [
    ("fell off after going low", (9, 5), "fell-off"),
    ("stopped short of the goal", (9,), "wandering"),
    ("reached the goal", (9.8,), "reached"),
])
def test_the_verdict_follows_the_ranking_but_a_lost_walk_never_wins(tmp_path, how, strides, status):
    from foggymountain.race import race
    from foggymountain.outcome import verdict

    hike = walked(tmp_path, EDGE, *strides)
    result = race(hike.level, hike)
    assert result.player.status == status
    # A walk that fell off ranks after every walk still on the map, however low it went first.
    assert (result.ranking[-1] if status == "fell-off" else result.ranking[0]) is result.player
    best_racer = next(w for w in result.ranking if w is not result.player)
    for short in (True, False):
        said = verdict(result, short=short)
        if status == "reached":
            assert said.endswith("You won the race!") and result.stars >= 1
        elif status == "wandering":
            assert "won" not in said and "you came closest" in said.lower() and result.stars == 0
        else:
            assert "You won" not in said and best_racer.label in said and result.stars == 0


def test_a_walk_that_diverged_is_never_said_to_have_won(tmp_path):
    from foggymountain.race import race
    from foggymountain.outcome import verdict

    hike = walked(tmp_path, LOG, 3.8, 2.2, back=True)  # down to log(1.2), then past zero: nan
    result = race(hike.level, hike)
    assert result.player.status == "diverged" and result.ranking[-1] is result.player
    best_racer = result.ranking[0]
    for short in (True, False):
        said = verdict(result, short=short)
        assert said.startswith("Your walk diverged at step 2.") and "You won" not in said
        assert best_racer.label in said


async def test_the_header_of_a_diverged_walk_names_the_best_racer(tmp_path):
    hike = walked(tmp_path, LOG, 3.8, 2.2, back=True)
    app = RevealTestApp(hike)
    async with app.run_test(size=SIZE) as pilot:
        screen = await opened(pilot)
        header = str(screen.query_one("#reveal-verdict").render())
        assert "Your walk diverged at step 2." in header and "You won" not in header
        assert screen.best_racer.label in header


def test_the_replay_panel_says_when_a_walker_first_reached_the_goal():
    # "on the valley floor after 8 steps" read as if it took 8 steps; the scoreboard said 5.
    from foggymountain.campaign import builtin_levels_dir
    from foggymountain.level import load_level
    from foggymountain.outcome import Status
    from foggymountain.race import race as race_of
    from foggymountain.ui.widgets.replay_panel import ReplayPanel

    result = race_of(load_level(builtin_levels_dir() / "01-downhill.toml"))
    walk = next(w for w in result.racers if w.status == Status.REACHED and w.steps_to_goal < w.steps)
    panel = ReplayPanel(result.racers)
    said = panel._block(walk, walk.steps).plain
    assert f"reached the goal at step {walk.steps_to_goal}" in said and f"after {walk.steps} steps" in said


# ---- the player's guess of the floor, drawn beside the truth -------------------------------------


def map_glyphs(heat: HeatMap) -> str:
    """Every character drawn on the map (not its axes)."""
    columns, rows = heat._map_size()
    gutter = heat._gutter()
    return "".join("".join(s.text for s in heat.render_line(row)).ljust(gutter + columns)[gutter:gutter + columns]
                   for row in range(rows))


async def test_the_guess_is_drawn_where_the_player_put_it_and_keyed_in_the_legend():
    guess = (0.5, 1.5)  # well away from the trails' last steps and the floor
    app = GuessedRevealApp(camped("ravine_2d"), Prediction(floor=guess, winner="momentum"))
    async with app.run_test(size=SIZE) as pilot:
        screen = await opened(pilot)
        heat = screen.query_one(HeatMap)
        assert heat.cell_of(guess)[2], "the guess lies on the drawn map"
        text, style = map_cell_text(heat, guess)
        assert text == GUESS_GLYPH
        assert style.color in (heat._colour(GUESS_LOOK.rgb), heat._colour(GUESS_LOOK.rgb_on(False)))
        assert map_glyphs(heat).count(GUESS_GLYPH) == 1
        assert map_cell_text(heat, screen.level.minimum.point)[0] == FLOOR_GLYPH  # the truth beside it
        key = _plain(screen.query_one(RevealLegend)._content())
        assert f"{GUESS_GLYPH} your guess" in key and "off the map" not in key


@pytest.mark.parametrize("prediction", [None, Prediction(winner="momentum")], ids=["skipped", "winner-only"])
async def test_without_a_guessed_floor_nothing_extra_is_drawn(prediction):
    app = GuessedRevealApp(camped("ravine_2d"), prediction)
    async with app.run_test(size=SIZE) as pilot:
        screen = await opened(pilot)
        heat = screen.query_one(HeatMap)
        assert heat.guess is None
        drawn = map_glyphs(heat)
        assert GUESS_GLYPH not in drawn and GUESS_ON_FLOOR not in drawn and FLOOR_GLYPH in drawn
        assert "your guess" not in _plain(screen.query_one(RevealLegend)._content())


async def test_a_guess_on_the_floor_shares_its_cell():
    level = camped("ravine_2d").level
    app = GuessedRevealApp(camped("ravine_2d"), Prediction(floor=tuple(level.minimum.point)))
    async with app.run_test(size=SIZE) as pilot:
        screen = await opened(pilot)
        heat = screen.query_one(HeatMap)
        assert map_cell_text(heat, level.minimum.point)[0] == GUESS_ON_FLOOR
        drawn = map_glyphs(heat)
        assert GUESS_GLYPH not in drawn and FLOOR_GLYPH not in drawn  # both said by the one ⊗


class FramedBeforeTheGuessApp(GuessedRevealApp):
    """The reveal handed a map framed on the trails alone (as the app's worker builds it at camp,
    before the guess is made)."""

    def terrain(self, result):
        from foggymountain.ui.screens.reveal import reveal_terrain

        return reveal_terrain(result)  # no guess: framed on the trails


async def test_the_map_is_framed_on_the_guess_too():
    guess = (4.0, -3.0)  # beyond the trails of the fit's map: the map widens to hold it
    app = GuessedRevealApp(camped("line_fit"), Prediction(floor=guess))
    async with app.run_test(size=SIZE) as pilot:
        screen = await opened(pilot)
        heat = screen.query_one(HeatMap)
        assert heat.cell_of(guess)[2]  # inside
        assert map_cell_text(heat, guess)[0] == GUESS_GLYPH
        assert "off the map" not in _plain(screen.query_one(RevealLegend)._content())


async def test_a_guess_beyond_a_map_framed_without_it_is_an_arrow_at_its_edge():
    guess = (4.0, -3.0)  # the fit's map is framed on the trails: this corner lies beyond it
    app = FramedBeforeTheGuessApp(camped("line_fit"), Prediction(floor=guess))
    async with app.run_test(size=SIZE) as pilot:
        screen = await opened(pilot)
        heat = screen.query_one(HeatMap)
        column, row, inside = heat.cell_of(guess)
        columns, rows = heat._map_size()
        assert not inside and (column, row) == (columns - 1, rows - 1)
        assert map_cell_text(heat, guess)[0] == "↘"
        assert GUESS_GLYPH not in map_glyphs(heat)
        assert "↘ off the map" in _plain(screen.query_one(RevealLegend)._content())


def _chart_rows(chart) -> list[str]:
    return chart.render().plain.splitlines()


def _find(rows: list[str], glyph: str) -> tuple[int, int]:
    found = [(r, line.index(glyph)) for r, line in enumerate(rows) if glyph in line]
    assert len(found) == 1, f"{glyph} drawn {len(found)} times"
    return found[0]


async def test_the_curve_draws_the_guess_on_the_floors_line():
    from foggymountain.ui.widgets.reveal_curve import CurveChart

    app = GuessedRevealApp(camped("bowl_1d"), Prediction(floor=(-1.0,)))  # the floor is at x = 1.31
    async with app.run_test(size=SIZE) as pilot:
        screen = await opened(pilot)
        chart = screen.query_one(CurveChart)
        assert chart.guess_mark() == (GUESS_GLYPH, -1.0)
        rows = _chart_rows(chart)
        guess_at, floor_at = _find(rows, GUESS_GLYPH), _find(rows, FLOOR_GLYPH)
        assert guess_at[0] == floor_at[0] and guess_at[1] < floor_at[1]  # same height, left of the truth
        assert "your guess" in _plain(screen.query_one(RevealLegend)._content())


async def test_the_curve_is_framed_on_the_guess_and_draws_nothing_without_one():
    from foggymountain.ui.widgets.reveal_curve import CurveChart, walked_curve

    hike = camped("bowl_1d")
    app = GuessedRevealApp(hike, Prediction(floor=(3.9,)))  # right of the walked region
    async with app.run_test(size=SIZE) as pilot:
        screen = await opened(pilot)
        chart = screen.query_one(CurveChart)
        assert chart.view.x_range[0] <= 3.9 <= chart.view.x_range[1]
        assert chart.guess_mark() == (GUESS_GLYPH, 3.9)
        rows = _chart_rows(chart)
        assert _find(rows, GUESS_GLYPH)[0] == _find(rows, FLOOR_GLYPH)[0]
        walkers = screen.race.walkers
    # A view framed on the walk alone (as the board's class trails may hand it): an arrow at its edge.
    framed_on_the_walk = CurveChart(hike.level, walkers, view=walked_curve(hike.level, walkers), guess=(3.9,))
    assert framed_on_the_walk.view.x_range[1] < 3.9
    assert framed_on_the_walk.guess_mark() == ("→", framed_on_the_walk.view.x_range[1])
    app = GuessedRevealApp(camped("bowl_1d"), None)
    async with app.run_test(size=SIZE) as pilot:
        screen = await opened(pilot)
        chart = screen.query_one(CurveChart)
        assert chart.guess_mark() is None and GUESS_GLYPH not in "".join(_chart_rows(chart))
        assert "your guess" not in _plain(screen.query_one(RevealLegend)._content())


async def test_a_guessed_height_is_marked_on_the_scale_not_on_the_slice():
    app = GuessedRevealApp(camped("bowl_3d"), Prediction(floor_height=3.0))  # the floor is at −0.596
    async with app.run_test(size=SIZE) as pilot:
        screen = await opened(pilot)
        assert GUESS_GLYPH not in map_glyphs(screen.query_one(HeatMap))  # no point on the slice was guessed
        key = _plain(screen.query_one(RevealLegend)._content())
        assert f"{GUESS_GLYPH} your guess: height 3" in key
        marks = next(line for line in key.splitlines() if FLOOR_GLYPH in line and GUESS_GLYPH in line)
        assert marks.index(FLOOR_GLYPH) < marks.index(GUESS_GLYPH)  # the guess was higher than the floor
