"""What the live board knows (no Textual here): a results folder read incrementally, its boards,
and each level's class trails.

Watching without busy polling: `ResultsFolder.changed()` costs one `stat` of the folder (and of
each subfolder): a result file landing adds a directory entry, which moves the folder's
modification time. Only then does `refresh()` list the folder and read the files it has not read
yet, so a board with 4,000 results re-reads nothing when one more lands. Directory times have a
coarse clock on some file systems, so a folder that changed less than `RECENT` seconds before we
listed it is listed again on the next look (as git does for "racily clean" files).
"""

from __future__ import annotations

import math
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from foggymountain.outcome import CLASSMATE, PLAYER, PREDICTION, Status, Walk
from foggymountain.results import MAX_FOLDER_DEPTH, Board, Row, leaderboard, read_result_document
from foggymountain.safe_text import visible

STATUSES = {status.value: status for status in (Status.REACHED, Status.WANDERING, Status.FELL_OFF, Status.DIVERGED)}
RECENT = 2.0  # seconds: a folder changed this recently is listed again at the next look
MAX_DIMENSIONS = 64  # a trail wider than this is not a level's


def clean(text: str) -> str:
    """Text from a result file, fit for a terminal: control and format characters (escapes,
    bidi overrides, newlines) removed."""
    return "".join(ch for ch in str(text) if ch.isprintable())


@dataclass(frozen=True)
class Hike:
    """One result file: its row on the board, the trail walked and, if the player made one, where
    they predicted the valley floor."""

    row: Row
    trail: np.ndarray | None  # (steps + 1, dimensions), nan where not finite
    heights: np.ndarray | None  # (steps + 1,)
    prediction: np.ndarray | None  # (dimensions,)
    status: Status = Status.WANDERING  # a hike's ending; anything else in a file reads as wandering


def _points(value) -> np.ndarray | None:
    """A list of points (lists of numbers or null) as a float array, or None if it is not one."""
    if not isinstance(value, list) or not value or not all(isinstance(p, list) for p in value):
        return None
    width = len(value[0])
    if not 0 < width <= MAX_DIMENSIONS or any(len(p) != width for p in value):
        return None
    try:
        return np.array([[math.nan if v is None else float(v) for v in p] for p in value], dtype=float)
    except (TypeError, ValueError):
        return None


def _numbers(value) -> np.ndarray | None:
    if not isinstance(value, list) or not 0 < len(value) <= MAX_DIMENSIONS:
        return None
    if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in value):
        return None
    point = np.array(value, dtype=float)
    return point if np.all(np.isfinite(point)) else None


def prediction_of(document: dict) -> np.ndarray | None:
    """Where the player predicted the valley floor, if the result says: `"prediction"` is a list of
    numbers, or a table with one under "point" (or "floor", "where"). Anything else: None."""
    value = document.get("prediction")
    if isinstance(value, dict):
        for key in ("point", "floor", "where"):
            point = _numbers(value.get(key))
            if point is not None:
                return point
        return None
    return _numbers(value)


def hike_of(row: Row, document: dict) -> Hike:
    trail = _points(document.get("trail"))
    heights = document.get("heights")
    height_array = None
    if trail is not None and isinstance(heights, list) and len(heights) == len(trail):
        try:
            height_array = np.array([math.nan if h is None else float(h) for h in heights], dtype=float)
        except (TypeError, ValueError):
            height_array = None
    status = document.get("status")
    return Hike(row, trail, height_array, prediction_of(document), STATUSES.get(status, Status.WANDERING))


@dataclass
class Snapshot:
    """Everything the board shows at one moment."""

    boards: list[Board]
    overall: Board
    hikes_by_level: dict[str, list[Hike]]
    hikes: int
    players: int
    warnings: list[str]
    taken_at: float = field(default_factory=time.time)


class ResultsFolder:
    """A results folder, read incrementally (see the module docstring)."""

    def __init__(self, folder: Path, clock=time.time) -> None:
        self.folder = Path(folder)
        self.clock = clock
        self.hikes: dict[str, tuple[tuple[int, int], Hike]] = {}
        self.problems: dict[str, tuple[tuple[int, int], str]] = {}
        self.folder_times: dict[str, int] | None = None  # None: never listed
        self.skipped: list[str] = []  # folders not read (unreadable, too deep), with the reason
        self.listed_at = 0.0

    def changed(self) -> bool:
        """Has anything landed since the last `refresh`? One stat per folder, nothing read."""
        if self.folder_times is None:
            return True
        for folder, stamp in self.folder_times.items():
            try:
                now = os.stat(folder).st_mtime_ns
            except OSError:
                return True
            if now != stamp or now / 1e9 >= self.listed_at - RECENT:
                return True
        return False

    def refresh(self) -> bool:
        """List the folder again and read the files not read yet (or changed). True if the set of
        results (or of unreadable files) changed."""
        self.listed_at = self.clock()
        times: dict[str, int] = {}
        seen: dict[str, tuple[int, int]] = {}
        skipped_before, self.skipped = self.skipped, []
        self._list(self.folder, times, seen)
        self.folder_times = times
        changed = self.skipped != skipped_before
        for path in [p for p in self.hikes if p not in seen]:
            del self.hikes[path]
            changed = True
        for path in [p for p in self.problems if p not in seen]:
            del self.problems[path]
            changed = True
        for path, stamp in seen.items():
            known = self.hikes.get(path) or self.problems.get(path)
            if known is not None and known[0] == stamp:
                continue
            self.hikes.pop(path, None)
            self.problems.pop(path, None)
            try:
                row, document = read_result_document(Path(path))
                self.hikes[path] = (stamp, hike_of(row, document))
            except ValueError as err:
                self.problems[path] = (stamp, str(err))
            changed = True
        return changed

    def _list(self, folder: Path, times: dict[str, int], seen: dict[str, tuple[int, int]], depth: int = 0) -> None:
        try:
            times[str(folder)] = os.stat(folder).st_mtime_ns
            entries = list(os.scandir(folder))
        except OSError as err:
            self.skipped.append(f"{visible(folder)}: folder skipped: {visible(err.strerror or err)}")
            return
        for entry in entries:
            if entry.name.startswith("."):  # temporary files of writes in progress
                continue
            try:
                if entry.is_symlink():  # a link to a result would count it twice (as report does)
                    continue
                if entry.is_dir(follow_symlinks=False):
                    if depth + 1 > MAX_FOLDER_DEPTH:
                        self.skipped.append(f"{visible(entry.path)}: folder skipped: more than {MAX_FOLDER_DEPTH} folders deep")
                    else:
                        self._list(Path(entry.path), times, seen, depth + 1)
                elif entry.name.endswith(".json") and entry.is_file(follow_symlinks=False):
                    info = entry.stat()
                    seen[entry.path] = (info.st_mtime_ns, info.st_size)
            except OSError:
                continue

    def snapshot(self) -> Snapshot:
        hikes = [hike for _, hike in self.hikes.values()]
        boards, overall = leaderboard([hike.row for hike in hikes])
        by_level: dict[str, list[Hike]] = {}
        for hike in sorted(hikes, key=lambda h: (h.row.time, h.row.path)):
            by_level.setdefault(hike.row.level_id, []).append(hike)
        warnings = [f"{visible(path)}: {reason}" for path, (_, reason) in sorted(self.problems.items())] + self.skipped
        return Snapshot(boards, overall, by_level, len(hikes), len({h.row.player for h in hikes}), warnings)


# ---- class trails -----------------------------------------------------------------------------


def best_hikes(hikes: list[Hike]) -> dict[str, Hike]:
    """Each player's best hike on a level (the one the board ranks), by player name."""
    best: dict[str, Hike] = {}
    for hike in hikes:
        known = best.get(hike.row.player)
        if known is None or hike.row.key() < known.row.key():
            best[hike.row.player] = hike
    return best


def class_walks(level, hikes: list[Hike], picked: str | None = None):
    """The walkers of a class-trails map: each player's best trail on `level` (named "classmate",
    or "player" for the `picked` one, drawn last, on top), and each prediction of the valley floor
    (named "prediction"), as `outcome.Walk`s the reveal's map and curve can draw. Trails of another
    size than the level's (a changed level file) are left out."""
    dimensions = level.dimensions
    walks, on_top, predictions = [], [], []
    for player, hike in sorted(best_hikes(hikes).items()):
        if hike.trail is not None and hike.trail.shape[1] == dimensions:
            heights = hike.heights
            if heights is None:
                with np.errstate(all="ignore"):
                    heights = np.asarray(level.landscape.height(np.nan_to_num(hike.trail)), float)
            walk = Walk(PLAYER if player == picked else CLASSMATE, clean(player), hike.trail, heights,
                        np.zeros((max(len(hike.trail) - 1, 0), dimensions)), hike.status, hike.row.steps_to_goal)
            (on_top if player == picked else walks).append(walk)
        if hike.prediction is not None and len(hike.prediction) == dimensions:
            point = hike.prediction.reshape(1, dimensions)
            with np.errstate(all="ignore"):
                height = np.asarray(level.landscape.height(point), float).reshape(1)
            predictions.append(Walk(PREDICTION, clean(player), point, height, np.zeros((0, dimensions)),
                                    Status.WANDERING, None))
    return walks + predictions + on_top


def trail_story(level, walk) -> list[str]:
    """What happened on one player's trail (overshoot, crawl, zig-zag, fall, side valley...), in
    the words of the reveal (`trail.read_trail`), judged on the true ground. May take a while (a
    side valley is searched for): call it off the UI thread."""
    if len(walk.path) < 2 or not np.all(np.isfinite(walk.path[0])):
        return []
    from foggymountain.trail import read_trail

    with np.errstate(all="ignore"):
        return [event.text for event in read_trail(level, walk)]
