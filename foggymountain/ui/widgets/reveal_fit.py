"""A fit level revealed: the data, and what the player's and the best racer's models say about it
at the replay step.

With one input column: the data as a scatter (input across, target up) and each model's line or
curve through it, on a sorted grid of the input. With several input columns a curve over one of
them would hide the others, so each data row gets a place across the chart instead: the answer
(`o`) and each model's guess for that row.
"""

from __future__ import annotations

import numpy as np
from textual.reactive import reactive
from textual_plotext import PlotextPlot

from foggymountain.outcome import Walk
from foggymountain.ui.widgets.reveal_walkers import is_dark, look_of, theme_rgb
from foggymountain.ui.widgets.chart_guard import CHART_ERRORS, cannot_chart

DATA_GLYPH = "o"
HELD_OUT_GLYPH = "x"
SAMPLES = 80


class FitChart(PlotextPlot):
    """The data and each model's predictions (probabilities for logistic fits)."""

    step: reactive[int] = reactive(0)

    def __init__(self, level, walkers: list[Walk], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.level = level
        self.walkers = walkers  # the player and the best racer
        landscape = level.landscape
        self.by_row = len(landscape.columns) != 1
        if self.by_row:
            self.column = "data row"
            self.xs = np.arange(1, landscape.n_rows + 1, dtype=float)
            self.inputs = {name: landscape.data[name] for name in landscape.columns} or None
        else:
            self.column = landscape.columns[0]
            values = landscape.data[self.column]
            if landscape.holdout is not None:  # the curve spans the held-out inputs too
                values = np.concatenate([values, landscape.holdout[self.column]])
            self.xs = np.linspace(float(values.min()), float(values.max()), SAMPLES)
            self.inputs = {self.column: self.xs}

    def prediction(self, point) -> np.ndarray:
        """What the model at `point` says at each x of the chart (a probability for logistic fits)."""
        landscape = self.level.landscape
        with np.errstate(all="ignore"):
            predicted = landscape.predict(point, self.inputs)
            if landscape.loss == "logistic":
                predicted = 1.0 / (1.0 + np.exp(-predicted))
        return predicted

    def render(self):
        try:
            self._draw()
            return super().render()
        except CHART_ERRORS:
            return cannot_chart()

    def _draw(self) -> None:
        plt = self.plt
        plt.clear_figure()
        landscape = self.level.landscape
        wide = self.size.width >= 44
        if self.by_row:
            plt.title("Each row: answer (o), guesses" if wide else "")
        else:
            plt.title(f"Data (o) and each model's {'curve' if self._curved() else 'line'}" if wide else "")
        plt.xlabel(self.column)
        plt.ylabel(landscape.target if self.size.height >= 12 else "")
        target = landscape.data[landscape.target]
        every_target = target if landscape.holdout is None else np.concatenate([target, landscape.holdout[landscape.target]])
        low, high = float(every_target.min()), float(every_target.max())
        pad = (high - low) * 0.25 or 1.0
        plt.ylim(low - pad, high + pad)
        data_x = self.xs if self.by_row else landscape.data[self.column]
        dark = is_dark(self)
        labels = []
        for walk in reversed(self.walkers):
            point = walk.path[min(self.step, walk.steps)]
            if not np.all(np.isfinite(point)):
                continue
            ys = self.prediction(point)
            keep = np.isfinite(ys) & (ys >= low - pad) & (ys <= high + pad)
            if not keep.any():
                continue
            look = look_of(walk)
            if self.by_row:
                plt.scatter(self.xs[keep].tolist(), ys[keep].tolist(), marker=look.glyph, color=look.rgb_on(dark))
                continue
            plt.plot(self.xs[keep].tolist(), ys[keep].tolist(), marker="braille", color=look.rgb_on(dark))
            # Name each line with the walker's glyph (readable without colour), apart from each other.
            at = np.flatnonzero(keep)[int((0.9 - 0.15 * len(labels)) * (keep.sum() - 1))]
            labels.append((look, float(self.xs[at]), float(ys[at])))
        plt.scatter(data_x.tolist(), target.tolist(), marker=DATA_GLYPH, color=theme_rgb(self))
        holdout = landscape.holdout
        if holdout is not None and not self.by_row:  # new data the walk never felt, in its own glyph
            plt.scatter(holdout[self.column].tolist(), holdout[landscape.target].tolist(), marker=HELD_OUT_GLYPH,
                        color=theme_rgb(self))
        for look, x, y in labels:
            plt.text(look.glyph, x=x, y=y, color=(0, 0, 0), background=look.rgb, style="bold")

    def _curved(self) -> bool:
        """A straight line when the prediction is linear in the plotted input."""
        # At the start a model may be flat (all weights 0): judge by where the walkers ended too.
        ends = [walk.path[-1] for walk in self.walkers if np.all(np.isfinite(walk.path[-1]))]
        return any(self._curved_at(point) for point in [self.level.start, *ends])

    def _curved_at(self, point) -> bool:
        ys = self.prediction(point)
        if len(ys) < 3 or not np.all(np.isfinite(ys)):
            return True
        return not np.allclose(np.diff(ys, 2), 0, atol=1e-9 * (1 + np.abs(ys).max()))
