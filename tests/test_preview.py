"""`foggymountain preview`: the reveal as text, for 1, 2 and many variables, plain or coloured."""

import re
from pathlib import Path

import pytest

from foggymountain import preview, templates
from foggymountain.cli import main
from foggymountain.level import load_level
from foggymountain.race import race

ANSI = re.compile(r"\x1b\[[0-9;]*m")


def _level(tmp_path: Path, kind: str = "function", text: str | None = None):
    path = tmp_path / f"{kind}.toml"
    path.write_text(text if text is not None else templates.render(kind, f"A {kind} level", path.name))
    return path


ONE_D = """
title = "A line"
briefing = "b"
[landscape]
variables = ["x"]
height = "(x - 2)**2"
bounds = { x = [-5, 5] }
start = { x = -3 }
[hike]
budget = 6
[agents.sgd]
learning_rate = 0.3
[agents.adam]
learning_rate = 1.0
"""


def test_a_2d_map_has_the_trails_the_start_the_floor_and_a_legend(tmp_path):
    result = race(load_level(_level(tmp_path)))
    text = preview.render(result, width=60, height=16, color=False)
    lines = text.splitlines()
    assert not ANSI.search(text)
    picture = [line for line in lines if " |" in line]
    assert len(picture) == 16 and all(len(line) <= 60 for line in picture)
    body = "".join(line.split(" |", 1)[1] for line in picture)
    assert "o" in body and "*" in body
    for glyph in "SMA":
        assert glyph in body, glyph
    assert "racers (optimizers): S SGD  M Momentum  A Adam" in text
    assert "ground: low" in text
    scoreboard = lines[lines.index(next(line for line in lines if "final height" in line)):]
    assert [row.split()[1] for row in scoreboard[1:4]] == [w.label for w in result.ranking]
    assert "winner: " + result.winner.label in text


def test_the_start_is_drawn_where_the_level_starts(tmp_path):
    level = load_level(_level(tmp_path))
    text = preview.render(race(level), width=52, height=12)
    picture = [line.split(" |", 1)[1] for line in text.splitlines() if " |" in line]
    row = next(i for i, line in enumerate(picture) if "o" in line)
    column = picture[row].index("o")
    (x_low, x_high), (y_low, y_high) = level.landscape.bounds
    x, y = level.start
    assert column == int((x - x_low) / (x_high - x_low) * len(picture[row]))
    assert row == int((y_high - y) / (y_high - y_low) * len(picture))


def test_colour_uses_256_colour_half_blocks(tmp_path):
    text = preview.render(race(load_level(_level(tmp_path))), width=50, height=10, color=True)
    assert "\x1b[0;38;5;" in text and "\u2580" in text
    plain = ANSI.sub("", text)
    picture = [line for line in plain.splitlines() if " |" in line]
    assert len(picture) == 10  # two map rows per line


def test_a_1d_level_is_a_curve_with_the_racers_on_it(tmp_path):
    result = race(load_level(_level(tmp_path, "line", ONE_D)))
    text = preview.render(result, width=60, height=12)
    picture = "".join(line.split(" |", 1)[1] for line in text.splitlines() if " |" in line)
    assert "." in picture and "o" in picture and "*" in picture and "S" in picture and "A" in picture
    assert "height (loss)" in text


@pytest.mark.parametrize("kind", ["fit", "next-token"])
def test_more_dimensions_or_data_levels_render(tmp_path, kind):
    result = race(load_level(_level(tmp_path, kind)))
    text = preview.render(result, width=70, height=12)
    if result.level.dimensions > 2:
        assert "over steps" in text and "weights" in text
    assert "winner:" in text


def test_glyphs_are_distinct_even_for_similar_names(tmp_path):
    text = ONE_D.replace("[agents.adam]", "[agents.adagrad]\nlearning_rate = 0.5\n[agents.adamw]\nlearning_rate = 0.5\n[agents.adam]")
    result = race(load_level(_level(tmp_path, "line", text)))
    glyphs = [m.glyph for m in preview.markers(result)]
    assert len(set(glyphs)) == len(glyphs) and not {"O", "X"} & set(glyphs)


def test_the_command_is_plain_when_not_a_terminal_and_honours_sizes(tmp_path, capsys, monkeypatch):
    path = _level(tmp_path)
    assert main(["preview", str(path), "--width", "50", "--height", "8"]) == 0
    out = capsys.readouterr().out
    assert not ANSI.search(out)
    assert len([line for line in out.splitlines() if " |" in line]) == 8

    monkeypatch.setattr("sys.stdout.isatty", lambda: True, raising=False)
    monkeypatch.setenv("NO_COLOR", "1")
    assert main(["preview", str(path), "--width", "50", "--height", "8"]) == 0
    assert not ANSI.search(capsys.readouterr().out)


def test_a_broken_level_is_problems_not_a_traceback(tmp_path, capsys):
    path = tmp_path / "broken.toml"
    path.write_text('title = "x"\n')
    assert main(["preview", str(path)]) == 1
    err = capsys.readouterr().err
    assert f"{path}:1:1:" in err and "Traceback" not in err
