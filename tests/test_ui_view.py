"""Issue 18: the hike and the reveal read right at 80x24 and use the room at 140x45.

Pilot tests on campaign levels: the logbook never cuts a number without a mark, the gauge's words
follow the level's own ground, the altimeter keeps one scale per level, the reveal's framing shows
what each level teaches, and every colour reads on both themes.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from foggymountain.ui.app import make_app
from foggymountain.ui.widgets.logbook import CUT, Logbook, fit_number, plan_layout
from pilot_helpers import start_hike

CAMPAIGN = Path(__file__).resolve().parent.parent / "levels"
SIZES = [(80, 24), (140, 45)]


def level_file(number: int) -> Path:
    return next(CAMPAIGN.glob(f"{number:02d}-*.toml"))


def as_float(text: str) -> float:
    return float(text.replace("−", "-").replace("±", "").replace("+", ""))


def shows_value(cell: str, value: float) -> bool:
    """The cell is the value rounded to 1-3 significant digits, or the cut mark."""
    if cell == CUT:
        return True
    if cell == "≈0":
        return abs(value) < 1e-4
    shown = as_float(cell)
    return any(math.isclose(shown, float(f"{value:.{d}g}"), rel_tol=1e-9, abs_tol=1e-12) for d in (1, 2, 3))


# ---- the logbook ------------------------------------------------------------------------------


@pytest.mark.parametrize("value", [-0.166, 12345.6, -0.0471, 3.0, -120.0, 1e-7, -9.87e12, -2.2e-15])
@pytest.mark.parametrize("room", [1, 3, 4, 5, 9])
def test_fit_number_rounds_or_marks(value, room):
    text = fit_number(value, room)
    assert len(text) <= room
    assert shows_value(text, value)


def test_layout_fits_the_width():
    for width in range(20, 120, 7):
        for dims in (1, 2, 3, 196):
            for height in (True, False):
                plan = plan_layout(width, dims, 10_000, height)
                total = sum(w + 2 for w in plan.widths.values())
                assert total <= width or plan.each == 1  # one cell per number is the least


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "140x45"])
@pytest.mark.parametrize("number", [10, 11, 12, 19])
async def test_logbook_never_cuts_a_number_without_a_mark(tmp_path, number, size):
    app = make_app(level_file=level_file(number), player="t", progress_dir=tmp_path)
    async with app.run_test(size=size) as pilot:
        screen = await start_hike(pilot)
        hike = screen.hike
        for _ in range(12):
            if not hike.pace_only:
                await pilot.press("d")
            await pilot.press("enter")
            if hike.over:
                break
        await pilot.pause()
        table = screen.query_one(Logbook)
        widths = list(table.layout_plan.widths.values())
        # The table fits its panel: nothing runs off the edge.
        assert sum(w + 2 for w in widths) <= table.size.width
        for label, width in zip(table.labels.values(), widths):
            assert len(label) <= width
        rows = table.shown_rows()
        assert rows, "the logbook shows the footsteps"
        first = hike.steps_used + 1 - len(rows)
        for row, cells in enumerate(rows):
            index = first + row
            assert cells[0] == str(index)
            for cell, width in zip(cells, widths):
                assert len(cell) <= width, (cell, width)
            # ... and the cells are on screen as written, whole.
            assert all(cell in table.lines[1 + row].plain for cell in cells)
            if hike.level.dimensions <= 2:
                parts = cells[1].split(", ")
                for part, value in zip(parts, hike.positions[index]):
                    assert shows_value(part, value), (part, value)
                slope_parts = cells[-1].split(", ")
                for part, value in zip(slope_parts, hike.slopes[index]):
                    assert shows_value(part, value), (part, value)
            if hike.level.show_height:
                assert shows_value(cells[2], hike.heights[index]), (cells[2], hike.heights[index])


# ---- the reveal shows what each level teaches, at 80x24 ---------------------------------------


def campaign_hike(number: int, steps: int):
    """A careful player's hike on a campaign level: downhill at the level's own stride."""
    from foggymountain.hike import Hike
    from foggymountain.level import load_level

    hike = Hike(load_level(level_file(number)))
    for _ in range(steps):
        if not hike.pace_only:
            hike.point_downhill()
        if hike.step() != "walking":
            break
    hike.camp()
    return hike


async def open_reveal(hike, size=(80, 24)):
    from test_ui_reveal import RevealTestApp

    app = RevealTestApp(hike)
    pilot_cm = app.run_test(size=size)
    pilot = await pilot_cm.__aenter__()
    await pilot.pause()
    await pilot.pause()
    return app, pilot_cm


def cell_colours(heat, row: int) -> list[tuple]:
    """(text, foreground, background) of every map cell of one row, gutter left out."""
    found = []
    for segment in heat.render_line(row):
        for char in segment.text:
            found.append((char, segment.style.color, segment.style.bgcolor))
    return found[heat._gutter(): heat._gutter() + heat._map_size()[0]]


async def test_level_6_the_hump_between_the_hollows_shows_at_80x24():
    from foggymountain.ui.widgets.reveal_curve import CurveChart

    app, running = await open_reveal(campaign_hike(6, 12))
    try:
        chart = app.screen.query_one(CurveChart)
        view = chart.view
        xs, heights = view.xs, view.heights
        floor = int(np.argmin(heights))
        # the side hollow: the lowest point right of the hump; the hump: the highest between them
        right = xs > 1.5
        side = int(np.flatnonzero(right)[np.argmin(heights[right])])
        hump = floor + int(np.argmax(heights[floor:side + 1]))
        assert xs[floor] < xs[hump] < xs[side]
        assert view.bands[side] > view.bands[floor]
        assert view.bands[hump] - view.bands[side] >= 2, "the hump's colour differs from the side hollow's"
        rows = chart.size.height - 4  # the plot's rows, less the axes
        span = view.y_range[1] - view.y_range[0]
        assert (heights[hump] - heights[side]) / span * rows >= 1.0, "the hump rises a row above the side hollow"
        # every walker and the start and the floor are in the frame
        assert view.x_range[0] <= xs[floor] and view.x_range[1] >= float(chart.level.start[0])
    finally:
        await running.__aexit__(None, None, None)


async def test_level_10_the_zig_zag_reads_at_80x24():
    from foggymountain.ui.widgets.heatmap import HeatMap

    app, running = await open_reveal(campaign_hike(10, 15))
    try:
        heat = app.screen.query_one(HeatMap)
        player = app.screen.race.player
        cells = [heat.cell_of(p) for p in player.path]
        assert all(inside for _, _, inside in cells)
        # each footstep on a cell of its own: the walk from wall to wall is drawn step by step
        places = [(c, r) for c, r, _ in cells]
        assert all(a != b for a, b in zip(places, places[1:]))
        # the framing zooms in: the walked region fills more than half of the picture's width
        columns = [c for c, _ in places]
        assert max(columns) - min(columns) >= heat._map_size()[0] // 4
        # the ravine's floor is darker (lower band) than the walls the player zig-zags between
        grid = heat.grid
        _, row_px, _ = grid.pixel_of(np.asarray(player.path[3]))
        bands = grid.bands[int(row_px)]
        assert bands.min() < bands[cells[3][0]]
    finally:
        await running.__aexit__(None, None, None)


async def test_level_11_the_bumps_show_at_80x24():
    from foggymountain.ui.widgets.heatmap import HeatMap

    app, running = await open_reveal(campaign_hike(11, 15))
    try:
        heat = app.screen.query_one(HeatMap)
        grid = heat.grid
        dips = 0
        for row in range(grid.rows // 4, 3 * grid.rows // 4):
            bands = grid.bands[row]
            inner = bands[1:-1]
            dips = max(dips, int(np.sum((inner < bands[:-2]) & (inner <= bands[2:]))))
        assert dips >= 2, "a row of the map crosses at least two dimples: the egg crate shows"
        # and the colours on screen follow the bands: a row has several colours, not one
        shown = cell_colours(heat, heat._map_size()[1] // 2)
        assert len({bg for _, _, bg in shown}) >= 4
    finally:
        await running.__aexit__(None, None, None)


async def test_level_20_slice_colours_agree_with_the_true_heights():
    from foggymountain.ui.widgets.heatmap import HeatMap

    app, running = await open_reveal(campaign_hike(20, 20))
    try:
        screen = app.screen
        heat = screen.query_one(HeatMap)
        terrain = heat.terrain
        assert terrain.plane.sliced
        # the floor's height is the darkest colour of the scale
        assert int(terrain.band_of_height([screen.level.minimum.height])[0]) == 0
        column, row, inside = heat.cell_of(screen.level.minimum.point)
        if inside:
            x = heat._gutter() + column
            segment = list(heat.render_line(row).crop(x, x + 1))[0]
            assert segment.text == "✕"
            floor_rgb = heat._colour(heat.scale.rgb[0])
            assert segment.style.bgcolor == floor_rgb
        # a walker whose height fell is drawn on ever darker (or equal) colours
        for walk in screen.race.walkers:
            bands = terrain.band_of_height(walk.heights[: walk.steps])
            heights = walk.heights[: walk.steps]
            order = np.argsort(heights, kind="stable")
            assert np.all(np.diff(bands[order]) >= 0)
        # the one-line explanation of the slice is on screen
        frame = screen.query_one("#map-frame")
        assert "╱ off bounds" in str(frame.border_subtitle) and "true height" in str(frame.border_subtitle)
    finally:
        await running.__aexit__(None, None, None)


# ---- briefings and lessons show formulas as written --------------------------------------------


def _rendered_text(markdown: str) -> str:
    """The text Textual's Markdown widget shows for `markdown` (its parser, inline text only)."""
    from markdown_it import MarkdownIt

    parser = MarkdownIt("gfm-like")
    shown = []
    for token in parser.parse(markdown):
        for child in token.children or []:
            if child.type in ("text", "code_inline"):
                shown.append(child.content)
    return "".join(shown)


@pytest.mark.parametrize("path", sorted(p for p in CAMPAIGN.glob("*.toml") if p.name != "pack.toml"),
                         ids=lambda p: p.stem)
def test_formulas_in_briefings_and_lessons_survive_markdown(path):
    import tomllib

    level = tomllib.loads(path.read_text(encoding="utf-8"))
    for key in ("briefing", "debrief"):
        source = level.get(key, "")
        shown = _rendered_text(source)
        for char in "*_^\\":
            assert shown.count(char) == source.count(char), f"{path.name} {key}: a {char!r} is lost to Markdown"


# ---- every colour reads on both themes ---------------------------------------------------------


def _themes():
    from foggymountain.ui.app import FOGGY_DARK, FOGGY_LIGHT

    return [FOGGY_DARK, FOGGY_LIGHT]


@pytest.mark.parametrize("theme", _themes(), ids=lambda t: t.name)
def test_text_colours_pass_a_contrast_check_on_both_themes(theme):
    from textual.color import Color

    from foggymountain.ui.widgets.heatmap import contrast
    from foggymountain.ui.widgets.reveal_trail import KIND_COLOURS
    from foggymountain.ui.widgets.reveal_walkers import EMPTY_STAR, LOOKS, STAR

    def rgb(colour):
        return Color.parse(colour).rgb

    dark = theme.dark
    colours = {f"walker {name}": look.on(dark) for name, look in LOOKS.items()}
    colours |= {f"event {kind.word}": (on_dark if dark else on_light) for kind, (on_dark, on_light) in KIND_COLOURS.items()}
    colours |= {"star": STAR[dark], "empty star": EMPTY_STAR[dark]}
    colours |= {name: getattr(theme, name) for name in ("accent", "success", "warning", "error", "primary")}
    for ground in ("background", "surface", "panel"):
        behind = rgb(getattr(theme, ground))
        for name, colour in colours.items():
            assert contrast(rgb(colour), behind) >= 3.0, f"{name} {colour} on {theme.name} {ground}"


def test_map_glyphs_read_on_every_ground_colour():
    """The map's ground is the same in both themes: every walker's footstep (and the start and
    floor marks) stands out on every colour of the scale, and the dots between never vanish."""
    from foggymountain.terrain.grid import mountain
    from foggymountain.ui.widgets.heatmap import (MARK_LOOK, MIN_CONTRAST, MIN_DOT_CONTRAST, contrast,
                                                  readable_colour, readable_ground)
    from foggymountain.ui.widgets.reveal_walkers import LOOKS

    for look in [*LOOKS.values(), MARK_LOOK]:
        for ground in mountain().rgb:
            colour = readable_colour(look, ground)
            assert contrast(colour, readable_ground(colour, ground)) >= MIN_CONTRAST
            assert contrast(colour, readable_ground(colour, ground, MIN_DOT_CONTRAST)) >= MIN_DOT_CONTRAST
    # on snow the white player is drawn in ink, on the deep valley floor in white
    player = LOOKS["player"]
    assert readable_colour(player, mountain().rgb[-1]) == player.rgb_on(False)
    assert readable_colour(player, mountain().rgb[0]) == player.rgb


async def test_counts_shown_match_the_trail_on_level_13():
    """The walk reached the goal at step 6 and camped after 7: the header says both, from the trail."""
    hike = campaign_hike(13, 7)
    heights = np.asarray(hike.heights)
    first = int(np.flatnonzero(heights <= hike.level.goal)[0])
    app, running = await open_reveal(hike)
    try:
        header = str(app.screen.query_one("#reveal-verdict").render())
        assert f"Floor at step {first} of {hike.steps_used}." in header
        assert first < hike.steps_used
        summary = str(app.screen._board_summary())
        assert f"at step {first}, then walked to step {hike.steps_used}" in summary
    finally:
        await running.__aexit__(None, None, None)


async def test_trail_tab_enter_replays_an_event_and_page_keys_read_on():
    from textual.widgets import TabbedContent

    from foggymountain.ui.widgets.reveal_trail import TrailEvents
    from test_ui_reveal import RevealTestApp

    app = RevealTestApp(campaign_hike(10, 15))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        events = screen.race.events
        assert events, "level 10's zig-zag gives the trail events"
        tabs = screen.query_one(TabbedContent)
        panes = [pane.id for pane in tabs.query("TabPane")]
        # on the map, the page keys read the side panel on
        side = screen.query_one("#map-side")
        if side.max_scroll_y > 0:
            await pilot.press("pagedown")
            assert side.scroll_y > 0
        await pilot.press(str(panes.index("tab-trail") + 1))
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.focused, TrailEvents), "the events have the focus: Enter works without Tab"
        trail = screen.query_one("#trail")
        assert trail.max_scroll_y > 0, "at 80x24 the trail tab is longer than the screen"
        await pilot.press("pagedown")
        assert trail.scroll_y > 0
        await pilot.press("pageup")
        assert trail.scroll_y == 0
        await pilot.press("enter")
        await pilot.pause()
        highlighted = app.screen.query_one(TrailEvents).highlighted or 0
        assert screen.step == min(events[highlighted].step, screen.last_step)
        assert tabs.active == "tab-map"


async def test_question_mark_opens_help_on_the_reveal():
    from foggymountain.ui.screens.help import HelpScreen
    from test_ui_reveal import RevealTestApp

    app = RevealTestApp(campaign_hike(6, 5))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        assert "replay the race" in str(app.screen.query_one("#help-keys").render())
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, HelpScreen)


# ---- the gauge's words, the plan's verdict, the altimeter's scale ---------------------------------


def test_steepness_is_said_for_the_level_s_own_ground():
    from foggymountain.level import load_level
    from foggymountain.terrain.steepness import slope_scale

    def word_at_start(number):
        level = load_level(level_file(number))
        _, slope = level.landscape.height_and_slope(np.asarray(level.start, float)[None])
        return slope_scale(level).word(float(np.linalg.norm(slope)))

    assert word_at_start(7) == "almost flat"  # the plateau: "you can barely feel any tilt"
    assert word_at_start(8) in ("gentle", "almost flat")  # "an easy, steady walk down a long slope"
    assert word_at_start(3) in ("steep", "very steep")  # "the walls are steep"
    # the meadow's briefing no longer promises a tilt the gauge contradicts
    assert "barely tilts" not in load_level(level_file(5)).briefing


@pytest.mark.parametrize(("degrees", "verdict"), [(0, "✓ straight downhill"), (45, "45° off downhill"),
                                                  (90, "across the slope: 90° off downhill"),
                                                  (135, "✗ uphill! 135° off downhill")])
async def test_the_plan_says_across_at_90_degrees_and_uphill_only_beyond(tmp_path, degrees, verdict):
    from foggymountain.ui.widgets.step_plan import StepPlan

    app = make_app(level_file=level_file(9), player="t", progress_dir=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await start_hike(pilot)
        hike = screen.hike
        down = hike.downhill
        downhill_degrees = float(np.degrees(np.arctan2(down[1], down[0])))
        hike.set_heading(downhill_degrees + degrees)
        screen.query_one(StepPlan).show(hike)
        assert screen.query_one(StepPlan).border_subtitle == verdict


async def test_the_altimeter_keeps_one_scale_and_says_it(tmp_path):
    from foggymountain.ui.widgets.altimeter import Altimeter, HeightTrace

    app = make_app(level_file=level_file(11), player="t", progress_dir=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await start_hike(pilot)
        trace = screen.query_one(HeightTrace)
        hike = screen.hike
        start, goal = hike.heights[0], hike.level.goal
        assert (trace.low, trace.high) == (goal, start)
        await pilot.press("d", "enter")
        await pilot.pause()
        first_bar = trace.lines[0].plain[1]
        for _ in range(6):
            await pilot.press("d", "enter")
        await pilot.pause()
        # the same height is drawn the same way however many steps came after it
        assert trace.lines[0].plain[1] == first_bar
        assert (trace.low, trace.high) == (goal, start)
        subtitle = str(screen.query_one(Altimeter).border_subtitle)
        assert "goal" in subtitle and ("start" in subtitle or "✓" in subtitle)


async def test_the_flat_pace_fits_its_line(tmp_path):
    from foggymountain.ui.widgets.step_plan import StepPlan

    flat = tmp_path / "flat.toml"
    flat.write_text('title = "Flat"\nbriefing = "flat"\n[landscape]\nvariables = ["x", "y"]\n'
                    'height = "x**2 + y**2"\nbounds = { x = [-3, 3], y = [-3, 3] }\nstart = { x = 0, y = 0 }\n'
                    '[hike]\nbudget = 5\n')
    app = make_app(level_file=flat, player="t", progress_dir=tmp_path / "p")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await start_hike(pilot)
        plan = screen.query_one(StepPlan)
        room = plan.content_region.width
        assert any("— (flat)" in line.plain for line in plan.lines)
        assert all(len(line.plain.rstrip()) <= room for line in plan.lines)


async def test_at_140x45_the_hike_gives_room_to_the_gauge_the_altimeter_and_the_logbook(tmp_path):
    from foggymountain.ui.widgets.altimeter import HeightTrace
    from foggymountain.ui.widgets.slope_gauge import BIG_HALF_WIDTH

    sizes = {}
    for size in SIZES:
        app = make_app(level_file=level_file(10), player="t", progress_dir=tmp_path)
        async with app.run_test(size=size) as pilot:
            screen = await start_hike(pilot)
            await pilot.pause()
            sizes[size] = (screen.query_one("#hike-left").size.width, screen.query_one(HeightTrace).size.height,
                           screen.query_one(Logbook).page_rows, screen.query_one("#slope").compass_size[0])
    small, roomy = sizes[(80, 24)], sizes[(140, 45)]
    assert roomy[0] > small[0]  # a wider left column
    assert roomy[1] >= 6 > small[1]  # the altimeter's history several rows tall
    assert roomy[2] >= 2 * small[2]  # twice the logbook's rows
    assert roomy[3] == BIG_HALF_WIDTH > small[3]  # a bigger compass


def test_log_axis_says_why_heights_are_shifted():
    from foggymountain.terrain.grid import HeightAxis

    axis = HeightAxis.for_heights([-0.5, 0.001, 10, 500])
    assert axis.log and axis.offset > 0
    assert "shifted up" in axis.title and "log needs > 0" in axis.label


async def test_the_legend_says_what_a_reversed_glyph_means():
    from foggymountain.ui.widgets.reveal_legend import RevealLegend
    from test_ui_reveal import RevealTestApp

    app = RevealTestApp(campaign_hike(11, 5))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        legend = app.screen.query_one(RevealLegend)
        from rich.console import Console

        console = Console(width=28, record=True, color_system=None)
        console.print(legend._content())
        shown = " ".join(console.export_text().split())
        assert "= where each walker stands at this step" in shown
        assert "where each walker is now" not in shown


def test_a_bar_at_the_goal_is_drawn_and_green():
    from foggymountain.ui.widgets.altimeter import bar_cells

    assert bar_cells(0.0, 1) == [" "] and bar_cells(1.0, 2) == ["█", "█"] and bar_cells(0.5, 2) == [" ", "█"]


async def test_heights_at_the_goal_show_in_the_altimeter(tmp_path):
    from foggymountain.ui.widgets.altimeter import HeightTrace

    app = make_app(level_file=level_file(5), player="t", progress_dir=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await start_hike(pilot)
        await pilot.press("s", "6", "enter")  # the long meadow's default stride crawls: stride out
        for _ in range(9):
            await pilot.press("d", "enter")
        await pilot.pause()
        hike, trace = screen.hike, screen.query_one(HeightTrace)
        at_goal = [i for i, h in enumerate(hike.heights) if h <= hike.level.goal]
        assert at_goal, "the walk reached the goal"
        drawn = trace.lines[0]
        for i in at_goal:
            column = i - trace.first
            assert drawn.plain[column] == "▁"
            spans = [span for span in drawn.spans if span.start <= column < span.end]
            assert any("success" in str(span.style) for span in spans)


async def test_the_reveal_recolours_stars_and_events_for_the_light_theme():
    from foggymountain.ui.app import FOGGY_LIGHT
    from foggymountain.ui.widgets.reveal_trail import KIND_COLOURS, TrailEvents
    from foggymountain.ui.widgets.reveal_walkers import STAR
    from test_ui_reveal import RevealTestApp

    hike = campaign_hike(10, 15)
    app = RevealTestApp(hike)
    app.register_theme(FOGGY_LIGHT)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        await pilot.press("4")  # the trail: its events are mounted
        await pilot.pause()
        app.theme = FOGGY_LIGHT.name
        await pilot.pause()
        await pilot.pause()
        header = screen.query_one("#reveal-verdict").render()
        star_spans = [span for span in header.spans if "★" in header.plain[span.start:span.end] or "☆" in header.plain[span.start:span.end]]
        assert star_spans and all(STAR[True] not in str(span.style) for span in star_spans)
        events = screen.query_one(TrailEvents)
        first = events.get_option_at_index(0).prompt
        kind = screen.race.events[0].kind
        assert KIND_COLOURS[kind][1] in str(first.spans[1].style)
