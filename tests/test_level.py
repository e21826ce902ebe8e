"""Level files: every malformed or hostile level is refused with FILE:LINE:COL and a hint."""

import re
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from foggymountain.checking import check_level
from foggymountain.level import LevelError, load_level, load_level_text

BROKEN = Path(__file__).parent / "levels_broken"
EXPECTATIONS = [
    line.split("\t") for line in (BROKEN / "expectations.txt").read_text().splitlines() if line and not line.startswith("#")
]

GOOD = """\
title = "Too Big a Step"
chapter = "Step size"
concepts = ["step-size", "overshoot"]
briefing = \"\"\"Walk down.\"\"\"

[landscape]
variables = ["x", "y"]
height = "(x - 1)**2 + 10*(y + 2)**2"
bounds = { x = [-5, 5], y = [-5, 5] }
start = { x = -4, y = 3 }
minimum = { x = 1, y = -2 }

[hike]
budget = 12
goal = 0.05
max_stride = 4.0
show_height = true
noise = 0.0
seed = 7

[agents.sgd]
learning_rate = 0.1
[agents.momentum]
learning_rate = 0.05
momentum = 0.9
[agents.adam]
learning_rate = 0.3
beta1 = 0.9
beta2 = 0.999
"""


def test_every_broken_kind_is_covered():
    names = {name for name, _, _ in EXPECTATIONS}
    assert names == {p.name for p in BROKEN.glob("*.toml")}


@pytest.mark.parametrize("name,line,text", EXPECTATIONS, ids=[e[0] for e in EXPECTATIONS])
def test_broken_level_is_refused_with_its_place(name, line, text):
    start = time.perf_counter()
    problems = check_level(BROKEN / name)
    elapsed = time.perf_counter() - start
    assert problems, f"{name} was accepted"
    assert any(p.line == int(line) and text in p.message + p.hint for p in problems), [str(p) for p in problems]
    for problem in problems:
        # at the level file, or at the CSV it names (then line and column are the CSV's)
        path = problem.path if problem.path.endswith(".csv") else str(BROKEN / name)
        assert str(problem).startswith(f"{path}:{problem.line}:{problem.col}: ")
        assert problem.hint
    assert elapsed < 1.0


def test_check_command_exits_1_and_never_shows_a_traceback():
    run = subprocess.run([sys.executable, "-m", "foggymountain", "check", str(BROKEN)],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 1
    assert "Traceback" not in run.stdout + run.stderr
    for name, _, _ in EXPECTATIONS:
        data_file = re.search(r'data_file = "([^"]+)"', (BROKEN / name).read_text(errors="replace"))
        csv_name = Path(data_file.group(1)).name if data_file else None
        assert f"{name}:" in run.stdout or f"{csv_name}:" in run.stdout, name


def test_good_level_loads_with_every_documented_key(tmp_path):
    path = tmp_path / "good.toml"
    path.write_text(GOOD)
    level = load_level(path)
    assert level.title == "Too Big a Step" and level.budget == 12 and level.goal == 0.05
    assert level.variables == ("x", "y") and level.max_stride == 4.0 and level.seed == 7
    assert [r.name for r in level.racers] == ["sgd", "momentum", "adam"]
    assert level.racers[1].hyperparameters["momentum"] == 0.9
    np.testing.assert_allclose(level.minimum.point, [1, -2])
    # Sound, but 12 steps with a stride capped at 4 are too few even for tuned racers: a warning.
    (warning,) = check_level(path)
    assert warning.is_warning and warning.message.startswith("nobody reaches the goal (height <= 0.05) within 12 steps")


def test_all_problems_are_reported_at_once(tmp_path):
    text = GOOD.replace("budget = 12", "budget = 0").replace("noise = 0.0", "noise = -1").replace("x = -4, y = 3", "x = -4, y = 30")
    with pytest.raises(LevelError) as err:
        load_level_text(text, tmp_path / "l.toml")
    lines = sorted(p.line for p in err.value.problems)
    assert lines == [10, 14, 18]


def test_formula_errors_point_into_multiline_strings(tmp_path):
    text = GOOD.replace('height = "(x - 1)**2 + 10*(y + 2)**2"', 'height = """\n(x - 1)**2\n  + 10*(y + 2)**2 + q\n"""')
    with pytest.raises(LevelError) as err:
        load_level_text(text, tmp_path / "l.toml")
    (problem,) = err.value.problems
    assert (problem.line, problem.col) == (10, 21) and "'q'" in problem.message


def test_defaults_without_agents_race_sgd_momentum_adam(tmp_path):
    text = GOOD.split("[agents.sgd]")[0].replace("goal = 0.05\n", "")
    level = load_level_text(text, tmp_path / "l.toml")
    assert [r.name for r in level.racers] == ["sgd", "momentum", "adam"]
    # default goal: 5% of the way from the floor to the start height
    assert level.goal == pytest.approx(0.05 * level.start_height, rel=1e-6)


def test_fit_level_with_data_file(tmp_path):
    (tmp_path / "houses.csv").write_text("size,price\n1,2.1\n2,3.9\n3,6.2\n4,7.8\n")
    text = """title = "Fit"\nbriefing = "b"\n[landscape]\nkind = "fit"\nvariables = ["m", "b"]\nmodel = "m*size + b"
target = "price"\ndata_file = "houses.csv"\nbounds = { m = [-5, 5], b = [-5, 5] }\nstart = { m = 0, b = 0 }\n[hike]\nbudget = 20\n"""
    (tmp_path / "fit.toml").write_text(text)
    level = load_level(tmp_path / "fit.toml")
    m, b = np.polyfit([1, 2, 3, 4], [2.1, 3.9, 6.2, 7.8], 1)
    np.testing.assert_allclose(level.minimum.point, [m, b], atol=1e-3)


def test_csv_errors_name_the_csv_place(tmp_path):
    (tmp_path / "d.csv").write_text("size,price\n1,2\n2,oops\n")
    text = """title = "Fit"\nbriefing = "b"\n[landscape]\nkind = "fit"\nvariables = ["m"]\nmodel = "m*size"
target = "price"\ndata_file = "d.csv"\nbounds = { m = [-5, 5] }\nstart = { m = 0 }\n[hike]\nbudget = 20\n"""
    (tmp_path / "fit.toml").write_text(text)
    (problem,) = check_level(tmp_path / "fit.toml")
    assert problem.path.endswith("d.csv") and (problem.line, problem.col) == (3, 3)


def test_next_token_level_has_exact_slopes(tmp_path):
    text = """title = "Words"\nbriefing = "b"\n[landscape]\nkind = "next-token"\ncorpus = "the cat sat. the dog sat."\nprompts = ["the"]\n[hike]\nbudget = 5\n"""
    level = load_level_text(text, tmp_path / "w.toml")
    landscape = level.landscape
    rng = np.random.default_rng(0)
    point = rng.normal(size=len(level.variables))
    height, slope = landscape.height_and_slope(point)
    h = 1e-6
    numeric = [(landscape.height(point + h * e) - landscape.height(point - h * e)) / (2 * h) for e in np.eye(len(point))]
    np.testing.assert_allclose(slope, numeric, atol=1e-7)
    assert landscape.predict(point, "the")[0][0] in ("cat", "dog", "sat", "the", ".")


def test_crlf_files_get_the_same_columns(tmp_path):
    text = GOOD.replace('height = "(x - 1)**2 + 10*(y + 2)**2"', 'height = """\n(x - 1)**2\n  + 10*(y + 2)**2 + zz\n"""')
    for newline in ("\n", "\r\n"):
        path = tmp_path / "crlf.toml"
        path.write_bytes(text.replace("\n", newline).encode())
        (problem,) = check_level(path)
        assert (problem.line, problem.col) == (10, 21), newline


def test_a_byte_order_mark_is_not_content(tmp_path):
    path = tmp_path / "bom.toml"
    path.write_bytes(b"\xef\xbb\xbf" + GOOD.encode())
    assert [p for p in check_level(path) if not p.is_warning] == []
    (tmp_path / "d.csv").write_bytes(b"\xef\xbb\xbfsize,price\n1,2\n2,4.1\n")
    text = """title = "Fit"\nbriefing = "b"\n[landscape]\nkind = "fit"\nvariables = ["m"]\nmodel = "m*size"
target = "price"\ndata_file = "d.csv"\nbounds = { m = [-5, 5] }\nstart = { m = 0 }\n[hike]\nbudget = 20\n"""
    (tmp_path / "fit.toml").write_text(text)
    assert [p for p in check_level(tmp_path / "fit.toml") if not p.is_warning] == []


def test_a_huge_integer_setting_is_a_problem_not_a_crash(tmp_path):
    path = tmp_path / "huge.toml"
    path.write_text(GOOD.replace("learning_rate = 0.1", "learning_rate = 1" + "0" * 400))
    (problem,) = check_level(path)
    assert problem.line == 22 and "learning_rate" in problem.message


def test_an_unclosed_string_points_where_it_opens(tmp_path):
    path = tmp_path / "open.toml"
    path.write_text('title = "T"\nbriefing = """\nA long walk.\n[hike]\nbudget = 3\n')
    (problem,) = check_level(path)
    assert (problem.line, problem.col) == (2, 12) and problem.message == "this string is never closed"
