"""The game's first frame is drawn from the levels' prefaces (issue 14, "fast launch"): the level
select and a briefing show each level's own words before numpy, the level loader or the other
screens are imported; the levels load in a worker after that frame and every screen shows them
then. What a player does meanwhile (a key, Enter on a level) is not lost."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from textual.widgets import Markdown, OptionList, Static

from foggymountain.preface import read_preface
from foggymountain.shelf import Shelf
from foggymountain.ui.app import make_app
from foggymountain.ui.screens.briefing import BriefingScreen
from foggymountain.ui.screens.hike import HikeScreen
from foggymountain.ui.screens.level_select import LevelSelectScreen

LEVELS = Path(__file__).parent.parent / "levels"

PROBE = """
import sys
from foggymountain.ui.app import make_app
app = make_app({where}, progress_dir={progress!r}, prefaces_first=True)
assert all(e.pending for e in app.shelf.entries), "levels loaded before the first frame"
screen = app.get_default_screen()
print("SCREEN:" + type(screen).__name__)
print("HEAVY:" + ",".join(sorted(name for name in ("numpy", "foggymountain.level", "foggymountain.hike",
                                                     "foggymountain.race", "markdown_it") if name in sys.modules)))
"""


@pytest.mark.parametrize("where, screen, allowed", [
    ("levels_dir=None", "LevelSelectScreen", ""),
    # `play FILE` opens on the briefing, whose story is Markdown: markdown-it, but no numpy.
    (f"level_file={str(LEVELS / '01-downhill.toml')!r}", "BriefingScreen", "markdown_it"),
])
def test_the_first_screen_imports_no_numpy_and_loads_no_level(tmp_path, where, screen, allowed):
    done = subprocess.run([sys.executable, "-c", PROBE.format(where=where, progress=str(tmp_path))],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr[-1500:]
    assert f"SCREEN:{screen}" in done.stdout
    assert f"HEAVY:{allowed}" in done.stdout.splitlines(), done.stdout


def test_a_preface_is_the_levels_own_words_made_safe(tmp_path):
    level = tmp_path / "hostile.toml"
    level.write_text('title = "[b]Bold[/b] \\u001b[31mred"\nchapter = "One"\nconcepts = ["slope", "nonsense"]\n'
                     'briefing = "Walk.\\u001b]0;pwned\\u0007"\n[landscape]\n', encoding="utf-8")
    preface = read_preface(level)
    assert preface is not None
    assert preface.title == "[b]Bold[/b] \\x1b[31mred"  # markup stays text (shown as Content), escapes visible
    assert "\x1b" not in preface.briefing and "\x07" not in preface.briefing
    assert preface.concepts == ()  # one unknown concept: the loader names it; the preface claims none
    assert preface.chapter == "One"


def test_a_file_whose_preface_cannot_be_read_is_its_file_name_until_loaded(tmp_path):
    (tmp_path / "01-fine.toml").write_text((LEVELS / "01-downhill.toml").read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "02-broken.toml").write_text('title = "unclosed\n', encoding="utf-8")
    os.mkfifo(tmp_path / "03-fifo.toml")
    shelf = Shelf(folder=tmp_path, prefaces_first=True)
    assert [e.title for e in shelf.entries] == ["Downhill", "02-broken", "03-fifo"]
    assert all(e.pending and not e.ok for e in shelf.entries)
    placed = shelf.put(shelf.load_pending())
    assert len(placed) == 3 and not shelf.pending
    assert [e.ok for e in shelf.entries] == [True, False, False]
    assert "02-broken.toml:1:" in shelf.entries[1].problems[0]


def test_an_entry_read_again_meanwhile_keeps_its_newer_version(tmp_path):
    (tmp_path / "01-a.toml").write_text((LEVELS / "01-downhill.toml").read_text(encoding="utf-8"), encoding="utf-8")
    shelf = Shelf(folder=tmp_path, prefaces_first=True)
    loaded = shelf.load_pending()  # the worker
    newer = shelf.reload_entry(shelf.entries[0])  # the player pressed r meanwhile
    assert shelf.put(loaded) == []
    assert shelf.entries == [newer]


class HeldLoading:
    """Holds `Shelf.load_pending` (the worker) until the test lets it go."""

    def __init__(self, monkeypatch) -> None:
        self.go = threading.Event()
        load = Shelf.load_pending

        def held(shelf):
            assert self.go.wait(30), "the test never let the levels load"
            return load(shelf)

        monkeypatch.setattr(Shelf, "load_pending", held)


async def wait_for(pilot, condition, seconds: float = 30.0) -> None:
    for _ in range(int(seconds / 0.02)):
        if condition():
            return
        await pilot.pause(0.02)
    raise AssertionError("timed out waiting for the game")


async def test_the_level_select_shows_prefaces_then_the_loaded_levels(tmp_path, monkeypatch):
    held = HeldLoading(monkeypatch)
    app = make_app(levels_dir=LEVELS, player="tester", progress_dir=tmp_path, prefaces_first=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        select = app.screen
        assert isinstance(select, LevelSelectScreen)
        listed = select.query_one("#levels", OptionList)
        lines = [str(listed.get_option_at_index(i).prompt) for i in range(listed.option_count)]
        assert "First steps" in lines[0] and "Downhill" in lines[1] and "✗" not in "".join(lines)
        card = str(select.query_one("#level-card", Static).render())
        assert "Downhill" in card and "reading the level…" in card
        assert "the sign of the slope" in card  # its lessons, from the preface
        held.go.set()
        await wait_for(pilot, lambda: not app.shelf.pending)
        await pilot.pause()
        card = str(select.query_one("#level-card", Static).render())
        assert "reading the level" not in card and "a line, 1 direction" in card and "8 steps" in card


async def test_enter_before_the_levels_load_opens_the_briefing_and_starts_once_loaded(tmp_path, monkeypatch):
    held = HeldLoading(monkeypatch)
    app = make_app(levels_dir=LEVELS, player="tester", progress_dir=tmp_path, prefaces_first=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("enter")  # the first level, still only its preface
        await wait_for(pilot, lambda: isinstance(app.screen, BriefingScreen))
        briefing = app.screen
        assert briefing.entry.pending
        story = briefing.query_one("#briefing-markdown", Markdown)
        await wait_for(pilot, lambda: "Thick fog" in str(story.source))
        assert "reading the level…" in str(briefing.query_one("#facts", Static).render())
        await pilot.press("enter")  # start: remembered until the level is loaded
        await pilot.pause(0.1)
        assert app.screen is briefing
        held.go.set()
        await wait_for(pilot, lambda: isinstance(app.screen, HikeScreen))
        assert app.screen.hike.level.title == "Downhill"


async def test_play_file_opens_on_its_briefing_from_the_preface(tmp_path, monkeypatch):
    held = HeldLoading(monkeypatch)
    app = make_app(level_file=LEVELS / "10-ravine.toml", player="tester", progress_dir=tmp_path,
                   prefaces_first=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        briefing = app.screen
        assert isinstance(briefing, BriefingScreen) and briefing.entry.pending
        assert app.title == "Foggy Mountain" and briefing.title == "The ravine"
        held.go.set()
        await wait_for(pilot, lambda: app.screen.entry.ok if isinstance(app.screen, BriefingScreen) else False)
        await pilot.pause()
        facts = str(app.screen.query_one("#facts", Static).render())
        assert "a map: 2 directions" in facts
