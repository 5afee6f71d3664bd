"""The Elasticsearch backend: an index behind an alias, bulk indexing, kNN, aggregations.

Documents live in a versioned index (`<alias>-v<mapping>-<timestamp>`) created from an index
template; readers and writers only ever name the alias, so `reindex` can build a new index and
swap the alias atomically while searches go on.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime
from typing import Any

from elasticsearch import BadRequestError, NotFoundError, helpers

from . import es_query
from .backend import SearchBackend
from .document import Document
from .errors import InvalidQuery
from .es_client import DEFAULT_INDEX, BulkWriter, batched, connect, translate_errors
from .es_mapping import MAPPING_VERSION, index_template
from .fts import snippet_to_html
from .hybrid import MIN_SIMILARITY
from .query import EVERYTHING, FACETS, Hit, SearchQuery, SearchResult

INDEX_NAME = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,100}$")
COMPUTED = ("deadline_at",)  # indexed beside the document's own fields, dropped on read


class ElasticsearchBackend(SearchBackend):
    """Elasticsearch 9.x through the official client; the alias name is the index option."""

    name = "elasticsearch"

    def __init__(self, url: str | None = None, index: str | None = None, client=None):
        self.alias = index or DEFAULT_INDEX()
        if not INDEX_NAME.match(self.alias):
            raise ValueError(f"index name {self.alias!r}: use lowercase letters, digits, '-', '_' or '.'")
        self.client, self.url = connect(url) if client is None else (client, url or "")
        self.writer = BulkWriter(self.client, self.url)
        self._ready = self._bulk_loading = False

    # -- the index behind the alias ------------------------------------------------------

    def _ensure_index(self) -> None:
        """Create the template and a first index behind the alias unless they exist."""
        if self._ready:
            return
        with translate_errors(self.url):
            if not self.client.indices.exists_alias(name=self.alias):
                self._new_index(alias=True)
        self._ready = True

    def _new_index(self, alias: bool = False, **settings: Any) -> str:
        name = f"{self.alias}-v{MAPPING_VERSION}-{datetime.now(UTC):%Y%m%d%H%M%S%f}"
        self.client.indices.put_index_template(name=self.alias, **index_template(self.alias))
        self.client.indices.create(index=name, aliases={self.alias: {}} if alias else None,
                                   settings=settings or None)
        return name

    def _indices(self) -> list[str]:
        """The concrete indexes the alias points at (one, except in the middle of a swap)."""
        try:
            return sorted(self.client.indices.get_alias(name=self.alias))
        except NotFoundError:
            return []

    def reindex(self) -> int:
        """Copy every document into a new index and swap the alias to it in one atomic step.

        Writes go on during the copy and are caught up with; for the last catch-up the old
        index is blocked for writes, so nothing lands between it and the swap (a writer meets
        the block and retries, see `es_client.RETRYABLE`, reaching the new index)."""
        with translate_errors(self.url):
            self._ensure_index()
            (old,) = self._indices()
            new = self._new_index(refresh_interval="-1")
            try:
                for batch in batched(self._scan(old, {"match_all": {}}), 1000):
                    self.writer.write(new, [_document(hit["_source"]) for hit in batch], refresh=False)
                self._catch_up(old, new)
                self.client.indices.add_block(index=old, block="write")
                self._catch_up(old, new)
                self.client.indices.put_settings(index=new, settings={"index": {"refresh_interval": None}})
                self.client.indices.refresh(index=new)
                self.client.indices.update_aliases(actions=[{"remove": {"index": old, "alias": self.alias}},
                                                            {"add": {"index": new, "alias": self.alias}}])
            except BaseException:
                self.client.indices.put_settings(index=old, settings={"index.blocks.write": None})
                self.client.indices.delete(index=new)
                raise
            self.client.indices.delete(index=old)
            return self.client.count(index=new)["count"]

    def _catch_up(self, old: str, new: str) -> None:
        """Bring `new` level with what was written to `old` since it was copied."""
        self.client.indices.refresh(index=[old, new])
        before, after = self._hashes(old), self._hashes(new)
        changed = [doc_id for doc_id, digest in before.items() if after.get(doc_id) != digest]
        for batch in batched(changed, 1000):
            docs = self.client.mget(index=old, ids=list(batch))["docs"]
            self.writer.write(new, [_document(d["_source"]) for d in docs if d.get("found")], refresh=False)
        for doc_id in set(after) - set(before):
            self.client.delete(index=new, id=doc_id)

    def _hashes(self, index: str) -> dict[str, str]:
        return {hit["_id"]: hit["_source"].get("content_hash", "")
                for hit in self._scan(index, {"match_all": {}}, source=["content_hash"])}

    def _scan(self, index: str, query: dict, sort: list | None = None, source: Any = True) -> Iterator[dict]:
        body = {"query": query, "_source": source, **({"sort": sort} if sort else {})}
        return helpers.scan(self.client, index=index, query=body, size=500, preserve_order=bool(sort))

    # -- writing -------------------------------------------------------------------------

    def upsert(self, documents: Iterable[Document]) -> int:
        """Bulk-index in chunks; retryable failures are retried, the rest raise IndexingError
        naming every document that was not indexed (the others are)."""
        self._ensure_index()
        return self.writer.write(self.alias, list(documents), refresh=not self._bulk_loading)

    @contextmanager
    def bulk_load(self) -> Iterator[None]:
        """Pause refreshes while loading (every refresh makes a segment whose vector graph a
        merge must rebuild), then refresh once."""
        self._ensure_index()
        with translate_errors(self.url):
            self._refresh_interval("-1")
            self._bulk_loading = True
            try:
                yield
            finally:
                self._bulk_loading = False
                self._refresh_interval(None)
                self.client.indices.refresh(index=self.alias)

    def _refresh_interval(self, interval: str | None) -> None:
        self.client.indices.put_settings(index=self.alias, settings={"index": {"refresh_interval": interval}})

    def delete(self, doc_id: str) -> bool:
        with translate_errors(self.url):
            try:
                self.client.delete(index=self.alias, id=doc_id, refresh=True)
            except NotFoundError:
                return False
        return True

    # -- reading -------------------------------------------------------------------------

    def generation(self) -> str:
        """The index behind the alias and its write and refresh counters: they move only when
        something is written or made visible (a restart resets them, which only costs a miss)."""
        with translate_errors(self.url):
            try:
                stats = self.client.indices.stats(index=self.alias, metric="indexing,refresh")
            except NotFoundError:
                return "none"
        totals = stats["_all"]["primaries"]
        counters = (totals["indexing"]["index_total"], totals["indexing"]["delete_total"],
                    totals["refresh"]["total"])
        return ":".join([",".join(sorted(stats["indices"])), *map(str, counters)])

    def _search(self, **body: Any) -> dict:
        """Search the alias; an index that was never created holds nothing."""
        with translate_errors(self.url):
            try:
                return self.client.search(index=self.alias, track_total_hits=True, **body)
            except NotFoundError:
                return {"hits": {"total": {"value": 0}, "hits": []}, "aggregations": {}}

    def get(self, doc_id: str) -> Document | None:
        with translate_errors(self.url):
            try:
                return _document(self.client.get(index=self.alias, id=doc_id)["_source"])
            except NotFoundError:
                return None

    def count(self) -> int:
        with translate_errors(self.url):
            try:
                return self.client.count(index=self.alias)["count"]
            except NotFoundError:
                return 0

    def fingerprints(self, doc_ids: Iterable[str]) -> dict[str, str]:
        found: dict[str, str] = {}
        with translate_errors(self.url):
            for batch in batched(doc_ids, 500):
                try:
                    docs = self.client.mget(index=self.alias, ids=list(batch), source=["content_hash"])
                except NotFoundError:
                    return {}
                found.update({d["_id"]: d["_source"]["content_hash"] for d in docs["docs"] if d.get("found")})
        return found

    def iter_documents(self, query: SearchQuery | None = None) -> Iterator[Document]:
        query = query or EVERYTHING
        body, ranked = es_query.bool_query(query)
        with translate_errors(self.url):
            if not self._indices():
                return
            for hit in self._scan(self.alias, body, es_query.sort(query, ranked)):
                yield _document(hit["_source"])

    def histogram(self, query: SearchQuery | None = None, by: str = "topic") -> dict[date, dict[str, int]]:
        if by not in ("topic", "kind"):
            raise InvalidQuery("by", "must be topic or kind")
        return self._weekly(query, es_query.FACET_FIELDS[by], 10_000)

    def term_counts(self, query: SearchQuery | None = None, size: int = 50) -> dict[date, dict[str, int]]:
        return self._weekly(query, "keyphrases", size)

    def _weekly(self, query: SearchQuery | None, field: str, size: int) -> dict[date, dict[str, int]]:
        body, _ = es_query.bool_query(query or SearchQuery())
        response = self._search(query=body, size=0, aggs=es_query.weekly_aggregation(field, size))
        weeks = response["aggregations"].get("weeks", {"buckets": []})["buckets"]
        return {datetime.fromtimestamp(week["key"] / 1000, UTC).date():
                {b["key"]: b["doc_count"] for b in week["values"]["buckets"]}
                for week in weeks if week["values"]["buckets"]}

    # -- primitives of search ------------------------------------------------------------

    def _select(self, query: SearchQuery, *, text: bool = True, ids: Sequence[str] = (),
                offset: int = 0, limit: int = 0) -> SearchResult:
        body, ranked = es_query.bool_query(query, text=text, ids=ids)
        page: dict[str, Any] = {"from_": offset, "sort": es_query.sort(query, ranked)} if limit else {}
        if limit and ranked:
            page["highlight"] = es_query.HIGHLIGHT
        response = self._search(query=body, size=limit, aggs=es_query.facet_aggregations(), **page)
        aggregations = response["aggregations"]
        facets = {f: {b["key"]: b["doc_count"] for b in aggregations.get(f, {"buckets": []})["buckets"]}
                  for f in FACETS}
        return SearchResult(total=response["hits"]["total"]["value"],
                            hits=[_hit(h, ranked) for h in response["hits"]["hits"]], facets=facets)

    def _ranking(self, query: SearchQuery, limit: int) -> list[str]:
        body, ranked = es_query.bool_query(query)
        response = self._search(query=body, size=limit, sort=es_query.sort(query, ranked), source=False)
        return [hit["_id"] for hit in response["hits"]["hits"]]

    def _nearest(self, query: SearchQuery, vector: Sequence[float], k: int) -> list[tuple[str, float]]:
        try:
            response = self._search(knn=es_query.knn(query, vector, k, MIN_SIMILARITY), size=k, source=False)
        except BadRequestError as exc:
            if "dimension" in str(exc):  # a vector of another model's size finds no neighbours
                return []
            raise
        found = [(hit["_id"], 2 * hit["_score"] - 1) for hit in response["hits"]["hits"]]  # score = (1+cos)/2
        return sorted(found, key=lambda pair: (-pair[1], pair[0]))

    def _hits(self, query: SearchQuery, ids: Sequence[str]) -> dict[str, Hit]:
        if not ids:
            return {}
        include, _ = es_query.text_clauses(query.q)
        body = {"bool": {"filter": [{"ids": {"values": list(ids)}}], "should": [include] if include else []}}
        response = self._search(query=body, size=len(ids), highlight=es_query.HIGHLIGHT)
        return {h["_id"]: _hit(h, ranked=False) for h in response["hits"]["hits"]}


def _document(source: dict[str, Any]) -> Document:
    return Document.from_dict({k: v for k, v in source.items() if k not in COMPUTED})


def _hit(hit: dict, ranked: bool) -> Hit:
    marked = hit.get("highlight", {})
    highlights = {f: snippet_to_html(marked[f][0], es_query.MARKS)
                  for f in ("title", "body") if marked.get(f)}
    score = (hit["_score"] or 0.0) if ranked else 0.0
    return Hit(document=_document(hit["_source"]), score=score,
               highlights={k: v for k, v in highlights.items() if "<mark>" in v})
