"""Workshop results: one JSON file per finished hike in a shared folder, and the leaderboard.

Many players may write into one folder at once (one server, many terminals), so no file is ever
written twice: each hike gets its own file named after the player, the level, the time and a
random suffix, written atomically and never overwriting an existing file. The facilitator reads
the folder with `foggymountain report DIR`; files it cannot read are reported and skipped.
"""

from __future__ import annotations

import json
import math
import os
import secrets
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from foggymountain.campaign import board_id
from foggymountain.outcome import record_key
from foggymountain.progress import hike_summary, safe_name, trail_of, write_atomically
from foggymountain.safe_read import UnsafeFile, read_bytes
from foggymountain.safe_text import one_line, visible

FORMAT = "foggymountain-result"
VERSION = 1
MAX_RESULT_BYTES = 5_000_000


def result_document(player: str, race) -> dict:
    """The result file's content. The level's "id" is its `campaign.board_id`: the file stem for
    the built-in campaign, "<pack identity>/<stem>" for other levels (the pack.toml's id, or its
    title as a slug), so a copy of a pack in another folder shares the boards, and same-named
    levels of two packs get two."""
    level = race.level
    summary = hike_summary(race)
    return {
        "format": FORMAT,
        "version": VERSION,
        "player": player,
        "level": {"id": board_id(level), "title": level.title, "kind": level.kind,
                  "budget": level.budget, "par": race.par_steps, "goal": _finite(level.goal)},
        **summary,
        **trail_of(race),
        "racers": [
            {"name": walk.name, "label": walk.label, "status": walk.status.value,
             "final_height": _finite(walk.final_height), "steps": walk.steps,
             "steps_to_goal": walk.steps_to_goal, "distance": _finite(walk.distance)}
            for walk in race.racers
        ],
    }


def write_result(results_dir: Path, player: str, race) -> Path:
    """Write one finished hike (a `race.Race` with a player) as a new file in `results_dir`."""
    results_dir = Path(results_dir)
    results_dir.mkdir(parents=True, exist_ok=True)
    text = json.dumps(result_document(player, race), indent=1) + "\n"
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
    # safe_name makes "workshop/01-downhill" one file name, not a folder ("workshop_01-downhill-<hash>")
    base = f"{safe_name(player)}--{safe_name(board_id(race.level), 'level')}--{stamp}"
    for _ in range(100):
        path = results_dir / f"{base}-{_suffix()}.json"
        try:
            return write_atomically(path, text, replace=False)
        except FileExistsError:
            continue
    raise FileExistsError(f"cannot find a free file name in {results_dir}")


def _suffix() -> str:
    return secrets.token_hex(4)


def _finite(value) -> float | None:
    value = float(value)
    return value if math.isfinite(value) else None


# ---- reading a results folder ------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """One hike read back from a results file."""

    player: str
    level_id: str
    level_title: str
    stars: int
    final_height: float | None
    steps: int
    steps_to_goal: int | None
    time: str
    path: str
    forecast: int | None = None  # the score (0–100) of the prediction made before the reveal

    def key(self):
        # Only the fields record_key reads (asdict of every field made a 4,000-hike board slow).
        return record_key({"stars": self.stars, "steps_to_goal": self.steps_to_goal,
                           "final_height": self.final_height, "steps": self.steps})


MAX_FOLDER_DEPTH = 16  # a results folder holds files, maybe a folder per group: never 1,400 deep
MAX_RESULT_FILES = 100_000
MAX_TEXT = 200  # characters kept of a player name, level id, title or time
MAX_STEPS = 10**9


def load_results(folder: Path) -> tuple[list[Row], list[str]]:
    """Every readable result in `folder` (and its subfolders), and one warning per file or folder
    skipped ("path: reason"). Hidden files (temporary files of writes in progress) are ignored;
    symbolic links are skipped (a link to a result would count it twice), and so are folders we
    cannot read or that lie too deep."""
    folder = Path(folder)
    rows: list[Row] = []
    warnings: list[str] = []
    for path in _result_files(folder, warnings):
        try:
            rows.append(read_result(path))
        except ValueError as err:
            warnings.append(f"{visible(path)}: {visible(err)}")
    return rows, warnings


def _result_files(folder: Path, warnings: list[str]) -> list[Path]:
    """The .json files under `folder`, walked without recursion and without following links."""
    found: list[Path] = []
    pending = [(folder, 0)]
    while pending:
        current, depth = pending.pop()
        try:
            with os.scandir(current) as entries:
                listed = sorted(entries, key=lambda e: e.name)
        except OSError as err:
            warnings.append(f"{visible(current)}: folder skipped: {visible(err.strerror or err)}")
            continue
        for entry in listed:
            if entry.name.startswith("."):
                continue
            path = Path(entry.path)
            try:
                if entry.is_symlink():
                    if entry.name.endswith(".json") or entry.is_dir():
                        warnings.append(f"{visible(path)}: a symbolic link; skipped (results are read where they are written)")
                    continue
                if entry.is_dir(follow_symlinks=False):
                    if depth + 1 > MAX_FOLDER_DEPTH:
                        warnings.append(f"{visible(path)}: folder skipped: more than {MAX_FOLDER_DEPTH} folders deep")
                    else:
                        pending.append((path, depth + 1))
                    continue
            except OSError as err:
                warnings.append(f"{visible(path)}: skipped: {visible(err.strerror or err)}")
                continue
            if entry.name.endswith(".json"):
                if len(found) >= MAX_RESULT_FILES:
                    warnings.append(f"{visible(folder)}: more than {MAX_RESULT_FILES:,} result files; the rest skipped")
                    return sorted(found)
                found.append(path)
    return sorted(found)


def read_result(path: Path) -> Row:
    """One result file as a Row; ValueError with the reason when it is not a sound result."""
    return read_result_document(path)[0]


def read_result_document(path: Path) -> tuple[Row, dict]:
    """One result file as a Row and the whole document it came from (its trail, its prediction),
    read once; ValueError with the reason when it is not a sound result."""
    try:
        raw = read_bytes(path, MAX_RESULT_BYTES)
    except UnsafeFile as err:
        raise ValueError(f"not read: it {err.reason}") from None
    try:
        document = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ValueError("not UTF-8 text") from None
    except json.JSONDecodeError as err:
        raise ValueError(f"not valid JSON (line {err.lineno}, column {err.colno}: {err.msg})") from None
    except RecursionError:
        raise ValueError("nested too deeply to be a result") from None
    except ValueError:  # an integer of more than 4,300 digits
        raise ValueError("holds a number too long to read") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ValueError("not a Foggy Mountain result (no \"format\": \"foggymountain-result\")")
    if document.get("version") != VERSION:
        version = document.get("version")
        shown = repr(version) if isinstance(version, (int, str)) and len(str(version)) < 20 else "unknown"
        raise ValueError(f"result format version {shown}; this report reads version {VERSION}")
    level = document.get("level")
    if not isinstance(level, dict):
        raise ValueError("'level' is missing or not a table")

    def field(table: dict, key: str, types, optional: bool = False):
        value = table.get(key)
        if value is None and optional:
            return None
        if isinstance(value, bool) or not isinstance(value, types):
            raise ValueError(f"'{key}' is missing or has the wrong type")
        if isinstance(value, str):
            return one_line(value, MAX_TEXT)
        if isinstance(value, int) and not -MAX_STEPS <= value <= MAX_STEPS and types is int:
            raise ValueError(f"'{key}' is out of range")
        return value

    stars = field(document, "stars", int)
    if not 0 <= stars <= 3:
        raise ValueError(f"'stars' is {stars}; it must be 0 to 3")
    final_height = field(document, "final_height", (int, float), optional=True)
    if final_height is not None:
        try:
            final_height = float(final_height)
        except OverflowError:
            raise ValueError("'final_height' is out of range") from None
        if not math.isfinite(final_height):
            raise ValueError("'final_height' is not a finite number")
    steps = field(document, "steps", int)
    steps_to_goal = field(document, "steps_to_goal", int, optional=True)
    if steps < 0 or (steps_to_goal is not None and steps_to_goal < 0):
        raise ValueError("'steps' or 'steps_to_goal' is negative")
    row = Row(
        player=field(document, "player", str),
        level_id=field(level, "id", str),
        level_title=field(level, "title", str, optional=True) or field(level, "id", str),
        stars=stars,
        final_height=final_height,
        steps=steps,
        steps_to_goal=steps_to_goal,
        time=field(document, "time", str, optional=True) or "",
        path=str(path),
        forecast=_forecast_score(document.get("prediction")),
    )
    return row, document


def _forecast_score(prediction) -> int | None:
    """The score of a result's `prediction` table; None when there is none or it is not sound."""
    score = prediction.get("score") if isinstance(prediction, dict) else None
    ok = isinstance(score, (int, float)) and not isinstance(score, bool) and 0 <= score <= 100
    return round(score) if ok else None


# ---- the leaderboard -------------------------------------------------------------------------


@dataclass(frozen=True)
class Standing:
    """A player's place on one level's board (their best hike there) or on the overall board."""

    rank: int
    player: str
    stars: int
    final_height: float | None  # per level: the best hike's; overall: None
    steps: int  # per level: the best hike's; overall: the sum over the best hikes
    steps_to_goal: int | None
    plays: int  # hikes recorded (per level), or levels played (overall)
    forecast: float | None = None  # the mean forecast score of the player's predictions there (or overall)


@dataclass(frozen=True)
class Board:
    level_id: str  # "" for the overall board
    title: str
    standings: list[Standing]


def leaderboard(rows: list[Row]) -> tuple[list[Board], Board]:
    """Per-level boards (each player's best hike: most stars, then reached the valley floor in
    fewest steps, then lowest final height) and the overall board (total stars over every
    level's best, then levels played, then fewest steps)."""
    by_level: dict[str, list[Row]] = {}
    for row in rows:
        by_level.setdefault(row.level_id, []).append(row)
    boards = []
    bests_by_player: dict[str, list[Row]] = {}
    for level_id in sorted(by_level):
        level_rows = by_level[level_id]
        best: dict[str, Row] = {}
        plays: dict[str, int] = {}
        for row in level_rows:
            plays[row.player] = plays.get(row.player, 0) + 1
            if row.player not in best or row.key() < best[row.player].key():
                best[row.player] = row
        ordered = sorted(best.values(), key=lambda r: (r.key(), r.player))
        standings = []
        for row in ordered:
            rank = standings[-1].rank if standings and _same(ordered[len(standings) - 1], row) else len(standings) + 1
            standings.append(Standing(rank, row.player, row.stars, row.final_height, row.steps, row.steps_to_goal,
                                      plays[row.player], _mean_forecast(level_rows, row.player)))
            bests_by_player.setdefault(row.player, []).append(row)
        title = max(level_rows, key=lambda r: r.time).level_title
        boards.append(Board(level_id, title, standings))
    totals = sorted(
        ((sum(r.stars for r in bests), len(bests), sum(r.steps for r in bests), player) for player, bests in bests_by_player.items()),
        key=lambda t: (-t[0], -t[1], t[2], t[3]),
    )
    overall: list[Standing] = []
    for i, (stars, levels, steps, player) in enumerate(totals):
        previous = totals[i - 1] if i else None
        rank = overall[-1].rank if previous and previous[:3] == (stars, levels, steps) else i + 1
        overall.append(Standing(rank, player, stars, None, steps, None, levels, _mean_forecast(rows, player)))
    return boards, Board("", "Overall", overall)


def _mean_forecast(rows: list[Row], player: str) -> float | None:
    scores = [r.forecast for r in rows if r.player == player and r.forecast is not None]
    return sum(scores) / len(scores) if scores else None


def _same(a: Row, b: Row) -> bool:
    return a.key() == b.key()
