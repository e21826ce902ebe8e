"""Backpropagation on the hike: each weight's slope as the product of its chain-rule factors.

Shows the core's `Hike.chain_rule()` (terrain/chain.py): the example the slope was felt on, then
for each weight, from the output backwards, the factors with their numbers and their product.
"""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from foggymountain.ui.widgets.words import number, show_text


class ChainRulePanel(Static):
    """A bordered panel on levels with hidden units; empty elsewhere."""

    def show(self, hike) -> None:
        chain = hike.chain_rule()
        if chain is None:
            return
        show_text(self, self.content_of(chain))

    @staticmethod
    def content_of(chain) -> Text:
        text = Text()
        one = len(chain.rows) == 1
        if one:
            inputs = ", ".join(f"{name} = {number(values[0])}" for name, values in chain.inputs.items())
            text.append(f"example {int(chain.rows[0]) + 1}: {inputs}", style="bold")
            text.append(f" · want {number(chain.target[0])}, predicted {number(chain.prediction[0])}\n")
        else:
            text.append(f"the mean over {len(chain.rows)} examples of each product\n", style="bold")
        for weight in reversed(chain.weights):  # from the output backwards
            text.append(f"{weight.weight}", style="bold")
            text.append(": ")
            for path_index, path in enumerate(weight.paths):
                if path_index:
                    text.append(" + ")
                if one:
                    text.append(" × ".join(number(v[0], signed=i == 0) for i, v in enumerate(path.values)))
                else:
                    text.append(f"mean({number(float(path.products.mean()), signed=True)})")
            text.append(" = ")
            text.append(number(weight.slope, signed=True), style="bold")
            text.append("\n")
            for path in weight.paths:
                text.append("    " + " × ".join(path.names) + "\n", style="dim")
        text.rstrip()
        return text
