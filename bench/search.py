"""Benchmark both search backends on generated documents: bulk indexing and query latency.

    .venv/bin/python -m bench.search [--sizes 10000 100000] [--real 2000] [--queries 200]

Documents are built from config/topics.yaml (each topic's examples, Spanish and English
keywords and descriptions) with realistic kinds, sources, dates, deadlines and keyphrases.
Embeddings: `--real N` documents are embedded with the bundled model; every other document
takes the vector of a real one of the same topic plus Gaussian noise (cosine about 0.9 to its
origin), renormalised. Query vectors are always real. `--real 0` synthesises every vector
(topic centroids plus noise) without loading the model.

For each size and backend: bulk indexing docs/s, then p50/p95 latency of three query sets:
keyword (words; total, page and facets as the API returns them), keyword + facets + filters,
and hybrid (keyword + kNN fused). The same-run baseline: facet counting by SQL GROUP BY (how
the first release counted) against the cached numpy columns, as a ratio. Elasticsearch is
this checkout's test instance (scripts/elasticsearch start) unless --elasticsearch-url is given.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import yaml

ROOT = Path(__file__).resolve().parent.parent

from search.backend import get_backend  # noqa: E402
from search.document import Document  # noqa: E402
from search.query import SearchQuery  # noqa: E402

KINDS = ["news"] * 6 + ["funding_call"] * 2 + ["tender"] * 3 + ["event"]
SOURCES = [f"source_{n:02d}" for n in range(40)]
OPENERS = {
    "funding_call": {"es": "Convocatoria {year}: fondos para {kw}", "en": "{year} call for proposals: {kw}"},
    "tender": {"es": "Licitación pública para servicios de {kw}", "en": "Tender for {kw} services"},
    "news": {"es": "Empresas de la Zona Sur apuestan por {kw}", "en": "Costa Rican firms invest in {kw}"},
    "event": {"es": "Taller regional sobre {kw}", "en": "Regional workshop on {kw}"},
}
FILLER = {
    "es": ["El plazo para presentar propuestas vence según el cronograma publicado.",
           "Pueden participar pymes, cooperativas y universidades públicas.",
           "La municipalidad coordinará la ejecución con el Ministerio.",
           "Los proyectos deberán demostrar impacto en el empleo regional.",
           "La iniciativa forma parte del plan nacional de desarrollo."],
    "en": ["Proposals must be submitted before the published deadline.",
           "Small firms, cooperatives and public universities may apply.",
           "The programme is funded by an international development bank.",
           "Projects must show impact on regional employment."],
}


def load_topics() -> list[dict]:
    return yaml.safe_load((ROOT / "config" / "topics.yaml").read_text(encoding="utf-8"))["topics"]


def make_documents(count: int, topics: list[dict], rng: random.Random) -> list[dict]:
    """Plain fields of `count` documents (embeddings are added later)."""
    now = datetime.now(UTC)
    docs = []
    for n in range(count):
        lang = "es" if rng.random() < 0.8 else "en"
        kind = rng.choice(KINDS)
        chosen = rng.sample(topics, rng.choice([1, 1, 2, 3]))
        main = chosen[0]
        keyword = rng.choice(main["keywords"][lang])
        sentences = [s for t in chosen for s in rng.sample(t["examples"], 2)]
        sentences += [main["description"][lang], *rng.sample(FILLER[lang], 2)]
        rng.shuffle(sentences)
        published = now - timedelta(days=rng.random() * 730)
        closes = kind in ("funding_call", "tender")
        deadline = published + timedelta(days=rng.randint(10, 120)) if closes else None
        docs.append({
            "id": f"doc-{n:07d}", "url": f"https://example.org/{n}", "source": rng.choice(SOURCES),
            "kind": kind, "lang": lang, "country": "CR", "published": published, "deadline": deadline,
            "title": OPENERS[kind][lang].format(year=published.year, kw=keyword),
            "summary": sentences[0], "body": " ".join(sentences[1:]),
            "topics": [t["slug"] for t in chosen], "topic_scores": {t["slug"]: 0.5 for t in chosen},
            "keyphrases": rng.sample(main["keywords"][lang], min(3, len(main["keywords"][lang]))),
        })
    return docs


def add_embeddings(docs: list[dict], real: int, rng: np.random.Generator) -> str:
    """Give every document a unit vector; return how they were made."""
    if real:
        from nlp import embeddings

        os.environ.pop("OBSERVATORIO_EMBEDDING_MODEL", None)
        started = time.perf_counter()
        texts = [f"{d['title']}. {d['body']}" for d in docs[:real]]
        base = np.array(embeddings.embed(texts), dtype=np.float32)
        rate = real / (time.perf_counter() - started)
        how = (f"{real} embedded with the bundled model ({rate:.0f} docs/s); "
               "the rest copy a real vector of the same topic + noise")
    else:
        base = None
        how = "all synthetic: a random centroid per topic + noise"
    by_topic: dict[str, list[int]] = {}
    for i, doc in enumerate(docs[:real]):
        by_topic.setdefault(doc["topics"][0], []).append(i)
    dims = base.shape[1] if base is not None else 384
    centroids: dict[str, np.ndarray] = {}
    for i, doc in enumerate(docs):
        if base is not None and i < real:
            vector = base[i]
        else:
            topic = doc["topics"][0]
            origin = base[rng.choice(by_topic[topic])] if base is not None and by_topic.get(topic) else \
                centroids.setdefault(topic, rng.standard_normal(dims).astype(np.float32))
            vector = origin / np.linalg.norm(origin) + rng.standard_normal(dims).astype(np.float32) * 0.025
        doc["embedding"] = (vector / np.linalg.norm(vector)).tolist()
    return how


def queries(topics: list[dict], count: int, rng: random.Random, embed) -> list[dict]:
    """Query texts (1-3 words of topic keywords) with their real vectors and some filters."""
    texts = []
    for _ in range(count):
        topic = rng.choice(topics)
        words = rng.choice(topic["keywords"][rng.choice(["es", "es", "en"])]).split()
        texts.append((" ".join(words[:rng.randint(1, 3)]), topic["slug"]))
    vectors = embed([t for t, _ in texts])
    return [{"q": q, "topic": slug, "vector": tuple(v) if v is not None else None}
            for (q, slug), v in zip(texts, vectors, strict=True)]


def percentiles(samples: list[float]) -> str:
    cuts = statistics.quantiles(samples, n=100)
    return f"p50 {cuts[49] * 1000:7.1f} ms   p95 {cuts[94] * 1000:7.1f} ms"


def timed(run, items) -> list[float]:
    times = []
    for item in items:
        started = time.perf_counter()
        run(item)
        times.append(time.perf_counter() - started)
    return times


def bench_backend(backend, documents: list[Document], query_set: list[dict]) -> dict[str, list[float]]:
    half = len(documents) // 2
    started = time.perf_counter()
    for start in range(0, half, 1000):  # as a crawl does: every batch searchable at once
        backend.upsert(documents[start:min(start + 1000, half)])
    batches = time.perf_counter() - started
    started = time.perf_counter()
    with backend.bulk_load():  # as migrate and reindex do
        for start in range(half, len(documents), 1000):
            backend.upsert(documents[start:start + 1000])
    bulk = time.perf_counter() - started
    print(f"  indexing, batches of 1000 searchable at once {half / batches:6.0f} docs/s ({batches:.1f} s)")
    print(f"  bulk load (refresh at the end)               {half / bulk:6.0f} docs/s ({bulk:.1f} s)")
    first = time.perf_counter()
    backend.search(SearchQuery(q=query_set[0]["q"], vector=query_set[0]["vector"]))
    print(f"  first hybrid query after indexing (loads caches) {(time.perf_counter() - first) * 1000:.0f} ms")
    since = (datetime.now(UTC) - timedelta(days=365)).date()
    sets = {
        "keyword": lambda x: backend.search(SearchQuery(q=x["q"], mode="keyword")),
        "keyword + facets + filters": lambda x: backend.search(SearchQuery(
            q=x["q"], mode="keyword", topic=(x["topic"],), kind=("funding_call", "tender", "news"),
            published_from=since)),
        "hybrid": lambda x: backend.search(SearchQuery(q=x["q"], vector=x["vector"])),
    }
    results = {}
    for name, run in sets.items():
        timed(run, query_set[:10])  # warm up
        results[name] = timed(run, query_set)
        print(f"  {name:<28} {percentiles(results[name])}", flush=True)
    return results


# The first release's facets, all of them columns: stage and supplier came later, and live only in
# the JSON, so the baseline counts fewer facets than the cached columns do (a conservative ratio).
FIRST_FACETS = ("topic", "kind", "source", "lang")


def facet_baseline(backend, query_set: list[dict]) -> None:
    """Facet counting the first release's way (a GROUP BY per facet) against cached columns."""
    from search.sqlite_query import compile_query

    db = backend._db()

    def group_by(x):
        compiled = compile_query(SearchQuery(q=x["q"]))
        matching = f"SELECT d.rowid FROM {compiled.from_clause} WHERE {compiled.condition}"
        for facet in FIRST_FACETS:
            if facet == "topic":
                sql = (f"SELECT topic, count(*) FROM document_topics WHERE rowid IN ({matching}) "
                       "GROUP BY topic")
            else:
                sql = (f"SELECT d.{facet}, count(*) FROM {compiled.from_clause} WHERE {compiled.condition} "
                       f"GROUP BY d.{facet}")
            db.execute(sql, compiled.params).fetchall()

    def columns(x):
        backend._select(SearchQuery(q=x["q"]), limit=0)

    old, new = timed(group_by, query_set), timed(columns, query_set)
    print(f"  baseline: total + facets by SQL GROUP BY   {percentiles(old)}")
    print(f"            total + facets by cached columns {percentiles(new)}   "
          f"speed-up x{statistics.median(old) / statistics.median(new):.1f} (median)")


def elasticsearch_url(given: str | None) -> str:
    if given:
        return given
    started = subprocess.run([ROOT / "scripts" / "elasticsearch", "start"], capture_output=True, text=True)
    if started.returncode:
        sys.exit(f"cannot start Elasticsearch: {started.stderr[-1000:]}")
    return started.stdout.strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--real", type=int, default=2000, help="documents embedded with the real model")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--backends", nargs="+", default=["sqlite", "elasticsearch"])
    parser.add_argument("--elasticsearch-url")
    args = parser.parse_args()
    print(f"load average at start: {os.getloadavg()}  cores: {os.cpu_count()}")
    topics, rng = load_topics(), random.Random(5)
    fields = make_documents(max(args.sizes), topics, rng)
    if args.real:
        from nlp import embeddings

        os.environ.pop("OBSERVATORIO_EMBEDDING_MODEL", None)
        embed = embeddings.embed
    else:
        embed = None
    how = add_embeddings(fields, min(args.real, len(fields)), np.random.default_rng(5))
    query_vectors = embed or (lambda texts: [rng_vector(fields, t) for t in texts])
    query_set = queries(topics, args.queries, rng, query_vectors)
    documents = [Document.model_validate(f).with_content_hash() for f in fields]
    print(f"documents: {len(documents)} generated; embeddings: {how}")
    url = elasticsearch_url(args.elasticsearch_url) if "elasticsearch" in args.backends else None
    for size in args.sizes:
        for name in args.backends:
            print(f"\n{name}, {size} documents", flush=True)
            with tempfile.TemporaryDirectory() as folder:
                options = {"path": Path(folder) / "bench.db"} if name == "sqlite" else \
                    {"url": url, "index": f"bench-{uuid.uuid4().hex[:8]}"}
                backend = get_backend(name, **options)
                try:
                    bench_backend(backend, documents[:size], query_set)
                    if name == "sqlite":
                        facet_baseline(backend, query_set)
                finally:
                    if name == "elasticsearch":
                        backend.client.indices.delete(index=f"{backend.alias}-v*")
                        backend.client.indices.delete_index_template(name=backend.alias)
                    backend.close()
    print(f"\nload average at end: {os.getloadavg()}")


def rng_vector(fields: list[dict], text: str) -> list[float]:
    """Without the model: the vector of a document whose title shares the query's first word."""
    word = text.split()[0].lower()
    match = next((f for f in fields if word in f["title"].lower()), fields[0])
    return match["embedding"]


if __name__ == "__main__":
    main()
