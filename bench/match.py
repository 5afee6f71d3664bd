"""Benchmark matching: every firm against every open opportunity, with the reasons of each
firm's 10 best, against a bare matrix product of the same embeddings in the same run.

    .venv/bin/python -m bench.match [--firms 200] [--opportunities 5000] [--rounds 3]

Firms are written from config/topics.yaml (two or three topics each: their descriptions and
examples, Spanish and English) and embedded with the bundled model, once, before timing (as a
long-running process keeps them). Opportunities carry stored embeddings, as indexed ones do:
a topic's real description vector plus Gaussian noise, renormalised, with that topic tagged.
Timed: `Matcher.best_per_firm` (all pairs scored, top 10 per firm with reasons). Baseline: the
product of the opportunity matrix with the firms' description matrix alone.

Then the precomputed matches (`firms/matchstore.py`, in a temporary data directory with an
SQLite index of the same opportunities): a full refresh (every pair scored, every match stored
with its reasons), an incremental one after a crawl added `--new` opportunities (only those
scored), and one after a profile changed (that firm against every opportunity); ratio of the
full refresh to the incremental one.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from datetime import timedelta

import numpy as np

from core import clock
from firms.matching import Matcher
from firms.matchstore import MatchStore
from firms.profiles import Firm
from firms.reasons import Explainer
from nlp import embeddings
from nlp.taxonomy import load_taxonomy
from search.backend import get_backend
from search.document import Document

CANTONS = ["Pérez Zeledón", "Buenos Aires", "Osa", "Golfito", "Corredores", "Coto Brus", "San José"]


def make_firms(count: int, taxonomy, rng: random.Random) -> list[Firm]:
    firms = []
    for n in range(count):
        topics = rng.sample(taxonomy.topics, rng.choice((2, 3)))
        sentences = [rng.choice([t.description.es, t.description.en, *t.examples]) for t in topics]
        firms.append(Firm(id=f"firma-{n:04d}", name=f"Firma {n}", description=" ".join(sentences),
                          topics=tuple(t.slug for t in topics), canton=rng.choice(CANTONS),
                          size=rng.choice(("micro", "small", "medium", "large")),
                          interests=rng.choice((("funding_call",), ("tender",), ("funding_call", "tender"))),
                          email=f"firma{n}@example.org", public=True))
    return firms


def make_opportunities(count: int, taxonomy, rng: random.Random) -> list[Document]:
    centroids = np.asarray(embeddings.embed([t.description.es for t in taxonomy.topics]), dtype=np.float32)
    noise = np.random.default_rng(7).normal(0, 0.05, (count, centroids.shape[1])).astype(np.float32)
    deadline = clock.today() + timedelta(days=30)
    documents = []
    for n in range(count):
        k = rng.randrange(len(taxonomy.topics))
        vector = centroids[k] + noise[n]
        topic = taxonomy.topics[k]
        body = rng.choice(topic.examples or [topic.description.es])
        documents.append(Document(
            id=f"op-{n:05d}", url=f"https://example.org/{n}", source="bench",
            kind=rng.choice(("funding_call", "tender")), title=f"{topic.label.es}: convocatoria {n}",
            body=body + (" Zona Sur, cantón de Osa." if n % 5 == 0 else ""),
            deadline=deadline, topics=[topic.slug], topic_scores={topic.slug: 0.9},
            embedding=(vector / np.linalg.norm(vector)).tolist()))
    return documents


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--firms", type=int, default=200)
    parser.add_argument("--opportunities", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--new", type=int, default=100, help="opportunities a crawl adds")
    args = parser.parse_args()
    rng, taxonomy = random.Random(13), load_taxonomy()
    firms = make_firms(args.firms, taxonomy, rng)
    documents = make_opportunities(args.opportunities, taxonomy, rng)
    start = time.perf_counter()
    matcher = Matcher(firms, Explainer(taxonomy))
    prepared = time.perf_counter() - start
    print(f"{args.firms} firms embedded and prepared in {prepared:.2f} s (once per process)")
    opportunities = np.asarray([d.embedding for d in documents], dtype=np.float32)
    descriptions = matcher.firms.description
    best, bare = [], []
    for _ in range(args.rounds):
        start = time.perf_counter()
        ranked = matcher.best_per_firm(documents, 10)
        best.append(time.perf_counter() - start)
        start = time.perf_counter()
        np.asarray([d.embedding for d in documents], dtype=np.float32) @ descriptions.T
        bare.append(time.perf_counter() - start)
    matched = sum(map(len, ranked.values()))
    print(f"{args.firms} firms × {args.opportunities} opportunities, best of {args.rounds} rounds:")
    print(f"  bare matrix product (baseline, incl. building the matrix): {min(bare):.3f} s")
    print(f"  ranked, top 10 per firm with reasons:                      {min(best):.3f} s "
          f"({matched} matches; ratio {min(best) / min(bare):.1f}×)")
    print(f"  (opportunity matrix {opportunities.shape}, firm sentences {matcher.firms.sentence.shape})")
    refreshes(firms, documents, make_opportunities(args.new, taxonomy, random.Random(31)), matcher.explainer)


def refreshes(firms: list[Firm], documents: list[Document], new: list[Document],
              explainer: Explainer) -> None:
    """Full refresh, then after a crawl (new opportunities), then after a profile change."""
    new = [d.model_copy(update={"id": f"new-{d.id}"}) for d in new]
    with tempfile.TemporaryDirectory() as folder:
        backend = get_backend("sqlite", path=f"{folder}/observatorio.db")
        backend.upsert(documents)
        store = MatchStore(f"{folder}/{MatchStore.filename}")
        timed = []
        for step in ("full", "crawl", "profile"):
            if step == "crawl":
                backend.upsert(new)
            if step == "profile":
                edited = firms[0].description + " Y más."
                firms = [firms[0].model_copy(update={"description": edited}), *firms[1:]]
            start = time.perf_counter()
            work = store.refresh(firms, backend, explainer)
            timed.append((step, time.perf_counter() - start, work))
        backend.close()
    print("precomputed matches (matches.db), one run each:")
    labels = {"full": "full refresh (every pair)", "crawl": f"after a crawl ({len(new)} new)",
              "profile": "after one profile changed"}
    for step, seconds, work in timed:
        print(f"  {labels[step]:<30} {seconds:7.3f} s  ({work.opportunities} opportunities, {work.firms} "
              f"firms, {work.pairs} pairs scored)")
    print(f"  ratio full / after a crawl: {timed[0][1] / timed[1][1]:.1f}×")


if __name__ == "__main__":
    main()
