"""What the web layer costs on top of the search backend, measured in one run.

    .venv/bin/python -m bench.webapp [--documents 5000] [--repeat 200]

Baselines are the backend calls the views make (`search`, `iter_documents`), timed in the same
process on the same index; each web figure is reported as a ratio to its baseline. Requests go
through Flask's test client (WSGI in-process), so no socket time is counted.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from search.backend import get_backend
from search.document import Amount, Document
from search.query import SearchQuery

WORDS = ("inteligencia", "artificial", "ciberseguridad", "nube", "datos", "blockchain", "pymes", "fondo",
         "convocatoria", "licitación", "servidores", "municipalidad", "innovación", "agricultura", "sensores")
TOPICS = ("ai", "cybersecurity", "cloud", "data", "blockchain", "iot", "agritech", "fintech")


def documents(count: int) -> list[Document]:
    """Realistic-looking documents: mixed kinds, topics, deadlines and amounts."""
    rng, now = random.Random(6), datetime.now(UTC)
    kinds = ("funding_call", "tender", "news", "news")
    return [Document(
        id=f"bench-{i}", url=f"https://example.org/{i}", source=f"source_{i % 25}", kind=kinds[i % 4],
        title=" ".join(rng.choices(WORDS, k=8)).capitalize(), summary=" ".join(rng.choices(WORDS, k=30)),
        body=" ".join(rng.choices(WORDS, k=300)), lang="es", published=now - timedelta(hours=i),
        deadline=(now + timedelta(days=rng.randint(-30, 90))).date() if i % 4 < 2 else None,
        amount=Amount(value=rng.randint(1, 500) * 100_000, currency="CRC") if i % 3 == 0 else None,
        organizations=["MICITT"], topics=rng.sample(TOPICS, 2)).with_content_hash() for i in range(count)]


def timed(function: Callable[[], object], repeat: int) -> float:
    """Median seconds of `repeat` calls."""
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=200)
    args = parser.parse_args()
    from web import create_app
    from web.backend import with_query_vector

    with tempfile.TemporaryDirectory() as folder:
        backend = get_backend("sqlite", path=Path(folder) / "observatorio.db")
        backend.upsert(documents(args.documents))
        client = create_app({"DATA_DIR": folder}).test_client()
        # the view embeds the words (hybrid search) when a model is set: so does the baseline
        text = with_query_vector(SearchQuery(q="inteligencia artificial", topic=("ai",)))
        board = SearchQuery(kind=("funding_call", "tender"), open=True, sort="deadline", size=24)
        cases = [  # label, URL, the backend call it makes, repetitions
            ("GET /api/search?q=…&topic=ai", "/api/search?q=inteligencia+artificial&topic=ai",
             lambda: backend.search(text), args.repeat),
            ("GET /?q=…&topic=ai (HTML)", "/?q=inteligencia+artificial&topic=ai",
             lambda: backend.search(text), args.repeat),
            ("GET /opportunities (HTML)", "/opportunities", lambda: backend.search(board), args.repeat),
            ("GET /search.csv (every row)", "/search.csv",
             lambda: sum(1 for _ in backend.iter_documents(SearchQuery())), 3),
        ]
        print(f"{args.documents} documents; medians; baseline = the backend call the view makes")
        print(f"{'request':<32} {'web':>9} {'baseline':>9}  ratio")
        for label, url, call, repeat in cases:
            baseline = timed(call, repeat)
            seconds = timed(lambda url=url: client.get(url).get_data(), repeat)
            ratio = seconds / baseline
            print(f"{label:<32} {seconds * 1000:6.1f} ms {baseline * 1000:6.1f} ms  {ratio:5.2f}×")
        backend.close()


if __name__ == "__main__":
    main()
