"""Robustness under Pilot: whatever the player types, however small the terminal, wherever they
walk, the game keeps running.

- every input field (the stride, pace and heading prompts, and the command palette) gets letters,
  huge numbers, NaN, inf, negatives, zero, empty text and unicode; the hike's settings stay finite
  and usable, and a step can still be taken;
- every screen is squeezed down to 10x5 (and 1x1) and back to 80x24;
- the player walks off every edge of a 2-D map (east, north, west, south) and both ends of a 1-D
  path: the hike ends as a fall and the reveal shows.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from foggymountain.outcome import Status
from foggymountain.ui.app import make_app
from foggymountain.ui.screens.briefing import BriefingScreen
from foggymountain.ui.screens.hike import HikeScreen
from foggymountain.ui.screens.number_prompt import NumberPrompt
from pilot_helpers import settle, start_hike

SIZE = (80, 24)

LINE = """\
title = "Robust line"
briefing = "A path along one ridge."

[landscape]
variables = ["x"]
height = "(x - 1)**2"
bounds = { x = [-4, 4] }
start = { x = 0 }

[hike]
budget = 30
stride = 0.5
seed = 1
"""

BOWL = """\
title = "Robust bowl"
briefing = "A round bowl on a square map."

[landscape]
variables = ["x", "y"]
height = "x**2 + 2*y**2"
bounds = { x = [-4, 4], y = [-4, 4] }
start = { x = 0.5, y = 0.5 }

[hike]
budget = 30
stride = 0.5
seed = 2
"""

MANY = """\
title = "Robust words"
briefing = "Too many directions: only the pace."

[landscape]
kind = "next-token"
corpus = "the cat sat. the dog sat. the cat ran."

[hike]
budget = 12
batch_size = 4
seed = 3
"""

# What a player might type into a number field, on purpose or not.
TYPED = [
    "abc", "", "   ", "nan", "-nan", "inf", "-inf", "1e309", "-1e309", "1e308", "9" * 400, "5e-324",
    "-1", "0", "-0", "1/0", "0/0", "1/3", "1e9", "12abc", "1,5", "0x10", "1_000", "½", "١٢", "１２",
    "💥", "NE", "360°", "-720", "°", "2**10",
]
# What can be typed with single key presses (the rest is pasted into the field).
TYPEABLE = set("abcdefghijklmnopqrstuvwxyz0123456789.-+/,_ ")


def level_file(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / f"{name}.toml"
    path.write_text(text)
    return path


def app_for(tmp_path: Path, text: str, name: str = "level"):
    return quiet(make_app(level_file=level_file(tmp_path, name, text), player="robust", progress_dir=tmp_path / "progress"))


def quiet(app):
    """No animations: Pilot waits for every one to finish, and a refused number animates a toast."""
    app.animation_level = "none"
    return app


def alive(app) -> None:
    assert app.is_running, "the app stopped"
    assert app._exception is None, f"the app raised {app._exception!r}"


def usable(hike) -> None:
    for value in (hike.stride, hike.pace, hike.planned_stride):
        assert math.isfinite(value) and value > 0, (hike.stride, hike.pace, hike.planned_stride)
    assert np.all(np.isfinite(hike.heading))
    assert np.all(np.isfinite(hike.planned_displacement))


async def type_into(pilot, text: str, keys: bool = True) -> None:
    """Replace the prompt's text and submit it: short text typed key by key then Enter (the whole
    keyboard path); the rest pasted and submitted by the field's own action (what Enter calls)."""
    field = pilot.app.screen.query_one("Input")
    field.value = ""
    if keys and set(text.lower()) <= TYPEABLE and text.strip() == text and 0 < len(text) <= 6:
        await pilot.press(*["space" if ch == " " else ch for ch in text], "enter")
    else:
        field.insert_text_at_cursor(text)
        await field.action_submit()
    await pilot.pause()


# ---- typing --------------------------------------------------------------------------------------


@pytest.mark.parametrize("text, keys", [(LINE, "sph"), (BOWL, "sph"), (MANY, "sp")], ids=["1-D", "2-D", "many"])
async def test_anything_typed_into_every_prompt_keeps_the_game_running(tmp_path, text, keys):
    app = app_for(tmp_path, text)
    async with app.run_test(size=SIZE) as pilot:
        screen = await start_hike(pilot)
        hike = screen.hike
        for key in keys:
            for number, typed in enumerate(TYPED):
                if app.screen is screen:  # the last value was taken: ask again
                    await pilot.press(key)
                    await pilot.pause()
                assert isinstance(app.screen, NumberPrompt), f"{key} did not open a prompt"
                # A refused value keeps the prompt open with a message; a taken one closes it.
                await type_into(pilot, typed, keys=number % 4 == 0)
                app.clear_notifications()
                alive(app)
                usable(hike)
            if isinstance(app.screen, NumberPrompt):
                await pilot.press("escape")
                await pilot.pause()
            assert app.screen is screen
        before = hike.steps_used
        await pilot.press("enter")
        await pilot.pause()
        alive(app)
        assert hike.steps_used == before + 1 or hike.over


async def test_anything_typed_into_the_command_palette_keeps_the_game_running(tmp_path):
    app = app_for(tmp_path, BOWL)
    async with app.run_test(size=SIZE) as pilot:
        screen = await start_hike(pilot)
        for typed in ["", "zzz", "1e309", "nan", "💥", "step", "camp", "é" * 50, "x" * 500]:
            await pilot.press("ctrl+p")
            await pilot.pause()
            field = app.screen.query_one("Input")
            field.insert_text_at_cursor(typed)
            await pilot.pause(0.05)
            await pilot.press("escape")  # leave without running anything
            await pilot.pause()
            if app.screen is not screen:
                await pilot.press("escape")
                await pilot.pause()
            alive(app)
            assert app.screen is screen
        await pilot.press("enter")
        await pilot.pause()
        assert screen.hike.steps_used == 1


# ---- terminal sizes ----------------------------------------------------------------------------

SIZES = [(79, 23), (60, 20), (40, 12), (30, 10), (20, 8), (10, 5), (1, 1), (10, 5), (200, 60), (80, 24)]


async def squeeze(pilot) -> None:
    for columns, rows in SIZES:
        await pilot.resize_terminal(columns, rows)
        await pilot.pause(0.05)
        alive(pilot.app)


async def test_every_screen_survives_tiny_terminals_and_comes_back(tmp_path):
    levels = tmp_path / "levels"
    levels.mkdir()
    level_file(levels, "01-line", LINE)
    level_file(levels, "02-bowl", BOWL)
    app = quiet(make_app(levels_dir=levels, player="robust", progress_dir=tmp_path / "progress"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        select = app.screen
        await squeeze(pilot)  # level select
        assert app.screen is select
        await pilot.press("enter")
        await pilot.pause()
        briefing = app.screen
        assert isinstance(briefing, BriefingScreen)
        await squeeze(pilot)
        assert app.screen is briefing
        await pilot.press("question_mark")
        await pilot.pause()
        help_screen = app.screen
        await squeeze(pilot)
        assert app.screen is help_screen
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        hike_screen = app.screen
        assert isinstance(hike_screen, HikeScreen)
        await squeeze(pilot)
        assert app.screen is hike_screen
        await pilot.press("s")
        await pilot.pause()
        prompt = app.screen
        assert isinstance(prompt, NumberPrompt)
        await squeeze(pilot)
        assert app.screen is prompt
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("enter", "enter", "c")
        await settle(pilot)
        reveal = app.screen
        assert type(reveal).__name__ in ("RevealScreen", "RaceSummaryScreen")
        await squeeze(pilot)
        assert app.screen is reveal
        for key in ("right", "left", "home", "end", "2", "3", "1"):
            await pilot.press(key)
            await pilot.pause()
        alive(app)


async def test_resizing_in_the_middle_of_a_hike_loses_nothing(tmp_path):
    app = app_for(tmp_path, BOWL)
    async with app.run_test(size=SIZE) as pilot:
        screen = await start_hike(pilot)
        for columns, rows in SIZES:
            await pilot.press("enter")
            await pilot.resize_terminal(columns, rows)
            await pilot.pause(0.05)
            alive(app)
        assert app.screen is screen
        taken = screen.hike.steps_used
        await pilot.press("enter")
        await pilot.pause()
        assert screen.hike.steps_used == taken + 1 or screen.hike.over


# ---- walking off the map -----------------------------------------------------------------------


async def walk_off(pilot, screen: HikeScreen, heading: str | None, face: str | None) -> None:
    """Set the longest stride, face one way, and walk until the hike ends."""
    hike = screen.hike
    await pilot.press("s")
    await pilot.pause()
    await type_into(pilot, "100")  # clamped to the longest stride the level allows
    app = pilot.app
    app.clear_notifications()
    if heading is not None:
        await pilot.press("h")
        await pilot.pause()
        await type_into(pilot, heading)
    if face is not None:
        await pilot.press(face)
        await pilot.pause()
    assert app.screen is screen
    for _ in range(hike.level.budget):
        if hike.over:
            break
        await pilot.press("enter")
        await pilot.pause()
    await settle(pilot)


@pytest.mark.parametrize("heading, axis, sign", [("0", 0, 1), ("90", 1, 1), ("180", 0, -1), ("270", 1, -1)],
                         ids=["east", "north", "west", "south"])
async def test_walking_off_every_edge_of_a_map(tmp_path, heading, axis, sign):
    app = app_for(tmp_path, BOWL)
    async with app.run_test(size=SIZE) as pilot:
        screen = await start_hike(pilot)
        hike = screen.hike
        await walk_off(pilot, screen, heading, None)
        alive(app)
        assert hike.status == Status.FELL_OFF
        low, high = hike.level.landscape.bounds[axis]
        edge = high if sign > 0 else low
        assert (hike.position[axis] - edge) * sign > 0, "fell off the wrong edge"
        assert type(app.screen).__name__ in ("RevealScreen", "RaceSummaryScreen")
        for key in ("left", "right", "space", "space", "home", "end"):
            await pilot.press(key)
            await pilot.pause()
        alive(app)


@pytest.mark.parametrize("face, sign", [("right", 1), ("left", -1)], ids=["east-end", "west-end"])
async def test_walking_off_both_ends_of_a_path(tmp_path, face, sign):
    app = app_for(tmp_path, LINE)
    async with app.run_test(size=SIZE) as pilot:
        screen = await start_hike(pilot)
        hike = screen.hike
        await walk_off(pilot, screen, None, face)
        alive(app)
        assert hike.status == Status.FELL_OFF
        low, high = hike.level.landscape.bounds[0]
        assert (hike.position[0] - (high if sign > 0 else low)) * sign > 0
        assert type(app.screen).__name__ in ("RevealScreen", "RaceSummaryScreen")


async def test_walking_off_then_retrying_and_leaving(tmp_path):
    app = app_for(tmp_path, LINE)
    async with app.run_test(size=SIZE) as pilot:
        screen = await start_hike(pilot)
        await walk_off(pilot, screen, None, "left")
        await pilot.press("r")
        await settle(pilot)
        alive(app)
        retried = app.screen
        assert isinstance(retried, HikeScreen) and retried.hike.steps_used == 0
        await pilot.press("enter", "c")
        await settle(pilot)
        await pilot.press("q")
        await settle(pilot)
        alive(app)
