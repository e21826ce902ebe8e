"""A level's preface: what the first screen shows of it (title, chapter, lessons, briefing), read
from the raw TOML with `tomllib` and nothing else.

The game's first frame must not wait for numpy, the formula compiler and the full check of every
level (issue 14, "fast launch"): the level select and a briefing are drawn from prefaces, and the
levels are loaded in a worker right after that first frame (`Shelf.load_pending`). A preface is
never trusted further than that: a file whose preface reads is still checked in full by
`level.load_level`, and a file whose preface does not read shows its file name until then.

No numpy here, and nothing that imports it (a test checks).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from foggymountain.safe_read import UnsafeFile, read_bytes
from foggymountain.safe_text import one_line, visible_lines

MAX_FILE_BYTES = 1_000_000  # a level file; a bigger one is refused (level.py, docs/levels.md "Limits")

# The lessons a level can teach: name -> what the player learns. Documented in docs/levels.md.
CONCEPTS: dict[str, str] = {
    "slope": "the sign of the slope (derivative) says which way is down",
    "step-size": "how far to walk each step (the step size) matters as much as where",
    "overshoot": "too big a stride jumps across the valley floor",
    "divergence": "bigger still, and every step climbs: the walk blows up",
    "crawl": "too small a stride and the budget runs out before the floor",
    "local-minimum": "a side valley can trap a walker that only goes downhill",
    "plateau": "almost no slope: a long walk with little to feel",
    "cliff": "a sudden wall flings a walker that keeps a fixed pace",
    "saddle": "flat in the middle, down only sideways",
    "narrow-valley": "a ravine: steps zig-zag across it instead of along it",
    "momentum": "keeping some of the last step's velocity rolls through ravines and bumps",
    "adaptive": "Adam's per-coordinate strides handle badly scaled ground",
    "noise": "a mini-batch slope is only an estimate of the true slope",
    "regression": "fitting a line y = m*x + b: the parameters are the map",
    "mae": "mean absolute error versus mean squared error",
    "cross-entropy": "a classifier's loss punishes confident mistakes",
    "next-token": "a tiny language model learns which word comes next",
    "many-weights": "too many directions to choose: you choose only the pace",
    "generalization": "a low loss on the training data is not a low loss on new data: a flexible model overfits",
    "weight-decay": "decoupled weight decay (AdamW) keeps the weights small and the held-out loss lower",
    "forgetting": "AdaGrad only accumulates squared slopes and stalls; RMSProp forgets old ones and keeps going",
    "chain-rule": "backpropagation: each weight's slope is a product of chain-rule factors, passed backwards",
    "batch-size": "on a budget of examples, small batches take many noisy steps, the full data few exact ones",
    "sampling": "a language model writes by sampling the next word, with a temperature: not always the likeliest",
}


@dataclass(frozen=True)
class Preface:
    """The words of a level before it is loaded: shown, never computed with."""

    title: str
    chapter: str = ""
    concepts: tuple[str, ...] = ()
    briefing: str = ""


def read_preface(path: Path) -> Preface | None:
    """The preface of a level file, or None when it cannot be read that far (the full load says
    why, with the place and a hint). Text is made safe to show, as `load_level` does."""
    try:
        doc = tomllib.loads(read_bytes(Path(path), MAX_FILE_BYTES).decode("utf-8"))
    except (OSError, UnsafeFile, UnicodeDecodeError, tomllib.TOMLDecodeError, RecursionError, ValueError):
        return None
    title, chapter, briefing = doc.get("title"), doc.get("chapter", ""), doc.get("briefing", "")
    concepts = doc.get("concepts", [])
    if not isinstance(title, str) or not isinstance(chapter, str) or not isinstance(briefing, str):
        return None
    if not isinstance(concepts, list) or not all(isinstance(c, str) and c in CONCEPTS for c in concepts):
        concepts = []
    return Preface(one_line(title), one_line(chapter), tuple(concepts), visible_lines(briefing))
