"""Query-side vocabulary: the domain dictionary jieba loads, the glossary's English matching, score fusion."""

from __future__ import annotations

import pytest

from assistant.retrieval.glossary import Glossary
from assistant.retrieval.hybrid import score_fusion, zscores
from assistant.settings import get_settings
from assistant.text import domain_terms, tokens


def test_domain_terms_come_from_terms_yaml_and_the_scheme_names():
    terms = domain_terms(get_settings().knowledge_dir)
    assert {"严重不符合", "监督审核", "一票否决"} <= set(terms)  # knowledge/terms.yaml
    assert {"客户诉求首次响应时间", "管理体系有效性", "量化管理级"} <= set(terms)  # criteria, dimensions, levels


@pytest.mark.parametrize(("text", "whole", "part"), [
    ("严重不符合的纠正措施须在审核后30天内完成", "严重不符合", "符合"),
    ("获得认证的企业需定期接受监督审核", "监督审核", "审核"),
    ("人均年培训学时", "人均年培训学时", "培训"),
])
def test_a_domain_term_is_one_token_and_its_words_still_match(text, whole, part):
    toks = tokens(text)
    assert whole in toks and part in toks


def test_english_phrases_match_inflected():
    g = Glossary({"root cause": "根本原因", "suspend": "暂停", "audit": "审核", "valid": "有效期"}, {})
    assert g.expand("What are the typical root causes?") == ["根本原因"]
    assert g.expand("When is a certificate suspended?") == ["暂停"]
    assert g.expand("How often are audits held?") == ["审核"]
    assert g.expand("Has it been validated?") == []  # not an inflection of "valid"


def test_thesaurus_phrases_unknown_to_bm25_are_tokenised_not_dropped(index_settings):
    from assistant.retrieval.store import Index
    from assistant.text import query_tokens

    bm25 = Index.open(index_settings).bm25
    terms = bm25.as_terms(["监督审核", "响应时间"], query_tokens)
    assert "监督审核" in terms  # a domain term: one token in the index
    assert {"响应", "时间"} <= set(terms)  # not one token: its words
    assert all(t in bm25.retriever.vocab_dict for t in terms)


def test_zscores_of_a_flat_pool_are_zero():
    assert zscores({"a": 1.0, "b": 1.0}, [1.0, 1.0]) == {"a": 0.0, "b": 0.0}


def test_score_fusion_lets_a_clear_bm25_winner_beat_two_middling_ranks():
    # "a" is far ahead in BM25 but only fifth by e5; "b" is second in both. Reciprocal-rank fusion picks "b".
    dense = {"x": 0.95, "b": 0.94, "y": 0.93, "z": 0.92, "a": 0.915, "w": 0.90}
    bm25 = {"a": 12.0, "b": 4.0, "x": 3.5, "y": 3.0, "z": 2.0}
    fused = score_fusion(dense, list(dense.values()), 0.90, bm25, [*bm25.values(), 0.0], dense_weight=0.45)
    assert max(fused, key=fused.get) == "a"
    assert set(fused) == set(dense) | set(bm25)
