"""One search backend per app, opened on first use (flaskr's `get_db` pattern)."""

from __future__ import annotations

from functools import lru_cache

from flask import Flask, current_app, g

from search.backend import SearchBackend
from search.backend import get_backend as load_backend
from search.errors import InvalidQuery
from search.query import SearchQuery


def get_backend() -> SearchBackend:
    if "backend" not in g:
        name = current_app.config["SEARCH_BACKEND"]
        options = {"path": f"{current_app.config['DATA_DIR']}/observatorio.db"} if name == "sqlite" else {}
        g.backend = load_backend(name, **options)
    return g.backend


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
    app.teardown_appcontext(close_backend)
