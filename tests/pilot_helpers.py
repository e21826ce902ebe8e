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
    """Let the screen and any background work (the race, the progress save) finish. A hike that
    ended shows the prediction first: skip it as a player does, with Enter and nothing chosen
    (tests of the prediction itself use `on_prediction` instead)."""
    from foggymountain.ui.screens.prediction import PredictionScreen

    await pilot.pause()
    if isinstance(pilot.app.screen, PredictionScreen):
        await pilot.press("enter")
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()


async def on_prediction(pilot):
    """The hike just ended: the prediction screen is up (before any reveal)."""
    from foggymountain.ui.screens.prediction import PredictionScreen

    await pilot.pause()
    assert isinstance(pilot.app.screen, PredictionScreen), type(pilot.app.screen).__name__
    return pilot.app.screen
