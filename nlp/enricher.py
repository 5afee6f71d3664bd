"""Annotate batches of plain records: language, topics, deadline, amount, organisations, vectors."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from functools import cache
from typing import Any

import spacy

from core.clock import LOCAL_TZ

from . import embeddings
from .dates import parse_date
from .deadline import find_deadline
from .keyphrases import make_keyphrase_extractor  # noqa: F401 - registers obs_keyphrases
from .language import detect_language
from .money import find_amount
from .normalizer import make_normalizer  # noqa: F401 - registers obs_normalizer
from .organizations import make_organization_finder, trained_organizations  # noqa: F401
from .similarity import topic_similarities
from .text import hyphens_as_spaces
from .topics import make_topic_tagger  # noqa: F401 - registers obs_topics

MAX_CHARS = 20_000  # long attachments: the first pages say what a notice is about
PIPELINE_LANGS = ("es", "en")
BATCH_SIZE = 64
WHITESPACE = re.compile(r"\s+")
PARAGRAPH_BREAK = re.compile(r"\n\s*\n")


@cache
def pipeline(lang: str) -> spacy.Language:
    """A blank spaCy pipeline with our components; built once per language per process."""
    nlp = spacy.blank(lang if lang in PIPELINE_LANGS else "en")
    for name in ("obs_normalizer", "obs_topics", "obs_organizations", "obs_keyphrases"):
        nlp.add_pipe(name)
    return nlp


def enrich(records: Iterable[Mapping[str, Any]], *, embed: bool = True) -> list[dict[str, Any]]:
    """Return each record with `lang`, `topics`, `topic_scores`, `topic_evidence`, `deadline`,
    `amount`, `organizations` and `keyphrases` added, and `embedding` when `embed`.

    Input fields: `title`, `text`, optional `url`, `lang` (a hint), `kind`, `published`, and
    structured `deadline`, `amount`, `organizations` from the source, which win over the text.
    With `embed` and a model configured, topics also weigh the text's similarity to each
    topic; otherwise (or with OBSERVATORIO_EMBEDDING_MODEL=none) they rest on keywords alone.
    """
    records = [dict(r) for r in records]
    texts = [_text(r) for r in records]
    for record, text in zip(records, texts, strict=True):
        record["lang"] = detect_language(text, record.get("lang"))
    vectors = embeddings.embed(texts) if embed else None
    by_lang: dict[str, list[int]] = {}
    for i, record in enumerate(records):
        by_lang.setdefault(record["lang"] if record["lang"] in PIPELINE_LANGS else "en", []).append(i)
    for lang, indexes in by_lang.items():
        nlp = pipeline(lang)
        batch = [texts[i] for i in indexes]
        similarity = None
        if vectors:
            taxonomy = nlp.get_pipe("obs_topics").taxonomy
            similarity = topic_similarities([vectors[i] for i in indexes], taxonomy)
        docs = nlp.pipe(_make_docs(nlp, batch, similarity), batch_size=BATCH_SIZE)
        for i, doc, found_by_ner in zip(indexes, docs, trained_organizations(batch, lang), strict=True):
            _annotate(records[i], doc, found_by_ner)
    if embed:
        for record, vector in zip(records, vectors or [None] * len(records), strict=True):
            record["embedding"] = vector
    return records


def _text(record: Mapping[str, Any]) -> str:
    """Title, then paragraphs; line wraps become spaces so phrases match across them."""
    title = WHITESPACE.sub(" ", record.get("title") or "").strip()
    paragraphs = PARAGRAPH_BREAK.split(record.get("text") or "")
    body = "\n\n".join(filter(None, (WHITESPACE.sub(" ", p).strip() for p in paragraphs)))
    return hyphens_as_spaces(f"{title}\n{body}"[:MAX_CHARS])


def _make_docs(nlp: spacy.Language, texts: list[str], similarity: list[dict[str, float]] | None) -> Iterable:
    for index, text in enumerate(texts):
        doc = nlp.make_doc(text)
        doc.user_data["title_end"] = text.find("\n")
        if similarity:
            doc.user_data["topic_similarity"] = similarity[index]
        yield doc


def _annotate(record: dict, doc, ner_organizations: list[str]) -> None:
    record["topics"] = list(doc._.topics)
    record["topic_scores"] = doc._.topics
    record["topic_evidence"] = doc._.topic_evidence
    record["keyphrases"] = doc._.keyphrases
    reference = _reference(record.get("published"))
    deadline = record.get("deadline")
    if isinstance(deadline, str):
        deadline = parse_date(deadline, record["lang"])
    deadline = deadline or find_deadline(doc.text, record["lang"], reference, record.get("kind"))
    record["deadline"] = _iso(deadline)
    if not record.get("amount"):
        money = find_amount(doc.text, record["lang"])
        record["amount"] = {"value": money.value, "currency": money.currency} if money else None
    record["organizations"] = list(dict.fromkeys([
        *(record.get("organizations") or []), *doc._.organizations, *ner_organizations]))


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
