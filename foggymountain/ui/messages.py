"""What screens say to the app, and the app to screens: Textual messages.

Screens never call the app's own members and never import `ui/app.py`: they post one of these and
the app, which owns the screen flow, handles it with `@on(...)`. Screens get what they show (a
level entry, the shelf, the score book, a hike, a race) as constructor arguments.

    level select ──LevelChosen──▶ app ──▶ briefing ──StartHike──▶ app ──▶ hike
    hike ──HikeFinished──▶ app (scores the walk in a worker) ──▶ prediction ──Predicted──▶ app (saves in a worker) ──▶ reveal
    reveal / race summary ──Retry / NextLevel / BackToLevels──▶ app
    app ──LevelsChanged──▶ every screen on the stack (stars or level files changed)
    app ──LevelReady──▶ every screen on the stack (the goal and the racers' race, worked out ahead)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:  # names only: the first screen is drawn before numpy and the level loader are imported
    from foggymountain.hike import Hike
    from foggymountain.level import Level
    from foggymountain.prediction import Prediction
    from foggymountain.shelf import LevelEntry


@dataclass
class LevelChosen(Message):
    """Open this level's briefing."""

    entry: LevelEntry


@dataclass
class StartHike(Message):
    """Walk into the fog on this level."""

    level: Level


@dataclass
class HikeFinished(Message):
    """The hike is over (camped, budget spent, fell off, diverged): race it and reveal the ground."""

    hike: Hike


@dataclass
class Predicted(Message):
    """The player's guess before the reveal (None: skipped). The app reveals once the race is run."""

    prediction: Prediction | None


@dataclass
class Retry(Message):
    """Hike this level again (back through its briefing in the campaign)."""

    level: Level


@dataclass
class NextLevel(Message):
    """On to the level after this one (the level select after the last)."""

    level: Level


class BackToLevels(Message):
    """Leave for the level select (or the single level's briefing with `play FILE`)."""


class LevelsChanged(Message, bubble=False):
    """Sent by the app to each screen: stars or level files changed, or the levels shown from their
    prefaces at start-up are loaded (`Shelf.load_pending`); show them again."""


@dataclass
class LevelReady(Message, bubble=False):
    """Sent by the app to each screen: what the reveal needs of this level that does not depend on
    the player (the valley floor, the goal, the racers' race) was worked out in a worker, so
    `level.known_goal` is set now; show it."""

    level: Level
