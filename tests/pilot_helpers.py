"""Pilot steps shared by the UI test files."""

from foggymountain.ui.screens.briefing import BriefingScreen
from foggymountain.ui.screens.hike import HikeScreen


async def start_hike(pilot) -> HikeScreen:
    """From the briefing, Enter: the hike screen."""
    await pilot.pause()
    assert isinstance(pilot.app.screen, BriefingScreen)
    await pilot.press("enter")
    await pilot.pause()
    assert isinstance(pilot.app.screen, HikeScreen)
    return pilot.app.screen


async def settle(pilot) -> None:
    """Let the screen and any background work (the race, the progress save) finish."""
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
