"""Item pipelines: follow links the source asks for, normalise, then enrich and index in batches.

A spider yields a plain dict of Document fields plus these hints, which never reach the index:
`deadline_text` and `amount_text` (text to parse), `updated` (the entry's last change, for
recrawl decisions), `http_last_modified` (the response's Last-Modified header) and
`attachment_links` (candidate documents: `{"url", "title"}`).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from email.utils import parsedate_to_datetime

from pydantic import ValidationError
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.defer import Deferred, DeferredList, DeferredLock
from twisted.internet.threads import deferToThread

import nlp
from nlp.dates import parse_date
from nlp.money import parse_amount
from search.backend import SearchBackend
from search.document import Document, document_id
from search.errors import IndexingError

from .duplicates import mark_duplicates
from .follow import LinkFollower

HINTS = ("deadline_text", "amount_text", "updated", "http_last_modified", "attachment_links")
MAX_PENDING_BATCHES = 4  # beyond this, items wait for enrichment: memory stays bounded


class FollowLinksPipeline:
    """Apply the source's `fetch_article` and `attachments` flags to each item."""

    def __init__(self, crawler: Crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> FollowLinksPipeline:
        return cls(crawler)

    async def process_item(self, item: dict) -> dict:
        spider = self.crawler.spider
        source = spider.source
        links = item.pop("attachment_links", None) or []
        follower = LinkFollower(self.crawler, item)
        if getattr(source, "fetch_article", False):
            links = await follower.article() + links
        if source.attachments and links:
            item["attachments"] = await follower.attachments(links, source.attachments)
        return item


class NormalisePipeline:
    """Turn a spider's plain dict into a validated Document carrying its source's defaults.

    An item without a publication date gets the response's Last-Modified, else the fetch
    time, and is flagged `published_estimated`.
    """

    def __init__(self, crawler: Crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> NormalisePipeline:
        return cls(crawler)

    def process_item(self, item: dict) -> Document:
        source = self.crawler.spider.source
        fields = dict(item)
        hints = {name: fields.pop(name, None) for name in HINTS}
        published = _published(fields.pop("published", None), source.language)
        deadline = fields.pop("deadline", None) or hints["deadline_text"]
        amount = fields.pop("amount", None) or _amount(hints["amount_text"])
        now = datetime.now(UTC)
        try:
            doc = Document(
                id=fields.pop("id", None) or document_id(fields["url"]),
                source=source.id,
                kind=fields.pop("kind", None) or source.kind,  # OCDS: `award` from award stage on
                country=source.country,
                lang=source.language,
                fetched=now,
                published=published or _http_date(hints["http_last_modified"]) or now,
                published_estimated=published is None,
                deadline=_date(deadline, source.language),
                amount=amount,
                **fields,
            )
        except ValidationError as exc:
            error = exc.errors()[0]
            reason = f"invalid document: {'.'.join(map(str, error['loc']))}: {error['msg']}"
            self.crawler.stats.inc_value("observatorio/invalid")
            self.crawler.spider.errors.append(f"{item.get('url')}: {reason}")
            raise DropItem(f"{reason} ({item.get('url')!r})") from exc
        return doc.with_content_hash()


class IndexPipeline:
    """Enrich and index documents a batch at a time, skipping those that have not changed.

    Each batch costs one fingerprint query, one `nlp.enrich` call and one upsert, run in a
    worker thread so the download loop goes on meanwhile; one batch at a time across all
    sources (NLP is CPU-bound). The report's new / updated / unchanged / failed counts come
    from here, after the backend accepted the batch. A later item with the same id replaces
    an earlier one in the batch (OCDS: the newer state of an ocid), which is counted as skipped.
    """

    lock = DeferredLock()

    def __init__(self, crawler: Crawler, batch_size: int, enrich: bool):
        self.crawler = crawler
        self.batch_size = batch_size
        self.enrich = enrich
        self.batch: dict[str, Document] = {}
        self.pending: list[Deferred] = []

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> IndexPipeline:
        return cls(crawler, crawler.settings.getint("INDEX_BATCH_SIZE", 64),
                   crawler.settings.getbool("INDEX_ENRICH", True))

    async def process_item(self, doc: Document) -> Document:
        if doc.id in self.batch:
            self.crawler.spider.skip("same id as a later record")
        self.batch[doc.id] = doc
        if len(self.batch) >= self.batch_size:
            self.flush()
        if len(self.pending) > MAX_PENDING_BATCHES:
            await maybe_deferred_to_future(self.pending[0])
        return doc

    async def close_spider(self) -> None:
        self.flush()
        if self.pending:
            await maybe_deferred_to_future(DeferredList(list(self.pending)))

    def flush(self) -> None:
        if not self.batch:
            return
        batch, self.batch = list(self.batch.values()), {}
        done = self.lock.run(deferToThread, index_batch, batch, self.crawler.spider.backend, self.enrich)
        done.addCallbacks(self._count, self._fail, errbackArgs=(len(batch),))
        self.pending.append(done)
        done.addBoth(lambda _: self.pending.remove(done))

    def _count(self, result: tuple[dict[str, int], list[str]]) -> None:
        counts, errors = result
        for name, value in counts.items():
            self.crawler.stats.inc_value(f"observatorio/{name}", value)
        self.crawler.spider.errors.extend(errors)

    def _fail(self, failure, size: int) -> None:
        """A batch the backend refused is reported; the crawl goes on."""
        self.crawler.spider.errors.append(f"{size} documents not indexed: {failure.getErrorMessage()}")
        self.crawler.stats.inc_value("observatorio/failed", size)
        self.crawler.stats.inc_value("observatorio/index_failed", size)


def index_batch(batch: list[Document], backend: SearchBackend,
                enrich: bool) -> tuple[dict[str, int], list[str]]:
    """Enrich and store the changed documents of `batch`.

    Return how many were new, updated, unchanged and failed, and one error per document the
    backend refused (the others of the batch are stored all the same).
    """
    stored = backend.fingerprints(d.id for d in batch)
    changed = [d for d in batch if stored.get(d.id) != d.content_hash]
    refused: dict[str, str] = {}
    if changed:
        try:  # without NLP (benchmarks, INDEX_ENRICH off) there is no duplicate detection either
            backend.upsert(mark_duplicates(enrich_documents(changed), backend) if enrich else changed)
        except IndexingError as exc:
            refused = exc.failures
    written = [d for d in changed if d.id not in refused]
    updated = sum(1 for d in written if d.id in stored)
    counts = {"new": len(written) - updated, "updated": updated,
              "unchanged": len(batch) - len(changed), "failed": len(refused)}
    return counts, [f"{doc_id}: not indexed: {reason}" for doc_id, reason in refused.items()]


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


def _http_date(value: str | None) -> datetime | None:
    try:
        return parsedate_to_datetime(value) if value else None
    except (TypeError, ValueError):
        return None


def _amount(text: str | None) -> dict | None:
    money = parse_amount(text)
    return {"value": money.value, "currency": money.currency} if money else None
