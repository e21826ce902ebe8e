"""Pilot tests: play whole hikes with the keyboard and check the core state, never the pixels."""

from __future__ import annotations

import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from textual.command import CommandPalette

from foggymountain.numbers import digits_apart, number
from foggymountain.outcome import Status
from foggymountain.progress import progress_key
from foggymountain.ui.app import make_app
from foggymountain.ui.messages import BackToLevels, NextLevel, Retry
from foggymountain.ui.screens.briefing import BriefingScreen
from foggymountain.ui.screens.help import HelpScreen
from foggymountain.ui.screens.hike import HikeScreen
from foggymountain.ui.screens.level_select import LevelSelectScreen
from foggymountain.ui.screens.number_prompt import NumberPrompt
from foggymountain.ui.screens.too_small import TooSmallScreen
from pilot_helpers import settle, start_hike

LEVELS = Path(__file__).parent / "levels_ui"
LINE, BOWL, WORDS, BROKEN = (LEVELS / name for name in ("01-valley.toml", "02-bowl.toml", "03-words.toml", "04-broken.toml"))
SIZE = (80, 24)
JUNK = ["abc", "", "nan", "-inf", "1e400", "1e300", "-1", "0", "1/0", "💥", "1,2,3"]


def app_for(tmp_path: Path, **kwargs):
    return make_app(player="tester", progress_dir=tmp_path / "progress", **kwargs)


def on_reveal(app) -> bool:
    return type(app.screen).__name__ in ("RevealScreen", "RaceSummaryScreen")


# ---- whole hikes -------------------------------------------------------------------------------


async def test_one_dimension_whole_hike_spends_the_budget(tmp_path):
    app = app_for(tmp_path, level_file=LINE)
    async with app.run_test(size=SIZE) as pilot:
        screen = await start_hike(pilot)
        hike = screen.hike
        assert hike.heading[0] == 1.0  # the hike starts facing downhill
        await pilot.press("left")
        assert hike.heading[0] == -1.0
        await pilot.press("right")
        assert hike.heading[0] == 1.0
        stride = hike.stride
        await pilot.press("up")
        assert hike.stride == pytest.approx(stride * 1.25)
        await pilot.press("down")
        assert hike.stride == pytest.approx(stride)
        for _ in range(hike.level.budget):
            await pilot.press("d", "enter")
        await settle(pilot)
        assert hike.status == Status.SPENT
        assert hike.steps_used == hike.level.budget
        assert on_reveal(app)
        assert app.scores.progress.stars(progress_key(hike.level)) >= 1


async def test_two_dimensions_turning_and_camping(tmp_path):
    app = app_for(tmp_path, level_file=BOWL)
    async with app.run_test(size=SIZE) as pilot:
        hike = (await start_hike(pilot)).hike
        start = hike.heading_degrees
        await pilot.press("left")
        assert hike.heading_degrees == pytest.approx((start + 15) % 360)
        await pilot.press("right", "right")
        assert hike.heading_degrees == pytest.approx((start - 15) % 360)
        await pilot.press("shift+left")
        assert hike.heading_degrees == pytest.approx((start - 10) % 360)
        await pilot.press("d")
        assert np.allclose(hike.heading, hike.downhill)
        await pilot.press("enter", "d", "enter", "d", "enter")
        assert hike.steps_used == 3
        assert hike.heights[-1] < hike.heights[0]
        logbook = app.screen.query_one("#logbook")
        assert logbook.rows_written == 4  # the start and three steps
        await pilot.press("c")
        await settle(pilot)
        assert hike.status == Status.CAMPED
        assert on_reveal(app)


async def test_many_variables_pace_only(tmp_path):
    app = app_for(tmp_path, level_file=WORDS)
    async with app.run_test(size=SIZE) as pilot:
        screen = await start_hike(pilot)
        hike = screen.hike
        assert hike.pace_only
        pace = hike.pace
        await pilot.press("up")
        assert hike.pace == pytest.approx(pace * 1.25)
        await pilot.press("down", "down")
        assert hike.pace == pytest.approx(pace / 1.25)
        heading = hike.heading.copy()
        await pilot.press("left", "right", "shift+left", "h", "d")
        assert np.array_equal(hike.heading, heading)  # no turning with this many directions
        assert app.screen is screen  # and `h` opened no prompt
        for _ in range(hike.level.budget):
            await pilot.press("enter")
        await settle(pilot)
        assert hike.status == Status.SPENT
        assert on_reveal(app)


async def test_falling_off_the_map_ends_the_hike(tmp_path):
    app = app_for(tmp_path, level_file=LINE)
    async with app.run_test(size=SIZE) as pilot:
        hike = (await start_hike(pilot)).hike
        await pilot.press("left", "s", *"100", "enter")  # clamped to the longest stride
        await pilot.pause()
        assert hike.stride == pytest.approx(hike.max_stride)
        await pilot.press("enter")
        await settle(pilot)
        assert hike.status == Status.FELL_OFF
        assert on_reveal(app)


# ---- typed values ------------------------------------------------------------------------------


@pytest.mark.parametrize("level, keys", [(BOWL, "sph"), (WORDS, "sp")])
async def test_junk_typed_into_every_input_changes_nothing(tmp_path, level, keys):
    app = app_for(tmp_path, level_file=level)
    async with app.run_test(size=SIZE) as pilot:
        hike = (await start_hike(pilot)).hike
        before = (hike.stride, hike.pace, hike.heading.copy())
        for key in keys:
            await pilot.press(key)
            await pilot.pause()
            prompt = app.screen
            assert isinstance(prompt, NumberPrompt)
            for junk in JUNK:
                if key == "h" and junk in ("-1", "0"):
                    continue  # fine headings: 359° and east
                prompt.query_one("Input").value = junk
                await pilot.press("enter")
                await pilot.pause()
                assert app.screen is prompt, f"{junk!r} was accepted by {key}"
                app.clear_notifications()
            await pilot.press("escape")
            await pilot.pause()
            assert isinstance(app.screen, HikeScreen)
        assert (hike.stride, hike.pace) == before[:2]
        assert np.array_equal(hike.heading, before[2])
        assert hike.steps_used == 0


async def test_typed_values_are_used(tmp_path):
    app = app_for(tmp_path, level_file=BOWL)
    async with app.run_test(size=SIZE) as pilot:
        hike = (await start_hike(pilot)).hike
        for key, text in (("s", "0.3"), ("h", "NE")):
            await pilot.press(key)
            await pilot.pause()
            app.screen.query_one("Input").value = text
            await pilot.press("enter")
            await pilot.pause()
        assert hike.stride == pytest.approx(0.3)
        assert hike.heading_degrees == pytest.approx(45)
        await pilot.press("p")
        await pilot.pause()
        app.screen.query_one("Input").value = "1/8"
        await pilot.press("enter")
        await pilot.pause()
        assert hike.planned_pace == pytest.approx(0.125)
        assert math.isfinite(hike.stride)


# ---- the screens around the hike ---------------------------------------------------------------


async def test_level_select_marks_a_broken_level_and_never_crashes(tmp_path):
    app = app_for(tmp_path, levels_dir=LEVELS)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        select = app.screen
        assert isinstance(select, LevelSelectScreen)
        levels = select.query_one("#levels")
        prompts = [str(levels.get_option_at_index(i).prompt) for i in range(levels.option_count)]
        assert any("✗ broken" in p and "04-broken" in p for p in prompts)
        assert sum("★" in p or "☆" in p for p in prompts) == 3
        await pilot.press("end")
        await pilot.pause()
        card = str(select.query_one("#level-card").render())
        assert "04-broken.toml:7:16" in card and "budgit" in card  # at the "+" missing its right side
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is select  # a broken level does not open
        await pilot.press("home", "enter")
        await pilot.pause()
        assert isinstance(app.screen, BriefingScreen)
        await pilot.press("q")
        await pilot.pause()
        assert app.screen is select


async def test_playing_a_broken_file_shows_its_problems(tmp_path):
    app = app_for(tmp_path, level_file=BROKEN)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        briefing = app.screen
        assert isinstance(briefing, BriefingScreen)
        assert "missing key 'budget'" in str(briefing.query_one("#problems").render())
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is briefing


async def test_a_broken_levels_briefing_quotes_the_line_with_carets_under_the_spot(tmp_path):
    level = tmp_path / "typo.toml"
    level.write_text('title = "[b]Typo[/b]"\nbriefing = "x"\n[landscape]\nvariables = ["x", "y", "x"]\n'
                     'height = "x**2 + y**2"\nbounds = [[-1, 1], [-1, 1]]\n[hike]\nstart = [0.5, 0.5]\nbudget = 5\n',
                     encoding="utf-8")
    app = app_for(tmp_path, level_file=level)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        shown = str(app.screen.query_one("#problems").render())
        lines = shown.splitlines()
        source = next(i for i, line in enumerate(lines) if line.startswith("4 | variables"))
        assert lines[source] == '4 | variables = ["x", "y", "x"]'
        column = lines[source].index('"x"]')  # the second "x": where the carets must be
        carets = next(line for line in lines[source + 1:] if "^" in line)
        assert carets.index("^") == column and carets.count("^") == 3
        assert "typo.toml:4:24: error: variable 'x' is declared twice" in shown  # the name, not the folder
        assert "= hint: each variable once" in shown


async def test_finishing_then_next_retry_and_back(tmp_path):
    app = app_for(tmp_path, levels_dir=LEVELS)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("enter", "enter")  # briefing, then the hike
        await pilot.pause()
        hike = app.screen.hike
        await pilot.press("c")
        await settle(pilot)
        assert on_reveal(app)
        app.post_message(Retry(hike.level))
        await pilot.pause()
        assert isinstance(app.screen, HikeScreen) and app.screen.hike is not hike
        assert [type(s).__name__ for s in app.screen_stack] == ["LevelSelectScreen", "BriefingScreen", "HikeScreen"]
        app.post_message(NextLevel(hike.level))
        await pilot.pause()
        assert isinstance(app.screen, BriefingScreen) and app.screen.entry.path.name == "02-bowl.toml"
        app.post_message(BackToLevels())
        await pilot.pause()
        assert isinstance(app.screen, LevelSelectScreen)


async def test_help_and_the_command_palette(tmp_path):
    app = app_for(tmp_path, level_file=BOWL)
    async with app.run_test(size=SIZE) as pilot:
        hike = (await start_hike(pilot)).hike
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert isinstance(app.screen, CommandPalette)
        await pilot.press(*"light theme")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert app.theme == "foggy-light"
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"take the step")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert hike.steps_used == 1


async def test_too_small_a_terminal_and_back(tmp_path):
    app = app_for(tmp_path, level_file=BOWL)
    async with app.run_test(size=SIZE) as pilot:
        screen = await start_hike(pilot)
        await pilot.resize_terminal(10, 5)
        await pilot.pause(0.1)
        assert isinstance(app.screen, TooSmallScreen)
        await pilot.press("enter")  # keys do nothing behind the notice
        assert screen.hike.steps_used == 0
        await pilot.resize_terminal(*SIZE)
        await pilot.pause(0.1)
        assert app.screen is screen
        await pilot.press("enter")
        assert screen.hike.steps_used == 1


async def test_watch_reloads_a_changed_level(tmp_path):
    level = tmp_path / "mine.toml"
    good = LINE.read_text()
    level.write_text(good)
    app = app_for(tmp_path, level_file=level, watch=True)
    async with app.run_test(size=SIZE) as pilot:
        await start_hike(pilot)
        level.write_text(good.replace("budget = 12", 'budget = "oops"'))
        app.shelf.entries[0].mtime -= 1  # a changed mtime, without waiting for the clock
        app._check_files()
        await pilot.pause()
        await pilot.pause()
        briefing = app.screen
        assert isinstance(briefing, BriefingScreen) and not briefing.entry.ok
        assert "budget" in str(briefing.query_one("#problems").render())
        level.write_text(good.replace("budget = 12", "budget = 5"))
        app.shelf.entries[0].mtime -= 1
        app._check_files()
        await pilot.pause()
        await pilot.pause()
        assert app.screen.entry.ok and app.screen.entry.level.budget == 5
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen.hike.level.budget == 5


async def test_progress_failure_does_not_crash(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the progress folder should be")
    app = make_app(player="tester", progress_dir=blocker / "progress", level_file=LINE)
    async with app.run_test(size=SIZE) as pilot:
        await start_hike(pilot)
        await pilot.press("c")
        await settle(pilot)
        assert on_reveal(app)


def test_check_never_imports_textual():
    run = subprocess.run([sys.executable, "-X", "importtime", "-m", "foggymountain", "check", "-q", str(LINE)],
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stderr[-2000:]
    imported = [line.rsplit("|", 1)[-1].strip() for line in run.stderr.splitlines() if "|" in line]
    assert "foggymountain.level" in imported
    assert not any(name.split(".")[0] == "textual" for name in imported)


def test_play_command_refuses_a_missing_path(capsys):
    from foggymountain.cli import build_parser
    from foggymountain.commands import play

    args = build_parser().parse_args(["play", "no/such/level.toml"])
    assert play.run(args) == 2
    assert "no/such/level.toml:1:1: no such file, folder or built-in level" in capsys.readouterr().err
    args = build_parser().parse_args(["play", "--levels", "no/such/folder", "--player", "ada", "--watch"])
    assert args.player == "ada" and args.watch
    assert play.run(args) == 2


async def test_when_the_reveal_fails_a_race_table_ends_the_hike(tmp_path, monkeypatch, caplog):
    from foggymountain.ui.screens import reveal

    def broken(*args, **kwargs):
        raise RuntimeError("a bug in the reveal")

    monkeypatch.setattr(reveal.RevealScreen, "__init__", broken)
    app = app_for(tmp_path, levels_dir=LEVELS)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "enter")
        await pilot.pause()
        await pilot.press("enter", "c")
        await settle(pilot)
        assert type(app.screen).__name__ == "RaceSummaryScreen"
        assert any("reveal" in r.getMessage() and r.exc_info for r in caplog.records)  # logged, with its traceback
        table = app.screen.query_one("#summary-table")
        assert table.row_count == 1 + len(app.screen.hike.level.racers)
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, HikeScreen)
        await pilot.press("c")
        await settle(pilot)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, BriefingScreen) and app.screen.entry.path.name == "02-bowl.toml"


async def test_the_goal_is_worked_out_ahead_and_shown_when_known(tmp_path):
    """The briefing never searches the valley floor itself: a worker does, started when the
    briefing opens, and the goal appears when it is known; the hike's altimeter shows it too."""
    app = app_for(tmp_path, level_file=LEVELS / "02-bowl.toml")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        briefing = app.screen
        assert isinstance(briefing, BriefingScreen)
        level = briefing.entry.level
        assert level.stated_goal is None and "goal" in vars(level)  # worked out, by the worker
        facts = str(briefing.query_one("#facts").render())
        assert f"height ≤ {number(level.goal, digits=digits_apart(level.goal, [None]))}" in facts
        hike = await start_hike(pilot)
        assert "goal" in str(hike.query_one("#altimeter-panel").border_subtitle)
        await pilot.press("c")
        await settle(pilot)
        assert on_reveal(app)


async def test_racers_are_tuned_and_walked_in_a_worker_while_the_briefing_is_open(tmp_path, monkeypatch):
    import threading

    from foggymountain import tuning

    monkeypatch.setenv("FOGGYMOUNTAIN_CACHE_DIR", str(tmp_path / "cache"))  # nothing tuned yet
    threads = []
    real = tuning.tune_racers

    def recording(level, racers):
        threads.append(threading.current_thread())
        return real(level, racers)

    monkeypatch.setattr(tuning, "tune_racers", recording)
    app = app_for(tmp_path, level_file=LINE)  # a level without [agents]: every racer is tuned
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        assert isinstance(app.screen, BriefingScreen)
        ahead = app._ahead
        assert ahead.done and ahead.level is app.shelf.entries[0].level, "ready before the hike"
        walks = ahead.run().racers
        assert len(threads) == 1 and threads[0] is not threading.main_thread(), "tuned once, off the UI thread"
        settings = tuning.racer_settings(ahead.level)  # from the cache the worker filled
        assert len(threads) == 1 and all(s.source == tuning.TUNED for s in settings)
        assert [w.hyperparameters for w in walks] == [s.hyperparameters for s in settings]
        await start_hike(pilot)
        await pilot.press("c")  # make camp: the hike is over, the race only scores the player
        await settle(pilot)
        assert on_reveal(app)
        assert app.screen.race.racers is walks


# ---- holding the pace walks straight downhill ------------------------------------------------------


def plan_of(screen):
    from foggymountain.ui.widgets.step_plan import StepPlan

    plan = screen.query_one(StepPlan)
    return str(plan.render()), plan.border_subtitle


def keys_on(screen) -> set[str]:
    return {binding.action for (_, binding, enabled, _) in screen.active_bindings.values() if enabled}


async def type_into(pilot, key: str, text: str) -> None:
    await pilot.press(key)
    await pilot.pause()
    pilot.app.screen.query_one("Input").value = text
    await pilot.press("enter")
    await pilot.pause()


def said(app, title: str) -> str:
    return " ".join(str(n.message) for n in app._notifications if n.title == title)


async def test_a_held_pace_walks_back_downhill_after_an_overshoot_and_turning_holds_the_stride(tmp_path):
    app = app_for(tmp_path, level_file=BOWL)  # x² + 3y² from (-3, 2): a pace of 0.3 overshoots in y
    async with app.run_test(size=SIZE) as pilot:
        screen = await start_hike(pilot)
        hike = screen.hike
        await pilot.press("left", "left")  # a heading of the player's own, 30° off downhill
        await type_into(pilot, "p", "0.3")
        assert hike.holds_pace
        assert "straight downhill" in said(app, "Now holding the pace")
        assert "downhill" not in keys_on(screen)  # `d` has nothing to point: hidden
        for _ in range(3):
            text, verdict = plan_of(screen)
            assert verdict == "✓ straight downhill"
            assert f"heading downhill {hike.heading_degrees:.0f}°" in text
            before, slope = hike.position.copy(), hike.slope.copy()
            await pilot.press("enter")
            np.testing.assert_allclose(hike.position, before - 0.3 * slope, atol=1e-12)
        assert float(hike.displacements[0] @ hike.displacements[1]) < 0  # overshot, then came back
        assert hike.status == Status.WALKING
        stride, walked = hike.planned_stride, hike.heading_degrees
        await pilot.press("left")
        await pilot.pause()
        assert not hike.holds_pace and hike.stride == pytest.approx(stride)
        assert hike.heading_degrees == pytest.approx((walked + 15) % 360)
        assert number(stride) in said(app, "Now holding the stride")
        text, verdict = plan_of(screen)
        assert "heading downhill" not in text and verdict == "15° off downhill"
        assert {"lengthen", "downhill"} <= keys_on(screen) and "quicken" not in keys_on(screen)


async def test_one_dimension_a_held_pace_turns_back_and_facing_holds_the_stride(tmp_path):
    app = app_for(tmp_path, level_file=LINE)  # (x - 1)² from x = -3
    async with app.run_test(size=SIZE) as pilot:
        screen = await start_hike(pilot)
        hike = screen.hike
        await type_into(pilot, "p", "0.7")
        await pilot.press("enter")  # -3 + 5.6 = 2.6: past the floor at 1
        assert hike.position[0] == pytest.approx(2.6) and hike.slope[0] > 0
        text, verdict = plan_of(screen)
        assert "facing downhill ← left (−x)" in text and verdict == "✓ straight downhill"
        await pilot.press("enter")
        assert hike.position[0] == pytest.approx(2.6 - 0.7 * 3.2)
        await pilot.press("left")  # already the way downhill is, but chosen by the player now
        await pilot.pause()
        assert not hike.holds_pace and hike.heading[0] == -1.0
        assert said(app, "Now holding the stride")


def test_a_long_hint_in_an_excerpt_wraps_under_its_own_words():
    from foggymountain.ui.widgets.problem_list import HINT_WIDTH, excerpt_content

    excerpt = ("/x/typo.toml:6:24: error: in height: a function needs brackets: sin(y)\n  |\n"
               '6 | height = "(x - 1)**2 + sin y"\n  |                        ^^^^^\n'
               "  = hint: " + "a function's argument goes in round brackets, " * 3)
    lines = excerpt_content(Path("/x/typo.toml"), excerpt).plain.splitlines()
    hint = next(i for i, line in enumerate(lines) if "= hint:" in line)
    assert lines[0].startswith("typo.toml:6:24: error:")
    assert len(lines) > hint + 1 and all(len(line) <= HINT_WIDTH for line in lines[hint:] if line)
    indent = lines[hint].index("hint:") + len("hint: ")
    assert all(line.startswith(" " * indent) and line[indent] != " " for line in lines[hint + 1:] if line.strip())
