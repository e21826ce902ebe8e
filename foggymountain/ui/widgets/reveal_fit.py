"""A fit level revealed: the data, and the line (or curve) the player's and the best racer's
parameters draw through it at the replay step."""

from __future__ import annotations

import numpy as np
from textual.reactive import reactive
from textual_plotext import PlotextPlot

from foggymountain.race import Walk
from foggymountain.ui.widgets.reveal_walkers import is_dark, look_of, theme_rgb

DATA_GLYPH = "o"
SAMPLES = 80


class FitChart(PlotextPlot):
    """Scatter of the data's first column against the target, with each model's prediction."""

    step: reactive[int] = reactive(0)

    def __init__(self, level, walkers: list[Walk], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.level = level
        self.walkers = walkers  # the player and the best racer
        landscape = level.landscape
        self.column = landscape.columns[0] if landscape.columns else landscape.target
        values = landscape.data[self.column]
        self.xs = np.linspace(float(values.min()), float(values.max()), SAMPLES)
        # Other inputs sit at their mean so a one-column picture still makes sense.
        self.inputs = {name: np.full(SAMPLES, float(landscape.data[name].mean())) for name in landscape.columns}
        self.inputs[self.column] = self.xs

    def prediction(self, point) -> np.ndarray:
        """What the model at `point` says along the x grid (a probability for logistic fits)."""
        landscape = self.level.landscape
        with np.errstate(all="ignore"):
            predicted = landscape.predict(point, self.inputs)
        if landscape.loss == "logistic":
            predicted = 1.0 / (1.0 + np.exp(-predicted))
        return predicted

    def render(self):
        self._draw()
        return super().render()

    def _draw(self) -> None:
        plt = self.plt
        plt.clear_figure()
        landscape = self.level.landscape
        plt.title(f"The data ({DATA_GLYPH}) and each model's {'curve' if self._curved() else 'line'}")
        plt.xlabel(self.column)
        plt.ylabel(landscape.target if self.size.height >= 12 else "")
        target = landscape.data[landscape.target]
        low, high = float(target.min()), float(target.max())
        pad = (high - low) * 0.25 or 1.0
        plt.ylim(low - pad, high + pad)
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
            plt.plot(self.xs[keep].tolist(), ys[keep].tolist(), marker="braille", color=look.rgb_on(is_dark(self)))
            # Name each line with the walker's glyph (readable without colour), apart from each other.
            at = np.flatnonzero(keep)[int((0.9 - 0.15 * len(labels)) * (keep.sum() - 1))]
            labels.append((look, float(self.xs[at]), float(ys[at])))
        plt.scatter(landscape.data[self.column].tolist(), target.tolist(), marker=DATA_GLYPH, color=theme_rgb(self))
        for look, x, y in labels:
            plt.text(look.glyph, x=x, y=y, color=(0, 0, 0), background=look.rgb, style="bold")

    def _curved(self) -> bool:
        """A straight line when the prediction is linear in the plotted input."""
        ys = self.prediction(self.level.start)
        if len(ys) < 3 or not np.all(np.isfinite(ys)):
            return True
        return not np.allclose(np.diff(ys, 2), 0, atol=1e-9 * (1 + np.abs(ys).max()))
