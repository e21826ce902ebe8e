"""A player's progress (stars and best hike per level), kept in one JSON file per player.

The file must survive what players do: quitting mid-write, a full disk, two copies of the game
open at once, a file edited by hand. So:

- every write goes to a temporary file in the same folder, is flushed and fsynced, then renamed
  over the old file (`os.replace` is atomic), and the folder is fsynced; the previous file is kept
  as `NAME.json.bak`;
- a file we cannot read (garbage, a newer format) is renamed aside with a timestamp, never
  deleted, the backup is used if it is sound, and `Progress.warnings` tells the player once;
- every write happens under a lock (`flock` on a sidecar `NAME.json.lock`) after re-reading the
  file and merging it in, keeping the best result per level: a level finished in another copy of
  the game is never lost.

The file (version 1):

    {"version": 1, "player": "ada",
     "levels": {"01-first-steps": {"stars": 2, "best": {...}, "last": {...}}}}

`best` is the best hike so far (final height, steps, steps to goal, stars, status, time); `last`
is the latest hike with its trail, for the level select to draw.
"""

from __future__ import annotations

import contextlib
import copy
import functools
import getpass
import hashlib
import json
import math
import os
import re
import secrets
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterator

from foggymountain.outcome import better
from foggymountain.safe_read import UnsafeFile, read_bytes
from foggymountain.safe_text import one_line

VERSION = 1
FALLBACK_PLAYER = "player"
MAX_PROGRESS_BYTES = 20_000_000  # a campaign of long hikes is well under 1 MB, written as _write does
MAX_TRAIL = 20_000  # numbers kept of a hike's trail (a 64-variable walk of 300 steps)


# ---- files that survive crashes ---------------------------------------------------------------


def write_atomically(path: Path, text: str, *, backup: bool = False, replace: bool = True) -> Path:
    """Write `text` to `path` so that `path` holds either the old or the new text, never half.

    With `backup`, the old file is first copied to `path.bak` (itself atomically). With
    `replace=False`, an existing `path` is never overwritten: FileExistsError instead.
    The file gets the usual permissions for a new file (0666 less the umask), not the 0600 of a
    temporary file, so a facilitator can read results written by other users.
    """
    path = Path(path)
    folder = path.parent
    temporary = _write_temporary(folder, path.name, text.encode("utf-8"))
    try:
        if backup and path.exists():
            _copy_atomically(path, path.with_name(path.name + ".bak"))
        if replace:
            os.replace(temporary, path)
        else:
            _place_new(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    _fsync_folder(folder)
    return path


def _place_new(temporary: Path, path: Path) -> None:
    """Move `temporary` to `path`, which must not exist (FileExistsError if it does)."""
    try:
        os.link(temporary, path)  # atomic, and fails if `path` exists
    except FileExistsError:
        raise
    except OSError:
        # No hard links here (FAT, some network shares): reserve the name, then swap the content in.
        # A reader may briefly see the empty reserved file; never a half-written one.
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
        os.replace(temporary, path)
        return
    os.unlink(temporary)


def _write_temporary(folder: Path, name: str, data: bytes) -> Path:
    for _ in range(100):
        temporary = folder / f".{name}.{secrets.token_hex(4)}.tmp"
        try:
            descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
        except FileExistsError:
            continue
        try:
            with os.fdopen(descriptor, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            raise
        return temporary
    raise FileExistsError(f"cannot create a temporary file in {folder}")


def _copy_atomically(source: Path, target: Path) -> None:
    temporary = _write_temporary(target.parent, target.name, source.read_bytes())
    try:
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def _fsync_folder(folder: Path) -> None:
    # Makes the rename itself durable. Folders cannot be opened on Windows; nothing to do there.
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)


@contextlib.contextmanager
def locked(lock_path: Path) -> Iterator[None]:
    """Hold an exclusive lock on `lock_path` (created if missing) for the duration of the block."""
    handle = open(lock_path, "a+b")
    try:
        try:
            import fcntl
        except ImportError:  # Windows
            fcntl = None
        if fcntl is not None:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
            except OSError:
                pass  # a file system without locks (some network shares): merge anyway, unlocked
        else:
            import msvcrt

            handle.seek(0)
            while True:
                try:
                    msvcrt.locking(handle.fileno(), msvcrt.LK_LOCK, 1)
                    break
                except OSError:
                    time.sleep(0.05)
        yield
    finally:
        handle.close()  # closing the file releases the lock


def move_aside(path: Path, why: str) -> Path:
    """Rename an unreadable file next to itself with a timestamp; never delete it."""
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    for attempt in range(1000):
        suffix = f".{why}-{stamp}" + (f"-{attempt}" if attempt else "")
        target = path.with_name(path.name + suffix)
        if not target.exists():
            os.replace(path, target)
            return target
    raise FileExistsError(f"cannot find a free name to move {path} aside")


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


def safe_name(name: str, fallback: str = FALLBACK_PLAYER, limit: int = 40) -> str:
    """A file-name-safe form of `name`. Names that had to change get a short hash of the original,
    so "Ada Lovelace" and "Ada_Lovelace" never share a file."""
    cleaned = re.sub(r"[^A-Za-z0-9_-]+", "_", name).strip("_-")[:limit]
    if not cleaned:
        cleaned = fallback
    if cleaned != name:
        cleaned += "-" + hashlib.sha1(name.encode("utf-8", "surrogatepass")).hexdigest()[:6]
    return cleaned


def default_player() -> str:
    try:
        name = getpass.getuser()
    except (OSError, KeyError, ImportError):  # no login name (containers, some CI): any player name will do
        return FALLBACK_PLAYER
    return name or FALLBACK_PLAYER


def default_folder() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("foggymountain", appauthor=False)) / "players"


# ---- what one hike leaves behind --------------------------------------------------------------


def _number(value: Any) -> float | None:
    try:
        value = float(value)
    except (TypeError, ValueError):
        return None
    return value if math.isfinite(value) else None


def hike_summary(race) -> dict:
    """The player's hike of a finished `race.Race` as plain JSON data."""
    player = race.player
    if player is None:
        raise ValueError("the race has no player: record only races that scored a hike")
    return {
        "stars": int(race.stars),
        "status": player.status.value,
        "final_height": _number(player.final_height),
        "best_height": _number(player.best_height),
        "steps": int(player.steps),
        "steps_to_goal": None if player.steps_to_goal is None else int(player.steps_to_goal),
        "distance": _number(player.distance),
        "time": now_iso(),
        # A batch-size level: what reaching the goal cost is counted in examples seen.
        **({"examples_to_goal": player.examples_to_goal} if player.examples is not None else {}),
        **({"prediction": race.forecast.to_json()} if getattr(race, "forecast", None) is not None else {}),
    }


def trail_of(race) -> dict:
    """The player's trail and heights; a long walk in many directions is thinned to at most
    MAX_TRAIL numbers (every k-th step and the last), so progress and result files stay small."""
    player = race.player
    path, heights = list(player.path), list(player.heights)
    numbers = len(path) * (len(path[0]) if path else 0)
    if numbers > MAX_TRAIL:
        every = -(-numbers // MAX_TRAIL)
        keep = sorted(set(range(0, len(path), every)) | {len(path) - 1})
        path, heights = [path[i] for i in keep], [heights[i] for i in keep if i < len(heights)]
    return {
        "trail": [[_number(v) for v in point] for point in path],
        "heights": [_number(h) for h in heights],
    }


# ---- which level a result belongs to ----------------------------------------------------------


def progress_key(level) -> str:
    """The name a level's stars and best are kept under (`level`: a Level, or anything with its
    `path` and `id`, such as the game's list entries).

    The built-in campaign's levels keep their file stem ("01-downhill"), as progress files always
    had; a level anywhere else is "<folder name>/<stem>" ("workshop/01-downhill"), so a workshop
    level that shares a file name with a campaign level never shows the campaign's stars.
    """
    path = getattr(level, "path", None)
    if path is None:
        return level.id
    path = Path(path)
    folder = _resolved(path.parent)
    if folder == _builtin_folder():
        return level.id
    return f"{folder.name or 'levels'}/{level.id}"


def _resolved(folder: Path) -> Path:
    try:
        return folder.resolve()
    except OSError:  # a folder we may not resolve (permissions, a loop of links): as written
        return folder.absolute()


@functools.lru_cache(maxsize=1)
def _builtin_folder() -> Path | None:
    from foggymountain.campaign import builtin_levels_dir  # here: reading progress needs no level code

    try:
        return _resolved(builtin_levels_dir())
    except FileNotFoundError:
        return None


def _stars(entry: dict) -> int:
    stars = entry.get("stars")
    return stars if isinstance(stars, int) and not isinstance(stars, bool) and 0 <= stars <= 3 else 0


def _forecast(entry: dict) -> int | None:
    score = entry.get("forecast")
    return score if isinstance(score, int) and not isinstance(score, bool) and 0 <= score <= 100 else None


def merge_level(a: dict | None, b: dict | None) -> dict:
    """One level's entry from two copies: best of both bests, most stars, the latest hike."""
    if a is None or b is None:
        return copy.deepcopy(a or b or {})
    merged = {
        "stars": max(_stars(a), _stars(b)),
        "best": copy.deepcopy(better(a.get("best"), b.get("best"))),
    }
    forecasts = [_forecast(entry) for entry in (a, b) if _forecast(entry) is not None]
    if forecasts:
        merged["forecast"] = max(forecasts)  # the best forecast score on this level
    lasts = [entry["last"] for entry in (a, b) if isinstance(entry.get("last"), dict)]
    if lasts:
        # On a tie the second (the newer record, in `record`) wins.
        merged["last"] = copy.deepcopy(max(reversed(lasts), key=lambda last: str(last.get("time", ""))))
    return merged


# ---- progress -------------------------------------------------------------------------------


class UnreadableProgress(Exception):
    def __init__(self, reason: str, why: str = "unreadable") -> None:
        super().__init__(reason)
        self.reason = reason
        self.why = why  # used in the name of the moved-aside file


@dataclass
class Progress:
    player: str
    path: Path
    levels: dict[str, dict] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    @classmethod
    def load(cls, player: str | None = None, folder: Path | None = None) -> Progress:
        """The player's progress (a fresh one if there is none yet). Never raises for a bad file:
        it is moved aside and the reason is in `warnings`. Raises OSError only when the folder
        itself cannot be created or written."""
        player = player if player else default_player()
        folder = Path(folder) if folder is not None else default_folder()
        folder.mkdir(parents=True, exist_ok=True)
        progress = cls(player=player, path=folder / f"{safe_name(player)}.json")
        with locked(progress.lock_path):
            progress.levels = progress._read_or_recover()
        return progress

    @property
    def lock_path(self) -> Path:
        return self.path.with_name(self.path.name + ".lock")

    @property
    def backup_path(self) -> Path:
        return self.path.with_name(self.path.name + ".bak")

    # -- what the level select asks

    def stars(self, level_id: str) -> int:
        return _stars(self.levels.get(level_id, {}))

    def forecast(self, level_id: str) -> int | None:
        """The best forecast score (0–100) of a prediction made on this level, if any."""
        return _forecast(self.levels.get(level_id, {}))

    def best(self, level_id: str) -> dict | None:
        best = self.levels.get(level_id, {}).get("best")
        return copy.deepcopy(best) if best else None

    def last(self, level_id: str) -> dict | None:
        last = self.levels.get(level_id, {}).get("last")
        return copy.deepcopy(last) if last else None

    # -- recording

    def record(self, level_id: str, race) -> None:
        """Record a finished hike (a `race.Race` with a player) and save at once, merging in
        whatever another copy of the game saved meanwhile."""
        summary = hike_summary(race)
        entry = {
            "stars": summary["stars"],
            "best": summary,
            "last": {**trail_of(race), "stars": summary["stars"], "final_height": summary["final_height"],
                     "steps": summary["steps"], "status": summary["status"], "time": summary["time"]},
        }
        if "prediction" in summary:
            entry["last"]["prediction"] = summary["prediction"]
            entry["forecast"] = summary["prediction"]["score"]
        with locked(self.lock_path):
            on_disk = self._read_or_recover()
            for other_id, other in on_disk.items():
                self.levels[other_id] = merge_level(self.levels.get(other_id), other)
            self.levels[level_id] = merge_level(self.levels.get(level_id), entry)
            self._write()

    def _write(self) -> None:
        document = {"version": VERSION, "player": self.player, "levels": self.levels}
        # One line per level, trails on it: written with indent=1 a trail of 20,000 numbers took
        # 20,000 lines, and a file that loaded within MAX_PROGRESS_BYTES was saved beyond it.
        levels = ",\n".join(f" {json.dumps(level_id)}: {json.dumps(entry, sort_keys=True, separators=(',', ':'))}"
                             for level_id, entry in sorted(document.pop("levels").items()))
        head = json.dumps(document, sort_keys=True)[:-1]
        write_atomically(self.path, f'{head}, "levels": {{\n{levels}\n}}}}\n', backup=True)

    # -- reading, and recovering from bad files (call with the lock held)

    def _read_or_recover(self) -> dict[str, dict]:
        if not self.path.exists():
            return {}
        try:
            return _read_levels(self.path)
        except UnreadableProgress as problem:
            moved = move_aside(self.path, problem.why)
            message = f"your progress file was unreadable ({problem.reason}); it was moved to {moved}"
        try:
            levels = _read_levels(self.backup_path) if self.backup_path.exists() else None
        except UnreadableProgress:
            levels = None
        if levels is None:
            self.warnings.append(message + " and a fresh one was started")
            return {}
        self.warnings.append(message + f"; the progress saved in {self.backup_path.name} was restored")
        for level_id, entry in levels.items():
            self.levels[level_id] = merge_level(self.levels.get(level_id), entry)
        self._write()
        return levels


MAX_TEXT = 100
MAX_COUNT = 10**9


def _read_levels(path: Path) -> dict[str, dict]:
    try:
        raw = read_bytes(path, MAX_PROGRESS_BYTES)
    except UnsafeFile as err:
        raise UnreadableProgress(f"it {err.reason}", "too-large" if err.too_large else "not-a-file") from None
    try:
        document = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise UnreadableProgress(f"not valid JSON: {one_line(err, 120)}") from None
    except RecursionError:
        raise UnreadableProgress("it is nested too deeply") from None
    except ValueError:  # an integer of more than 4,300 digits
        raise UnreadableProgress("it holds a number too long to read") from None
    if not isinstance(document, dict):
        raise UnreadableProgress("not a progress file")
    version = document.get("version")
    if version != VERSION:
        if isinstance(version, int) and not isinstance(version, bool) and VERSION < version < MAX_COUNT:
            raise UnreadableProgress(f"it was written by a newer Foggy Mountain (format {version}, this one reads {VERSION})", "newer")
        shown = repr(version) if isinstance(version, (int, float, str)) and len(str(version)) < 20 else type(version).__name__
        raise UnreadableProgress(f"unknown format version {one_line(shown)}")
    levels = document.get("levels")
    if not isinstance(levels, dict) or not all(isinstance(k, str) and isinstance(v, dict) for k, v in levels.items()):
        raise UnreadableProgress("its 'levels' are not a table of levels")
    return {level_id: _clean_entry(entry) for level_id, entry in levels.items()}


def _clean_entry(entry: dict) -> dict:
    """Keep what a hand-edited entry has that we understand; drop what would crash the game:
    numbers past a float, text with markup or control characters shown as is, deep nesting."""
    clean: dict[str, Any] = {"stars": _stars(entry)}
    if _forecast(entry) is not None:
        clean["forecast"] = _forecast(entry)
    if isinstance(entry.get("best"), dict):
        clean["best"] = _clean_result(entry["best"])
    if isinstance(entry.get("last"), dict):
        last = _clean_result(entry["last"])
        trail, heights = entry["last"].get("trail"), entry["last"].get("heights")
        if _flat_numbers(heights) and _is_trail(trail):
            last["trail"], last["heights"] = trail, heights
        clean["last"] = last
    return clean


_RESULT_NUMBERS = ("final_height", "best_height", "distance")
_RESULT_COUNTS = ("stars", "steps", "steps_to_goal")
_RESULT_TEXTS = ("status", "time")


def _clean_result(result: dict) -> dict:
    """A saved hike's fields, each of the type the game reads (others are dropped)."""
    clean: dict[str, Any] = {}
    for key in _RESULT_NUMBERS:
        value = result.get(key)
        if value is None and key in result:
            clean[key] = None
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            try:
                number = float(value)
            except OverflowError:
                continue
            if math.isfinite(number):
                clean[key] = number
    for key in _RESULT_COUNTS:
        value = result.get(key)
        if value is None and key in result:
            clean[key] = None
        elif isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_COUNT:
            clean[key] = value
    for key in _RESULT_TEXTS:
        value = result.get(key)
        if isinstance(value, str):
            clean[key] = one_line(value, MAX_TEXT)
    return clean


def _finite(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isfinite(value)) or (
        isinstance(value, int) and not isinstance(value, bool) and abs(value) < 10**300)


def _flat_numbers(values: Any) -> bool:
    return isinstance(values, list) and len(values) <= MAX_TRAIL and all(_finite(v) for v in values)


def _is_trail(trail: Any) -> bool:
    if not isinstance(trail, list) or not all(isinstance(point, list) and len(point) <= 64 for point in trail):
        return False
    return sum(len(point) for point in trail) <= MAX_TRAIL and all(_finite(v) for point in trail for v in point)
