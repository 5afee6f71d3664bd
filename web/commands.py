"""What the CLI commands do, kept apart from argument parsing."""

from __future__ import annotations

import json
import signal
from itertools import islice
from pathlib import Path
from typing import IO, Any

from core.errors import ConfigError
from core.paths import config_file, data_dir
from crawlers.health import HealthStore, SourceRun
from search.backend import get_backend

ENRICH_BATCH = 64
# The demo site is ours and on loopback: no need to be gentle with it.
DEMO_CRAWL_SETTINGS = {"AUTOTHROTTLE_ENABLED": False, "DOWNLOAD_DELAY": 0,
                       "CONCURRENT_REQUESTS_PER_DOMAIN": 16}


def crawl_and_report(sources: list, overrides: dict[str, Any] | None = None,
                     out: IO[str] | None = None, options: Any = None) -> list[SourceRun]:
    """Crawl `sources` with the catalogue's `crawler:` options, record and print each run."""
    from crawlers.locks import source_locks
    from crawlers.runner import crawl

    with source_locks(source.id for source in sources):
        runs = crawl(sources, get_backend(), HealthStore(), overrides, options)
    print_report(runs, out)
    return runs


def print_report(runs: list[SourceRun], out: IO[str] | None = None) -> None:
    print(f"{'source':<34} {'status':<8} {'new':>5} {'upd':>5} {'same':>5} {'fail':>5}  error", file=out)
    for run in runs:
        error = run.errors[0] if run.errors else ""
        more = f" (+{len(run.errors) - 1} more)" if len(run.errors) > 1 else ""
        print(f"{run.source:<34} {run.status:<8} {run.new:>5} {run.updated:>5} {run.unchanged:>5} "
              f"{run.failed:>5}  {error}{more}", file=out)
    failed = sum(1 for r in runs if r.status == "failed")
    print(f"{len(runs)} source(s), {failed} failed, {sum(r.new for r in runs)} new, "
          f"{sum(r.updated for r in runs)} updated", file=out)


def enrich_lines(lines: IO[str], out: IO[str], err: IO[str]) -> int:
    """The `enrich` contract: a JSON object per line in, the same with annotations out.

    A malformed line is reported on stderr with its number and skipped; the others are
    annotated, and the exit status says some were skipped.
    """
    import nlp

    status = 0
    numbered = enumerate(lines, start=1)
    while batch := list(islice(numbered, ENRICH_BATCH)):
        records = []
        for number, line in batch:
            if not line.strip():
                continue
            try:
                record = json.loads(line)
                if not isinstance(record, dict) or not isinstance(record.get("title", ""), str):
                    raise ValueError("expected an object with a string 'title'")
            except ValueError as exc:
                print(f"stdin:{number}: skipped: {exc}", file=err)
                status = 1
                continue
            records.append(record)
        for record in nlp.enrich(records):  # topics as a crawl tags them; the vector is not output
            record.pop("embedding", None)
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
        out.flush()
    return status


def serve(host: str, port: int, config: dict[str, Any] | None = None) -> None:
    """Serve on waitress (never Flask's debug server); the address is printed once listening."""
    import waitress

    from . import create_app

    # A crawl earlier in this process (demo) left Scrapy's signal handlers installed.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    server = waitress.create_server(create_app(config), host=host, port=port, threads=8)
    print(f"Observatorio TIC: http://{host}:{server.effective_port}/", flush=True)
    server.run()


def demo(host: str, port: int) -> None:
    """Serve the bundled demo site, crawl it into the data directory, then serve the UI."""
    from crawlers.config import demo_sources, load_sources

    from .demo_site import DemoSite

    site = DemoSite()
    base_url = site.start()
    print(f"Demo sources served at {base_url}", flush=True)
    # The demo's sources are served on loopback by the demo itself: allowed, and marked so in the
    # catalogue the admin's "run now" crawls.
    sources = [source.model_copy(update={"allow_private": True})
               for source in load_sources(demo_sources(), base_url=base_url)]
    crawl_and_report(sources, DEMO_CRAWL_SETTINGS)
    # The admin's "run now" starts `observatorio crawl --sources FILE`: give it absolute URLs.
    catalogue = write_catalogue(sources, data_dir() / "demo-sources.yaml")
    try:
        serve(host, port, {"SOURCES_FILE": str(catalogue)})
    finally:
        site.stop()


def write_catalogue(sources: list, path: Path) -> Path:
    """Write loaded sources back as a sources.yaml (e.g. with the demo's URLs made absolute)."""
    import yaml

    entries = [s.model_dump(mode="json", exclude_defaults=True) for s in sources]
    path.parent.mkdir(parents=True, exist_ok=True)
    text = yaml.safe_dump({"sources": entries}, allow_unicode=True, sort_keys=False)
    path.write_text(text, encoding="utf-8")
    return path


def print_sources(sources: list, out: IO[str] | None = None) -> None:
    """Each source with its health: OK, partial, failing since ..., never run; [!] after 3 failures."""
    health = {h.source: h for h in HealthStore().health([s.id for s in sources])}
    print(f"{'source':<34} {'type':<5} {'kind':<13} {'health':<40} last run", file=out)
    for source in sources:
        h = health[source.id]
        enabled = "" if source.enabled else " (disabled)"
        print(f"{source.id:<34} {source.type:<5} {source.kind.value:<13} {_health_state(h) + enabled:<40} "
              f"{_last_run(h.last_run)}", file=out)
        if h.last_run and h.last_run.errors:
            print(f"{'':<34} last error: {h.last_run.errors[0]}", file=out)
    flagged = [h.source for h in health.values() if h.flagged]
    if flagged:
        print(f"{len(flagged)} source(s) failed 3 runs in a row or more: {', '.join(flagged)}", file=out)


def _health_state(h) -> str:
    if h.last_run is None:
        return "never run"
    if h.consecutive_failures:
        runs = f"{h.consecutive_failures} run{'s' if h.consecutive_failures > 1 else ''}"
        return f"failing since {h.failing_since:%Y-%m-%d %H:%M} ({runs}){' [!]' if h.flagged else ''}"
    return "OK" if h.last_run.status == "ok" else "partial (some errors)"


def _last_run(run) -> str:
    if run is None:
        return "-"
    statuses = " ".join(f"{code}×{n}" for code, n in sorted(run.http_statuses.items()))
    return (f"{run.finished:%Y-%m-%d %H:%M} {run.seconds:.0f}s: {run.new} new, {run.updated} updated, "
            f"{run.unchanged} same, {run.failed} failed; HTTP {statuses or '-'}")


def print_digest(week: str | None, fmt: str, topics: tuple[str, ...] = (),
                 out: IO[str] | None = None) -> None:
    from . import create_app
    from .digest import build_digest, render

    with create_app().app_context():  # templates and labels, no request
        print(render(build_digest(get_backend(), week, topics), fmt), file=out)


def send_digest(week: str | None, subscribers_file: str | None = None, out: IO[str] | None = None) -> int:
    """E-mail each subscriber the digest of their topics, in their language; 1 if any was refused."""
    from flask_babel import force_locale, gettext

    from . import create_app, mail
    from .digest import build_digest, render
    from .subscribers import digest_message, load_subscribers

    mail.smtp_settings()  # a missing or malformed OBSERVATORIO_SMTP_URL stops us before any work
    subscribers = load_subscribers(subscribers_file)
    if not subscribers:
        raise ConfigError(subscribers_file or config_file("subscribers.yaml"), None, "no subscribers yet")
    backend, messages, digests = get_backend(), [], {}
    with create_app().app_context():  # templates and labels, no request
        for subscriber in subscribers:
            if subscriber.topics not in digests:  # one digest per set of topics, not per person
                digests[subscriber.topics] = build_digest(backend, week, subscriber.topics)
            digest = digests[subscriber.topics]
            with force_locale(subscriber.lang):
                subject = gettext("Observatorio TIC: resumen semanal %(week)s", week=digest.week)
            messages.append(digest_message(subscriber, subject, render(digest, "md", subscriber.lang),
                                           render(digest, "html", subscriber.lang)))
    refused = mail.send(messages)
    print(f"digest sent to {len(messages) - len(refused)} of {len(messages)} subscriber(s)", file=out)
    for recipient, reason in refused.items():
        print(f"refused {recipient}: {reason}", file=out)
    return 1 if refused else 0


def import_firms(path: str, out: IO[str] | None = None) -> None:
    """Validate every profile of `path` (file:line errors), suggest missing topics, save them all."""
    from firms.profiles import load_firms
    from firms.store import FirmStore
    from firms.suggest import with_suggested_topics
    from nlp.taxonomy import load_taxonomy

    firms = load_firms(path, topics=set(load_taxonomy().slugs))
    suggested = [f.id for f in firms if not f.topics]
    FirmStore().save(with_suggested_topics(firms))
    print(f"imported {len(firms)} firm profile(s)"
          + (f"; topics suggested for {', '.join(suggested)}" if suggested else ""), file=out)


def export_firms(out: IO[str] | None = None) -> None:
    """Every profile, private ones included (the CLI is the operator's tool), as firms.yaml."""
    from firms.profiles import dump_firms
    from firms.store import FirmStore

    print(dump_firms(FirmStore().all(private=True)), end="", file=out)


def print_matches(firm_id: str | None, item_id: str | None, size: int, as_json: bool,
                  out: IO[str] | None = None) -> int:
    """A firm's open opportunities or an item's firms, best first (an unknown id: NotFound, exit 2)."""
    from firms.service import Matching, firm_match_json, item_match_json
    from firms.store import FirmStore

    matching = Matching(FirmStore(), get_backend(), private=True)
    items = ([firm_match_json(m) for m in matching.for_firm(firm_id, size)] if firm_id else
             [item_match_json(m) for m in matching.for_item(item_id, size)])
    if as_json:
        print(json.dumps({"items": items}, ensure_ascii=False, indent=2), file=out)
        return 0
    print(f"{len(items)} match(es)", file=out)
    for item in items:
        print(f"- {item['score']:.2f}  {item.get('title') or item.get('name')}  [{item['id']}]", file=out)
        for reason in item["reasons"]:
            print(f"      {reason}", file=out)
    return 0
