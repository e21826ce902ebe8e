"""Pilot tests of what the later lessons add to the screens: the held-out losses on the reveal's
Data tab, the chain-rule panel of the hike, the batch-size trade-off, and sampled sentences."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from textual.app import App
from textual.widgets import TabbedContent

from foggymountain.hike import Hike
from foggymountain.level import load_level
from foggymountain.race import held_out_trail, race
from foggymountain.ui.screens.reveal import RevealScreen

LEVELS = Path(__file__).parent / "levels_lessons"
SIZE = (100, 32)


class RevealApp(App[None]):
    def __init__(self, hike: Hike) -> None:
        super().__init__()
        self.hike = hike

    def on_mount(self) -> None:
        self.push_screen(RevealScreen(self.hike, race(self.hike.level, self.hike)))


def downhill_hike(name: str, pace: float, steps: int) -> Hike:
    hike = Hike(load_level(LEVELS / name))
    hike.set_pace(pace)
    for _ in range(steps):
        hike.point_downhill()
        hike.set_pace(pace)
        if hike.step() != "walking":
            break
    hike.camp()
    return hike


def plain(widget) -> str:
    """What a widget of this file shows now, as plain text."""
    from rich.console import Console

    rendered = widget._content()
    console = Console(width=200, record=True, color_system=None)
    console.print(rendered)
    return console.export_text()


async def test_the_data_tab_shows_training_and_held_out_loss_at_the_replay_step():
    hike = downhill_hike("held_out.toml", 0.5, 6)
    async with RevealApp(hike).run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = pilot.app.screen
        screen.query_one(TabbedContent).active = "tab-data"
        await pilot.pause()
        await pilot.pause()
        table = screen.query_one("#held-out")
        level = hike.level
        player = screen.race.player
        text = plain(table)
        assert "held out" in text and "valley floor" in text
        from foggymountain.ui.widgets.words import number

        assert number(held_out_trail(level, player)[-1]) in text
        assert number(float(level.landscape.held_out_height(level.minimum.point))) in text
        await pilot.press("home")
        await pilot.pause()
        assert number(held_out_trail(level, player)[0]) in plain(table)


async def test_the_hike_shows_each_slope_as_a_product_of_chain_rule_factors(tmp_path):
    from foggymountain.ui.app import make_app
    from foggymountain.ui.widgets.chain_rule import ChainRulePanel
    from foggymountain.ui.widgets.words import number

    app = make_app(player="t", progress_dir=tmp_path, level_file=LEVELS / "two_layers.toml")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter")  # the briefing
        await pilot.pause()
        screen = pilot.app.screen
        panel = screen.query_one(ChainRulePanel)
        for _ in range(3):
            hike = screen.hike
            chain = hike.chain_rule()
            text = ChainRulePanel.content_of(chain).plain
            x = hike.level.landscape.data["x"][chain.rows[0]]
            assert f"example {chain.rows[0] + 1}: x = {number(x)}" in text
            assert "∂height/∂pred × ∂pred/∂h × ∂h/∂w1" in text and "∂height/∂pred × ∂pred/∂w2" in text
            # The numbers shown multiply to the slope the player feels.
            for weight, felt in zip(chain.weights, hike.slope):
                factors = [v[0] for v in weight.paths[0].values]
                assert np.prod(factors) == pytest.approx(felt, rel=1e-12)
                assert " × ".join(number(f, signed=i == 0) for i, f in enumerate(factors)) in text
            assert panel._shown_text == ChainRulePanel.content_of(chain).markup, "the panel shows this step's chain"
            await pilot.press("d", "enter")
            await pilot.pause()


def words_hike() -> Hike:
    return downhill_hike("words.toml", 5.0, 20)


async def test_the_words_tab_writes_a_sentence_per_walker_at_the_chosen_temperature():
    from foggymountain.sampling import write
    from foggymountain.ui.screens.number_prompt import NumberPrompt
    from foggymountain.ui.widgets.reveal_sampling import SampledSentences

    hike = words_hike()
    async with RevealApp(hike).run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = pilot.app.screen
        await pilot.press("2")  # the Words tab
        await pilot.pause()
        await pilot.pause()
        widget = screen.query_one(SampledSentences)
        level = hike.level
        assert widget.temperature == 1.0 and [w for w, _ in widget.sentences()] == screen.race.ranking
        for walk, sentence in widget.sentences():
            assert sentence == write(level.landscape, walk.path[-1], "the", temperature=1.0, seed=level.seed)
            assert sentence.text.replace(".", " .").split()[-1] in plain(widget).replace(".", " .")
        await pilot.press("t")
        await pilot.pause()
        assert isinstance(pilot.app.screen, NumberPrompt)
        pilot.app.screen.query_one("Input").value = "9"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(pilot.app.screen, NumberPrompt), "9 is too hot: the prompt stays open"
        pilot.app.screen.query_one("Input").value = "0"
        await pilot.press("enter")
        await pilot.pause()
        await pilot.pause()
        assert screen.temperature == 0 and widget.temperature == 0
        assert all(all(s.likeliest) for _, s in widget.sentences())
        assert "temperature 0" in plain(widget)
        before = [s for _, s in widget.sentences()]
        await pilot.press("w")
        await pilot.pause()
        assert widget.writing == 1 and "draw 2" in plain(widget)
        assert [s for _, s in widget.sentences()] == before, "at temperature 0 every draw is the same"


async def test_the_temperature_keys_mean_nothing_on_other_levels():
    hike = downhill_hike("held_out.toml", 0.5, 3)
    async with RevealApp(hike).run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = pilot.app.screen
        assert screen.check_action("temperature", ()) is False
        await pilot.press("t", "w")
        await pilot.pause()
        assert pilot.app.screen is screen and screen.temperature == 1.0 and screen.writing == 0


async def test_b_changes_the_mini_batch_and_the_reveal_shows_the_trade_off(tmp_path):
    from foggymountain.ui.app import make_app
    from foggymountain.ui.widgets.reveal_batches import BatchTradeOff
    from foggymountain.ui.widgets.whereabouts import Whereabouts

    app = make_app(player="t", progress_dir=tmp_path, level_file=LEVELS / "batches.toml")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")  # the briefing
        await pilot.pause()
        screen = pilot.app.screen
        hike = screen.hike
        assert hike.batch_size == 2 and "batch 2" in str(screen.query_one(Whereabouts).render())
        await pilot.press("b")
        assert hike.batch_size == 8 and "examples 0 of 24" in str(screen.query_one(Whereabouts).render())
        await pilot.press("enter", "b")
        assert hike.batch_size == 1, "after the largest, back to the smallest"
        await pilot.press("enter", "enter")
        assert hike.batches == [8, 1, 1] and "examples 10 of 24" in str(screen.query_one(Whereabouts).render())
        await pilot.press("c")
        await pilot.pause()
        await pilot.pause()
        reveal = pilot.app.screen
        assert isinstance(reveal, RevealScreen)
        reveal.query_one(TabbedContent).active = "tab-board"
        await pilot.pause()
        await pilot.pause()
        text = plain(reveal.query_one(BatchTradeOff))
        assert "The same 24 examples" in text
        for walk in reveal.race.racers:
            assert walk.label in text
        player_row = next(line for line in text.splitlines() if "You" in line)
        assert "1/8" in player_row and " 3 " in player_row, "the sizes the player used, and its steps"
