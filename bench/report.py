"""Run every benchmark at a modest size and write their figures as one table: docs/benchmarks.md.

    .venv/bin/python -m bench.report [--output docs/benchmarks.md]

Each benchmark runs as its own process with the arguments in BENCHES (smaller than its
defaults, so the whole report takes minutes); its printed figures are read back by the
parser beside it, and every figure keeps the baseline that the benchmark measured in the same
run. A benchmark that fails, or whose output cannot be read, gets a row saying so, with the
end of its output: nothing is left out in silence. The benchmarks themselves are unchanged;
run one with its default (larger) sizes for the figures quoted in the README.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NUMBER = r"([\d.]+)"


@dataclass
class Row:
    figure: str
    value: str
    baseline: str = ""
    ratio: str = ""


def crawl(out: str) -> Iterator[Row]:
    rows = re.findall(rf"^(.+?)\s+\d+\s+\d+\s+{NUMBER}\s+{NUMBER}\s+{NUMBER}\s+{NUMBER}$", out, re.M)
    for label, _, pages_s, _, ratio in rows:
        yield Row(label, f"{pages_s} pages/s", "bare Scrapy spider, same site", f"{ratio}×")


def enrich(out: str) -> Iterator[Row]:
    rates = dict(re.findall(rf"^\s+(.+?)\s+{NUMBER} docs/s", out, re.M))
    base = float(rates["bare model.encode (baseline)"])
    for label, rate in rates.items():
        yield Row(label, f"{rate} docs/s", "bare model.encode", f"{float(rate) / base:.2f}×")


def search(out: str) -> Iterator[Row]:
    for section in re.split(r"^(?=\w+, \d+ documents$)", out, flags=re.M)[1:]:
        name = section.splitlines()[0]
        indexing = rf"^\s+(indexing, batches of 1000|bulk load).*?{NUMBER} docs/s"
        for label, rate in re.findall(indexing, section, re.M):
            yield Row(f"{name}: {label}", f"{rate} docs/s")
        for label, p50, p95 in re.findall(rf"^\s+(keyword|keyword \+ facets \+ filters|hybrid)\s+"
                                          rf"p50\s+{NUMBER} ms\s+p95\s+{NUMBER} ms", section, re.M):
            yield Row(f"{name}: {label} query", f"p50 {p50} ms, p95 {p95} ms")
        columns = re.search(rf"cached columns p50\s+{NUMBER} ms.*speed-up x{NUMBER}", section)
        group_by = re.search(rf"SQL GROUP BY\s+p50\s+{NUMBER} ms", section)
        if columns and group_by:
            yield Row(f"{name}: total + facets by cached columns", f"p50 {columns[1]} ms",
                      f"SQL GROUP BY per facet: p50 {group_by[1]} ms", f"{columns[2]}× faster (median)")


def webapp(out: str) -> Iterator[Row]:
    lines = re.findall(rf"^(GET .+?)\s+{NUMBER} ms\s+{NUMBER} ms\s+{NUMBER}×$", out, re.M)
    for label, web, call, ratio in lines:
        yield Row(label, f"{web} ms (median)", f"the backend call alone: {call} ms", f"{ratio}×")


def load(out: str) -> Iterator[Row]:
    for section in re.split(r"^(?=\w+: indexed in)", out, flags=re.M)[1:]:
        name = section.split(":")[0]
        lines = re.findall(rf"^\s+(.+?)\s+{NUMBER} req/s\s+p50\s+{NUMBER} ms\s+p95\s+{NUMBER} ms\s+"
                           rf"p99\s+{NUMBER} ms\s+errors (\d+)\s+304s (\d+)\s+(.*?)\s+"
                           rf"cores: server {NUMBER}, load generator {NUMBER}$", section, re.M)
        for label, rate, p50, p95, p99, errors, _, ratio, server, client in lines:
            figures = (f"{rate} req/s; p50 {p50}, p95 {p95}, p99 {p99} ms; {errors} errors; "
                       f"cores used: server {server}, load generator {client}")
            ratios = re.findall(rf"{NUMBER}× (the baseline|1 process)", ratio)
            yield Row(f"{name}: {label}", figures, "1 process, no answer cache, same mix",
                      ", ".join(f"{figure}× over {over}" for figure, over in ratios) or "1.00×")


def match(out: str) -> Iterator[Row]:
    bare = re.search(rf"bare matrix product.*?{NUMBER} s", out)
    ranked = re.search(rf"ranked, top 10 per firm with reasons:\s+{NUMBER} s \((\d+) matches; "
                       rf"ratio {NUMBER}×", out)
    yield Row("ranked, top 10 per firm with reasons", f"{ranked[1]} s ({ranked[2]} matches)",
              f"bare matrix product: {bare[1]} s", f"{ranked[3]}×")


def ocds_merge(out: str) -> Iterator[Row]:
    baseline = re.search(rf"newest release only \(baseline\): {NUMBER} s", out)
    ours = re.search(rf"ocdsmerge compiled release:\s+{NUMBER} s\s+\({NUMBER} ms per process", out)
    ratio = re.search(rf"ratio: {NUMBER}x", out)
    yield Row("ocdsmerge compiled release", f"{ours[1]} s ({ours[2]} ms per process)",
              f"newest release only: {baseline[1]} s", f"{ratio[1]}×")


def browser(out: str) -> Iterator[Row]:
    rows = re.findall(rf"^(.+?)\s+\d+\s+{NUMBER}\s+{NUMBER}\s+{NUMBER}\s+{NUMBER}\s+(\d+)$", out, re.M)
    for label, _, pages_s, _, times, peak in rows:
        yield Row(label, f"{pages_s} pages/s, peak {peak} MB", "the html type, no browser",
                  f"{times}× the time per page")


def es_cluster(out: str) -> Iterator[Row]:
    stopped = re.search(r"^(\w+) stopped .*?: (\d+) documents found, (\d+) written meanwhile", out, re.M)
    back = re.search(rf"green again {NUMBER} s after its start; each node holds (\d+) documents", out)
    search = re.search(rf"both nodes {NUMBER} ms \(baseline\), one node {NUMBER} ms, ratio {NUMBER}×", out)
    yield Row("one node stopped: documents found, written meanwhile",
              f"{stopped[2]} found, {stopped[3]} written")
    yield Row("the node rejoins empty: back to green, copies",
              f"{back[1]} s; {back[2]} documents on each node")
    yield Row("keyword search p50 with one node", f"{search[2]} ms", f"both nodes: {search[1]} ms",
              f"{search[3]}×")


@dataclass
class Bench:
    name: str
    arguments: list[str]
    measures: str
    parse: Callable[[str], Iterator[Row]]

    @property
    def command(self) -> str:
        return " ".join([".venv/bin/python -m", f"bench.{self.name}", *self.arguments])


BENCHES = [
    Bench("crawl", ["--pages", "300", "--rounds", "1", "--enrich"], "crawl throughput", crawl),
    Bench("enrich", ["--docs", "200"], "NLP enrichment", enrich),
    Bench("search", ["--sizes", "5000", "--real", "0", "--queries", "50"], "indexing and search", search),
    Bench("webapp", ["--documents", "2000", "--repeat", "30"], "web pages over the backend", webapp),
    Bench("load", ["--documents", "2000", "--clients", "10", "--seconds", "10"], "many clients", load),
    Bench("match", ["--firms", "50", "--opportunities", "1000", "--rounds", "2"], "firm matching", match),
    Bench("ocds_merge", ["--processes", "500"], "OCDS compiled releases", ocds_merge),
    Bench("browser", ["--notices", "20", "--per-page", "10"], "crawling through a browser", browser),
    Bench("es_cluster", ["--documents", "2000", "--searches", "30"], "two-node Elasticsearch", es_cluster),
]


def run(bench: Bench) -> tuple[list[Row], str, float]:
    """The bench's rows (or one row saying why there are none), its output, its wall time."""
    started = time.perf_counter()
    try:
        done = subprocess.run([sys.executable, "-m", f"bench.{bench.name}", *bench.arguments], cwd=ROOT,
                              capture_output=True, text=True, timeout=1800)
        output = done.stdout
        last = (done.stderr.strip().splitlines() or [""])[-1]
        failed = done.returncode and f"exit {done.returncode}: {last}"
    except subprocess.TimeoutExpired as exc:
        output, failed = str(exc.stdout or ""), "did not finish in 30 minutes"
    seconds = time.perf_counter() - started
    if failed:
        return [Row("(failed)", failed)], output, seconds
    try:
        rows = list(bench.parse(output))
    except (KeyError, TypeError, IndexError) as exc:
        rows = []
        output += f"\n(report: {exc!r})"
    return rows or [Row("(output not understood: see the raw output below)", "")], output, seconds


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor() or "?")
    memory = next((line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines()
                   if line.startswith("MemTotal")), "0")
    return (f"{cpu}, {os.cpu_count()} cores, {int(memory) / 1024 ** 2:.1f} GiB RAM, {platform.system()} "
            f"{platform.release()}, Python {platform.python_version()}")


SHARED = ("The machine was busy with other work when this started: treat absolute figures as lower "
          "bounds and compare ratios (both sides of each ratio ran under the same load).")
IDLE = "Nothing else ran on the machine at the start."


def markdown(results: list[tuple[Bench, list[Row], str, float]], load_before: tuple,
             load_after: tuple) -> str:
    lines = [
        "# Benchmarks", "",
        "Every benchmark of the project (`bench/*.py`), run at a modest size by one command:", "",
        "    .venv/bin/python -m bench.report", "",
        "which rewrites this file. Each ratio is against a baseline measured in the same run, by the same",
        "benchmark (its docstring says why that baseline). The sizes here are small so the whole report",
        "takes minutes; each benchmark's own defaults are larger (see its docstring and the README).", "",
        f"- Run: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        f"- Machine: {machine()}",
        f"- Load average (1, 5, 15 min) at start {load_before}, at end {load_after} (the benchmarks' own).",
        f"  {SHARED if load_before[0] >= 1 else IDLE}", "",
        "| benchmark | figure | value | baseline (same run) | ratio | command |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for bench, rows, _, _ in results:
        for row in rows:
            cells = [f"{bench.name} ({bench.measures})", row.figure, row.value, row.baseline, row.ratio,
                     f"`{bench.command}`"]
            cells = [" ".join(cell.split()).replace("|", "\\|") for cell in cells]  # one line each
            lines.append("| " + " | ".join(cells) + " |")
    lines += ["", "## Raw output", ""]
    for bench, _, output, seconds in results:
        lines += [f"<details><summary>{bench.name}: <code>{bench.command}</code> ({seconds:.0f} s)</summary>",
                  "", "```", output.strip(), "```", "", "</details>", ""]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=ROOT / "docs" / "benchmarks.md")
    args = parser.parse_args()
    load_before = tuple(round(x, 1) for x in os.getloadavg())
    results = []
    for bench in BENCHES:
        print(f"{bench.command} ...", flush=True)
        rows, output, seconds = run(bench)
        results.append((bench, rows, output, seconds))
        for row in rows:
            print(f"  {row.figure}: {row.value}  {row.ratio}", flush=True)
    load_after = tuple(round(x, 1) for x in os.getloadavg())
    args.output.write_text(markdown(results, load_before, load_after) + "\n", encoding="utf-8")
    print(f"wrote {args.output}")


if __name__ == "__main__":
    main()
