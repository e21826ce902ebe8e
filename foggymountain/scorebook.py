"""Keeping score: the player's stars and best hike per level, and recording a finished hike (in
the player's progress and, at a workshop, as a result file).

Playing matters more than keeping score: a progress file that cannot be opened leaves the game
playable with no stars shown, and says why once (`take_warnings`).
"""

from __future__ import annotations

import logging
from pathlib import Path

from foggymountain.outcome import Race
from foggymountain.progress import Progress, progress_key
from foggymountain.results import write_result

log = logging.getLogger(__name__)


class ScoreBook:
    """Stars and bests for the screens to show, read from the player's `Progress`."""

    def __init__(self, player: str, *, progress_dir: Path | None = None, results_dir: Path | None = None) -> None:
        self.player = player
        self.progress_dir = Path(progress_dir) if progress_dir is not None else None
        self.results_dir = Path(results_dir) if results_dir is not None else None
        self.progress: Progress | None = None
        self._warnings: list[str] = []
        self._open()

    def _open(self) -> None:
        try:
            self.progress = Progress.load(self.player, self.progress_dir)
        except Exception as err:  # noqa: BLE001 - a boundary: playing matters more than keeping score
            log.exception("cannot load the progress of %r", self.player)
            self.progress = None
            self._warnings.append(f"progress could not be loaded: {err}")

    def stars(self, level) -> int:
        """`level`: a Level or a shelf entry."""
        return self.progress.stars(progress_key(level)) if self.progress is not None else 0

    def best(self, level) -> dict | None:
        return self.progress.best(progress_key(level)) if self.progress is not None else None

    def record(self, result: Race) -> None:
        """Keep a finished hike (a race with a player): in the progress file, and in the results
        folder if there is one. Raises OSError when a file cannot be written. Slow (file locks,
        fsync): call it from a worker thread."""
        if self.progress is None:
            self.progress = Progress.load(self.player, self.progress_dir)
        self.progress.record(progress_key(result.level), result)
        if self.results_dir is not None:
            write_result(self.results_dir, self.player, result)

    def take_warnings(self) -> list[str]:
        """What the player should be told once (a progress file moved aside, one that would not load)."""
        warnings = self._warnings + (list(self.progress.warnings) if self.progress is not None else [])
        self._warnings.clear()
        if self.progress is not None:
            self.progress.warnings.clear()
        return [str(w) for w in warnings]
