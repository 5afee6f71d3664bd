"""Benchmark nlp.enrich: documents per second, keyword-only and with embeddings.

    .venv/bin/python -m bench.enrich [--docs 5000] [--batch 64]

The baseline, measured in the same run on the same texts, is a bare `model.encode` of the
bundled sentence-transformers model: the cost no enrichment can avoid. The figure that
matters is the overhead of everything else (language, spaCy components, dates, money,
keyphrases, topic similarity) as a share of that baseline. The three measurements take
turns batch by batch, so a machine shared with other work slows them alike.
"""

from __future__ import annotations

import argparse
import os
import random
import time
from pathlib import Path

import yaml

from nlp import embeddings, enrich
from nlp.enricher import _text

ROOT = Path(__file__).resolve().parent.parent


def make_documents(count: int, seed: int = 7) -> list[dict]:
    """`count` varied documents from the labelled development set: each takes an item's title
    and text and adds sentences from another item of the same language, so lengths vary."""
    items = yaml.safe_load((ROOT / "tests" / "nlp" / "devset.yaml").read_text(encoding="utf-8"))["items"]
    rng = random.Random(seed)
    by_lang = {lang: [i for i in items if i["lang"] == lang] for lang in ("es", "en")}
    documents = []
    for n in range(count):
        item = items[n % len(items)]
        other = rng.choice(by_lang[item["lang"]])
        extra = [s for s in other["text"].split(". ") if s][: rng.randint(0, 4)]
        documents.append({"title": item["title"], "text": item["text"] + " " + ". ".join(extra),
                          "lang": item["lang"], "kind": item["kind"], "published": str(item["published"])})
    return documents


def timed(function, *args, **kwargs) -> float:
    start = time.perf_counter()
    function(*args, **kwargs)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=5000)
    parser.add_argument("--batch", type=int, default=64, help="documents per enrich call, as in a crawl")
    args = parser.parse_args()
    os.environ.pop("OBSERVATORIO_EMBEDDING_MODEL", None)
    documents = make_documents(args.docs)
    texts = [_text(d) for d in documents]
    model = embeddings.load_model(embeddings.model_name())
    enrich(documents[:50])  # load the model, build the pipelines and topic vectors once

    def encode_batch(batch: list[str]) -> None:
        model.encode(batch, batch_size=embeddings.BATCH_SIZE, normalize_embeddings=True,
                     convert_to_numpy=True, show_progress_bar=False)

    encode = keywords = full = 0.0
    for start in range(0, len(documents), args.batch):
        batch = documents[start:start + args.batch]
        encode += timed(encode_batch, texts[start:start + args.batch])
        keywords += timed(enrich, batch, embed=False)
        full += timed(enrich, batch)

    chars = sum(map(len, texts)) / len(texts)
    print(f"{len(documents)} documents, {chars:.0f} characters on average, batches of {args.batch}, "
          f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")
    for name, seconds in (("bare model.encode (baseline)", encode), ("enrich, keyword-only", keywords),
                          ("enrich, with embeddings", full)):
        print(f"  {name:<30}{len(documents) / seconds:>9.1f} docs/s {seconds:>8.1f} s")
    print(f"  enrichment besides the embedding: {(full - encode) / encode:+.1%} on top of the baseline "
          f"(keyword-only work alone: {keywords / encode:.1%} of it)")


if __name__ == "__main__":
    main()
