"""Files from strangers (issue 13): each kind of hostile input, in every command and in the game.

The kinds: markup and actions in text; terminal escapes; files that are not regular files; work
without a bound; numbers that crash; data files outside their place; progress and result files;
the command palette; look-alike player names. Malformed levels with their messages are in
`levels_broken/` (test_level.py); hostile-but-valid levels are in `levels_hostile/`.
"""

from __future__ import annotations

import asyncio
import csv
import io
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from foggymountain.checking import check_level
from foggymountain.cli import main
from foggymountain.level import LevelError, load_level
from foggymountain.progress import Progress
from foggymountain.results import load_results, write_result
from foggymountain.safe_text import is_unsafe
from foggymountain.ui.app import make_app

from pilot_helpers import settle

HOSTILE = Path(__file__).parent / "levels_hostile"
HOSTILE_LEVELS = sorted(HOSTILE.glob("0*.toml"))

GOOD = """\
title = "Good"
briefing = "b"
[landscape]
variables = ["x", "y"]
height = "x**2 + y**2"
bounds = { x = [-2, 2], y = [-2, 2] }
start = { x = 1, y = 1 }
[hike]
budget = 5
"""

FIT = """\
title = "Fit"
briefing = "b"
[landscape]
kind = "fit"
variables = ["m", "b"]
model = "m*size + b"
target = "price"
data_file = "{name}"
bounds = {{ m = [-5, 5], b = [-5, 5] }}
start = {{ m = 0, b = 0 }}
[hike]
budget = 10
"""


def controls(text: str) -> list[str]:
    """The control characters of `text` that must never reach a terminal (newline and tab may)."""
    return [char for char in text if is_unsafe(char, keep="\n\t")]


def errors(problems) -> list:
    """The problems that make a level unsound (check's warnings do not)."""
    return [p for p in problems if not p.is_warning]


def run(*args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "foggymountain", *args], capture_output=True, timeout=timeout)


def decoded(result: subprocess.CompletedProcess) -> str:
    return result.stdout.decode("utf-8") + result.stderr.decode("utf-8")


# ---- 1, 2: markup and escapes never reach a terminal as such -----------------------------------


@pytest.mark.parametrize("command", [["check"], ["race"], ["race", "--json"], ["preview", "--width", "60"]],
                         ids=["check", "race", "race-json", "preview"])
def test_hostile_levels_print_no_control_character_and_no_traceback(command):
    for level in HOSTILE_LEVELS:
        result = run(*command, str(level))
        text = decoded(result)
        assert "Traceback" not in text and result.returncode in (0, 1), (level.name, text[-500:])
        assert controls(text) == [], (level.name, controls(text))
        if command == ["race", "--json"] and result.returncode == 0:
            json.loads(result.stdout)


def test_pack_and_tune_print_no_control_character(tmp_path):
    result = run("pack", str(HOSTILE))
    text = decoded(result)
    assert "Traceback" not in text and controls(text) == []
    assert "[@click=app.quit]Quit[/] \\x1b]52;c;" in text  # the title, literally, its escapes visible
    tuned = run("tune", "--points", "3", "--no-refine", str(HOSTILE / "02-escapes.toml"))
    assert tuned.returncode == 0 and controls(decoded(tuned)) == []


def test_argument_errors_show_escapes_too():
    result = run("preview", "--width", "\x1b[2J\x07", "nowhere.toml")
    assert result.returncode == 2 and controls(decoded(result)) == [] and "\\x1b[2J" in decoded(result)


def test_a_file_name_with_escapes_is_shown_visible(tmp_path):
    level = tmp_path / "evil\x1b]52;c;eA==\x07[b].toml"
    level.write_text(GOOD.replace("budget = 5", "budget = 0"))
    for command in (["check"], ["race"], ["preview"], ["pack"]):
        target = str(tmp_path) if command == ["pack"] else str(level)
        text = decoded(run(*command, target))
        # shown as escapes (safe_text) or, in check's excerpts, as U+FFFD one for one (diagnostics)
        assert controls(text) == [] and ("evil\\x1b]52;c;eA==\\x07[b].toml" in text or "evil\ufffd]52;c;eA==\ufffd[b].toml" in text), command


def test_level_text_is_loaded_with_its_control_characters_visible():
    level = load_level(HOSTILE / "02-escapes.toml")
    assert level.title.startswith("\\x1b]0;owned\\x07\\x1b[31mred") and "\\u202e" in level.title
    assert controls(level.title + level.chapter + level.briefing) == []
    words = load_level(HOSTILE / "03-words.toml").landscape.vocabulary
    assert "[/]" in words and all(controls(w) == [] for w in words)


async def _walk_the_hostile_pack(tmp_path):
    from textual.widgets import Markdown, OptionList

    app = make_app(levels_dir=HOSTILE, progress_dir=tmp_path, player="mallory")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        levels = app.screen.query_one("#levels", OptionList)
        assert levels._border_title.plain == app.shelf.title  # "[/] [@click=app.quit]...", as text
        assert "[/]" in app.shelf.title and controls(app.shelf.title) == []
        for index, entry in enumerate(app.shelf.entries):
            prompt = levels.get_option(str(index)).prompt
            assert entry.title[:10] in prompt.plain and controls(prompt.plain) == []
        chapters = [levels.get_option_at_index(i).prompt for i in range(levels.option_count)]
        assert "[@click=app.quit]Click[/]" in [c.plain for c in chapters]  # literally, so a click runs nothing
        assert all("click" not in str(span.style) for c in chapters for span in c.spans)
        await pilot.press("enter")
        await pilot.pause()
        assert app.is_running and type(app.screen).__name__ == "BriefingScreen"
        assert app.screen.query_one(Markdown)._open_links is False  # links in briefings open nothing
        app.notify("[/] [@click=app.quit]x[/] \x1b[2J")  # notifications are never markup
        await pilot.pause()
        assert app.is_running


def test_the_game_shows_markup_and_escapes_literally(tmp_path):
    asyncio.run(_walk_the_hostile_pack(tmp_path))


# ---- 3: anything that is not a regular file is refused before it is read ----------------------


def _not_files(tmp_path: Path) -> dict[str, Path]:
    fifo = tmp_path / "fifo.toml"
    os.mkfifo(fifo)
    zero = tmp_path / "zero.toml"
    zero.symlink_to("/dev/zero")
    loop = tmp_path / "loop.toml"
    loop.symlink_to(tmp_path / "loop.toml")
    proc = tmp_path / "proc.toml"
    proc.symlink_to("/proc/self/status")
    folder = tmp_path / "folder.toml"
    folder.mkdir()
    sock = tmp_path / "socket.toml"
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(sock))
    server.close()
    return {"FIFO": fifo, "character device": zero, "loop of symbolic links": loop, "kernel file system": proc,
            "folder": folder, "socket": sock}


def test_a_fifo_device_loop_or_proc_file_is_refused_as_a_level(tmp_path):
    for reason, path in _not_files(tmp_path).items():
        start = time.perf_counter()
        with pytest.raises(LevelError) as err:
            load_level(path)
        assert reason in str(err.value) and time.perf_counter() - start < 2, (reason, str(err.value))


def test_check_pack_and_play_levels_carry_on_past_them(tmp_path):
    _not_files(tmp_path)
    (tmp_path / "good.toml").write_text(GOOD)
    for command in (["check", str(tmp_path)], ["pack", str(tmp_path)]):
        result = run(*command, timeout=60)
        text = decoded(result)
        assert result.returncode == 1 and "Traceback" not in text
        assert "good.toml" in text and "FIFO" in text and "loop of symbolic links" in text
    app = make_app(levels_dir=tmp_path, progress_dir=tmp_path / "progress")
    assert [e.ok for e in app.shelf.entries if e.path.name == "good.toml"] == [True]
    assert all(not e.ok for e in app.shelf.entries if e.path.name != "good.toml")


def test_a_data_file_that_is_not_a_file_is_refused(tmp_path):
    for reason, path in _not_files(tmp_path).items():
        (tmp_path / "fit.toml").write_text(FIT.format(name=path.name))
        start = time.perf_counter()
        problems = check_level(tmp_path / "fit.toml")
        assert problems and time.perf_counter() - start < 5
        text = " ".join(str(p) for p in problems)
        # a link out of the folder (to /dev/zero, to /proc) is refused as outside; the rest by kind
        assert reason in text or (path.is_symlink() and "outside the level's folder" in text), (reason, text)


def test_a_pack_toml_that_is_a_fifo_is_a_broken_pack_not_a_hang(tmp_path):
    (tmp_path / "good.toml").write_text(GOOD)
    os.mkfifo(tmp_path / "pack.toml")
    result = run("pack", str(tmp_path), timeout=60)
    assert result.returncode == 1 and "FIFO" in decoded(result) and "good.toml  ok" in decoded(result)


# ---- 4: work without a bound is refused with the level's figure and the limit -----------------


def _fit_level(tmp_path: Path, header: list[str], rows: int, model: str, variables: list[str]) -> Path:
    with open(tmp_path / "data.csv", "w") as handle:
        handle.write(",".join(header) + "\n")
        line = ",".join("1" for _ in header) + "\n"
        handle.write(line * rows)
    bounds = ", ".join(f"{v} = [-5, 5]" for v in variables)
    start = ", ".join(f"{v} = 0" for v in variables)
    names = ", ".join(f'"{v}"' for v in variables)
    (tmp_path / "fit.toml").write_text(f'title = "F"\nbriefing = "b"\n[landscape]\nkind = "fit"\nvariables = [{names}]\n'
                                       f'model = "{model}"\ntarget = "y"\ndata_file = "data.csv"\nbounds = {{ {bounds} }}\n'
                                       f'start = {{ {start} }}\n[hike]\nbudget = 10\n')
    return tmp_path / "fit.toml"


def test_a_csv_with_too_many_rows_is_refused_before_it_fills_memory(tmp_path):
    path = _fit_level(tmp_path, ["x", "y"], 2_000_000, "m*x", ["m"])
    start = time.perf_counter()
    (problem,) = check_level(path)
    assert "more than 100,000 rows" in problem.message and problem.line == 100_002
    assert time.perf_counter() - start < 5


def test_a_csv_with_a_million_columns_is_refused(tmp_path):
    path = _fit_level(tmp_path, [f"c{i}" for i in range(1_200_000)] + ["y"], 1, "m*c0", ["m"])
    start = time.perf_counter()
    (problem,) = check_level(path)
    assert "1,200,001 columns; the limit is 64" in problem.message and time.perf_counter() - start < 10


def test_a_slope_too_costly_is_refused_with_its_figures(tmp_path):
    variables = [f"w{i}" for i in range(30)]
    path = _fit_level(tmp_path, [f"c{i}" for i in range(30)] + ["y"], 60_000,
                      " + ".join(f"w{i}*c{i}" for i in range(30)), variables)
    (problem,) = check_level(path)
    assert "60,000 rows x 119 formula parts x 31" in problem.message and "the limit is 20,000,000" in problem.message


def test_a_map_too_costly_to_draw_is_refused(tmp_path):
    path = _fit_level(tmp_path, ["x", "y"], 30_000, "m*x + b", ["m", "b"])
    (problem,) = check_level(path)
    assert "drawing the revealed map costs 3,600,000,000 operations" in problem.message
    assert "use at most 25,000 data rows" in problem.hint


def test_a_long_corpus_of_few_words_is_quick(tmp_path):
    words = " ".join(f"w{i % 16}" for i in range(180_000))
    path = tmp_path / "words.toml"
    path.write_text(f'title = "W"\nbriefing = "b"\n[landscape]\nkind = "next-token"\ncorpus = """{words}"""\n[hike]\nbudget = 50\n')
    start = time.perf_counter()
    assert errors(check_level(path)) == []
    assert main(["race", "--json", str(path)]) == 0
    assert time.perf_counter() - start < 15


def test_sixty_four_squares_are_a_level_and_tune_refuses_what_it_cannot_finish(tmp_path, capsys):
    assert errors(check_level(HOSTILE / "09-sixty-four.toml")) == []
    text = (HOSTILE / "09-sixty-four.toml").read_text().replace("budget = 300", "budget = 1900")
    (tmp_path / "big.toml").write_text(text)
    assert errors(check_level(tmp_path / "big.toml")) == []
    start = time.perf_counter()
    assert main(["tune", str(tmp_path / "big.toml")]) == 1
    err = capsys.readouterr().err
    assert "tuning tries" in err and "the limits are 5,000,000,000 and 12,000,000" in err and "--points" in err
    assert time.perf_counter() - start < 5
    assert main(["race", "--racers", "sgd,momentum,nesterov,adagrad,rmsprop,adam,adamw", str(tmp_path / "big.toml")]) == 1
    assert "fewer racers" in capsys.readouterr().err


def test_a_flat_sum_of_sixty_terms_is_not_nested():
    from foggymountain.terrain.expression import parse

    names = [f"x{i}" for i in range(64)]
    expression = parse(" + ".join(f"{n}**2" for n in names) + " - " + " - ".join(names), names)
    value = expression.value({n: 2.0 for n in names})
    assert float(value) == 64 * 4 - 64 * 2


# ---- 5: numbers check accepts never crash ------------------------------------------------------


def test_numbers_at_the_edge_of_a_float_race_and_preview():
    for name in ("04-power.toml", "05-goal-overflow.toml", "06-subnormal.toml", "07-subnormal-map.toml"):
        assert errors(check_level(HOSTILE / name)) == [], name
        result = run("race", "--json", str(HOSTILE / name))
        assert result.returncode == 0, decoded(result)[-400:]
        document = json.loads(result.stdout)
        assert isinstance(document["goal"], float) and document["goal"] < 1e308
    problems = check_level(HOSTILE / "08-finite-only-at-start.toml")
    assert "no finite height anywhere" in problems[0].message
    assert run("race", str(HOSTILE / "08-finite-only-at-start.toml")).returncode == 0  # play carries on


async def _every_reveal_tab(path: Path, tmp_path: Path) -> list[str]:
    app = make_app(level_file=path, progress_dir=tmp_path, player="edge")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("enter", "enter", "h", "0", "enter", "enter", "enter", "c")
        await settle(pilot)  # the prediction comes first: skipped with Enter, as a player may
        for key in "123456":
            await pilot.press(key)
            await pilot.pause()
        await pilot.press("home", "right", "end")
        await pilot.pause()
        return [type(s).__name__ for s in app.screen_stack]


@pytest.mark.parametrize("name", ["04-power.toml", "05-goal-overflow.toml", "06-subnormal.toml",
                                  "07-subnormal-map.toml", "08-finite-only-at-start.toml"])
def test_the_reveal_survives_numbers_at_the_edge(name, tmp_path):
    stack = asyncio.run(_every_reveal_tab(HOSTILE / name, tmp_path))
    assert stack[-1] == "RevealScreen"


# ---- 7: progress and result files ---------------------------------------------------------------


def _progress_file(tmp_path: Path, level_entry) -> Path:
    folder = tmp_path / "players"
    folder.mkdir(exist_ok=True)
    path = folder / "ada.json"
    path.write_text(json.dumps({"version": 1, "player": "ada", "levels": {"01-downhill": level_entry}}))
    return folder


@pytest.mark.parametrize("entry, kept", [
    ({"stars": 1, "best": {"final_height": 10**3999, "status": "[/]", "steps": 3}}, True),
    ({"stars": 1, "best": {"status": "[@click=app.quit]x\x1b[2J", "time": "\x1b]52;c;eA==\x07"}}, True),
])
def test_odd_values_in_a_progress_file_are_dropped_and_the_game_starts(tmp_path, entry, kept):
    folder = _progress_file(tmp_path, entry)
    progress = Progress.load("ada", folder)
    best = progress.best("01-downhill")
    assert progress.warnings == [] and best is not None
    assert "final_height" not in best and controls(best.get("status", "") + best.get("time", "")) == []

    async def start() -> bool:
        app = make_app(progress_dir=folder, player="ada")
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            return app.is_running

    assert asyncio.run(start())


@pytest.mark.parametrize("content, reason", [
    ('{"version": 1, "levels": {"a": {"stars": ' + "9" * 5000 + "}}}", "too long"),
    ('{"version": 1, "levels": ' + "[" * 100_000 + "]" * 100_000 + "}", "nested too deeply"),
])
def test_an_unreadable_progress_file_is_moved_aside_and_saving_works(tmp_path, content, reason):
    folder = tmp_path / "players"
    folder.mkdir()
    (folder / "ada.json").write_text(content)
    progress = Progress.load("ada", folder)
    assert reason in progress.warnings[0]
    assert not (folder / "ada.json").exists() and len(list(folder.glob("ada.json.unreadable-*"))) == 1
    progress._write()  # a save works again
    assert json.loads((folder / "ada.json").read_text())["version"] == 1


def test_a_fifo_or_huge_progress_file_is_moved_aside_without_a_hang(tmp_path):
    folder = tmp_path / "players"
    folder.mkdir()
    os.mkfifo(folder / "ada.json")
    start = time.perf_counter()
    progress = Progress.load("ada", folder)
    assert "FIFO" in progress.warnings[0] and time.perf_counter() - start < 2
    with open(folder / "bob.json", "wb") as handle:
        handle.truncate(112_000_000)  # sparse: 112 MB that cost nothing to make
    start = time.perf_counter()
    progress = Progress.load("bob", folder)
    assert "the limit is 20,000,000" in progress.warnings[0] and time.perf_counter() - start < 2


def _one_result(results: Path, tmp_path: Path, player: str = "ada") -> Path:
    from foggymountain.race import race

    (tmp_path / "good.toml").write_text(GOOD)
    from foggymountain.hike import Hike

    level = load_level(tmp_path / "good.toml")
    return write_result(results, player, race(level, Hike(level)))


def test_report_skips_hostile_result_files_with_their_reason(tmp_path, monkeypatch):
    results = tmp_path / "results"
    good = _one_result(results, tmp_path)
    (results / "link.json").symlink_to(good)  # counted once, not twice
    os.mkfifo(results / "fifo.json")
    (results / "deep.json").write_text("[" * 200_000 + "]" * 200_000)
    document = json.loads(good.read_text())
    (results / "digits.json").write_text(json.dumps({**document, "final_height": 10**4000}))
    (results / "huge-int.json").write_text(good.read_text().replace('"steps":', '"steps": 1' + "0" * 5000 + ", \"x\":", 1))
    deep = results
    for _ in range(1400):  # one by one: os.makedirs itself recurses
        deep = deep / "d"
        deep.mkdir()
    (results / "locked").mkdir()
    real_scandir = os.scandir

    def scandir(path):
        if Path(path).name == "locked":
            raise PermissionError(13, "Permission denied")
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    start = time.perf_counter()
    try:
        rows, warnings = load_results(results)
    finally:
        monkeypatch.undo()
        while deep != results:  # pytest's own cleanup of tmp_path would recurse 1,400 deep
            deep.rmdir()
            deep = deep.parent
    assert time.perf_counter() - start < 10
    assert len(rows) == 1
    said = "\n".join(warnings)
    for reason in ("link.json: a symbolic link", "fifo.json: not read: it is a FIFO", "deep.json: nested too deeply",
                   "digits.json: 'final_height' is out of range", "huge-int.json: holds a number too long",
                   "more than 16 folders deep", "locked: folder skipped: Permission denied"):
        assert reason in said, reason


def test_report_csv_cells_are_never_formulas(tmp_path, capsys):
    results = tmp_path / "results"
    _one_result(results, tmp_path, player="=HYPERLINK(\"http://evil\",\"x\")")
    _one_result(results, tmp_path, player="+cmd|' /C calc'!A0")
    _one_result(results, tmp_path, player="@SUM(1)")
    assert main(["report", str(results), "--csv", "-"]) == 0
    table = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    players = {row["player"] for row in table}
    assert players == {"'=HYPERLINK(\"http://evil\",\"x\")", "'+cmd|' /C calc'!A0", "'@SUM(1)"}
    assert all(not row[key].startswith(("=", "+", "-", "@")) for row in table for key in ("player", "board", "level_title"))
    assert any(row["final_height"] for row in table)  # numbers stay numbers


# ---- 8: the command palette ----------------------------------------------------------------------


def test_the_command_palette_under_the_too_small_notice_does_not_crash(tmp_path):
    async def sequence() -> list[str]:
        app = make_app(progress_dir=tmp_path, player="p")
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            await pilot.press("ctrl+p")
            await pilot.resize_terminal(60, 20)
            await pilot.pause()
            await pilot.press("enter", "ctrl+p")
            await pilot.pause()
            await pilot.resize_terminal(80, 24)
            await pilot.pause()
            await pilot.press("escape")
            await pilot.pause()
            return [type(s).__name__ for s in app.screen_stack]

    assert asyncio.run(sequence()) == ["LevelSelectScreen"]


# ---- 9: serve ------------------------------------------------------------------------------------


def test_look_alike_player_names_are_one_player():
    from foggymountain.commands.serve import normal_name, valid_player

    assert normal_name("ａｂｃ") == "abc" and normal_name("ﬁsh") == "fish"
    assert not valid_player("ａｂｃ") and valid_player("abc") and valid_player("Zoë")
    from foggymountain.host import player_name

    assert player_name("ａｂｃ") == player_name("abc") == "abc"  # over SSH too


def test_no_control_pattern_escapes_the_checker():
    """The `controls` helper of these tests sees what a terminal would obey."""
    assert controls("a\x1b[31m\x07\x9b\u202e\r") == ["\x1b", "\x07", "\x9b", "\u202e", "\r"]
    assert controls("tab\tnew\nline é ★") == []
