"""A two-node Elasticsearch cluster on loopback: one node stops, searches and writes go on, it
rejoins, and nothing is lost.

    .venv/bin/python -m bench.es_cluster [--documents 5000] [--searches 50]

Starts two nodes of the test distribution (scripts/elasticsearch, each with its own run
directory, HTTP and transport port), indexes `--documents` through the observatory's backend
(whose index gets one replica as soon as a second node is there: `auto_expand_replicas: 0-1`),
waits for green, then stops the node that is not the elected master (with two master-eligible
nodes only one of them votes: see docs/deploy.md) and checks, through the client that lists both
nodes: every document is still found, searches answer, a further batch is written. The node is
started again (with an empty data directory, as a replaced machine would be), the cluster goes
back to green, and each node is checked to hold a full copy of every document. Figures: search
latency with one node down against both up (the baseline), time back to green. Exits 1 if a
check fails; not part of `make test` (two JVM starts take minutes on a shared machine).
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from search.backend import get_backend
from search.document import Document
from search.query import SearchQuery

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "elasticsearch"
WORDS = ["inteligencia", "ciberseguridad", "nube", "datos", "blockchain", "software", "redes", "pymes"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Node:
    """One node of the loopback cluster, started and stopped by scripts/elasticsearch."""

    def __init__(self, name: str, transport: int, seeds: str, masters: str):
        self.name, http = name, free_port()
        self.env = {**os.environ, "OBSERVATORIO_ES_NODE_NAME": name, "OBSERVATORIO_ES_PORT": str(http),
                    "OBSERVATORIO_ES_TRANSPORT_PORT": str(transport), "OBSERVATORIO_ES_SEED_HOSTS": seeds,
                    "OBSERVATORIO_ES_MASTER_NODES": masters, "OBSERVATORIO_ES_TIMEOUT": "600",
                    "OBSERVATORIO_ES_RUN_DIR": f"/tmp/observatorio-es/cluster-{os.getpid()}-{name}"}
        self.url = f"http://127.0.0.1:{http}"

    def start(self) -> subprocess.Popen:
        return subprocess.Popen([SCRIPT, "start"], env=self.env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE, text=True)

    def stop(self) -> None:
        subprocess.run([SCRIPT, "stop"], env=self.env, capture_output=True, timeout=900)
        Path(self.env["OBSERVATORIO_ES_RUN_DIR"] + ".lock").unlink(missing_ok=True)


def started(*processes: subprocess.Popen) -> None:
    for process in processes:
        if process.wait(timeout=600):
            sys.exit(f"a node did not start: {process.stderr.read()[-1500:]}")


def documents(start: int, count: int) -> list[Document]:
    now = datetime.now(UTC)
    return [Document(id=f"cluster-{n}", url=f"https://example.org/{n}", source="bench", kind="news",
                     lang="es", title=f"Aviso {n} de {WORDS[n % len(WORDS)]}", published=now,
                     body=" ".join(WORDS[: 1 + n % len(WORDS)])).with_content_hash()
            for n in range(start, start + count)]


def search_times(backend, searches: int) -> list[float]:
    times = []
    for n in range(searches):
        began = time.perf_counter()
        result = backend.search(SearchQuery(q=WORDS[n % len(WORDS)], mode="keyword"))
        times.append(time.perf_counter() - began)
        check(result.total > 0, f"no hit for {WORDS[n % len(WORDS)]!r}")
    return times


def check(condition: bool, failure: str) -> None:
    if not condition:
        sys.exit(f"FAILED: {failure}")


def copies_per_node(client, index: str) -> dict[str, int]:
    """Documents held by each node, over every started copy (primary or replica) of the index."""
    held: dict[str, int] = {}
    for shard in client.cat.shards(index=index, format="json", h="node,state,docs"):
        if shard["state"] == "STARTED":
            held[shard["node"]] = held.get(shard["node"], 0) + int(shard["docs"] or 0)
    return held


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=5000)
    parser.add_argument("--searches", type=int, default=50)
    args = parser.parse_args()
    ports = [free_port(), free_port()]
    seeds = ",".join(f"127.0.0.1:{p}" for p in ports)
    nodes = [Node(f"es{n}", port, seeds, "es1,es2") for n, port in enumerate(ports, start=1)]
    began = time.perf_counter()
    try:
        started(*[node.start() for node in nodes])  # together: neither elects a master alone
        print(f"two nodes up in {time.perf_counter() - began:.0f} s: {', '.join(n.url for n in nodes)}")
        backend = get_backend("elasticsearch", url=",".join(n.url for n in nodes), index="cluster-bench")
        client = backend.client
        began = time.perf_counter()
        backend.upsert(documents(0, args.documents))
        print(f"indexed {args.documents} documents in {time.perf_counter() - began:.1f} s")
        client.cluster.health(wait_for_status="green", timeout="120s")
        both = search_times(backend, args.searches)

        master = client.cat.master(format="json")[0]["node"]
        stopped = next(n for n in nodes if n.name != master)
        stopped.stop()
        check(client.cluster.health()["number_of_nodes"] == 1, "the stopped node is still in the cluster")
        check(backend.count() == args.documents, f"{backend.count()} of {args.documents} found with one node")
        one = search_times(backend, args.searches)
        backend.upsert(documents(args.documents, args.documents // 10))
        total = args.documents + args.documents // 10
        check(backend.count() == total, f"{backend.count()} of {total} after writing with one node")
        print(f"{stopped.name} stopped (the master is {master}): {total} documents found, "
              f"{args.documents // 10} written meanwhile")

        began = time.perf_counter()
        started(stopped.start())
        client.cluster.health(wait_for_status="green", timeout="300s", wait_for_nodes="2")
        back = time.perf_counter() - began
        held = copies_per_node(client, backend.alias)
        check(sorted(held) == ["es1", "es2"] and set(held.values()) == {total}, f"copies per node: {held}")
        print(f"{stopped.name} rejoined empty; green again {back:.0f} s after its start; each node holds "
              f"{total} documents: {held}")
        p50_both, p50_one = statistics.median(both) * 1000, statistics.median(one) * 1000
        print(f"keyword search p50: both nodes {p50_both:.1f} ms (baseline), one node {p50_one:.1f} ms, "
              f"ratio {p50_one / p50_both:.2f}×")
    finally:
        for node in nodes:
            node.stop()


if __name__ == "__main__":
    main()
