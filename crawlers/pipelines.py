"""Item pipelines: normalise each item, then enrich and index changed ones in batches."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from pydantic import ValidationError
from scrapy.exceptions import DropItem

import nlp
from nlp.dates import parse_date
from nlp.money import parse_amount
from search.document import Document, document_id


class NormalisePipeline:
    """Turn a spider's plain dict into a validated Document carrying its source's defaults."""

    def process_item(self, item: dict, spider) -> Document:
        source = spider.source
        fields = dict(item)
        published = _published(fields.pop("published", None), source.language)
        deadline = fields.pop("deadline", None) or fields.pop("deadline_text", None)
        amount = fields.pop("amount", None) or _amount(fields.pop("amount_text", None))
        fields.pop("deadline_text", None)
        fields.pop("amount_text", None)
        now = datetime.now(UTC)
        try:
            doc = Document(
                id=fields.pop("id", None) or document_id(fields["url"]),
                source=source.id,
                kind=source.kind,
                country=source.country,
                lang=source.language,
                fetched=now,
                published=published or now,
                published_estimated=published is None,
                deadline=_date(deadline, source.language),
                amount=amount,
                **fields,
            )
        except ValidationError as exc:
            spider.crawler.stats.inc_value("observatorio/invalid")
            raise DropItem(f"invalid document from {item.get('url')!r}: {exc.errors()[0]['msg']}") from exc
        return doc.with_content_hash()


class IndexPipeline:
    """Enrich and index documents a batch at a time, skipping those that have not changed.

    One fingerprint query and one `nlp.enrich` call per batch; the run report's new / updated /
    unchanged / failed counts come from here, after the backend accepted the batch.
    """

    def __init__(self, batch_size: int):
        self.batch_size = batch_size
        self.batch: dict[str, Document] = {}

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.settings.getint("INDEX_BATCH_SIZE", 64))

    def process_item(self, doc: Document, spider) -> Document:
        if doc.id in self.batch:
            raise DropItem(f"duplicate of {doc.id!r} in this batch")
        self.batch[doc.id] = doc
        if len(self.batch) >= self.batch_size:
            self.flush(spider)
        return doc

    def close_spider(self, spider) -> None:
        self.flush(spider)

    def flush(self, spider) -> None:
        batch, self.batch = list(self.batch.values()), {}
        stats = spider.crawler.stats
        stored = spider.backend.fingerprints(d.id for d in batch) if batch else {}
        changed = [d for d in batch if stored.get(d.id) != d.content_hash]
        stats.inc_value("observatorio/unchanged", len(batch) - len(changed))
        if not changed:
            return
        try:
            spider.backend.upsert(enrich_documents(changed))
        except Exception as exc:  # noqa: BLE001 - a failing batch is reported, the crawl goes on
            spider.errors.append(f"{len(changed)} documents not indexed: {exc}")
            stats.inc_value("observatorio/failed", len(changed))
            return
        updated = sum(1 for d in changed if d.id in stored)
        stats.inc_value("observatorio/updated", updated)
        stats.inc_value("observatorio/new", len(changed) - updated)


def enrich_documents(documents: list[Document]) -> list[Document]:
    """Annotate documents with nlp.enrich; structured fields from the source win."""
    annotations = nlp.enrich(
        {"title": d.title, "text": _nlp_text(d), "url": d.url, "lang": d.lang,
         "kind": d.kind.value, "published": d.published, "deadline": d.deadline,
         "amount": d.amount.model_dump() if d.amount else None, "organizations": d.organizations}
        for d in documents
    )
    return [_apply(doc, notes) for doc, notes in zip(documents, annotations, strict=True)]


def _nlp_text(doc: Document) -> str:
    text = doc.searchable_text()
    return text if doc.summary in text else f"{doc.summary}\n{text}"


def _apply(doc: Document, notes: dict) -> Document:
    return Document.model_validate(doc.model_dump() | {
        "lang": notes["lang"],
        "topics": notes["topics"],
        "topic_scores": notes["topic_scores"],
        "topic_evidence": notes["topic_evidence"],
        "deadline": notes["deadline"],
        "amount": notes["amount"],
        "organizations": notes["organizations"],
        "keyphrases": notes["keyphrases"],
        "embedding": notes.get("embedding"),
    })


def _date(value, lang: str) -> date | datetime | None:
    """Parse text; a bare publication date means midnight UTC of that day."""
    return parse_date(value, lang) if isinstance(value, str) else value


def _published(value, lang: str) -> datetime | None:
    value = _date(value, lang)
    if isinstance(value, date) and not isinstance(value, datetime):
        return datetime.combine(value, time.min, UTC)
    return value


def _amount(text: str | None) -> dict | None:
    money = parse_amount(text)
    return {"value": money.value, "currency": money.currency} if money else None
