"""Workshop results: one file per hike, never shared; the leaderboard; `foggymountain report`."""

import csv
import io
import json
import os
import stat
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from foggymountain import results as results_module
from foggymountain.cli import main
from foggymountain.commands.report import CSV_COLUMNS
from foggymountain.campaign import board_id
from foggymountain.progress import safe_name
from foggymountain.results import Row, leaderboard, load_results, read_result, write_result

sys.path.insert(0, str(Path(__file__).parent))
from test_progress import finished_race, make_level  # noqa: E402


@pytest.fixture(scope="module")
def hikes(tmp_path_factory):
    level = make_level(tmp_path_factory.mktemp("levels"))
    return level, finished_race(level, 10), finished_race(level, 1, downhill=False)


def test_a_result_file_holds_the_whole_hike(tmp_path, hikes):
    level, good, _ = hikes
    path = write_result(tmp_path / "results", "ada", good)
    document = json.loads(path.read_text())
    key = board_id(level)  # "<pack identity>/bowl": the level is not one of the campaign's
    assert key.endswith("/bowl")
    assert path.parent == tmp_path / "results" and path.name.startswith(f"ada--{safe_name(key, 'level')}--")
    assert document["player"] == "ada"
    assert document["level"]["id"] == key and document["level"]["title"] == level.title
    assert document["stars"] == good.stars and document["steps"] == good.player.steps
    assert document["final_height"] == pytest.approx(good.player.final_height)
    assert document["steps_to_goal"] == good.player.steps_to_goal
    assert len(document["trail"]) == good.player.steps + 1
    assert [r["name"] for r in document["racers"]] == [r.name for r in good.racers]
    assert document["time"].endswith("+00:00")
    row = read_result(path)
    assert (row.player, row.level_id, row.stars) == ("ada", key, good.stars)


def test_result_files_are_readable_by_others_not_private_temporaries(tmp_path, hikes):
    old = os.umask(0o022)
    try:
        path = write_result(tmp_path, "ada", hikes[1])
    finally:
        os.umask(old)
    assert stat.S_IMODE(path.stat().st_mode) == 0o644


def test_many_players_at_once_never_write_the_same_file(tmp_path, hikes):
    _, good, _ = hikes
    players = ["ada", "bob", "ada", "Ada Lovelace"] * 10
    with ThreadPoolExecutor(8) as pool:
        paths = list(pool.map(lambda p: write_result(tmp_path, p, good), players))
    assert len(set(paths)) == len(players) == len(list(tmp_path.glob("*.json")))
    rows, warnings = load_results(tmp_path)
    assert len(rows) == len(players) and warnings == []


def test_an_existing_file_is_never_overwritten(tmp_path, hikes, monkeypatch):
    _, good, bad = hikes
    first = write_result(tmp_path, "ada", good)
    monkeypatch.setattr(results_module, "_suffix", iter(["same", "same", "other"]).__next__)
    monkeypatch.setattr(results_module, "datetime", _FrozenClock(first))
    a = write_result(tmp_path, "ada", bad)
    b = write_result(tmp_path, "ada", bad)
    assert a != b and a.name.endswith("-same.json") and b.name.endswith("-other.json")
    assert json.loads(first.read_text())["stars"] == good.stars


class _FrozenClock:
    def __init__(self, _):
        pass

    def now(self, tz=None):
        from datetime import datetime

        return datetime(2030, 1, 1, tzinfo=tz)


def _write_garbage(folder: Path) -> dict[str, str]:
    files = {
        "garbage.json": "this is not json",
        "binary.json": "\udcff",
        "wrong-format.json": json.dumps({"hello": "world"}),
        "newer.json": json.dumps({"format": "foggymountain-result", "version": 7}),
        "bad-stars.json": json.dumps({"format": "foggymountain-result", "version": 1, "player": "eve",
                                      "level": {"id": "x"}, "stars": 9, "steps": 1}),
        "no-player.json": json.dumps({"format": "foggymountain-result", "version": 1,
                                      "level": {"id": "x"}, "stars": 1, "steps": 1}),
    }
    for name, text in files.items():
        (folder / name).write_bytes(text.encode("utf-8", "surrogateescape"))
    (folder / ".ada--bowl--x.json.1234.tmp").write_text("half a wri")  # a write in progress
    (folder / "notes.txt").write_text("not a result")
    return files


def test_unreadable_files_are_warnings_with_path_and_reason(tmp_path, hikes):
    _, good, _ = hikes
    write_result(tmp_path, "ada", good)
    garbage = _write_garbage(tmp_path)
    rows, warnings = load_results(tmp_path)
    assert [r.player for r in rows] == ["ada"]
    assert len(warnings) == len(garbage)
    for name in garbage:
        assert any(w.startswith(str(tmp_path / name) + ": ") for w in warnings), name
    assert any("version 7" in w for w in warnings) and any("'stars' is 9" in w for w in warnings)


def _row(player, level, stars, height, steps, to_goal, time="2030-01-01T00:00:00+00:00"):
    return Row(player, level, level.title(), stars, height, steps, to_goal, time, f"{player}-{level}.json")


def test_the_leaderboard_keeps_each_players_best_and_ranks_them():
    rows = [
        _row("ada", "one", 2, 0.5, 10, 6),
        _row("ada", "one", 3, 0.1, 8, 4),  # ada's best on one
        _row("bob", "one", 3, 0.2, 8, 4),  # ties ada on stars and steps to goal, higher height
        _row("cy", "one", 0, None, 2, None),  # fell off: no height
        _row("bob", "two", 1, 1.0, 20, 19),
        _row("ada", "two", 1, 1.0, 20, 19),  # exact tie with bob
    ]
    boards, overall = leaderboard(rows)
    one, two = boards
    assert [(s.rank, s.player, s.stars, s.plays) for s in one.standings] == [(1, "ada", 3, 2), (2, "bob", 3, 1), (3, "cy", 0, 1)]
    assert [(s.rank, s.player) for s in two.standings] == [(1, "ada"), (1, "bob")]
    assert [(s.rank, s.player, s.stars, s.plays, s.steps) for s in overall.standings] == [
        (1, "ada", 4, 2, 28), (1, "bob", 4, 2, 28), (3, "cy", 0, 1, 2)]


def test_report_text_csv_and_json(tmp_path, hikes, capsys):
    level, good, bad = hikes
    results = tmp_path / "results"
    write_result(results, "ada", good)
    write_result(results, "bob", bad)
    write_result(results, "bob", good)
    write_result(results, "cy\x1b[2J", bad)
    garbage = _write_garbage(results)

    assert main(["report", str(results)]) == 0
    out, err = capsys.readouterr()
    assert "Overall" in out and level.title in out and "ada" in out and "\x1b" not in out
    assert "Traceback" not in out + err
    assert err.count("skipped ") == len(garbage) and str(results / "garbage.json") in err

    csv_path = tmp_path / "board.csv"
    assert main(["report", str(results), "--csv", str(csv_path)]) == 0
    table = list(csv.DictReader(io.StringIO(csv_path.read_text())))
    assert list(table[0]) == CSV_COLUMNS
    key = board_id(level)
    assert [(r["board"], r["player"]) for r in table if r["board"] == key][:1] == [(key, "ada")]
    # the ESC of a player's name is shown as its escape, in the CSV too
    assert {r["player"] for r in table if r["board"] == "overall"} == {"ada", "bob", "cy\\x1b[2J"}
    capsys.readouterr()

    assert main(["report", str(results), "--csv", "-"]) == 0
    out, _ = capsys.readouterr()
    assert out == csv_path.read_text()

    assert main(["report", str(results), "--json"]) == 0
    out, _ = capsys.readouterr()
    document = json.loads(out)
    assert set(document) == {"levels", "overall", "warnings"} and len(document["warnings"]) == len(garbage)
    board = document["levels"][0]
    assert board["id"] == key and board["title"] == level.title
    assert set(board["standings"][0]) == {"rank", "player", "stars", "final_height", "steps", "steps_to_goal", "plays", "forecast"}
    assert [s["player"] for s in document["overall"]][0] == "ada" and document["overall"][0]["levels"] == 1


def test_report_on_a_missing_or_empty_folder(tmp_path, capsys):
    assert main(["report", str(tmp_path / "nope")]) == 1
    assert "no such folder" in capsys.readouterr().err
    assert main(["report", str(tmp_path)]) == 0
    assert "No results yet" in capsys.readouterr().out
    assert main(["report", str(tmp_path), "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {"levels": [], "overall": [], "warnings": []}


def test_without_hard_links_a_result_is_still_written_and_never_overwrites(tmp_path, hikes, monkeypatch):
    _, good, _ = hikes

    def no_links(*args, **kwargs):
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(os, "link", no_links)
    first = write_result(tmp_path, "ada", good)
    second = write_result(tmp_path, "ada", good)
    assert first != second and read_result(first).player == read_result(second).player == "ada"
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_the_leaderboard_ranks_a_hike_that_climbed_out_of_the_goal_below_one_that_ended_lower(tmp_path):
    from test_progress import overshoot_races

    level, out, near = overshoot_races(tmp_path)
    write_result(tmp_path / "results", "alice", out)  # touched the goal at step 1, ended far above it
    write_result(tmp_path / "results", "bob", near)  # never touched it, ended just above it
    rows, warnings = load_results(tmp_path / "results")
    boards, _ = leaderboard(rows)
    assert warnings == [] and [(s.rank, s.player) for s in boards[0].standings] == [(1, "bob"), (2, "alice")]


def test_a_level_has_one_board_whichever_folder_its_pack_was_copied_to(tmp_path):
    """Point 9 of issue 16: the board id is the pack's identity and the level's stem."""
    from foggymountain.campaign import builtin_levels_dir, load_pack
    from foggymountain.level import LevelError, load_level

    ids = {}
    for folder in ("monday", "copy-on-a-usb-stick"):
        pack = tmp_path / folder
        pack.mkdir()
        (pack / "pack.toml").write_text('title = "Workshop: learning rates"\n')
        ids[folder] = board_id(make_level(pack))
    assert ids == {"monday": "workshop-learning-rates/bowl", "copy-on-a-usb-stick": "workshop-learning-rates/bowl"}

    (tmp_path / "monday" / "pack.toml").write_text('title = "Workshop"\nid = "lr-2026"\n')
    assert board_id(load_level(tmp_path / "monday" / "bowl.toml")) == "lr-2026/bowl"
    (tmp_path / "other").mkdir()
    assert board_id(make_level(tmp_path / "other")) == "other/bowl"  # no pack.toml: the folder names the pack
    assert board_id(load_level(builtin_levels_dir() / "01-downhill.toml")) == "01-downhill"  # as before

    (tmp_path / "monday" / "pack.toml").write_text('title = "W"\nid = "Not An Id!"\n')
    with pytest.raises(LevelError) as err:
        load_pack(tmp_path / "monday")
    (problem,) = err.value.problems
    assert (problem.line, problem.message) == (2, "'Not An Id!' is not a pack id")
    assert problem.hint.endswith('write id = "not-an-id"')
    assert board_id(load_level(tmp_path / "monday" / "bowl.toml")) == "monday/bowl"  # broken pack.toml: its folder
