"""The Elasticsearch index template: analyzers, field mappings and index settings."""

from __future__ import annotations

from typing import Any

from .query import MAX_DEPTH

# Bump when the template changes: new indexes get the new version in their name, and
# `observatorio reindex` moves the documents into one behind the same alias.
MAPPING_VERSION = 2  # 2: stage, suppliers

ANALYSIS = {
    "filter": {
        "spanish_stop": {"type": "stop", "stopwords": "_spanish_"},
        "spanish_stemmer": {"type": "stemmer", "language": "light_spanish"},
        "english_stop": {"type": "stop", "stopwords": "_english_"},
        "english_stemmer": {"type": "stemmer", "language": "english"},
    },
    "analyzer": {
        # like SQLite's unicode61 remove_diacritics: "Tecnología" and "tecnologia" are one token
        "folded": {"type": "custom", "tokenizer": "standard", "filter": ["lowercase", "asciifolding"]},
        "spanish_folded": {"type": "custom", "tokenizer": "standard",
                           "filter": ["lowercase", "spanish_stop", "spanish_stemmer", "asciifolding"]},
        "english_folded": {"type": "custom", "tokenizer": "standard",
                           "filter": ["lowercase", "english_stop", "english_stemmer", "asciifolding"]},
    },
}

TEXT = {"type": "text", "analyzer": "folded", "fields": {
    "es": {"type": "text", "analyzer": "spanish_folded"},
    "en": {"type": "text", "analyzer": "english_folded"},
}}
KEYWORD = {"type": "keyword"}
DATE = {"type": "date"}

MAPPINGS: dict[str, Any] = {
    # Only what is searched, filtered, sorted or aggregated is indexed; the whole document
    # (topic_evidence, topic_scores, ...) is kept in _source as it was given.
    "dynamic": False,
    "properties": {
        **{name: KEYWORD for name in ("id", "url", "source", "kind", "lang", "country", "topics",
                                      "keyphrases", "organizations", "categories", "content_hash",
                                      "duplicate_of", "stage")},
        "title": TEXT, "summary": TEXT, "body": TEXT,
        "attachments": {"properties": {"text": TEXT}},
        # awarded suppliers: the name is a facet and a filter, and searched as folded text
        "suppliers": {"properties": {
            "name": {**KEYWORD, "fields": {"text": {"type": "text", "analyzer": "folded"}}}, "id": KEYWORD}},
        "published": DATE, "fetched": DATE,
        "deadline_at": DATE,  # the deadline as an instant (a bare date closes at 23:59:59 in CR)
        "amount": {"properties": {"value": {"type": "double"}, "currency": KEYWORD}},
        # Full-precision HNSW (no quantisation): the same neighbours as the exact cosine of the
        # SQLite backend. The dimension is taken from the first vector indexed.
        "embedding": {"type": "dense_vector", "similarity": "cosine", "index": True,
                      "index_options": {"type": "hnsw"}},
    },
}

SETTINGS = {
    "number_of_shards": 1,  # one shard up to tens of millions of documents; exact facet counts
    "auto_expand_replicas": "0-1",  # a replica as soon as a second node joins
    "max_result_window": MAX_DEPTH,
    "mapping.exclude_source_vectors": False,  # get() returns the embedding it was given
    "analysis": ANALYSIS,
}


def index_template(alias: str) -> dict[str, Any]:
    """The body of the index template applied to every versioned index behind `alias`."""
    return {
        "index_patterns": [f"{alias}-v*"],
        "priority": 100,
        "template": {"settings": {"index": SETTINGS}, "mappings": MAPPINGS},
        "_meta": {"description": "Observatorio TIC documents", "mapping_version": MAPPING_VERSION},
    }
