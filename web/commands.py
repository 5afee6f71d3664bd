"""What the CLI commands do, kept apart from argument parsing."""

from __future__ import annotations

import json
import signal
from itertools import islice
from pathlib import Path
from typing import IO, Any

from core.errors import ConfigError
from core.paths import check_writable, config_file, data_dir
from crawlers.health import HealthStore, SourceRun
from search.backend import get_backend

ENRICH_BATCH = 64
GUNICORN_THREADS = 4  # per worker: requests waiting on the index overlap
# The demo site is ours and on loopback: no need to be gentle with it.
DEMO_CRAWL_SETTINGS = {"AUTOTHROTTLE_ENABLED": False, "DOWNLOAD_DELAY": 0,
                       "CONCURRENT_REQUESTS_PER_DOMAIN": 16}


def crawl_and_report(sources: list, overrides: dict[str, Any] | None = None,
                     out: IO[str] | None = None, options: Any = None) -> list[SourceRun]:
    """Crawl `sources` with the catalogue's `crawler:` options, record and print each run.

    A data directory that cannot be written or a backend that cannot be reached stops the run
    with a clear error before anything is fetched, so nothing is marked as seen. One that fills
    up during the crawl still gets the report printed (each source whose state was not saved
    says so), then the error about the health rows it refused.
    """
    from crawlers.errors import HealthNotRecorded
    from crawlers.locks import source_locks
    from crawlers.runner import crawl

    check_writable(data_dir())
    backend = get_backend()
    backend.count()  # raises BackendUnavailable when the index cannot be reached
    try:
        with source_locks(source.id for source in sources):
            runs = crawl(sources, backend, HealthStore(), overrides, options)
    except HealthNotRecorded as exc:
        print_report(exc.runs, out)
        raise
    print_report(runs, out)
    refresh_matches(out)
    return runs


def refresh_matches(out: IO[str] | None = None) -> None:
    """Match what changed against the firm profiles (after a crawl: the new opportunities only;
    after an import: the changed profiles against every opportunity), kept in matches.db."""
    from firms.service import Matching
    from firms.store import FirmStore

    store = FirmStore()
    if not store.all(private=True):
        return
    work = Matching(store, get_backend(), private=True).refresh()
    print(f"matches: {work.opportunities} new or changed opportunit(ies) and {work.firms} new or changed "
          f"profile(s) scored, {work.pairs} pair(s)", file=out)


def print_report(runs: list[SourceRun], out: IO[str] | None = None) -> None:
    """One line per source; `skip` counts the records read and not indexed, their reasons
    follow the error."""
    print(f"{'source':<34} {'status':<8} {'new':>5} {'upd':>5} {'same':>5} {'fail':>5} {'skip':>5}"
          "  error", file=out)
    for run in runs:
        error = run.errors[0] if run.errors else ""
        more = f" (+{len(run.errors) - 1} more)" if len(run.errors) > 1 else ""
        skipped = f"[skipped: {skip_reasons(run)}]" if run.skipped else ""
        notes = " ".join(part for part in (f"{error}{more}", skipped) if part)
        print(f"{run.source:<34} {run.status:<8} {run.new:>5} {run.updated:>5} {run.unchanged:>5} "
              f"{run.failed:>5} {run.skipped_total:>5}  {notes}".rstrip(), file=out)
    failed = sum(1 for r in runs if r.status == "failed")
    print(f"{len(runs)} source(s), {failed} failed, {sum(r.new for r in runs)} new, "
          f"{sum(r.updated for r in runs)} updated, {sum(r.skipped_total for r in runs)} skipped", file=out)


def skip_reasons(run: SourceRun) -> str:
    """Why records were skipped, most frequent first: `no link 3, no text 1`."""
    return ", ".join(f"{reason} {n}" for reason, n in sorted(run.skipped.items(), key=lambda r: -r[1]))


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


def serve(host: str, port: int, workers: int = 1, config: dict[str, Any] | None = None) -> None:
    """Serve the app (never Flask's debug server); the address is printed once listening.

    One worker: waitress, threads in one process (as the demo serves). Several: gunicorn, one
    process per worker with a few threads each, so that requests run on every core, not one
    at a time on one interpreter lock. Workers share nothing in memory that matters: the admin's
    runs, the login lockout, sessions and crawl state are in the data directory, and each keeps
    its own cache of answers keyed by the index's generation.
    """
    from . import create_app
    from .labels import taxonomy_status

    # A crawl earlier in this process (demo) left Scrapy's signal handlers installed.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    app = create_app(config)
    with app.app_context():  # before any request, and before gunicorn forks: read once, shared
        taxonomy_status()  # the topic labels (seconds: its keywords are checked with the lemmatiser)
    if workers > 1:
        _gunicorn(app, host, port, workers)
        return
    import waitress

    # X-Forwarded-* reach the app, whose TrustedProxy believes them only from the proxy.
    server = waitress.create_server(app, host=host, port=port, threads=8, clear_untrusted_proxy_headers=False)
    print(f"Observatorio TIC: http://{host}:{server.effective_port}/", flush=True)
    server.run()


def _gunicorn(app, host: str, port: int, workers: int) -> None:
    from gunicorn.app.base import BaseApplication

    class Server(BaseApplication):
        def load_config(self):
            settings = {"bind": f"{host}:{port}", "workers": workers, "worker_class": "gthread",
                        "threads": GUNICORN_THREADS, "preload_app": True, "timeout": 120,
                        "forwarded_allow_ips": "",  # web.security.TrustedProxy decides, as for waitress
                        "when_ready": lambda _: print(f"Observatorio TIC: http://{host}:{port}/", flush=True)}
            for name, value in settings.items():
                self.cfg.set(name, value)

        def load(self):
            return app

    Server().run()


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
        serve(host, port, config={"SOURCES_FILE": str(catalogue)})
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
    print(f"{'source':<34} {'type':<7} {'kind':<13} {'health':<40} last run", file=out)
    for source in sources:
        h = health[source.id]
        enabled = "" if source.enabled else " (disabled)"
        print(f"{source.id:<34} {source.type:<7} {source.kind.value:<13} {_health_state(h) + enabled:<40} "
              f"{_last_run(h.last_run)}", file=out)
        if h.last_run and h.last_run.errors:
            print(f"{'':<34} last error: {h.last_run.errors[0]}", file=out)
    flagged = [h.source for h in health.values() if h.flagged]
    if flagged:
        print(f"{len(flagged)} source(s) failed 3 runs in a row or more: {', '.join(flagged)}", file=out)


def print_schedule(scheduler, out: IO[str] | None = None) -> None:
    """Each job with its cron expression, next run and last run (in the schedule's time zone)."""
    from core.clock import now

    print(f"{'job':<40} {'cron':<16} {'next run':<17} last run", file=out)
    for planned in scheduler.plan(now()):
        print(f"{planned.job.id:<40} {planned.job.cron:<16} {planned.next_run:%Y-%m-%d %H:%M} "
              f"{_last_job_run(planned.last)}", file=out)


def _last_job_run(last: dict | None) -> str:
    if last is None:
        return "-"
    slot = last["slot"][:16].replace("T", " ")
    if last["finished"] is None:
        return f"{slot}, running"
    return f"{slot}, exit {last['exit_code']}"


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
    skipped = f" ({skip_reasons(run)})" if run.skipped else ""
    return (f"{run.finished:%Y-%m-%d %H:%M} {run.seconds:.0f}s: {run.new} new, {run.updated} updated, "
            f"{run.unchanged} same, {run.failed} failed, {run.skipped_total} skipped{skipped};"
            f" HTTP {statuses or '-'}")


def print_digest(week: str | None, fmt: str, topics: tuple[str, ...] = (),
                 out: IO[str] | None = None) -> None:
    from . import create_app
    from .digest import build_digest, render

    with create_app().app_context():  # templates and labels, no request
        print(render(build_digest(get_backend(), week, topics), fmt), file=out)


def send_digest(week: str | None, subscribers_file: str | None = None, out: IO[str] | None = None) -> int:
    """E-mail each confirmed digest subscription (the commission's list, imported first, and those
    made on the site) the digest of its topics, in its language; 1 if any was refused."""
    from flask_babel import force_locale, gettext

    from . import create_app, mail
    from .digest import build_digest, render
    from .mailings import addressed, base_url, with_way_out
    from .outbox import Outbox
    from .subscriptions import Subscriptions

    mail.smtp_settings()  # a missing or malformed OBSERVATORIO_SMTP_URL stops us before any work
    import_subscribers(subscribers_file, out)
    recipients = list({s.address: s for s in reversed(Subscriptions().active("digest"))}.values())[::-1]
    if not recipients:
        raise ConfigError(subscribers_file or config_file("subscribers.yaml"), None,
                          "no subscribers yet (nor confirmed digest subscriptions)")
    backend, messages, digests = get_backend(), [], {}
    with create_app().app_context():  # templates, labels and links, no request
        for subscription in recipients:
            if subscription.topics not in digests:  # one digest per set of topics, not per person
                digests[subscription.topics] = build_digest(backend, week, subscription.topics)
            digest = digests[subscription.topics]
            with force_locale(subscription.lang):
                subject = gettext("Observatorio TIC: resumen semanal %(week)s", week=digest.week)
            messages.append(with_way_out(addressed(subscription, subject), subscription,
                                         render(digest, "md", subscription.lang),
                                         render(digest, "html", subscription.lang)))
    without = sum(1 for s in recipients if not base_url(s))
    if without:
        print(f"{without} message(s) without unsubscribe links: set OBSERVATORIO_PUBLIC_URL", file=out)
    delivery = Outbox().send((f"digest:{digest.week}:{m['To']}", m) for m in messages)
    print(f"digest sent to {len(delivery.sent)} of {len(messages)} subscriber(s)", file=out)
    return print_delivery(delivery, out)


def print_delivery(delivery, out: IO[str] | None = None) -> int:
    """What the outbox did not send and why; 1 if a message was refused."""
    for label, addresses in (("already sent", delivery.already_sent),
                             ("in flight when an earlier run stopped, not sent again", delivery.in_doubt),
                             ("given up (refused too often, or disabled)", delivery.given_up)):
        if addresses:
            print(f"{label}: {', '.join(addresses)}", file=out)
    for recipient, reason in delivery.refused.items():
        print(f"refused {recipient}: {reason}", file=out)
    return 1 if delivery.refused else 0


def import_subscribers(path: str | None = None, out: IO[str] | None = None) -> None:
    """Make the commission's list (subscribers.yaml, validated with file:line errors) the imported,
    confirmed digest subscriptions; who unsubscribed by a link stays out."""
    import os

    from .subscribers import load_subscribers
    from .subscriptions import Subscriptions

    entries = [{"address": s.email, "name": s.name, "lang": s.lang, "topics": s.topics}
               for s in load_subscribers(path)]
    counts = Subscriptions().sync_imported(entries, os.environ.get("OBSERVATORIO_PUBLIC_URL", ""))
    if any(counts.values()):
        print("subscribers: " + ", ".join(f"{n} {what}" for what, n in counts.items() if n), file=out)


def send_alerts(send: bool, out: IO[str] | None = None) -> int:
    """Each confirmed topic and search subscription's new documents: listed, or e-mailed with --send."""
    from . import create_app, mail
    from .alerts import AlertLog, messages, plans
    from .outbox import Outbox
    from .subscriptions import Subscriptions

    if send:
        mail.smtp_settings()
    subscriptions, outbox, log, backend = Subscriptions(), Outbox(), AlertLog(), get_backend()
    with create_app().app_context():
        planned = list(plans(backend, log, outbox, subscriptions.active("topic", "search"), commit=send))
        for plan in planned:
            print(f"{plan.subscription.id:>5} {plan.subscription.kind:<6} {plan.subscription.frequency:<6} "
                  f"{plan.slot:<10} {len(plan.documents):>4} new  {plan.subscription.address}", file=out)
        if not send:
            return 0
        delivery = outbox.send(messages(planned))
    for plan in planned:
        log.settle(plan.subscription.id, outbox)
    due = sum(1 for plan in planned if plan.documents)
    print(f"alerts sent to {len(delivery.sent)} of {due} subscription(s) with new documents", file=out)
    return print_delivery(delivery, out)


def send_firm_matches(base_url: str, week: str | None = None, out: IO[str] | None = None) -> int:
    """E-mail each firm that asked for it its matches (web/firm_weekly.py); 1 if any was refused."""
    from core import clock
    from firms.store import FirmStore

    from . import create_app, mail
    from .digest import iso_week, parse_week
    from .firm_weekly import weekly_messages
    from .outbox import Outbox

    mail.smtp_settings()  # a missing or malformed OBSERVATORIO_SMTP_URL stops us before any work
    week = parse_week(week)[0] if week else iso_week(clock.today())
    with create_app().test_request_context(base_url=base_url):  # links to the public site
        messages = list(weekly_messages(FirmStore(), get_backend(), week))
    delivery = Outbox().send(messages)
    print(f"firm matches sent to {len(delivery.sent)} of {len(messages)} firm(s) for {week}", file=out)
    for recipient in delivery.already_sent:
        print(f"already sent: {recipient}", file=out)
    for recipient, reason in delivery.refused.items():
        print(f"refused {recipient}: {reason}", file=out)
    return 1 if delivery.refused else 0


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
    refresh_matches(out)


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


def print_partners(item_id: str, as_json: bool, out: IO[str] | None = None) -> int:
    """Teams of firms for an open opportunity no firm covers alone (an unknown id: NotFound, exit 2)."""
    from firms.service import Matching, team_json
    from firms.store import FirmStore

    teams = [team_json(t) for t in Matching(FirmStore(), get_backend(), private=True).partners(item_id)]
    if as_json:
        print(json.dumps({"items": teams}, ensure_ascii=False, indent=2), file=out)
        return 0
    print(f"{len(teams)} team(s)", file=out)
    for team in teams:
        names = " + ".join(f"{firm['name']} [{firm['id']}]" for firm in team["firms"])
        print(f"- {team['score']:.2f}  {names}\n      {team['reason']}", file=out)
    return 0
