"""Pilot tests of a fair contest's screens: the held stride or pace, the prediction before the
reveal (and skipping it with Enter), and the confirmation before leaving a hike."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from foggymountain.hike import PACE, STRIDE
from foggymountain.outcome import Status
from foggymountain.prediction import NOBODY
from foggymountain.ui.app import make_app
from foggymountain.ui.screens.briefing import BriefingScreen
from foggymountain.ui.screens.hike import HikeScreen
from foggymountain.ui.screens.leave_hike import LeaveHikeScreen
from foggymountain.ui.screens.reveal import RevealScreen
from foggymountain.ui.widgets.step_plan import StepPlan
from pilot_helpers import on_prediction, settle, start_hike

LEVELS = Path(__file__).parent / "levels_ui"
SIZE = (80, 24)


def app_for(tmp_path, **kwargs):
    return make_app(player="tester", progress_dir=tmp_path / "progress", results_dir=tmp_path / "results", **kwargs)


def plan_text(screen) -> str:
    return str(screen.query_one(StepPlan).render())


def footer_keys(screen) -> set[str]:
    return {binding.action for (_, binding, enabled, _) in screen.active_bindings.values() if enabled}


# ---- one clear control ---------------------------------------------------------------------------


async def test_typing_a_pace_holds_the_pace_and_up_changes_it(tmp_path):
    app = app_for(tmp_path, level_file=LEVELS / "02-bowl.toml")
    async with app.run_test(size=SIZE) as pilot:
        screen = await start_hike(pilot)
        hike = screen.hike
        assert hike.holding == STRIDE
        lines = plan_text(screen).splitlines()
        assert "■" in next(line for line in lines if "stride (step size)" in line)
        assert "■" not in next(line for line in lines if "pace (learning rate)" in line)
        assert {"lengthen", "shorten"} <= footer_keys(screen)
        await pilot.press("p", *"0.2", "enter")
        await pilot.pause()
        assert hike.holding == PACE and hike.pace == pytest.approx(0.2)
        lines = plan_text(screen).splitlines()
        assert "■" in next(line for line in lines if "pace (learning rate)" in line)
        assert {"quicken", "slow"} <= footer_keys(screen) and "lengthen" not in footer_keys(screen)
        await pilot.press("up")
        assert hike.pace == pytest.approx(0.25)
        # Held pace: the stride follows the slope at every step, the pace stays.
        strides = []
        for _ in range(3):
            assert hike.planned_stride == pytest.approx(0.25 * hike.steepness)
            strides.append(hike.planned_stride)
            await pilot.press("d", "enter")
        assert hike.pace == pytest.approx(0.25) and len(set(strides)) == 3
        await pilot.press("s", *"0.5", "enter")
        await pilot.pause()
        assert hike.holding == STRIDE and hike.planned_stride == pytest.approx(0.5)
        await pilot.press("up")
        assert hike.stride == pytest.approx(0.625)


async def test_many_weights_hold_the_pace(tmp_path):
    app = app_for(tmp_path, level_file=LEVELS / "03-words.toml")
    async with app.run_test(size=SIZE) as pilot:
        screen = await start_hike(pilot)
        assert screen.hike.holding == PACE
        assert "■" in next(line for line in plan_text(screen).splitlines() if "pace (learning rate)" in line)


# ---- predict, then reveal ---------------------------------------------------------------------------


async def test_enter_with_nothing_chosen_skips_the_prediction(tmp_path):
    app = app_for(tmp_path, level_file=LEVELS / "02-bowl.toml")
    async with app.run_test(size=SIZE) as pilot:
        await start_hike(pilot)
        await pilot.press("d", "enter", "c")
        screen = await on_prediction(pilot)
        assert screen.prediction() is None
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, RevealScreen)
        assert app.screen.race.forecast is None and not app.screen.query("#reveal-forecast")
        (result,) = (tmp_path / "results").glob("*.json")
        assert "prediction" not in json.loads(result.read_text())


async def test_a_guess_far_from_every_trail_is_on_the_revealed_map(tmp_path):
    """The map is framed (in a worker, at camp) on the trails before the guess is made; a guess
    beyond that frame gets the map framed again, so the guess is drawn where it is, not as an arrow."""
    from foggymountain.ui.widgets.heatmap import HeatMap
    from foggymountain.ui.widgets.reveal_walkers import GUESS_GLYPH

    app = app_for(tmp_path, level_file=LEVELS / "02-bowl.toml")
    async with app.run_test(size=SIZE) as pilot:
        await start_hike(pilot)
        await pilot.press("d", "enter", "c")
        screen = await on_prediction(pilot)
        await pilot.press(*["shift+right"] * 12, *["shift+up"] * 5)  # the far corner of the map
        guess = screen.prediction().floor
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, RevealScreen)
        await pilot.pause(0.2)
        heat = app.screen.query_one(HeatMap)
        assert heat.cell_of(guess)[2], (guess, heat.terrain.plane.extent)
        assert GUESS_GLYPH in "".join(strip.text for strip in heat._build())


async def test_a_prediction_is_judged_shown_beside_the_truth_and_kept(tmp_path):
    app = app_for(tmp_path, level_file=LEVELS / "02-bowl.toml")
    async with app.run_test(size=SIZE) as pilot:
        await start_hike(pilot)
        await pilot.press("d", "enter", "c")
        screen = await on_prediction(pilot)
        stopped = screen.cursor.cell_of(screen.hike.position)  # ◆ where the hike stopped
        assert stopped is not None and stopped != (screen.cursor.columns // 2, screen.cursor.rows // 2)
        await pilot.press("left")  # the first move starts from ◆, never from the middle of the map
        assert screen.cursor.cell == (stopped[0] - 1, stopped[1])
        await pilot.press("right", "right", "up")
        await pilot.press("0")  # nobody reaches the goal
        guess = screen.prediction()
        assert guess is not None and guess.winner == NOBODY and len(guess.floor) == 2
        assert screen.cursor.cell == (stopped[0] + 1, stopped[1] - 1)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, RevealScreen)
        forecast = app.screen.race.forecast
        assert forecast is not None and forecast.prediction == guess
        shown = str(app.screen.query_one("#reveal-forecast").render())
        assert "You guessed the floor at" in shown and f"Forecast {forecast.score}/100" in shown
        (result,) = (tmp_path / "results").glob("*.json")
        saved = json.loads(result.read_text())["prediction"]
        assert saved["floor"] == pytest.approx(list(guess.floor)) and saved["winner"] == NOBODY
        assert saved["score"] == forecast.score
        level_id = next(iter(app.scores.progress.levels))
        assert app.scores.progress.forecast(level_id) == forecast.score


async def test_the_prediction_screen_never_waits_for_the_race(tmp_path, monkeypatch):
    """The race runs in a worker: the prediction screen is up and takes keys while it runs."""
    import threading

    from foggymountain.race import RaceAhead

    release = threading.Event()
    real_scored = RaceAhead.scored

    def slow_scored(self, hike):  # the scoring at the end of the hike (not the race run ahead)
        release.wait(10)
        return real_scored(self, hike)

    monkeypatch.setattr(RaceAhead, "scored", slow_scored)
    app = app_for(tmp_path, level_file=LEVELS / "01-valley.toml")
    async with app.run_test(size=SIZE) as pilot:
        await start_hike(pilot)
        await pilot.press("enter", "c")
        screen = await on_prediction(pilot)
        await pilot.press("right", "right", "1")
        assert screen.cursor.cell is not None and screen.winner is not None
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is screen  # still waiting for the race: the fog is lifting
        release.set()
        await settle(pilot)
        assert isinstance(app.screen, RevealScreen) and app.screen.race.forecast is not None


# ---- never lose a hike by accident ----------------------------------------------------------------


async def test_leaving_a_hike_in_progress_asks_first(tmp_path):
    app = app_for(tmp_path, level_file=LEVELS / "02-bowl.toml")
    async with app.run_test(size=SIZE) as pilot:
        screen = await start_hike(pilot)
        await pilot.press("escape")  # no step yet: nothing to lose, leave at once
        await pilot.pause()
        assert isinstance(app.screen, BriefingScreen)
        screen = await start_hike(pilot)
        await pilot.press("d", "enter", "escape")
        await pilot.pause()
        assert isinstance(app.screen, LeaveHikeScreen)
        await pilot.press("escape")  # Escape keeps walking
        await pilot.pause()
        assert app.screen is screen and screen.hike.steps_used == 1
        await pilot.press("q")
        await pilot.pause()
        await pilot.press("enter")  # Enter keeps walking too
        await pilot.pause()
        assert app.screen is screen
        await pilot.press("q", "y")
        await pilot.pause()
        assert isinstance(app.screen, BriefingScreen)


async def test_escape_in_a_prompt_only_closes_the_prompt(tmp_path):
    app = app_for(tmp_path, level_file=LEVELS / "02-bowl.toml")
    async with app.run_test(size=SIZE) as pilot:
        screen = await start_hike(pilot)
        await pilot.press("d", "enter", "s", "escape")
        await pilot.pause()
        assert app.screen is screen
        await pilot.press("escape")  # a second Escape asks; it does not lose the hike
        await pilot.pause()
        assert isinstance(app.screen, LeaveHikeScreen)
        await pilot.press("n")
        await pilot.pause()
        assert app.screen is screen and screen.hike.status == Status.WALKING


async def test_a_briefing_longer_than_the_screen_scrolls_with_the_keys(tmp_path):
    # Level 14's briefing ends below an 80x24 screen ("Find the line that fits...").
    from foggymountain.campaign import builtin_levels_dir
    from foggymountain.ui.app import make_app

    app = make_app(level_file=builtin_levels_dir() / "14-house-prices.toml", progress_dir=tmp_path, player="t")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause(0.3)
        text = app.screen.query_one("#briefing-text")
        assert text.max_scroll_y > 0 and text.scroll_y == 0
        assert app.screen.check_action("scroll_text", (0, 1))
        await pilot.press("pagedown")
        await pilot.pause()
        assert text.scroll_y == text.max_scroll_y
        await pilot.press("up")
        await pilot.pause()
        assert text.scroll_y == text.max_scroll_y - 1

