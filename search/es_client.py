"""Connecting to Elasticsearch, clear errors when it fails, and bulk writes that lose nothing."""

from __future__ import annotations

import os
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from itertools import islice
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from elastic_transport import ConnectionError as TransportConnectionError
from elastic_transport import ConnectionTimeout
from elasticsearch import AuthenticationException, AuthorizationException, Elasticsearch, helpers
from elasticsearch.serializer import OrjsonSerializer

from .document import Document
from .errors import BackendUnavailable, IndexingError

DEFAULT_URL = "http://127.0.0.1:9200"
CHUNK_SIZE = 500  # documents per bulk request (also capped at 100 MB)
# Requests in flight: one bulk request is indexed by one thread per shard, so two keep two
# of the cluster's cores busy while this process encodes the next chunk.
BULK_THREADS = 2
RETRYABLE = {429, 502, 503, 504}  # rejected for load or unavailable: worth another try
BLOCKED = "cluster_block_exception"  # e.g. the write block `reindex` sets for its last catch-up


def DEFAULT_INDEX() -> str:  # noqa: N802 - reads like the constant it stands for
    """The alias name: OBSERVATORIO_ELASTICSEARCH_INDEX, default "observatorio"."""
    return os.environ.get("OBSERVATORIO_ELASTICSEARCH_INDEX") or "observatorio"


def connect(url: str | None = None) -> tuple[Elasticsearch, str]:
    """A client for `url` (comma-separated nodes; user:password@ in the URL for basic auth)
    or OBSERVATORIO_ELASTICSEARCH_URL, and the URL without its password, for messages.

    OBSERVATORIO_ELASTICSEARCH_API_KEY and OBSERVATORIO_ELASTICSEARCH_CA_CERTS add an API key
    and a CA bundle for https. Clients are shared per configuration: they pool connections.
    """
    url = url or os.environ.get("OBSERVATORIO_ELASTICSEARCH_URL") or DEFAULT_URL
    nodes = tuple(u.strip() for u in url.split(",") if u.strip())
    client = _client(nodes, os.environ.get("OBSERVATORIO_ELASTICSEARCH_API_KEY") or None,
                     os.environ.get("OBSERVATORIO_ELASTICSEARCH_CA_CERTS") or None)
    return client, ",".join(redact(node) for node in nodes)


@lru_cache(maxsize=8)
def _client(nodes: tuple[str, ...], api_key: str | None, ca_certs: str | None) -> Elasticsearch:
    # orjson: vectors make documents mostly floats, which the stdlib encodes ten times slower
    options: dict[str, Any] = {"request_timeout": 30, "retry_on_timeout": True, "max_retries": 2,
                               "serializer": OrjsonSerializer()}
    if api_key:
        options["api_key"] = api_key
    if ca_certs:
        options["ca_certs"] = ca_certs
    return Elasticsearch(list(nodes), **options)


def redact(url: str) -> str:
    """The URL with any password replaced by ***."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.netloc.rsplit("@", 1)[1]
    return urlunsplit(parts._replace(netloc=f"{parts.username}:***@{host}"))


@contextmanager
def translate_errors(url: str) -> Iterator[None]:
    """Turn "cannot connect" and "not allowed" into BackendUnavailable with a hint."""
    try:
        yield
    except (TransportConnectionError, ConnectionTimeout) as exc:
        raise BackendUnavailable(
            f"cannot reach Elasticsearch at {url}: {exc.message}. Is it running? The address comes "
            "from OBSERVATORIO_ELASTICSEARCH_URL") from exc
    except (AuthenticationException, AuthorizationException) as exc:
        if exc.error == BLOCKED:
            raise BackendUnavailable(
                f"Elasticsearch at {url} blocks writes to the index ({exc.message}); a reindex "
                "may be swapping it: try again in a minute") from exc
        raise BackendUnavailable(
            f"Elasticsearch at {url} refused the request ({exc.meta.status}): check the credentials "
            "in OBSERVATORIO_ELASTICSEARCH_URL or OBSERVATORIO_ELASTICSEARCH_API_KEY") from exc


def batched(items: Iterable, size: int) -> Iterator[list]:
    """Successive lists of up to `size` items."""
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def source(doc: Document) -> dict[str, Any]:
    """What is indexed: the document as JSON plus its deadline as an instant."""
    deadline_at = doc.deadline_at
    return {**doc.to_dict(), "deadline_at": deadline_at.isoformat() if deadline_at else None}


class BulkWriter:
    """Index documents in chunks; retry what failed for load or behind a block, report what failed
    for good."""

    def __init__(self, client: Elasticsearch, url: str, retries: int = 5, backoff: float = 0.5):
        self.client, self.url = client, url
        self.retries, self.backoff = retries, backoff

    def write(self, index: str, documents: list[Document], refresh: bool = True) -> int:
        """Index `documents` into `index`; raise IndexingError naming each one that failed."""
        pending = {doc.id: {"_index": index, "_id": doc.id, "_source": source(doc)} for doc in documents}
        failures: dict[str, str] = {}
        written = 0
        with translate_errors(self.url):
            for attempt in range(self.retries + 1):
                retry = self._send(list(pending.values()), failures)
                written += len(pending) - len(retry) - sum(1 for i in pending if i in failures)
                if not retry:
                    break
                if attempt == self.retries:
                    failures.update({i: f"still failing after {self.retries} retries: {r}"
                                     for i, r in retry.items()})
                    break
                pending = {i: pending[i] for i in retry}
                time.sleep(self.backoff * 2**attempt)
            if refresh and written:
                self.client.indices.refresh(index=index)
        if failures:
            raise IndexingError(failures)
        return written

    def _send(self, actions: list[dict], failures: dict[str, str]) -> dict[str, str]:
        """One pass over the chunks: record permanent failures, return retryable ones (id → reason)."""
        retry = {}
        for ok, item in helpers.parallel_bulk(self.client, actions, thread_count=BULK_THREADS,
                                              chunk_size=CHUNK_SIZE, raise_on_error=False,
                                              raise_on_exception=False):
            if ok:
                continue
            result = item["index"]
            reason = _reason(result)
            if result.get("status") in RETRYABLE or reason.startswith(f"{BLOCKED}:"):
                retry[result["_id"]] = reason
            else:
                failures[result["_id"]] = reason
        return retry


def _reason(result: dict) -> str:
    error = result.get("error") or {}
    if isinstance(error, dict):
        return f"{error.get('type', 'error')}: {error.get('reason', '')}".strip()
    return str(error)
