"""Text in, annotations out: language, topics, dates, money, organisations, embeddings."""

from .enricher import enrich

__all__ = ["enrich"]
