"""Annotate batches of plain records: language, topics, deadline, amount, organisations, vectors."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from functools import cache
from typing import Any

import spacy

from search.document import LOCAL_TZ

from . import embeddings
from .dates import find_deadline, parse_date
from .language import detect_language
from .money import find_amount

# Registers the spaCy factories used below.
from .normalizer import make_normalizer  # noqa: F401
from .organizations import make_organization_finder  # noqa: F401
from .topics import make_topic_tagger  # noqa: F401

MAX_CHARS = 20_000  # long attachments: the first pages say what a notice is about
PIPELINE_LANGS = ("es", "en")


@cache
def pipeline(lang: str) -> spacy.Language:
    """A blank spaCy pipeline with our components; built once per language per process."""
    nlp = spacy.blank(lang if lang in PIPELINE_LANGS else "en")
    nlp.add_pipe("obs_normalizer")
    nlp.add_pipe("obs_topics")
    nlp.add_pipe("obs_organizations")
    return nlp


def enrich(records: Iterable[Mapping[str, Any]], *, embed: bool = True) -> list[dict[str, Any]]:
    """Return each record with `lang`, `topics`, `topic_scores`, `topic_evidence`, `deadline`,
    `amount` and `organizations` added (and `embedding` when `embed` and a model is set).

    Input fields: `title`, `text`, optional `url`, `lang` (a hint), `kind`, `published`, and
    structured `deadline`, `amount`, `organizations` from the source, which win over the text.
    """
    records = [dict(r) for r in records]
    texts = [_text(r) for r in records]
    for record, text in zip(records, texts, strict=True):
        record["lang"] = detect_language(text, record.get("lang"))
    by_lang: dict[str, list[int]] = {}
    for i, record in enumerate(records):
        by_lang.setdefault(record["lang"] if record["lang"] in PIPELINE_LANGS else "en", []).append(i)
    for lang, indexes in by_lang.items():
        docs = pipeline(lang).pipe(_make_docs(pipeline(lang), [records[i] for i in indexes]))
        for i, doc in zip(indexes, docs, strict=True):
            _annotate(records[i], doc)
    if embed:
        vectors = embeddings.embed(texts)
        for record, vector in zip(records, vectors or [None] * len(records), strict=True):
            record["embedding"] = vector
    return records


def _text(record: Mapping[str, Any]) -> str:
    return f"{record.get('title') or ''}\n{record.get('text') or ''}"[:MAX_CHARS]


def _make_docs(nlp: spacy.Language, records: list[dict]) -> Iterable:
    for record in records:
        doc = nlp.make_doc(_text(record))
        doc.user_data["title_end"] = len(record.get("title") or "")
        yield doc


def _annotate(record: dict, doc) -> None:
    record["topics"] = list(doc._.topics)
    record["topic_scores"] = doc._.topics
    record["topic_evidence"] = doc._.topic_evidence
    reference = _reference(record.get("published"))
    deadline = record.get("deadline")
    if isinstance(deadline, str):
        deadline = parse_date(deadline)
    deadline = deadline or find_deadline(doc.text, record["lang"], reference)
    record["deadline"] = _iso(deadline)
    if not record.get("amount"):
        money = find_amount(doc.text)
        record["amount"] = {"value": money.value, "currency": money.currency} if money else None
    record["organizations"] = list(dict.fromkeys([*(record.get("organizations") or []),
                                                  *doc._.organizations]))


def _reference(published: Any) -> datetime | None:
    if isinstance(published, datetime):
        return published
    if isinstance(published, date):
        return datetime.combine(published, datetime.min.time())
    value = parse_date(published) if isinstance(published, str) else None
    return _reference(value) if value else None


def _iso(value: date | datetime | None) -> str | None:
    """Dates stay dates; a deadline time without a zone is Costa Rica time."""
    if isinstance(value, datetime) and value.tzinfo is None:
        value = value.replace(tzinfo=LOCAL_TZ)
    return value.isoformat() if value else None
