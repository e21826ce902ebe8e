"""Writing with a next-token model (sampling.py): seeded draws at a temperature, exact chances."""

import numpy as np
import pytest

from foggymountain.sampling import MAX_TEMPERATURE, chances, write
from foggymountain.terrain.landscapes import NextTokenLandscape

CORPUS = "the cat sat . the dog sat . the cat ran ."


@pytest.fixture
def model():
    landscape = NextTokenLandscape.from_corpus(CORPUS)
    v = len(landscape.vocabulary)
    logits = np.zeros((v, v))
    index = landscape.vocabulary.index
    logits[index("the"), index("cat")] = 2.0
    logits[index("the"), index("dog")] = 1.0
    logits[index("cat"), index("sat")] = 3.0
    logits[index("sat"), index(".")] = 5.0
    return landscape, logits.ravel()


def test_chances_are_a_softmax_of_the_scores_over_the_temperature(model):
    landscape, weights = model
    row = weights.reshape(len(landscape.vocabulary), -1)[landscape.vocabulary.index("the")]
    for t in (0.5, 1.0, 2.0):
        expected = np.exp(row / t) / np.exp(row / t).sum()
        np.testing.assert_allclose(chances(landscape, weights, "the", t), expected)
    greedy = chances(landscape, weights, "the", 0)
    assert greedy[landscape.vocabulary.index("cat")] == 1.0 and greedy.sum() == 1.0
    with pytest.raises(ValueError):
        chances(landscape, weights, "the", MAX_TEMPERATURE + 1)


def test_greedy_writing_takes_the_likeliest_word_every_time(model):
    landscape, weights = model
    sentence = write(landscape, weights, "the", temperature=0, seed=1)
    assert sentence.words == ("the", "cat", "sat", ".") and all(sentence.likeliest)
    assert sentence.text == "the cat sat."


def test_writing_is_seeded_and_the_same_draws_serve_every_model(model):
    landscape, weights = model
    first = write(landscape, weights, "the", temperature=1, seed=7)
    assert write(landscape, weights, "the", temperature=1, seed=7) == first
    texts = {write(landscape, weights, "the", temperature=1.5, seed=s).text for s in range(40)}
    assert len(texts) > 3, "different seeds write different sentences"
    # Each drawn word's chance is the model's chance at that temperature.
    for s in range(10):
        sentence = write(landscape, weights, "the", temperature=1.5, seed=s)
        for before, word, chance in zip(sentence.words, sentence.words[1:], sentence.chances):
            assert chance == pytest.approx(chances(landscape, weights, before, 1.5)[landscape.vocabulary.index(word)])
        assert len(sentence.words) <= 13


def test_a_hotter_temperature_draws_unlikely_words_more_often(model):
    landscape, weights = model

    def unlikely(t):
        return sum(not all(write(landscape, weights, "the", temperature=t, seed=s).likeliest) for s in range(200))

    assert unlikely(0) == 0 < unlikely(0.5) < unlikely(2)
