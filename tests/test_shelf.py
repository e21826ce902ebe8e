"""The levels on offer and the score book, in core: loaded, reloaded, watched, never a crash."""

from __future__ import annotations

import logging
import os
import shutil
from pathlib import Path

from foggymountain import level as level_module
from foggymountain.hike import Hike
from foggymountain.race import race
from foggymountain.scorebook import ScoreBook
from foggymountain.shelf import Shelf, load_entry

LEVELS = Path(__file__).parent / "levels_ui"


def test_a_folder_in_order_with_its_broken_level_as_problems():
    shelf = Shelf(folder=LEVELS)
    assert [e.path.name for e in shelf.entries] == ["01-valley.toml", "02-bowl.toml", "03-words.toml", "04-broken.toml"]
    broken = shelf.entries[-1]
    assert not broken.ok and any("budget" in p for p in broken.problems) and broken.title == "04-broken"
    assert not shelf.single and shelf.problem == ""
    first, second = shelf.entries[0], shelf.entries[1]
    assert shelf.after(first.level) is second and not shelf.is_last(first.level)
    assert shelf.entry_of(second.level) is second


def test_one_file_is_a_single_shelf_with_no_next_level():
    shelf = Shelf(file=LEVELS / "02-bowl.toml")
    assert shelf.single and len(shelf.entries) == 1 and shelf.after(shelf.entries[0].level) is None


def test_a_missing_folder_says_why():
    shelf = Shelf(folder=Path("/no/such/folder"))
    assert shelf.entries == [] and "no such folder" in shelf.problem


def test_a_bug_while_loading_is_a_problem_and_is_logged(monkeypatch, caplog):
    def crash(path):
        raise RuntimeError("a bug of ours")

    monkeypatch.setattr(level_module, "load_level", crash)  # load_entry imports it when it loads
    with caplog.at_level(logging.ERROR, logger="foggymountain"):
        entry = load_entry(LEVELS / "01-valley.toml")
    assert not entry.ok and "internal error while loading: RuntimeError: a bug of ours" in entry.problems[0]
    assert any("01-valley.toml" in r.getMessage() and r.exc_info for r in caplog.records)


def test_watching_sees_a_changed_file_and_a_new_one(tmp_path):
    folder = tmp_path / "pack"
    folder.mkdir()
    shutil.copy(LEVELS / "01-valley.toml", folder)
    shelf = Shelf(folder=folder)
    assert shelf.changed_files() == (False, [])
    old = shelf.entries[0]
    os.utime(old.path, (old.mtime + 5, old.mtime + 5))
    added, changed = shelf.changed_files()
    assert not added and [(o, f.path) for o, f in changed] == [(old, old.path)] and shelf.entries[0] is changed[0][1]
    shutil.copy(LEVELS / "02-bowl.toml", folder)
    assert shelf.changed_files()[0] and len(shelf.entries) == 2


def test_the_score_book_records_and_shows_stars(tmp_path):
    level = Shelf(file=LEVELS / "02-bowl.toml").entries[0].level
    book = ScoreBook("ada", progress_dir=tmp_path / "progress", results_dir=tmp_path / "results")
    assert book.stars(level) == 0 and book.best(level) is None and book.take_warnings() == []
    hike = Hike(level)
    for _ in range(level.budget):
        hike.point_downhill()
        hike.step()
        if hike.over:
            break
    result = race(level, hike)
    book.record(result)
    assert book.stars(level) == result.stars and book.best(level)["steps"] == hike.steps_used
    assert len(list((tmp_path / "results").glob("*.json"))) == 1


def test_a_progress_folder_that_cannot_be_made_leaves_the_game_playable(tmp_path, caplog):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    with caplog.at_level(logging.ERROR, logger="foggymountain"):
        book = ScoreBook("ada", progress_dir=blocker / "progress")
    entry = Shelf(file=LEVELS / "02-bowl.toml").entries[0]
    assert book.progress is None and book.stars(entry) == 0 and book.best(entry) is None
    warnings = book.take_warnings()
    assert len(warnings) == 1 and "progress could not be loaded" in warnings[0] and book.take_warnings() == []
    assert caplog.records
