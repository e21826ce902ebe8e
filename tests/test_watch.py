"""Issue 16, point 10 (core): which files `--watch` follows, and which edits change the ground."""

import os
from pathlib import Path

from foggymountain.level import load_level
from foggymountain.watch import same_ground, stamps, watched_files

LEVEL = '''title = "Prices"
briefing = "Fit a line."

[landscape]
kind = "fit"
variables = ["m", "b"]
model = "m*size + b"
target = "price"
data_file = "houses.csv"
bounds = { m = [-5, 5], b = [-5, 5] }
start = { m = 0, b = 0 }

[hike]
budget = 30

[agents.sgd]
learning_rate = 0.1
'''


def _level(folder: Path, text: str = LEVEL, data: str = "size,price\n1,2\n2,4.1\n3,5.9\n"):
    (folder / "houses.csv").write_text(data)
    path = folder / "fit.toml"
    path.write_text(text)
    return load_level(path)


def test_the_data_file_is_watched_with_the_level(tmp_path):
    _level(tmp_path)
    assert watched_files(tmp_path / "fit.toml") == [tmp_path / "fit.toml", (tmp_path / "houses.csv").resolve()]
    (tmp_path / "fit.toml").write_text(LEVEL.replace('"houses.csv"', '"../outside.csv"'))
    assert watched_files(tmp_path / "fit.toml") == [tmp_path / "fit.toml"]  # never a file outside the folder
    (tmp_path / "fit.toml").write_text("title = [broken")
    assert watched_files(tmp_path / "fit.toml") == [tmp_path / "fit.toml"]


def test_stamps_change_when_the_data_file_changes(tmp_path):
    _level(tmp_path)
    files = watched_files(tmp_path / "fit.toml")
    before = stamps(files)
    os.utime(tmp_path / "houses.csv", (1, 1))
    assert stamps(files) != before and stamps([tmp_path / "gone.csv"]) == (0.0,)


def test_words_are_not_ground_but_formula_data_start_and_racers_are(tmp_path):
    old = _level(tmp_path)
    assert same_ground(old, _level(tmp_path, LEVEL.replace("Fit a line.", "Fit a straight line.")))
    assert same_ground(old, _level(tmp_path, LEVEL.replace('title = "Prices"', 'title = "House prices"')))
    assert not same_ground(old, _level(tmp_path, LEVEL.replace("m*size + b", "m*size")))
    assert not same_ground(old, _level(tmp_path, data="size,price\n1,2\n2,4.2\n3,5.9\n"))
    assert not same_ground(old, _level(tmp_path, LEVEL.replace("m = 0, b = 0", "m = 1, b = 0")))
    assert not same_ground(old, _level(tmp_path, LEVEL.replace("learning_rate = 0.1", "learning_rate = 0.2")))
    assert not same_ground(old, _level(tmp_path, LEVEL.replace("budget = 30", "budget = 31")))


# ---- play --watch (Pilot) ----------------------------------------------------------------------

LEVELS = Path(__file__).parent / "levels_ui"
SIZE = (80, 24)


def _watching(tmp_path, text: str):
    from foggymountain.ui.app import make_app

    level = tmp_path / "mine.toml"
    level.write_text(text)
    return level, make_app(player="tester", progress_dir=tmp_path / "progress", level_file=level, watch=True)


async def test_a_briefing_typo_fixed_mid_hike_leaves_the_player_walking(tmp_path):
    from foggymountain.ui.screens.briefing import BriefingScreen
    from foggymountain.ui.screens.hike import HikeScreen
    from pilot_helpers import start_hike

    good = (LEVELS / "01-valley.toml").read_text()
    level, app = _watching(tmp_path, good.replace("Fog everywhere.", "Fog evrywhere."))
    async with app.run_test(size=SIZE) as pilot:
        hike_screen = await start_hike(pilot)
        await pilot.press("enter", "enter")
        steps = hike_screen.hike.steps_used
        level.write_text(good)
        app.shelf.entries[0].mtime -= 1  # a changed mtime, without waiting for the clock
        app._check_files()
        await pilot.pause()
        await pilot.pause()
        assert app.screen is hike_screen and isinstance(app.screen, HikeScreen)
        assert hike_screen.hike.steps_used == steps == 2
        briefing = app.screen_stack[0]
        assert isinstance(briefing, BriefingScreen) and "Fog everywhere." in briefing.entry.level.briefing

        level.write_text(good.replace('height = "(x - 1)**2"', 'height = "(x - 2)**2"'))  # new ground
        app.shelf.entries[0].mtime -= 1
        app._check_files()
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, BriefingScreen)  # the hike no longer matches the map: back to the start


async def test_a_changed_data_file_is_read_again(tmp_path):
    from foggymountain.ui.screens.briefing import BriefingScreen

    (tmp_path / "houses.csv").write_text("size,price\n1,2\n2,4.1\n3,5.9\n")
    level, app = _watching(tmp_path, LEVEL)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        (tmp_path / "houses.csv").write_text("size,price,\n1,2,\n2,4.1,\n")
        os.utime(tmp_path / "houses.csv", (1, 1))
        app._check_files()
        await pilot.pause()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, BriefingScreen) and not screen.entry.ok
        shown = str(screen.query_one("#problems").render())
        assert "houses.csv:1:11" in shown and "column 3 has no name" in shown
        assert "read again as soon as you save it" in shown and "press r" not in shown


def test_without_watch_the_problems_say_press_r(tmp_path):
    from foggymountain.ui.widgets.problem_list import problems_content

    problems = ["x.toml:1:1: bad\n    hint: fix it"]
    assert "press r to read it again" in str(problems_content(Path("x.toml"), problems))
    assert "press r" not in str(problems_content(Path("x.toml"), problems, watched=True))
