"""Hybrid retrieval over the knowledge base: dense vectors in Chroma plus BM25 over jieba tokens."""
