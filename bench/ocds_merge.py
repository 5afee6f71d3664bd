"""What compiling OCDS processes costs: merging each ocid's releases (ocdsmerge) and mapping the
compiled release, against keeping the newest release per ocid (what the crawler did before).

    .venv/bin/python -m bench.ocds_merge [--processes 2000] [--rounds 3]

The releases are the OCP fictional example's tender and award releases
(tests/fixtures/ocds/processes/barnet-both.json), copied under `--processes` ocids, so each
process has two releases. Both variants then map one release per ocid to document fields
(`process_fields`), so the difference is the merge. Best of `--rounds`. Prints figures,
asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from crawlers.ocds_process import compile_releases, process_fields

FIXTURE = Path(__file__).resolve().parent.parent / "tests/fixtures/ocds/processes/barnet-both.json"


def processes(count: int) -> dict[str, list[dict]]:
    releases = json.loads(FIXTURE.read_text(encoding="utf-8"))["releases"]
    return {f"ocds-bench-{n}": [{**r, "ocid": f"ocds-bench-{n}"} for r in releases] for n in range(count)}


def newest(found: dict[str, list[dict]]) -> None:
    for ocid, releases in found.items():
        process_fields(ocid, max(releases, key=lambda r: r["date"]), "https://example.org/p.json")


def merged(found: dict[str, list[dict]]) -> None:
    for ocid, releases in found.items():
        process_fields(ocid, compile_releases(releases), "https://example.org/p.json")


def best(function, found, rounds: int) -> float:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        function(found)
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--processes", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    found = processes(args.processes)
    baseline = best(newest, found, args.rounds)
    ours = best(merged, found, args.rounds)
    per = 1e3 / args.processes
    print(f"{args.processes} processes, 2 releases each, best of {args.rounds}")
    print(f"newest release only (baseline): {baseline:.3f} s  ({baseline * per:.3f} ms per process)")
    print(f"ocdsmerge compiled release:     {ours:.3f} s  ({ours * per:.3f} ms per process)")
    print(f"ratio: {ours / baseline:.1f}x the baseline")


if __name__ == "__main__":
    main()
