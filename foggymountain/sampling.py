"""Writing with a next-token model: the next word is drawn, not always the likeliest one.

`write` starts from a word and draws each next word from the model's chances at a temperature:
`softmax(logits / temperature)`. At temperature 0 it always takes the likeliest word (greedy); at 1
it draws from the model's own chances; above 1 the unlikely words get more of a chance. The draws
are seeded, and every model writing with the same seed uses the same random numbers, so two
sentences differ because the weights differ, not by luck.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from foggymountain.terrain.landscapes import NextTokenLandscape

MAX_TEMPERATURE = 5.0
SENTENCE_END = "."
MAX_WORDS = 12


@dataclass(frozen=True)
class Sentence:
    words: tuple[str, ...]  # the first word, then each word drawn
    chances: tuple[float, ...]  # the chance each drawn word had (at this temperature)
    likeliest: tuple[bool, ...]  # whether each drawn word was the likeliest next word

    @property
    def text(self) -> str:
        return " ".join(self.words).replace(" .", ".")


def chances(landscape: NextTokenLandscape, point: np.ndarray, word: str, temperature: float) -> np.ndarray:
    """The chance of each vocabulary word coming after `word`, at `temperature` (0: the likeliest
    word surely; ties go to the first of them)."""
    if not 0 <= temperature <= MAX_TEMPERATURE:
        raise ValueError(f"a temperature is between 0 and {MAX_TEMPERATURE:g}")
    v = len(landscape.vocabulary)
    logits = np.asarray(point, dtype=float).reshape(v, v)[landscape.vocabulary.index(word)]
    if temperature == 0:
        sure = np.zeros(v)
        sure[int(np.argmax(logits))] = 1.0
        return sure
    scaled = (logits - logits.max()) / temperature
    weights = np.exp(scaled)
    return weights / weights.sum()


def write(landscape: NextTokenLandscape, point: np.ndarray, first: str, *, temperature: float, seed: int,
          length: int = MAX_WORDS) -> Sentence:
    """A sentence from `first`: up to `length` words drawn one by one, ending at a full stop."""
    uniforms = np.random.default_rng([int(seed) & 0xFFFFFFFF, 0x5A4D]).random(length)
    words, drawn, top = [first], [], []
    for u in uniforms:
        row = chances(landscape, point, words[-1], temperature)
        pick = min(int(np.searchsorted(np.cumsum(row), u * row.sum(), side="right")), len(row) - 1)
        words.append(landscape.vocabulary[pick])
        drawn.append(float(row[pick]))
        own = chances(landscape, point, words[-2], 1.0)  # ties for the top are all "the likeliest"
        top.append(bool(own[pick] >= own.max() * (1 - 1e-12)))
        if words[-1] == SENTENCE_END:
            break
    return Sentence(tuple(words), tuple(drawn), tuple(top))
