"""Crawl throughput: our HTML source against a bare Scrapy spider, on the same local site.

    .venv/bin/python -m bench.crawl [--pages 2000] [--rounds 2] [--enrich]

Generates a site of `--pages` notice pages behind listing pages of 50 links, serves it on
loopback, then crawls it in fresh processes (Scrapy's reactor runs once per process):

- bare: a plain scrapy.Spider that follows the same listing and notice links and keeps nothing;
- ours: the `html` source type through the whole pipeline (selectors, normalise, content hash,
  fingerprint query, SQLite upsert) with NLP enrichment off, so the figure is the crawler's;
- ours + NLP (`--enrich`): the same with keyword-only enrichment (no embedding model), which
  runs in a worker thread and shares the two cores with the download loop.

Politeness is lifted for both (no AutoThrottle, no delay, 16 requests at a time; robots.txt
is still read). Times come from Scrapy's own start/finish stamps, so process start-up and
imports are not counted. Each configuration runs `--rounds` times; the best round is kept.
Prints figures, asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from http.server import BaseHTTPRequestHandler
from pathlib import Path

from core.httpd import BackgroundServer

ROOT = Path(__file__).resolve().parent.parent
PER_PAGE = 50
LIFTED = {"AUTOTHROTTLE_ENABLED": False, "DOWNLOAD_DELAY": 0, "CONCURRENT_REQUESTS": 16,
          "CONCURRENT_REQUESTS_PER_DOMAIN": 16, "LOG_LEVEL": "ERROR"}
PARAGRAPH = ("La convocatoria apoya proyectos de inteligencia artificial, ciberseguridad y servicios en la "
             "nube para pymes de la región Brunca. Las propuestas se evalúan según su impacto y viabilidad. ")
SELECTORS = {"item_links": "ul.avisos a::attr(href)", "next_page": "a[rel=next]::attr(href)"}
FIELDS = {"title": "h1::text", "body": "article", "published": "time.publicado::attr(datetime)",
          "deadline": "time.cierre::attr(datetime)", "amount": ".monto::text",
          "organization": ".entidad::text"}


def build_site(pages: int) -> dict[str, bytes]:
    site = {"/robots.txt": b"User-agent: *\nAllow: /\n"}
    listings = (pages + PER_PAGE - 1) // PER_PAGE
    for page in range(listings):
        links = "".join(f'<li><a href="/avisos/{n}.html">Aviso {n}</a></li>'
                        for n in range(page * PER_PAGE, min(pages, (page + 1) * PER_PAGE)))
        last = page + 1 == listings
        more = "" if last else f'<a rel="next" href="/avisos/pagina-{page + 1}.html">Siguiente</a>'
        site[f"/avisos/pagina-{page}.html"] = f"<ul class='avisos'>{links}</ul>{more}".encode()
    for n in range(pages):
        site[f"/avisos/{n}.html"] = (
            f"<html><head><title>Aviso {n}</title></head><body><nav>Inicio · Contacto</nav>"
            f"<h1>Fondo de innovación número {n}</h1>"
            f"<time class='publicado' datetime='2026-03-0{n % 9 + 1}'></time>"
            f"<time class='cierre' datetime='2026-05-{n % 28 + 1:02d}'></time>"
            f"<span class='monto'>₡{n + 1}.000.000</span>"
            f"<span class='entidad'>Ministerio de Ciencia</span><article>{PARAGRAPH * 12}</article>"
            "<footer>Pie de página</footer></body></html>").encode()
    return site


def serve(site: dict[str, bytes]) -> BackgroundServer:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as real servers do

        def do_GET(self):
            body = site.get(self.path)
            self.send_response(200 if body else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body or b"")))
            self.end_headers()
            self.wfile.write(body or b"")

        def log_message(self, *args):
            pass

    return BackgroundServer(Handler)


def figures(stats: dict) -> dict:
    seconds = (stats["finish_time"] - stats["start_time"]).total_seconds()
    return {"seconds": seconds, "pages": stats.get("downloader/response_count", 0),
            "items": stats.get("item_scraped_count", 0)}


def worker_bare(base: str) -> dict:
    import scrapy
    from scrapy.crawler import CrawlerProcess

    class BareSpider(scrapy.Spider):
        name = "bare"

        async def start(self):
            yield scrapy.Request(f"{base}/avisos/pagina-0.html")

        def parse(self, response):
            yield from response.follow_all(response.css(SELECTORS["item_links"]).getall(), self.notice)
            next_page = response.css(SELECTORS["next_page"]).get()
            if next_page:
                yield response.follow(next_page, self.parse)

        def notice(self, response):
            pass

    process = CrawlerProcess({**LIFTED, "ROBOTSTXT_OBEY": True})
    crawler = process.create_crawler(BareSpider)
    process.crawl(crawler)
    process.start()
    return figures(crawler.stats.get_stats())


def worker_ours(base: str, enrich: bool) -> dict:
    from crawlers.config import CrawlerOptions, HtmlSource
    from crawlers.health import HealthStore
    from crawlers.runner import crawl
    from search.backend import get_backend

    source = HtmlSource(id="bench_avisos", kind="funding_call", type="html", language="es", country="CR",
                        url=f"{base}/avisos/pagina-0.html", listing=SELECTORS, fields=FIELDS)
    options = CrawlerOptions(autothrottle=False, concurrent_per_domain=16)
    backend = get_backend("sqlite")
    (run,) = crawl([source], backend, HealthStore(), {**LIFTED, "INDEX_ENRICH": enrich}, options)
    return {"seconds": run.seconds, "pages": sum(run.http_statuses.values()), "items": run.found,
            "indexed": backend.count()}


def run_worker(*args: str, data_dir: str) -> dict:
    env = {**os.environ, "OBSERVATORIO_DATA_DIR": data_dir, "OBSERVATORIO_EMBEDDING_MODEL": "none",
           "OBSERVATORIO_ALLOW_PRIVATE": "1"}  # the generated site is on loopback
    out = subprocess.run([sys.executable, "-m", "bench.crawl", "--worker", *args], cwd=ROOT, env=env,
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--enrich", action="store_true", help="also measure with keyword-only NLP")
    parser.add_argument("--worker", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        kind, base, *rest = args.worker
        result = worker_bare(base) if kind == "bare" else worker_ours(base, rest == ["enrich"])
        print(json.dumps(result))
        return

    server = serve(build_site(args.pages))
    base = server.url
    configs = {"bare Scrapy (baseline)": ["bare"], "ours, no NLP": ["ours"]}
    if args.enrich:
        configs["ours + keyword NLP"] = ["ours", "enrich"]
    best: dict[str, dict] = {}
    for _ in range(args.rounds):
        for label, worker in configs.items():
            with tempfile.TemporaryDirectory() as data:
                result = run_worker(worker[0], base, *worker[1:], data_dir=data)
            if label not in best or result["seconds"] < best[label]["seconds"]:
                best[label] = result
    server.stop()
    baseline = best["bare Scrapy (baseline)"]
    listings = (args.pages + PER_PAGE - 1) // PER_PAGE
    print(f"site: {args.pages} notice pages + {listings} listing pages on loopback; best of {args.rounds} "
          f"round(s); cores: {os.cpu_count()}, load average: {os.getloadavg()[0]:.1f}")
    print(f"{'configuration':<26} {'pages':>6} {'items':>6} {'seconds':>8} {'pages/s':>8} {'items/s':>8} "
          f"{'ratio':>6}")
    for label, r in best.items():
        pages_s = r["pages"] / r["seconds"]
        ratio = pages_s / (baseline["pages"] / baseline["seconds"])
        print(f"{label:<26} {r['pages']:>6} {r['items']:>6} {r['seconds']:>8.2f} {pages_s:>8.1f} "
              f"{r['items'] / r['seconds']:>8.1f} {ratio:>6.2f}")


if __name__ == "__main__":
    main()
