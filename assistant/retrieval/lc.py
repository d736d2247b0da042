"""The hybrid search as a LangChain retriever, for chains and agents (kept apart: LangChain is slow to import)."""

from __future__ import annotations

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever

from assistant.retrieval import hybrid


class HybridRetriever(BaseRetriever):
    """The hybrid search as a LangChain retriever, for chains and agents.

    >>> docs = HybridRetriever(k=3).invoke("监督审核多久一次")
    >>> docs[0].metadata["locator"]
    '评价方案2026.1 §4 审核发现与期限 监督审核与证书有效期'
    """

    k: int = 5
    filters: dict[str, str] = {}

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun) -> list[Document]:
        return [
            Document(page_content=h.text, metadata=h.model_dump(exclude={"text"}))
            for h in hybrid.search(query, k=self.k, filters=self.filters, settings=hybrid.get_settings())
        ]
