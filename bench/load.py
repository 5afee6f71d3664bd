"""Many clients against `observatorio serve` on loopback: requests/s, latency percentiles, errors.

    .venv/bin/python -m bench.load [--documents 100000] [--clients 20] [--seconds 60]
                                   [--workers N] [--backends sqlite elasticsearch]

For each backend, the same fixed mix of requests is sent by `--clients` client threads (each
with its own keep-alive connection, in a separate process from the server) for `--seconds` to
three configurations of `observatorio serve`:

- the baseline: one process (waitress) computing every answer (`OBSERVATORIO_ANSWER_CACHE=off`:
  no kept answers, no ETags), which is how the site served before answers were shared;
- one process (waitress) with the answer cache;
- `--workers N` (gunicorn, default one per core) with the answer cache.

Feed readers in the mix poll with the ETag they got, as real readers do; visitors subscribe to
topics (POST /subscribe, each from its own address behind the trusted proxy, the confirmation
sent to a local SMTP sink). Printed per configuration: requests/s, p50/p95/p99 and errors, the
ratio of requests/s to the baseline (and to one process, for the workers), the cores used
meanwhile by the server's processes and by the load generator (CPU seconds over wall seconds,
from /proc; on a machine with few cores, what one process already uses bounds what more
workers can gain), and the kinds of request with the slowest p99. Elasticsearch is this
checkout's test instance (scripts/elasticsearch).
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from aiosmtpd.controller import Controller

from bench.search import elasticsearch_url
from bench.webapp import TOPICS, documents
from search.backend import get_backend
from tests.helpers import ROOT, free_port

BATCH = 2_000
# (weight, path): what visitors, firms, working groups, feed readers and the commission ask for;
# "POST " paths send SUBSCRIPTION, from an address new to each run.
MIX = [
    (6, "/?q={word}"), (3, "/?q={word}&topic={topic}&open=true"), (2, "/"),
    (4, "/api/search?q={word}&size=20"), (2, "/api/search?topic={topic}&sort=deadline"),
    (3, "/topics/{topic}"), (1, "/topics"), (2, "/opportunities"), (1, "/trends"), (1, "/api/trends"),
    (4, "/items/bench-{n}"), (4, "/topics/{topic}/feed.atom"), (2, "/search.atom?q={word}"),
    (2, "/opportunities.ics"), (1, "/cluster"), (1, "/api/capabilities"), (1, "/firms"),
    (1, "POST /subscribe"),
]
SUBSCRIPTION = "kind=topic&topic={topic}&frequency=weekly&email=lector-{n}-{seed}-{run}%40example.org"
SLOWEST = 3  # kinds of request whose p99 is printed
WORDS = ("inteligencia", "ciberseguridad", "nube", "datos", "sensores", "fondo", "licitación", "pymes")


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    by_kind: dict[str, list[float]] = field(default_factory=dict)
    errors: int = 0
    not_modified: int = 0
    elapsed: float = 0.0
    server_cores: float = 0.0
    client_cores: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)


def index(backend_name: str, folder: Path, count: int, url: str | None) -> dict[str, str]:
    """Fill a new index with `count` documents; return the environment that serves it (an
    Elasticsearch index is named after the folder's run, and deleted by `drop`)."""
    env = {**os.environ, "OBSERVATORIO_DATA_DIR": str(folder), "OBSERVATORIO_SEARCH_BACKEND": backend_name,
           "OBSERVATORIO_EMBEDDING_MODEL": "none"}
    options: dict = {"path": folder / "observatorio.db"}
    if backend_name == "elasticsearch":
        alias = f"bench-load-{uuid.uuid4().hex[:8]}"
        env |= {"OBSERVATORIO_ELASTICSEARCH_URL": url, "OBSERVATORIO_ELASTICSEARCH_INDEX": alias}
        options = {"url": url, "index": alias}
    backend = get_backend(backend_name, **options)
    docs = documents(count)
    with backend.bulk_load():
        for start in range(0, count, BATCH):
            backend.upsert(docs[start:start + BATCH])
    backend.close()
    return env


def drop(env: dict[str, str]) -> None:
    """Delete a benchmark's Elasticsearch index and template (SQLite goes with its folder)."""
    if env["OBSERVATORIO_SEARCH_BACKEND"] == "elasticsearch":
        backend = get_backend("elasticsearch", url=env["OBSERVATORIO_ELASTICSEARCH_URL"],
                              index=env["OBSERVATORIO_ELASTICSEARCH_INDEX"])
        backend.client.indices.delete(index=f"{backend.alias}-v*")
        backend.client.indices.delete_index_template(name=backend.alias)
        backend.close()


@dataclass(frozen=True)
class Request:
    kind: str  # the mix's entry
    method: str
    path: str
    body: str | None = None


def requests(seed: int, count: int, run: str):
    """An endless, reproducible stream of requests from the mix (subscribing addresses of `run`)."""
    rng = random.Random(seed)
    weighted = [kind for weight, kind in MIX for _ in range(weight)]
    while True:
        kind = rng.choice(weighted)
        values = {"word": quote(rng.choice(WORDS)), "topic": rng.choice(TOPICS), "n": rng.randrange(count)}
        method, _, path = kind.rpartition(" ")
        body = SUBSCRIPTION.format(seed=seed, run=run, **values) if method == "POST" else None
        yield Request(kind, method or "GET", path.format(**values), body)


def client(port: int, stream, until: float, tally: Tally) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    etags: dict[str, str] = {}
    for asked in stream:
        if time.perf_counter() >= until:
            break
        headers = {"If-None-Match": etags[asked.path]} if asked.path in etags else {}
        if asked.body is not None:  # a visitor of its own, as the proxy in front says
            headers |= {"Content-Type": "application/x-www-form-urlencoded",
                        "X-Forwarded-For": f"10.{random.randrange(256)}.{random.randrange(256)}.1"}
        start = time.perf_counter()
        try:
            connection.request(asked.method, asked.path, body=asked.body, headers=headers)
            response = connection.getresponse()
            response.read()
            ok = response.status in (200, 304)
        except (OSError, http.client.HTTPException):
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            ok = False
        elapsed = time.perf_counter() - start
        with tally.lock:
            tally.latencies.append(elapsed)
            tally.by_kind.setdefault(asked.kind, []).append(elapsed)
            tally.errors += not ok
            tally.not_modified += ok and response.status == 304
        if ok and asked.path.endswith((".atom", ".ics")) and (etag := response.getheader("ETag")):
            etags[asked.path] = etag  # feed readers and calendar apps poll with what they got
    connection.close()


def cpu_seconds(pid: int) -> float:
    """CPU seconds used so far by process `pid` and its children (gunicorn's workers), from /proc."""
    ticks = os.sysconf("SC_CLK_TCK")
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / ticks + sum(cpu_seconds(int(child)) for child in children)


class Sink:
    """A local SMTP server that counts and drops what it receives (the confirmations)."""

    received = 0

    async def handle_DATA(self, server, session, envelope):
        Sink.received += 1
        return "250 OK"


def run_load(env: dict[str, str], workers: int, clients: int, seconds: float, count: int) -> Tally:
    port, run = free_port(), uuid.uuid4().hex[:8]
    command = [sys.executable, "-m", "web.cli", "serve", "--port", str(port), "--workers", str(workers)]
    with subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                          text=True) as server:
        try:
            server.stdout.readline()
            warm = Tally()
            client(port, itertools.islice(requests(0, count, run), 50), time.perf_counter() + 60, warm)
            tally, until = Tally(), time.perf_counter() + seconds
            threads = [threading.Thread(target=client, args=(port, requests(i + 1, count, run), until, tally))
                       for i in range(clients)]
            server_cpu, client_cpu = cpu_seconds(server.pid), time.process_time()
            started = time.perf_counter()
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            tally.elapsed = time.perf_counter() - started
            tally.server_cores = (cpu_seconds(server.pid) - server_cpu) / tally.elapsed
            tally.client_cores = (time.process_time() - client_cpu) / tally.elapsed
            return tally
        finally:
            server.terminate()
            server.wait(60)


def percentile(latencies: list[float], p: int) -> float:
    return statistics.quantiles(latencies, n=100)[p - 1] if len(latencies) > 1 else latencies[0]


def report(label: str, tally: Tally, *baselines: tuple[str, float]) -> float:
    if len(tally.latencies) < 2:
        sys.exit(f"{label}: fewer than 2 requests answered; is the server starting?")
    rate = len(tally.latencies) / tally.elapsed
    ratios = ", ".join(f"{rate / base:.2f}× {name}" for name, base in baselines) or "1.00× (baseline)"
    print(f"  {label:<34} {rate:8.1f} req/s  p50 {percentile(tally.latencies, 50) * 1000:7.1f} ms  "
          f"p95 {percentile(tally.latencies, 95) * 1000:7.1f} ms  "
          f"p99 {percentile(tally.latencies, 99) * 1000:7.1f} ms  errors {tally.errors}  "
          f"304s {tally.not_modified}  {ratios}  "
          f"cores: server {tally.server_cores:.2f}, load generator {tally.client_cores:.2f}", flush=True)
    slowest = sorted(tally.by_kind.items(), key=lambda item: -percentile(item[1], 99))[:SLOWEST]
    print("    slowest p99: " + "; ".join(f"{kind} {percentile(times, 99) * 1000:.0f} ms ({len(times)})"
                                          for kind, times in slowest), flush=True)
    return rate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=100_000)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--backends", nargs="+", default=["sqlite", "elasticsearch"])
    parser.add_argument("--elasticsearch-url")
    args = parser.parse_args()
    print(f"{args.documents} documents, {args.clients} clients for {args.seconds:.0f} s each; "
          f"cores: {os.cpu_count()}; load average at start: {os.getloadavg()}", flush=True)
    url = elasticsearch_url(args.elasticsearch_url) if "elasticsearch" in args.backends else None
    smtp = Controller(Sink(), hostname="127.0.0.1", port=free_port())
    smtp.start()
    extra = {"OBSERVATORIO_SMTP_URL": f"smtp://127.0.0.1:{smtp.port}?from=bench@example.org",
             "OBSERVATORIO_TRUSTED_PROXY": "127.0.0.1"}
    load = dict(clients=args.clients, seconds=args.seconds, count=args.documents)
    try:
        for name in args.backends:
            with tempfile.TemporaryDirectory() as folder:
                started = time.perf_counter()
                env = index(name, Path(folder), args.documents, url) | extra
                print(f"\n{name}: indexed in {time.perf_counter() - started:.0f} s", flush=True)
                try:
                    baseline = report("1 process, no answer cache", run_load(
                        env | {"OBSERVATORIO_ANSWER_CACHE": "off"}, workers=1, **load))
                    single = report("1 process (waitress)", run_load(env, workers=1, **load),
                                    ("the baseline", baseline))
                    report(f"{args.workers} workers (gunicorn)", run_load(env, workers=args.workers, **load),
                           ("the baseline", baseline), ("1 process", single))
                finally:
                    drop(env)
    finally:
        smtp.stop()
    print(f"\nconfirmation e-mails received: {Sink.received}")
    print(f"\nload average at end: {os.getloadavg()}")


if __name__ == "__main__":
    main()
