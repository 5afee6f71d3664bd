"""What only the Elasticsearch backend has: the alias, bulk failures and retries, the analyzers."""

from __future__ import annotations

import threading
import time

import pytest

from search.backend import get_backend
from search.errors import BackendUnavailable, IndexingError
from search.es_client import redact
from search.es_mapping import MAPPING_VERSION
from search.query import SearchQuery
from tests.search.conftest import new_backend
from tests.search.test_backend_contract import CORPUS, doc, ids


@pytest.fixture
def es(request, elasticsearch_url):
    backend = new_backend("elasticsearch", request)
    backend.upsert(CORPUS)
    return backend


def test_documents_live_in_a_versioned_index_behind_the_alias(es):
    (index,) = es._indices()
    assert index.startswith(f"{es.alias}-v{MAPPING_VERSION}-")
    mapping = es.client.indices.get_mapping(index=es.alias)[index]["mappings"]["properties"]
    assert mapping["embedding"]["type"] == "dense_vector" and mapping["kind"]["type"] == "keyword"
    assert mapping["suppliers"]["properties"]["name"]["type"] == "keyword"


def test_reindex_swaps_the_alias_to_a_new_index_while_searches_go_on(es):
    (old,) = es._indices()
    answers, stop = [], threading.Event()

    def search_meanwhile():
        while not stop.is_set():
            answers.append(es.search(SearchQuery(q="inteligencia")).total)

    reader = threading.Thread(target=search_meanwhile)
    reader.start()
    try:
        assert es.reindex() == len(CORPUS)
    finally:
        stop.set()
        reader.join()
    (new,) = es._indices()
    assert new != old and not es.client.indices.exists(index=old)
    assert answers and set(answers) == {2}  # never empty, never an error
    assert es.get("ai-call") == CORPUS[0]


def _before_the_swap(es, monkeypatch, action):
    """Run `action` when `reindex` is about to swap the alias."""
    swap = es.client.indices.update_aliases

    def update_aliases(**kwargs):
        action()
        return swap(**kwargs)

    monkeypatch.setattr(es.client.indices, "update_aliases", update_aliases)


def test_a_write_landing_just_before_the_swap_is_not_lost(es, elasticsearch_url, monkeypatch):
    """Another process writes during the last catch-up: it meets the write block, retries,
    and reaches the new index once the alias has moved."""
    other = get_backend("elasticsearch", url=elasticsearch_url, index=es.alias)
    writer = threading.Thread(target=other.upsert, args=([doc("late", "Llega durante el reindexado")],))

    def write_meanwhile():
        writer.start()
        time.sleep(0.3)  # its first attempt is answered before the alias moves

    _before_the_swap(es, monkeypatch, write_meanwhile)
    assert es.reindex() == len(CORPUS)
    writer.join()
    assert es.get("late").title == "Llega durante el reindexado"
    assert es.count() == len(CORPUS) + 1


def test_a_failed_reindex_leaves_the_old_index_as_it_was(es, monkeypatch):
    (old,) = es._indices()

    def fail():
        raise RuntimeError("the swap failed")

    _before_the_swap(es, monkeypatch, fail)
    with pytest.raises(RuntimeError):
        es.reindex()
    assert es._indices() == [old] and es.client.indices.get(index=f"{es.alias}-*").keys() == {old}
    assert es.upsert([doc("after", "Sigue escribiendo")]) == 1


def test_a_delete_meeting_the_write_block_says_why(es):
    (index,) = es._indices()
    es.client.indices.add_block(index=index, block="write")
    try:
        with pytest.raises(BackendUnavailable, match="blocks writes to the index.*reindex"):
            es.delete("ai-call")
    finally:
        es.client.indices.put_settings(index=index, settings={"index.blocks.write": None})


def test_a_bulk_load_pauses_refreshes_and_ends_searchable(es):
    (index,) = es._indices()
    with es.bulk_load():
        es.upsert([doc(f"b{n}", f"Carga {n}") for n in range(30)])
        settings = es.client.indices.get_settings(index=index)[index]["settings"]["index"]
        assert settings["refresh_interval"] == "-1"
    assert es.search(SearchQuery(q="carga")).total == 30
    assert "refresh_interval" not in es.client.indices.get_settings(index=index)[index]["settings"]["index"]


def test_spanish_and_english_stemming(es):
    assert "ai-call" in ids(es.search(SearchQuery(q="convocatorias")))
    assert "ai-news" in ids(es.search(SearchQuery(q="adopting")))  # English stem of "adoption"


def test_a_partial_bulk_failure_names_each_failed_document_and_keeps_the_rest(es):
    es.upsert([doc("vec3", "Con vector", embedding=[1.0, 0.0, 0.0])])
    with pytest.raises(IndexingError) as caught:
        es.upsert([doc("good", "Bien"), doc("vec2", "Otro tamaño", embedding=[1.0, 0.0]),
                   doc("fine", "Bien")])
    assert set(caught.value.failures) == {"vec2"} and "dimensions" in caught.value.failures["vec2"]
    assert es.get("good") and es.get("fine") and es.get("vec2") is None


def test_rejected_for_load_is_retried_not_dropped(es):
    """A read-only-allow-delete block answers 429, as a full disk does: the writer backs off."""
    (index,) = es._indices()
    es.client.indices.put_settings(index=index, settings={"index.blocks.read_only_allow_delete": True})
    release = threading.Timer(1.0, lambda: es.client.indices.put_settings(
        index=index, settings={"index.blocks.read_only_allow_delete": None}))
    release.start()
    started = time.monotonic()
    assert es.upsert([doc("late", "Llega tarde")]) == 1
    assert time.monotonic() - started >= 0.9 and es.get("late") is not None


def test_retries_give_up_with_every_id_reported(es):
    (index,) = es._indices()
    es.client.indices.put_settings(index=index, settings={"index.blocks.read_only_allow_delete": True})
    es.writer.retries, es.writer.backoff = 2, 0.01
    try:
        with pytest.raises(IndexingError) as caught:
            es.upsert([doc("a1", "Uno"), doc("a2", "Dos")])
    finally:
        es.client.indices.put_settings(index=index, settings={"index.blocks.read_only_allow_delete": None})
    assert set(caught.value.failures) == {"a1", "a2"}
    assert "still failing after 2 retries" in caught.value.failures["a1"]


def test_an_index_never_written_reads_as_empty(request, elasticsearch_url):
    backend = new_backend("elasticsearch", request)
    assert backend.count() == 0 and backend.get("x") is None and backend.fingerprints(["x"]) == {}
    assert backend.search(SearchQuery(q="algo")).total == 0 and list(backend.iter_documents()) == []


def test_an_unreachable_cluster_is_a_clear_error_without_the_password():
    backend = get_backend("elasticsearch", url="http://user:s3cret@127.0.0.1:9", index="nothing")
    with pytest.raises(BackendUnavailable) as caught:
        backend.count()
    assert "cannot reach Elasticsearch at http://user:***@127.0.0.1:9" in str(caught.value)
    assert "s3cret" not in str(caught.value)


def test_redact_hides_only_the_password():
    assert redact("https://elastic:pw@es.example.org:9243") == "https://elastic:***@es.example.org:9243"
    assert redact("http://127.0.0.1:9200") == "http://127.0.0.1:9200"


def test_a_bad_index_name_is_refused():
    with pytest.raises(BackendUnavailable, match="could not load backend 'elasticsearch'.*lowercase"):
        get_backend("elasticsearch", index="Bad Name")


def test_a_crawl_batch_counts_only_the_refused_documents_as_failed(es):
    from crawlers.pipelines import index_batch

    es.upsert([doc("vec3", "Con vector", embedding=[1.0, 0.0, 0.0])])
    batch = [doc("good", "Bien"), doc("vec2", "Otro tamaño", embedding=[1.0, 0.0]),
             doc("ai-call", "Cambiada")]
    counts, errors = index_batch(batch, es, enrich=False)
    assert counts == {"new": 1, "updated": 1, "unchanged": 0, "failed": 1}
    assert len(errors) == 1 and errors[0].startswith("vec2: not indexed:")
    assert es.get("good") and es.get("ai-call").title == "Cambiada"
