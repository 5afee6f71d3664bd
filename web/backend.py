"""One search backend per request, opened on first use (flaskr's `get_db` pattern), whose read
answers are kept per app for the index's generation and the day.

What every visitor asks again (the facets of an empty search, the trends, a topic page, a feed
that readers poll) is then computed once per generation and day, per process: a crawl that
writes moves the generation (`SearchBackend.generation`), the next day moves "open" and
"closes in", a new release may change the answers' shape.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable
from functools import lru_cache
from importlib.metadata import version
from pathlib import Path
from threading import Lock
from typing import Any, TypeVar

from flask import Flask, current_app, g, has_request_context, request

from core import clock
from firms.store import FirmStore
from search.backend import SearchBackend
from search.backend import get_backend as load_backend
from search.errors import InvalidQuery
from search.query import SearchQuery

CACHE_SIZE = 256  # answers kept per app and process; the least recently used go first
RELEASE = version("observatorio")
T = TypeVar("T")


def get_backend() -> SearchBackend:
    if "backend" not in g:
        name = current_app.config["SEARCH_BACKEND"]
        options = {"path": f"{current_app.config['DATA_DIR']}/observatorio.db"} if name == "sqlite" else {}
        g.backend = CachedReads(load_backend(name, **options))
    return g.backend  # type: ignore[return-value]  # a SearchBackend in all but name


def answers_state() -> str | None:
    """Generation, the firm profiles' generation, day and release: what an answer depends on
    besides the request; None when the backend cannot tell its generation, or answers are not to
    be kept (`ANSWER_CACHE` off): then nothing is kept or validated."""
    if not current_app.config["ANSWER_CACHE"]:
        return None
    holder = request if has_request_context() else None  # once per request; outside one, each time
    if holder is None or not hasattr(holder, "answers_state"):
        generation = get_backend().generation()
        firms = _firm_store().generation()
        state = None if generation is None else f"{generation}|{firms}|{clock.today()}|{RELEASE}"
        if holder is None:
            return state
        holder.answers_state = state
    return holder.answers_state


def _firm_store() -> FirmStore:
    """The app's firm store, opened once (opening checks its schema: not on every request)."""
    if "observatorio_firms" not in current_app.extensions:
        path = Path(current_app.config["DATA_DIR"]) / FirmStore.filename
        current_app.extensions["observatorio_firms"] = FirmStore(path)
    return current_app.extensions["observatorio_firms"]


class AnswerCache:
    """A small LRU of computed answers, keyed by `answers_state()` and the caller's key. Threads
    asking the same question at once wait for the first to answer instead of all computing it:
    after a crawl, twenty readers of a topic page cost one search."""

    def __init__(self, size: int = CACHE_SIZE):
        self.size = size
        self._answers: OrderedDict[Hashable, Any] = OrderedDict()
        self._computing: dict[Hashable, Lock] = {}
        self._lock = Lock()

    def get(self, key: Hashable, compute: Callable[[], T]) -> T:
        state = answers_state()
        if state is None:
            return compute()
        key = (state, key)
        with self._lock:
            if key in self._answers:
                self._answers.move_to_end(key)
                return self._answers[key]
            computing = self._computing.setdefault(key, Lock())
        with computing:
            with self._lock:
                if key in self._answers:  # another thread answered while this one waited
                    return self._answers[key]
            try:
                answer = compute()
            except BaseException:
                with self._lock:
                    self._computing.pop(key, None)
                raise
            with self._lock:
                self._computing.pop(key, None)
                self._answers[key] = answer
                while len(self._answers) > self.size:
                    self._answers.popitem(last=False)
        return answer


class CachedReads:
    """The backend, with searches, histograms and term counts answered from the app's cache
    when the same question was asked in this generation and day; everything else passes."""

    def __init__(self, backend: SearchBackend):
        self._backend = backend

    def _cached(self, key: Hashable, compute: Callable[[], T]) -> T:
        return current_app.extensions["observatorio_answers"].get(key, compute)

    def search(self, query: SearchQuery):
        return self._cached(("search", query), lambda: self._backend.search(query))

    def histogram(self, query: SearchQuery | None = None, by: str = "topic"):
        return self._cached(("histogram", query, by), lambda: self._backend.histogram(query, by))

    def term_counts(self, query: SearchQuery | None = None, size: int = 50):
        return self._cached(("term_counts", query, size), lambda: self._backend.term_counts(query, size))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._backend, name)


def with_query_vector(query: SearchQuery) -> SearchQuery:
    """Embed the words when the mode needs them: hybrid is the default when embeddings are on,
    and asking for semantic or hybrid search with embeddings off is a clear error."""
    from nlp import embeddings

    if not query.q.strip() or query.mode == "keyword" or query.vector:
        return query
    if not embeddings.enabled():
        if query.mode:
            raise InvalidQuery("mode", f"{query.mode} search needs embeddings, and "
                               "OBSERVATORIO_EMBEDDING_MODEL is none")
        return query
    return query.but(vector=query_vector(embeddings.model_name(), query.q))


@lru_cache(maxsize=1024)
def query_vector(model: str, words: str) -> tuple[float, ...]:
    """The embedding of a query's words, kept: paging and facet clicks repeat the same words."""
    from nlp import embeddings

    return tuple(embeddings.embed([words])[0])


def close_backend(exc: BaseException | None = None) -> None:
    backend = g.pop("backend", None)
    if backend is not None:
        backend.close()


def init_app(app: Flask) -> None:
    app.extensions["observatorio_answers"] = AnswerCache()
    app.teardown_appcontext(close_backend)
