"""What screens say to the app, and the app to screens: Textual messages.

Screens never call the app's own members and never import `ui/app.py`: they post one of these and
the app, which owns the screen flow, handles it with `@on(...)`. Screens get what they show (a
level entry, the shelf, the score book, a hike, a race) as constructor arguments.

    level select ──LevelChosen──▶ app ──▶ briefing ──StartHike──▶ app ──▶ hike
    hike ──HikeFinished──▶ app (races once, saves in a worker) ──▶ reveal
    reveal / race summary ──Retry / NextLevel / BackToLevels──▶ app
    app ──LevelsChanged──▶ every screen on the stack (stars or level files changed)
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from foggymountain.hike import Hike
from foggymountain.level import Level
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
    """Sent by the app to each screen: stars or level files changed; show them again."""
