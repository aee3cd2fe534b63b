"""MiniLM embeddings in numpy: unit rows, reference values, batching, truncation, lazy loading."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from bot.clustering.semantic import DEFAULT_CUT, DIMENSIONS, MiniLMEmbedder


@pytest.fixture(scope="module")
def embedder() -> MiniLMEmbedder:
    """One embedder for the module: loading the weights takes about a second."""
    return MiniLMEmbedder()


def test_embeddings_are_unit_length_float32(embedder: MiniLMEmbedder) -> None:
    vectors = embedder.embed(["How do I reset my password?", "The VPN drops every hour."])
    assert vectors.shape == (2, DIMENSIONS)
    assert vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_paraphrases_are_closer_than_unrelated_sentences(embedder: MiniLMEmbedder) -> None:
    question, paraphrase, unrelated = embedder.embed(
        [
            "How do I reset my password?",
            "I forgot my password, how can I change it?",
            "Where is the expense report for the Berlin trip?",
        ]
    )
    assert float(question @ paraphrase) > float(question @ unrelated) + 0.5


def test_matches_sentence_transformers_reference_values(embedder: MiniLMEmbedder) -> None:
    """First six dimensions as sentence-transformers prints them for all-MiniLM-L6-v2."""
    vectors = embedder.embed(
        ["This is an example sentence", "Each sentence is converted.", "", "Café déjà vu — 東京"]
    )
    expected = [
        [0.06765693, 0.06349593, 0.04871314, 0.07930495, 0.03744806, 0.00265273],
        [0.07853645, 0.08856265, -0.00209270, -0.00717247, -0.01252624, 0.01881747],
        [-0.11883835, 0.04829856, -0.00254805, -0.01101118, 0.05195070, 0.01029179],
        [0.05083271, 0.00967685, 0.09635572, -0.00997369, -0.01987603, 0.01692343],
    ]
    np.testing.assert_allclose(vectors[:, :6], expected, atol=1e-5)


def test_empty_input_gives_an_empty_matrix(embedder: MiniLMEmbedder) -> None:
    assert embedder.embed([]).shape == (0, DIMENSIONS)


def test_padding_inside_a_batch_does_not_change_a_vector(embedder: MiniLMEmbedder) -> None:
    short = "card declined"
    long_text = "my card was declined at the supermarket twice today even though I have money"
    alone = embedder.embed([short])[0]
    batched = embedder.embed([long_text, short, long_text])
    np.testing.assert_allclose(batched[1], alone, atol=1e-5)
    np.testing.assert_allclose(batched[0], batched[2], atol=1e-6)


def test_long_texts_are_truncated_not_rejected(embedder: MiniLMEmbedder) -> None:
    vectors = embedder.embed(["refund " * 600])
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_construction_loads_nothing_and_embed_names_a_missing_model(tmp_path: Path) -> None:
    lazy = MiniLMEmbedder(tmp_path / "no-model")  # must not touch the disk yet
    assert lazy.default_cut == DEFAULT_CUT
    with pytest.raises(FileNotFoundError, match="no-model"):
        lazy.embed(["hello"])


def test_past_the_model_budget_texts_borrow_the_row_of_their_nearest_sampled_text() -> None:
    """Distinct texts past `max_model_texts` are placed by words, each on a sampled text's row."""
    subjects = {
        "password": ["reset my password", "reset my password please"],
        "vpn": ["the vpn is down", "the vpn is down today"],
        "printer": ["printer paper jam", "printer paper jammed again"],
    }
    texts = [text for wordings in subjects.values() for text in wordings]
    subject_of = {text: name for name, wordings in subjects.items() for text in wordings}
    budgeted = MiniLMEmbedder(max_model_texts=4).embed(texts + texts[:2])  # repeats are free
    own = MiniLMEmbedder().embed(texts)
    sources = [int(np.argmax(own @ row)) for row in budgeted[: len(texts)]]
    for row, source in zip(budgeted, sources, strict=False):
        np.testing.assert_allclose(row, own[source], atol=1e-5)  # a model row, whole
    sampled = {texts[s] for s in sources}
    assert len(sampled) == 4
    for text, source in zip(texts, sources, strict=True):
        if any(subject_of[s] == subject_of[text] for s in sampled):
            assert subject_of[texts[source]] == subject_of[text], (text, texts[source])
    np.testing.assert_allclose(budgeted[6:], budgeted[:2], atol=1e-6)
