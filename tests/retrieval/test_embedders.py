"""The default embedder: remembered query vectors are the vectors the model gives, and nobody can change them."""

from __future__ import annotations

import numpy as np
import pytest

from assistant.retrieval.embedders import QUERY_CACHE, E5Embedder


@pytest.fixture(scope="module")
def e5():
    return E5Embedder()


def test_a_remembered_query_vector_is_the_models_vector_and_read_only(e5):
    first = e5.embed_query("监督审核多久一次")
    again = e5.embed_query("监督审核多久一次")
    fresh = np.asarray(e5._query_model.query("监督审核多久一次"), dtype=np.float32).reshape(-1)
    assert np.array_equal(first, again) and np.allclose(first, fresh)
    with pytest.raises(ValueError):
        again[0] = 1.0  # a caller changing the vector would change every later search for that text


def test_the_cache_keeps_only_the_most_recent_queries(e5):
    e5._cache.clear()
    for n in range(QUERY_CACHE + 5):
        e5._cache[f"q{n}"] = np.zeros(1, dtype=np.float32)  # filled directly: embedding 4,000 texts takes minutes
    e5.embed_query("证书有效期几年")
    assert len(e5._cache) <= QUERY_CACHE and "证书有效期几年" in e5._cache and "q0" not in e5._cache
