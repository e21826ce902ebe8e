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
