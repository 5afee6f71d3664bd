"""What the `browser` source type costs per page against the plain `html` type, on one local site.

    .venv/bin/python -m bench.browser [--notices 100] [--per-page 20] [--rounds 1]

Generates `--notices` notice pages behind listing pages of `--per-page` links, in two forms
served on loopback side by side: plain HTML listings linked by "next" links, and one page whose
script builds each listing page from a JSON endpoint, paged by a "Siguiente" button. Then
crawls, each in a fresh process and through the whole pipeline with NLP off:

- html (baseline): the `html` type on the plain listings;
- browser, every page rendered: the `browser` type on the same plain listings, notice pages
  rendered too (`details_wait_for`): the cost of chromium per page, on the same pages;
- browser, script listing + clicks: the `browser` type on the scripted listing, clicking
  through its pages, notice pages fetched plainly: how a JavaScript portal is usually crawled.

Every configuration reads the same pages (listing pages + notices). Times are Scrapy's own
start/finish stamps, so they include starting chromium (once per crawl) but not the process's
imports. Memory is the peak proportional set size (PSS) of the crawl process and every process
it started (Playwright's driver, chromium's), sampled every 0.1 s. Politeness lifted as in
bench/crawl.py; robots.txt is read. Prints figures, asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path

from bench.crawl import LIFTED, ROOT, serve

LISTING = {"item_links": "#resultados a::attr(href)", "next_page": "a[rel=next]::attr(href)"}
FIELDS = {"title": "h1::text", "body": "article"}
SCRIPT = """<ul id="resultados"></ul><button type="button" class="siguiente" disabled>Siguiente</button>
<script>
let pagina = 0;
const lista = document.getElementById("resultados"), boton = document.querySelector("button.siguiente");
async function cargar() {
  boton.disabled = true;
  const datos = await (await fetch(`/scripted/avisos-${pagina}.json`)).json();
  lista.replaceChildren(...datos.avisos.map(aviso => {
    const fila = document.createElement("li"), enlace = document.createElement("a");
    enlace.href = aviso.enlace; enlace.textContent = aviso.titulo; fila.append(enlace); return fila;
  }));
  boton.disabled = pagina + 1 >= datos.paginas;
}
boton.addEventListener("click", () => { pagina += 1; cargar(); });
cargar();
</script>"""
CONFIGS = {
    "html (baseline)": ("html", "/plain/pagina-0.html", {}),
    "browser, every page rendered": ("browser", "/plain/pagina-0.html",
                                     {"wait_for": "#resultados a", "details_wait_for": "h1"}),
    "browser, script listing + clicks": ("browser", "/scripted/index.html",
                                         {"wait_for": "#resultados a", "next_click": "button.siguiente"}),
}


def build_site(notices: int, per_page: int) -> dict[str, bytes]:
    site = {"/robots.txt": b"User-agent: *\nAllow: /\n", "/scripted/index.html": SCRIPT.encode()}
    listings = (notices + per_page - 1) // per_page
    for page in range(listings):
        numbers = range(page * per_page, min(notices, (page + 1) * per_page))
        links = "".join(f'<li><a href="/avisos/{n}.html">Aviso {n}</a></li>' for n in numbers)
        last = page + 1 == listings
        more = "" if last else f'<a rel="next" href="/plain/pagina-{page + 1}.html">Siguiente</a>'
        site[f"/plain/pagina-{page}.html"] = f'<ul id="resultados">{links}</ul>{more}'.encode()
        avisos = [{"titulo": f"Aviso {n}", "enlace": f"/avisos/{n}.html"} for n in numbers]
        site[f"/scripted/avisos-{page}.json"] = json.dumps({"paginas": listings, "avisos": avisos}).encode()
    for n in range(notices):
        site[f"/avisos/{n}.html"] = (
            f"<html><head><title>Aviso {n}</title></head><body><h1>Licitación de servicios en la nube {n}"
            f"</h1><article>{'Adquisición de servicios de computación en la nube para la institución. ' * 20}"
            "</article></body></html>").encode()
    return site


def worker(type_: str, url: str, actions: dict, max_pages: int) -> dict:
    from crawlers.config import BrowserSource, CrawlerOptions, HtmlSource
    from crawlers.health import HealthStore
    from crawlers.runner import crawl
    from search.backend import get_backend

    common = {"id": "bench_avisos", "kind": "tender", "language": "es", "country": "CR", "url": url,
              "listing": {**LISTING, "max_pages": max_pages}, "fields": FIELDS}
    source = (BrowserSource(type="browser", browser=actions, **common) if type_ == "browser"
              else HtmlSource(type="html", **common))
    options = CrawlerOptions(autothrottle=False, concurrent_per_domain=16)
    backend = get_backend("sqlite")
    (run,) = crawl([source], backend, HealthStore(), {**LIFTED, "INDEX_ENRICH": False}, options)
    return {"seconds": run.seconds, "items": backend.count(), "errors": run.errors}


def tree_pss(root: int) -> int:
    """Proportional set size in bytes of `root` and all its descendants."""
    children: dict[int, list[int]] = defaultdict(list)
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            children[int(stat.read_text().rsplit(")", 1)[1].split()[1])].append(int(stat.parent.name))
        except (OSError, IndexError, ValueError):
            continue
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        try:
            rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
        except OSError:
            continue
        total += next(int(line.split()[1]) * 1024 for line in rollup.splitlines() if line.startswith("Pss:"))
        todo += children[pid]
    return total


def run_worker(args: list[str], data_dir: str) -> dict:
    """Run one crawl in a fresh process; its figures, with the peak memory of its process tree."""
    env = {**os.environ, "OBSERVATORIO_DATA_DIR": data_dir, "OBSERVATORIO_EMBEDDING_MODEL": "none",
           "OBSERVATORIO_ALLOW_PRIVATE": "1"}  # the generated site is on loopback
    process = subprocess.Popen([sys.executable, "-m", "bench.browser", "--worker", *args], cwd=ROOT,
                               env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = [0]

    def sample() -> None:
        while process.poll() is None:
            peak[0] = max(peak[0], tree_pss(process.pid))
            time.sleep(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = process.communicate()
    sampler.join()
    if process.returncode:
        raise SystemExit(f"worker {args[:2]} failed:\n{err}")
    return {**json.loads(out.strip().splitlines()[-1]), "peak_mb": peak[0] / 2**20}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notices", type=int, default=100)
    parser.add_argument("--per-page", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--worker", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        type_, url, actions, max_pages = args.worker
        print(json.dumps(worker(type_, url, json.loads(actions), int(max_pages))))
        return

    listings = (args.notices + args.per_page - 1) // args.per_page
    pages = listings + args.notices
    server = serve(build_site(args.notices, args.per_page))
    best: dict[str, dict] = {}
    for _ in range(args.rounds):
        for label, (type_, path, actions) in CONFIGS.items():
            with tempfile.TemporaryDirectory() as data:
                result = run_worker([type_, server.url + path, json.dumps(actions), str(listings)], data)
            if result["items"] != args.notices or result["errors"]:
                print(f"warning: {label} indexed {result['items']} of {args.notices}: {result['errors'][:3]}")
            if label not in best or result["seconds"] < best[label]["seconds"]:
                best[label] = result
    server.stop()
    baseline = best["html (baseline)"]["seconds"] / pages
    print(f"site: {args.notices} notices + {listings} listing pages ({pages} pages) on loopback; best of "
          f"{args.rounds} round(s); cores: {os.cpu_count()}, load average: {os.getloadavg()[0]:.1f}")
    print(f"{'configuration':<34} {'items':>5} {'seconds':>8} {'pages/s':>8} {'ms/page':>8} "
          f"{'× html':>7} {'peak MB':>8}")
    for label, r in best.items():
        per_page = r["seconds"] / pages
        print(f"{label:<34} {r['items']:>5} {r['seconds']:>8.2f} {pages / r['seconds']:>8.1f} "
              f"{per_page * 1000:>8.1f} {per_page / baseline:>7.1f} {r['peak_mb']:>8.0f}")


if __name__ == "__main__":
    main()
