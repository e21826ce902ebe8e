"""Starting levels for `foggymountain new`: one commented level per landscape kind.

Each template is a complete level that passes `foggymountain check`, with every optional key
shown (commented out where it is optional) and a line saying what it does, so an author learns
the format by editing. `{title}` is the only placeholder; everything else is plain TOML.
"""

from __future__ import annotations

import json
import re

KINDS = ("function", "fit", "next-token")

_HEADER = """\
# A Foggy Mountain level. Every key is explained in docs/levels.md.
#   check it:  foggymountain check {file}
#   play it:   foggymountain play {file}
#   race it:   foggymountain race {file}
# Autocompletion in your editor: run  foggymountain schema > level.schema.json  and make the
# first line of this file  #:schema ./level.schema.json  (read by Even Better TOML and taplo).

title = {title}
# chapter = "My levels"         # groups levels in the level select
concepts = [{concepts}]     # the lessons; `foggymountain schema` lists them all
author = ""                     # your name, shown on the briefing
"""

FUNCTION = _HEADER + '''
# What the player reads before the hike. Speak of the mountain: height, slope, stride.
briefing = """
You stand on a hillside in thick fog. You cannot see the valley,
but you can feel the slope under your feet.
Walk down to the valley floor before your steps run out.
"""
# What the player reads on the reveal screen, after the hike.
debrief = """
The height was the loss and the slope its gradient. Your stride divided by the size of
the slope was your pace: the learning rate. The valley is a ravine: steep across, gentle along.
"""

[landscape]
kind = "function"
variables = ["x", "y"]
# The height (the loss) as a formula of the variables.
# Allowed: numbers, the variables, pi, e, + - * / **, and the functions
# sin cos tan exp log log1p sqrt abs tanh sinh cosh atan sigmoid softplus relu min max.
height = "(x - 1)**2 + 4*(y + 0.5)**2"
# The map: walking outside these bounds is falling off the mountain.
bounds = {{ x = [-4, 4], y = [-3, 3] }}
start = {{ x = -3, y = 2 }}
# Optional: where the valley floor is. `check` verifies it; leave it out and the game finds it.
minimum = {{ x = 1, y = -0.5 }}

[hike]
budget = 30                     # steps allowed
par = 20                        # reaching the goal within par earns the second star
# goal = 0.5                    # the height that counts as the valley floor (default: 5% above it)
# stride = 0.8                  # the stride at the start (default: a tenth of the map)
# max_stride = 3                # the longest stride allowed
# show_height = true            # false hides the altimeter: feel the slope only
# noise = 0.0                   # noise added to the felt slope (a noisy gradient estimate)
# seed = 0                      # the seed of the noise: the same for the player and the racers

# The racers (optimizers) the player races against, with their hyperparameters.
# Leave [agents] out to race SGD, Momentum and Adam with their default settings.
[agents.sgd]
learning_rate = 0.1

[agents.momentum]
learning_rate = 0.05
momentum = 0.8

[agents.adam]
learning_rate = 0.4
'''

FIT = _HEADER + '''
briefing = """
A shop sells lemonade. The hotter the day, the more cups it sells.
You are looking for the line  cups = m * temperature + b  that fits the sales.
Every spot on this mountain is one line; its height is how badly that line fits.
"""
debrief = """
The height was the mean squared error of the line: the loss of a linear regression.
Walking downhill was fitting the model by gradient descent.
"""

[landscape]
kind = "fit"
variables = ["m", "b"]          # the parameters the player walks over
model = "m * temperature + b"   # the prediction, from the parameters and the data columns
target = "cups"                 # the data column the model should predict
loss = "mse"                    # mse, mae or logistic
# The data: one list per column, one value per row. Or: data_file = "sales.csv" next to this file.
data = {{ temperature = [0.0, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0], cups = [1.1, 1.9, 3.2, 3.9, 5.1, 6.0, 7.1] }}
# Rows kept aside, never felt on the hike: the reveal shows each model's loss on them (new data).
# holdout = {{ temperature = [0.8, 2.2], cups = [2.5, 5.4] }}   # or: holdout_file = "more.csv"
# Hidden units the model may use by name (a tiny neural network): the hike then shows each
# weight's slope as a product of chain-rule factors (backpropagation).
# hidden = {{ h = "tanh(m * temperature)" }}   # and then, e.g.: model = "b * h"
bounds = {{ m = [-2, 6], b = [-4, 6] }}
start = {{ m = -1, b = 5 }}

[hike]
budget = 30
par = 20
# batch_size = 3                # feel the slope of a few rows only: a mini-batch gradient
# seed = 0                      # which rows each step draws: the same for everyone
# A batch-size level instead: the player picks the mini-batch, the budget counts examples seen
# (replace budget, par and batch_size with):
# batch_sizes = [1, 3, 7]       # the sizes to choose from; every racer walks with each
# examples = 70                 # the budget, in examples seen

[agents.sgd]
learning_rate = 0.05

[agents.momentum]
learning_rate = 0.03
momentum = 0.8

[agents.adam]
learning_rate = 0.5
'''

NEXT_TOKEN = _HEADER + '''
briefing = """
A tiny language model reads one word and guesses the next.
Its weights are the mountain; the height is how surprised it is by the real next word.
You only choose the pace: the slope chooses the heading.
"""
debrief = """
The height was the cross-entropy of a bigram model on the corpus.
Every step nudged all the weights at once, as training a real language model does.
"""

[landscape]
kind = "next-token"
# The text the model learns from. Keep it short: few different words.
corpus = "the cat sat . the dog sat . the cat ran ."
bound = 8                       # every weight stays within [-bound, bound]
start = 0                       # every weight starts here
prompts = ["the", "cat"]        # words whose next-word guesses are shown after the hike

[hike]
budget = 40
par = 30
# batch_size = 4                # learn from a few word pairs per step: stochastic gradient descent

[agents.sgd]
learning_rate = 2.0

[agents.adam]
learning_rate = 0.5
'''

TEMPLATES = {"function": FUNCTION, "fit": FIT, "next-token": NEXT_TOKEN}
CONCEPTS = {
    "function": '"slope", "step-size"',
    "fit": '"regression"',
    "next-token": '"next-token", "many-weights"',
}


def title_from_name(name: str) -> str:
    """"lemonade-stand" -> "Lemonade stand"."""
    words = re.sub(r"^\d+[-_ ]*", "", name)
    words = re.sub(r"[-_]+", " ", words).strip()
    return (words[:1].upper() + words[1:]) if words else "My level"


def render(kind: str, title: str, file_name: str) -> str:
    """The starting level of `kind`. `title` may be any text; it is written as a TOML string."""
    if kind not in TEMPLATES:
        raise ValueError(f"unknown kind {kind!r}")
    # A JSON string is a valid TOML basic string (same escapes, \\uXXXX included).
    return TEMPLATES[kind].format(title=json.dumps(title), file=file_name, concepts=CONCEPTS[kind])
