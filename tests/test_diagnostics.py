"""Issue 16: problems shown the way rustc and Elm show them, warnings for levels nobody can win,
built-in levels by name.

Each `tests/diagnostics/NAME.toml` is a level with one mistake (or one doubt); `NAME.expected` is
exactly what `foggymountain check -q NAME.toml` prints for it: the location line, the excerpt with
carets under the spot, the hint. To regenerate after an intended change, run with
FOGGY_UPDATE_EXPECTED=1 and read the diff.
"""

import io
import os
from pathlib import Path

import pytest

from foggymountain.cli import main
from foggymountain.diagnostics import Problem, Sources, Span, printable, render, use_color
from foggymountain.terrain.expression import ExpressionError, parse

FIXTURES = Path(__file__).parent / "diagnostics"
CASES = sorted(p.name for p in FIXTURES.glob("*.toml"))


@pytest.mark.parametrize("name", CASES)
def test_check_prints_the_expected_excerpt(name, monkeypatch, capsys):
    monkeypatch.chdir(FIXTURES)
    code = main(["check", "-q", name])
    out, err = capsys.readouterr()
    expected = FIXTURES / name.replace(".toml", ".expected")
    if os.environ.get("FOGGY_UPDATE_EXPECTED"):
        expected.write_text(out)
    assert out == expected.read_text()
    assert "Traceback" not in out + err and "\x1b" not in out
    warnings_only = name.startswith("warning-")
    assert code == (0 if warnings_only else 1)
    assert (" warning: " in out) == warnings_only and (" error: " in out) != warnings_only


def test_every_fixture_has_its_expected_output():
    expected = {p.name.replace(".expected", ".toml") for p in FIXTURES.glob("*.expected")}
    assert expected == set(CASES)


def test_strict_makes_warnings_count(monkeypatch, capsys):
    monkeypatch.chdir(FIXTURES)
    assert main(["check", "warning-par.toml"]) == 0
    assert capsys.readouterr().err == "1 of 1 level sound; 1 warning\n"
    assert main(["check", "--strict", "warning-par.toml"]) == 1
    assert capsys.readouterr().err == "0 of 1 level sound; 1 warning\n"


def test_short_form_is_one_line_and_its_hint(monkeypatch, capsys):
    monkeypatch.chdir(FIXTURES)
    assert main(["check", "-q", "--short", "formula-bracket-never-closed.toml"]) == 1
    assert capsys.readouterr().out == (
        "formula-bracket-never-closed.toml:6:14: in height: this bracket is never closed\n"
        "    hint: close it: sin(x + y**2)\n"
    )


def test_the_campaign_is_sound_even_strictly(capsys):
    assert main(["check", "-q", "--strict"]) == 0


# ---- the renderer ---------------------------------------------------------------------------


class _Terminal(io.StringIO):
    def isatty(self):
        return True


def test_colour_only_on_a_terminal_and_never_with_no_color(monkeypatch):
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert use_color(_Terminal()) and not use_color(io.StringIO())
    monkeypatch.setenv("NO_COLOR", "1")
    assert not use_color(_Terminal())
    problem = Problem("f.toml", 1, 5, "bad", "fix it")
    sources = Sources({"f.toml": "a = bad\n"})
    assert "\x1b[1;31merror:" in render(problem, sources, color=True)
    assert "\x1b" not in render(problem, sources, color=False)


def test_excerpt_of_two_places_with_tabs_wide_characters_and_escape_sequences():
    text = "[hike]\n\tbudget = 3\nnote = \"\x1b[2J日本\"\nbudget = 4\n"
    problem = Problem("f.toml", 4, 1, "'budget' is set twice", "keep one", length=6, label="again",
                      related=(Span(2, 2, 6, "first"),))
    assert render(problem, Sources({"f.toml": text})) == (
        "f.toml:4:1: error: 'budget' is set twice\n"
        "  |\n"
        "2 |     budget = 3\n"
        "  |     ------ first\n"
        "3 | note = \"\ufffd[2J日本\"\n"
        "4 | budget = 4\n"
        "  | ^^^^^^ again\n"
        "  = hint: keep one"
    )
    wide = Problem("f.toml", 3, 13, "wide", length=2)  # the carets sit under 日本, two columns each
    assert render(wide, Sources({"f.toml": text})).splitlines()[3] == "  |" + " " * 13 + "^^^^"


def test_a_problem_about_the_whole_file_has_no_excerpt():
    problem = Problem("big.toml", 1, 1, "the file is too large", "make it smaller", length=0)
    assert render(problem, Sources({"big.toml": "x = 1\n"})) == (
        "big.toml:1:1: error: the file is too large\n  = hint: make it smaller"
    )


def test_control_characters_from_files_never_reach_the_terminal():
    assert printable("a\x1b[31mb\x07c\td\n") == "a\ufffd[31mb\ufffdc\td\n"


# ---- formulas: the offending token, in the game's words ---------------------------------------

FORMULAS = [
    # formula, offset, length, message, hint
    ("(x - 1)**2 + sin x", 13, 5, "a function needs brackets: sin(x)", "a function's argument goes in round brackets, as in sqrt(x**2 + 1)"),
    ("exp -x", 0, 3, "a function needs brackets: exp(x)", "a function's argument goes in round brackets, as in sqrt(x**2 + 1)"),
    ("sin(x + y**2", 3, 1, "this bracket is never closed", "close it: sin(x + y**2)"),
    ("((x)", 0, 1, "this bracket is never closed", "close it: ((x))"),
    ("(x))", 3, 1, "this bracket closes nothing", "remove it, or add the '(' it closes"),
    ("2x", 1, 1, "a multiplication needs '*' between its two sides", "write 2*x"),
    ("x**2 + 3y", 8, 1, "a multiplication needs '*' between its two sides", "write 3*y"),
    ("(y + 1)(y - 1)", 7, 7, "a multiplication needs '*' between its two sides", "write (y + 1)*(y - 1)"),
    ("2(x + 1)", 1, 7, "a multiplication needs '*' between its two sides", "write 2*(x + 1)"),
    ("x(y + 1)", 1, 7, "'x' is not a function: a multiplication needs '*'", "write x*(y + 1)"),
    ("x y", 2, 1, "a multiplication needs '*' between its two sides", "write x*y"),
    ("x**2 +", 5, 1, "'+' needs something on its right", "write a value after '+', or remove it"),
    ("* x", 0, 1, "'*' needs something on its left", "write a value before '*', or remove it"),
    ("x + * y", 4, 1, "two operators in a row: '+' then '*'", "remove one of them"),
    ("0,5*x", 1, 1, "a comma in a number", "the decimal point is a dot: write 0.5"),
    ("() + x", 0, 2, "empty brackets", "put a formula between them, or remove them"),
    ("y = x**2", 2, 1, "'=' does not belong in a formula", 'write only the right-hand side, like height = "x**2"'),
    ("x**2 + zz", 7, 2, "unknown name 'zz'", "declare it in [landscape] variables (or as a data column)"),
]


@pytest.mark.parametrize("text,offset,length,message,hint", FORMULAS, ids=[f[0] for f in FORMULAS])
def test_formula_mistakes_point_at_the_token(text, offset, length, message, hint):
    with pytest.raises(ExpressionError) as err:
        parse(text, ["x", "y"])
    assert (err.value.offset, err.value.length, err.value.message, err.value.hint) == (offset, length, message, hint)


# ---- built-in levels by name, mistyped commands -------------------------------------------------


def test_builtin_levels_open_by_name_number_or_stem(capsys):
    for name in ("downhill", "01-downhill", "1", "01-downhill.toml"):
        assert main(["race", name]) == 0
        assert capsys.readouterr().out.startswith("Downhill  (function, 1 variable")
    assert main(["check", "-q", "ravine", "10"]) == 0
    assert main(["race", "ravin"]) == 1
    assert capsys.readouterr().err == (
        "ravin:1:1: error: no such file, folder or built-in level\n"
        "  = hint: did you mean the built-in level 'ravine'? check the path; "
        "`foggymountain levels` lists the built-in levels\n"
    )


def test_levels_lists_the_campaign_with_its_names(capsys):
    assert main(["levels"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("First steps\n   1  downhill        Downhill\n   2  pace            Finding your pace\n")
    from foggymountain.campaign import builtin_levels

    assert "  10  ravine          " in out and out.count("\n  ") == len(builtin_levels()) >= 20


def test_a_mistyped_command_gets_did_you_mean(capsys):
    assert main(["chek", "x.toml"]) == 2
    assert capsys.readouterr().err.startswith("foggymountain: unknown command 'chek'\n    hint: did you mean 'check'?")
    assert main(["prevew", "ravine"]) == 2
    assert "did you mean 'preview'?" in capsys.readouterr().err


def test_the_excerpts_in_docs_are_what_check_prints():
    docs = (Path(__file__).parent.parent / "docs" / "levels.md").read_text()
    import re

    shown = re.findall(r"<!-- excerpt: ([\w-]+) -->\n```\n(.*?)```\n", docs, re.DOTALL)
    assert len(shown) == 3
    for name, block in shown:
        assert block == (FIXTURES / f"{name}.expected").read_text().rstrip("\n") + "\n", name


def test_a_level_name_close_to_a_command_is_the_level(capsys):
    assert main(["pace"]) == 2  # the built-in level "pace", not "did you mean 'pack'?"
    assert capsys.readouterr().err.startswith("foggymountain play needs a terminal")


@pytest.mark.parametrize("argv", [["chek", "x.toml"], ["levels"]])
def test_mistyped_commands_and_levels_answer_without_numpy(argv):
    import subprocess
    import sys

    probe = ("import sys\nfrom foggymountain.cli import main\nmain(%r)\n"
             "print(sorted(n for n in ('numpy', 'textual') if n in sys.modules))" % (argv,))
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert done.stdout.splitlines()[-1] == "[]", done.stderr[-500:]


@pytest.mark.parametrize("text,hint", [
    ("xy + 1", "did you mean 'y'? or, to multiply, write x*y"),
    ("x2 + y", "write x**2 for a power, x*2 for a product, or declare 'x2' in [landscape] variables"),
    ("pix", "did you mean 'pi'? or, to multiply, write pi*x"),
    ("xyz", "declare it in [landscape] variables (or as a data column)"),
])
def test_names_written_side_by_side_get_the_product_as_hint(text, hint):
    with pytest.raises(ExpressionError) as err:
        parse(text, ["x", "y"])
    assert err.value.hint == hint and err.value.message.startswith("unknown name")


def test_mangled_levels_get_messages_never_tracebacks():
    """Random deletions, insertions and repeated lines in a good level: every one is refused with
    problems that render, or loads; `toml_problem` is called without its safety net."""
    import random
    from unittest import mock

    from foggymountain import level as level_module
    from foggymountain import toml_places
    from foggymountain.level import LevelError, load_level_text
    from test_level import GOOD

    rng = random.Random(16)
    pieces = list("()[]{}=\"',.*+-/^ \n\tx2e_\\;:#") + ["sin", "**", '"""', "[hike]", "\x1b"]
    with mock.patch.object(level_module, "toml_problem", toml_places._explain):
        for _ in range(300):
            text = GOOD
            for _ in range(rng.randint(1, 3)):
                k = rng.randrange(len(text))
                kind = rng.random()
                if kind < 0.4:
                    text = text[:k] + text[k + 1:]
                elif kind < 0.8:
                    text = text[:k] + rng.choice(pieces) + text[k:]
                else:
                    lines = text.split("\n")
                    lines.insert(rng.randrange(len(lines)), rng.choice(lines))
                    text = "\n".join(lines)
            try:
                load_level_text(text, Path("f.toml"))
            except LevelError as err:
                for problem in err.problems:
                    shown = render(problem, Sources({"f.toml": text}))
                    assert problem.line >= 1 and problem.col >= 1 and "\x1b" not in shown


def test_play_names_a_builtin_level_or_says_which_is_close(capsys):
    assert main(["play", "ravin"]) == 2
    assert "did you mean the built-in level 'ravine'?" in capsys.readouterr().err
    assert main(["play", "10"]) == 2  # found: refused only for want of a terminal here
    assert capsys.readouterr().err.startswith("foggymountain play needs a terminal")


def test_the_one_line_form_is_printable_too():
    problem = Problem("evil\x1b[2J.toml", 1, 1, "unknown key 'a\x07'", "did you mean '\x1b]0;x'?")
    assert "\x1b" not in str(problem) and "\x07" not in str(problem)
