"""Progress files: saved atomically with a backup, bad files moved aside, two copies merge."""

import json
import multiprocessing
import os
from pathlib import Path

import pytest

from foggymountain import progress as progress_module
from foggymountain import templates
from foggymountain.hike import Hike
from foggymountain.level import load_level
from foggymountain.progress import Progress, safe_name
from foggymountain.race import race


def make_level(folder: Path, name: str = "bowl"):
    path = folder / f"{name}.toml"
    path.write_text(templates.render("function", "Bowl", path.name), encoding="utf-8")
    return load_level(path)


def finished_race(level, steps: int, downhill: bool = True):
    hike = Hike(level)
    for _ in range(steps):
        if downhill:
            hike.point_downhill()
        else:
            hike.set_heading(hike.heading_degrees + 180)
        hike.step()
        if hike.over:
            break
    hike.camp()
    return race(level, hike)


@pytest.fixture(scope="module")
def races(tmp_path_factory):
    level = make_level(tmp_path_factory.mktemp("levels"))
    good = finished_race(level, 10)
    bad = finished_race(level, 1, downhill=False)
    assert good.stars >= 1 and bad.stars == 0
    return level, good, bad


def test_a_new_player_starts_fresh_and_a_record_survives_a_reload(tmp_path, races):
    level, good, _ = races
    progress = Progress.load("ada", tmp_path)
    assert progress.stars(level.id) == 0 and progress.best(level.id) is None and progress.warnings == []
    progress.record(level.id, good)

    again = Progress.load("ada", tmp_path)
    assert again.stars(level.id) == good.stars
    best = again.best(level.id)
    assert best["steps"] == good.player.steps
    assert best["final_height"] == pytest.approx(good.player.final_height)
    assert best["steps_to_goal"] == good.player.steps_to_goal
    assert best["stars"] == good.stars and "time" in best
    last = again.last(level.id)
    assert last["trail"] == [[float(v) for v in p] for p in good.player.path]
    document = json.loads(again.path.read_text())
    assert document["version"] == 1 and document["player"] == "ada" and level.id in document["levels"]


def test_the_best_hike_is_kept_and_the_last_one_remembered(tmp_path, races):
    level, good, bad = races
    progress = Progress.load("ada", tmp_path)
    progress.record(level.id, good)
    progress.record(level.id, bad)
    assert progress.stars(level.id) == good.stars
    assert progress.best(level.id)["steps"] == good.player.steps
    assert progress.last(level.id)["steps"] == bad.player.steps
    assert Progress.load("ada", tmp_path).stars(level.id) == good.stars


def test_every_write_keeps_a_backup_of_the_previous_file(tmp_path, races):
    level, good, bad = races
    progress = Progress.load("ada", tmp_path)
    progress.record("one", bad)
    first = progress.path.read_text()
    progress.record("two", good)
    assert progress.backup_path.read_text() == first
    assert set(json.loads(progress.path.read_text())["levels"]) == {"one", "two"}


def test_a_crash_between_writing_and_renaming_leaves_the_old_file_intact(tmp_path, races, monkeypatch):
    level, good, _ = races
    progress = Progress.load("ada", tmp_path)
    progress.record("one", good)
    before = progress.path.read_bytes()
    real_replace = os.replace

    def crash(source, target, *args, **kwargs):
        if Path(target) == progress.path:
            raise OSError(28, "No space left on device")
        return real_replace(source, target, *args, **kwargs)

    monkeypatch.setattr(progress_module.os, "replace", crash)
    with pytest.raises(OSError):
        progress.record("two", good)
    monkeypatch.undo()
    assert progress.path.read_bytes() == before
    assert json.loads(before)["levels"].keys() == {"one"}
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")], "temporary files left behind"
    assert Progress.load("ada", tmp_path).warnings == []


def test_a_garbage_file_is_moved_aside_reported_once_and_a_fresh_one_started(tmp_path, races):
    level, good, _ = races
    path = tmp_path / "ada.json"
    path.write_bytes(b"\x00\xffnot json at all")
    progress = Progress.load("ada", tmp_path)
    assert len(progress.warnings) == 1
    assert "unreadable" in progress.warnings[0] and "fresh" in progress.warnings[0]
    moved = [p for p in tmp_path.iterdir() if p.name.startswith("ada.json.unreadable-")]
    assert len(moved) == 1 and moved[0].read_bytes() == b"\x00\xffnot json at all"
    assert str(moved[0]) in progress.warnings[0]
    assert progress.levels == {}
    progress.record(level.id, good)
    assert Progress.load("ada", tmp_path).warnings == []  # once
    assert Progress.load("ada", tmp_path).stars(level.id) == good.stars


def test_a_garbage_file_with_a_sound_backup_restores_the_backup(tmp_path, races):
    level, good, _ = races
    progress = Progress.load("ada", tmp_path)
    progress.record("one", good)
    progress.record("two", good)  # the backup now holds "one"
    progress.path.write_text('{"version": 1, "levels": ')
    restored = Progress.load("ada", tmp_path)
    assert len(restored.warnings) == 1 and "restored" in restored.warnings[0]
    assert restored.stars("one") == good.stars
    assert json.loads(restored.path.read_text())["levels"].keys() == {"one"}


@pytest.mark.parametrize("document, why", [
    ({"version": 99, "player": "ada", "levels": {}}, "newer"),
    ({"version": "1", "levels": {}}, "unreadable"),
    ({"version": 1, "levels": ["not", "a", "table"]}, "unreadable"),
    ([1, 2, 3], "unreadable"),
])
def test_a_file_of_another_format_is_moved_aside_not_read(tmp_path, document, why):
    (tmp_path / "ada.json").write_text(json.dumps(document))
    progress = Progress.load("ada", tmp_path)
    assert len(progress.warnings) == 1 and progress.levels == {}
    assert [p.name.split("-")[0] for p in tmp_path.iterdir() if ".json." in p.name and "lock" not in p.name] == [f"ada.json.{why}"]


def test_hand_edited_nonsense_inside_a_sound_file_does_not_crash(tmp_path, races):
    level, good, _ = races
    junk = {"stars": "lots", "steps": "many", "final_height": None, "steps_to_goal": True}
    (tmp_path / "ada.json").write_text(json.dumps({"version": 1, "levels": {
        "a": {"stars": "lots", "best": 3}, level.id: {"stars": 7, "best": junk, "last": junk}}}))
    progress = Progress.load("ada", tmp_path)
    assert progress.stars("a") == 0 and progress.best("a") is None and progress.stars(level.id) == 0
    progress.record(level.id, good)
    assert progress.stars(level.id) == good.stars and progress.best(level.id)["steps"] == good.player.steps


def test_player_names_become_safe_distinct_file_names(tmp_path):
    names = ["../../etc/passwd", "Ada Lovelace", "Ada_Lovelace", "", ".hidden", "Zoë"]
    files = {safe_name(n) for n in names}
    assert len(files) == len(names)
    for name in names:
        progress = Progress.load(name or None, tmp_path)
        assert progress.path.parent == tmp_path and not progress.path.name.startswith(".")


def test_default_player_and_folder(monkeypatch, tmp_path):
    def no_login():
        raise OSError("no login name")

    monkeypatch.setattr(progress_module.getpass, "getuser", no_login)
    assert progress_module.default_player() == progress_module.FALLBACK_PLAYER
    monkeypatch.setattr(progress_module.getpass, "getuser", lambda: "grace")
    monkeypatch.setattr(progress_module, "default_folder", lambda: tmp_path / "data" / "players")
    progress = Progress.load()
    assert progress.player == "grace" and progress.path == tmp_path / "data" / "players" / "grace.json"
    assert progress_module.default_folder.__name__  # the real one is platformdirs-based
    monkeypatch.undo()
    assert progress_module.default_folder().name == "players"


def test_recording_a_race_without_a_hike_is_a_programming_error(tmp_path, races):
    level, good, _ = races
    with pytest.raises(ValueError):
        Progress.load("ada", tmp_path).record(level.id, race(level))


# ---- two copies of the game at once ----------------------------------------------------------


def _writer(folder: str, prefix: str, levels: int, rounds: int, level_folder: str) -> None:
    level = load_level(Path(level_folder) / "bowl.toml")
    result = finished_race(level, 3)
    progress = Progress.load("ada", Path(folder))  # loaded once, like a game that stays open
    for _ in range(rounds):
        for i in range(levels):
            progress.record(f"{prefix}{i}", result)


def test_two_copies_writing_at_once_lose_no_level(tmp_path):
    level_folder = tmp_path / "levels"
    level_folder.mkdir()
    make_level(level_folder)
    context = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn")
    workers = [context.Process(target=_writer, args=(str(tmp_path), prefix, 6, 4, str(level_folder))) for prefix in ("a", "b")]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
        assert worker.exitcode == 0
    progress = Progress.load("ada", tmp_path)
    assert progress.warnings == []
    assert set(progress.levels) == {f"{p}{i}" for p in "ab" for i in range(6)}


def test_a_file_system_without_locks_still_saves(tmp_path, races, monkeypatch):
    fcntl = pytest.importorskip("fcntl")
    level, good, _ = races

    def no_locks(*args):
        raise OSError(37, "No locks available")

    monkeypatch.setattr(fcntl, "flock", no_locks)
    progress = Progress.load("ada", tmp_path)
    progress.record(level.id, good)
    assert Progress.load("ada", tmp_path).stars(level.id) == good.stars


# ---- which hike is better: only a hike that ended at the goal counts its steps to it -------------

OVERSHOOT = """title = "Overshoot"
briefing = "b"

[landscape]
kind = "function"
variables = ["x"]
height = "2*(x - 1)**2"
bounds = { x = [-10, 10] }
start = { x = -5 }

[hike]
budget = 12
par = 6
max_stride = 15
seed = 3
"""


def overshoot_races(folder: Path):
    """A hike that touches the goal and climbs far out of it, and one that ends just above it."""
    path = folder / "overshoot.toml"
    path.write_text(OVERSHOOT, encoding="utf-8")
    level = load_level(path)
    out = Hike(level)
    out.set_stride(6)
    out.step()
    out.set_stride(8)
    out.face(1)
    out.step()
    out.camp()
    near = Hike(level)
    near.set_stride(4.6)
    near.step()
    near.camp()
    return level, race(level, out), race(level, near)


def test_a_hike_that_climbed_out_of_the_goal_is_not_better_than_one_that_ended_lower(tmp_path):
    from foggymountain.outcome import better, rank_key, record_key
    from foggymountain.progress import hike_summary

    level, out, near = overshoot_races(tmp_path)
    touched, above = hike_summary(out), hike_summary(near)
    assert touched["steps_to_goal"] == 1 and touched["stars"] == 0 and touched["final_height"] > level.goal
    assert above["steps_to_goal"] is None and above["stars"] == 0 and above["final_height"] < touched["final_height"]
    assert better(touched, above) is above and better(above, touched) is above
    # the same order as the race's scoreboard
    assert (record_key(above) < record_key(touched)) == (rank_key(near.player, level.goal) < rank_key(out.player, level.goal))
    # a hike that ended at the goal still counts its steps: sooner is better, whatever the height
    fast = {"stars": 1, "status": "reached", "steps_to_goal": 2, "final_height": 0.4, "steps": 3}
    slow = {"stars": 1, "status": "reached", "steps_to_goal": 5, "final_height": 0.1, "steps": 5}
    assert better(slow, fast) is fast
    # a hand-edited file without a status: a star says it ended at the goal
    assert record_key({"stars": 2, "steps_to_goal": 3})[1] == 3
    assert record_key({"stars": 0, "steps_to_goal": 3})[1] == float("inf")


def test_a_saved_best_is_not_replaced_by_a_hike_that_climbed_out(tmp_path):
    level, out, near = overshoot_races(tmp_path)
    progress = Progress.load("ada", tmp_path / "players")
    progress.record(level.id, near)
    progress.record(level.id, out)
    assert progress.best(level.id)["final_height"] == pytest.approx(near.player.final_height)
    assert Progress.load("ada", tmp_path / "players").best(level.id)["steps_to_goal"] is None


# ---- the name a level's progress is kept under ---------------------------------------------------


def test_progress_key_is_the_stem_for_the_campaign_and_folder_and_stem_elsewhere(tmp_path, monkeypatch):
    from types import SimpleNamespace

    from foggymountain.campaign import builtin_levels_dir
    from foggymountain.progress import progress_key

    builtin = builtin_levels_dir() / "01-downhill.toml"
    assert progress_key(load_level(builtin)) == "01-downhill"  # progress files written before keep working
    workshop = tmp_path / "workshop"
    workshop.mkdir()
    (workshop / "01-downhill.toml").write_bytes(builtin.read_bytes())
    copy = load_level(workshop / "01-downhill.toml")
    assert copy.id == "01-downhill" and progress_key(copy) == "workshop/01-downhill"
    monkeypatch.chdir(tmp_path)  # a relative path names the same level
    assert progress_key(load_level(Path("workshop/01-downhill.toml"))) == "workshop/01-downhill"
    assert progress_key(SimpleNamespace(path=None, id="made-in-memory")) == "made-in-memory"
