"""The `observatorio` command: crawl, enrich, search, serve, digest, alerts, subscribers, schedule, demo,
sources, reindex, migrate, backup, firms, match."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence

from core.errors import EXIT_USAGE, ConfigError, ObservatorioError
from search.errors import InvalidQuery
from search.params import RequestModel
from search.query import SearchQuery

from .requests import MatchQuery


class Parser(argparse.ArgumentParser):
    """Report a bad argument in one line, without a usage block."""

    def error(self, message: str):
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def build_parser() -> Parser:
    parser = Parser(prog="observatorio", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True, parser_class=Parser)

    def command(name: str, handler: Callable, help: str) -> Parser:
        sub = commands.add_parser(name, help=help, description=help)
        sub.set_defaults(handler=handler)
        return sub

    crawl = command("crawl", run_crawl, "Crawl the sources, enrich and index what changed.")
    crawl.add_argument("--sources", metavar="FILE", help="source catalogue (default config/sources.yaml)")
    crawl.add_argument("--source", metavar="ID", action="append", help="crawl only this source (repeatable)")

    command("enrich", run_enrich, "Annotate JSON lines from stdin, write JSON lines to stdout.")

    search = command("search", run_search, "Search the index (an empty QUERY lists everything), "
                     "with every parameter of GET /api/search under the same name.")
    search.add_argument("q", metavar="QUERY", nargs="?", default="")
    add_parameters(search, SearchQuery, skip=("q",))
    search.add_argument("--json", action="store_true", help="print the JSON of GET /api/search")

    command("reindex", run_reindex, "Rebuild the search index from the stored documents, "
            "with no downtime (Elasticsearch: a new index, then the alias is swapped).")
    migrate = command("migrate", run_migrate, "Copy every document into another backend and verify it.")
    migrate.add_argument("--to", required=True, choices=("sqlite", "elasticsearch"))
    migrate.add_argument("--from", dest="source", choices=("sqlite", "elasticsearch"),
                         help="default: the other backend")

    servers = {name: command(name, handler, help) for name, handler, help in (
        ("serve", run_serve, "Serve the web app with a production WSGI server."),
        ("demo", run_demo, "Serve the bundled sample sources, crawl them and serve the web app."),
    )}
    for sub in servers.values():
        sub.add_argument("--host", default="127.0.0.1")
        sub.add_argument("--port", type=int, default=8000)
    servers["serve"].add_argument("--workers", type=_at_least_one, default=os.cpu_count() or 1,
                                  help="worker processes (default: one per core); 1 serves with waitress")

    digest = command("digest", run_digest, "Build the weekly trend digest.")
    digest.add_argument("--week", metavar="YYYY-Www")
    digest.add_argument("--format", choices=("html", "md", "json"), default="md")
    digest.add_argument("--topic", action="append", default=[], help="only this topic (repeatable)")
    digest.add_argument("--send", action="store_true",
                        help="e-mail it to the subscribers through OBSERVATORIO_SMTP_URL")
    digest.add_argument("--subscribers", metavar="FILE", help="default config/subscribers.yaml")

    alerts = command("alerts", run_alerts, "List each confirmed topic or search subscription's documents "
                     "new since its last alert; --send e-mails them (one message per subscription per day "
                     "or week, never a document twice).")
    alerts.add_argument("--send", action="store_true", help="e-mail them through OBSERVATORIO_SMTP_URL")

    subscribers = command("subscribers", run_subscribers, "Import the commission's list of digest "
                          "subscribers (config/subscribers.yaml is the format).")
    subscriber_actions = subscribers.add_subparsers(dest="action", required=True, parser_class=Parser)
    subscriber_import = subscriber_actions.add_parser(
        "import", help="validate FILE, then make its entries the imported, confirmed digest subscriptions")
    subscriber_import.add_argument("file", metavar="FILE")

    schedule = command("schedule", run_schedule, "Crawl each source on its schedule, send the alerts and "
                       "the weekly digest (config/schedule.yaml), until SIGTERM; every job runs once per "
                       "slot, "
                       "however many schedulers run.")
    schedule.add_argument("--sources", metavar="FILE", help="source catalogue (default config/sources.yaml)")
    schedule.add_argument("--list", action="store_true", help="print each job's next and last run, and exit")

    backup = command("backup", run_backup, "Copy the data directory into DIR, consistently, while the "
                     "observatory runs (SQLite's online backup); restore by copying the files back.")
    backup.add_argument("target", metavar="DIR", help="a new or empty directory")

    sources = command("sources", run_sources, "List the configured sources and their health.")
    sources.add_argument("--sources", metavar="FILE", help="source catalogue (default config/sources.yaml)")

    firms = command("firms", run_firms, "Import or export the firm profiles "
                    "(config/firms.yaml is the format).")
    firm_actions = firms.add_subparsers(dest="action", required=True, parser_class=Parser)
    firm_import = firm_actions.add_parser("import", help="validate FILE, then add or replace its profiles")
    firm_import.add_argument("file", metavar="FILE")
    firm_actions.add_parser("export", help="print every profile as YAML")
    firm_send = firm_actions.add_parser("send", help="e-mail each firm that asked for it its matches "
                                        "of the week")
    firm_send.add_argument("--base-url", default=os.environ.get("OBSERVATORIO_PUBLIC_URL"), metavar="URL",
                           help="the site's public address, for the links, e.g. "
                                "https://observatorio.example.org (default: OBSERVATORIO_PUBLIC_URL)")
    firm_send.add_argument("--week", metavar="YYYY-Www", help="the outbox key's week (default: this one)")

    match = command("match", run_match, "The open opportunities that fit a firm, or the firms that fit "
                    "an open opportunity, best first, with the reasons.")
    target = match.add_mutually_exclusive_group(required=True)
    target.add_argument("--firm", metavar="ID")
    target.add_argument("--item", metavar="ID")
    add_parameters(match, MatchQuery)
    match.add_argument("--json", action="store_true",
                       help="print the JSON of GET /api/firms/<id>/matches or /api/items/<id>/firms")
    match.add_argument("--partners", action="store_true",
                       help="with --item: teams of two or three firms that together cover the topics no "
                            "firm covers alone (the JSON of GET /api/items/<id>/partners)")
    return parser


def _at_least_one(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of at least 1")
    return int(text)


def add_parameters(parser: Parser, model: type[RequestModel], skip: tuple[str, ...] = ()) -> None:
    """One option per request parameter, named as in the API: a flag for a boolean, repeatable
    for a list; values are validated by the model itself, with the API's messages."""
    for name in model.parameters():
        if name in skip:
            continue
        info = model.model_fields[name]
        flags = dict.fromkeys([f"--{name}", f"--{name.replace('_', '-')}"])
        if info.annotation is bool:
            parser.add_argument(*flags, dest=name, action="store_true", default=None, help=info.description)
        else:
            parser.add_argument(*flags, dest=name, metavar=name.upper(), help=info.description,
                                action="append" if model.is_list(name) else "store")


def parameters_of(args: argparse.Namespace, model: type[RequestModel]) -> dict:
    """The request parameters given on the command line, as a query string would carry them."""
    return {name: str(value).lower() if isinstance(value, bool) else value
            for name in model.parameters() if (value := getattr(args, name, None)) not in (None, [])}


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.handler(args) or 0
    except ObservatorioError as exc:  # each error class says which exit code it means
        print(f"observatorio {args.command}: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130


def run_crawl(args) -> int:
    from crawlers.config import load_catalogue, select
    from nlp.taxonomy import load_taxonomy

    from .commands import crawl_and_report

    catalogue = load_catalogue(args.sources)
    sources = select(catalogue.sources, args.source)
    load_taxonomy()  # refuse to start on a broken taxonomy rather than fail every batch
    crawl_and_report(sources, options=catalogue.crawler)
    return 0


def run_enrich(args) -> int:
    from .commands import enrich_lines

    return enrich_lines(sys.stdin, sys.stdout, sys.stderr)


def run_search(args) -> int:
    from search.backend import get_backend

    from .backend import with_query_vector

    query = SearchQuery.from_params(parameters_of(args, SearchQuery))
    result = get_backend().search(with_query_vector(query))
    if args.json:
        print(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
        return 0
    print(f"{result.total} result(s)")
    for hit in result.hits:
        doc = hit.document
        deadline = f"  closes {doc.deadline.isoformat()[:10]}" if doc.deadline else ""
        print(f"- [{doc.kind.value}] {doc.title}{deadline}\n  {doc.url}  ({', '.join(doc.topics) or '-'})")
    return 0


def run_reindex(args) -> int:
    from search.backend import get_backend

    backend = get_backend()
    print(f"reindexed {backend.reindex()} document(s) in the {backend.name} backend")
    return 0


def run_migrate(args) -> int:
    from search.backend import get_backend
    from search.migrate import migrate

    source_name = args.source or ("sqlite" if args.to == "elasticsearch" else "elasticsearch")
    if source_name == args.to:
        print(f"observatorio migrate: error: --from and --to are both {args.to}", file=sys.stderr)
        return EXIT_USAGE
    source, target = get_backend(source_name), get_backend(args.to)
    total = source.count()
    report = migrate(source, target, lambda n: print(f"  {n}/{total} copied", file=sys.stderr, flush=True))
    print(f"copied {report.copied} document(s) from {source_name} to {args.to}; every one verified. "
          f"Set OBSERVATORIO_SEARCH_BACKEND={args.to} to use it.")
    return 0


def run_serve(args) -> int:
    from .commands import serve

    serve(args.host, args.port, args.workers)
    return 0


def run_demo(args) -> int:
    from .commands import demo

    demo(args.host, args.port)
    return 0


def run_digest(args) -> int:
    from .commands import print_digest, send_digest
    from .requests import TopicFilter

    if args.send:
        return send_digest(args.week, args.subscribers)
    print_digest(args.week, args.format, TopicFilter(topic=tuple(args.topic)).topic)
    return 0


def run_alerts(args) -> int:
    from .commands import send_alerts

    return send_alerts(args.send)


def run_subscribers(args) -> int:
    from .commands import import_subscribers

    import_subscribers(args.file, sys.stdout)
    return 0


def run_schedule(args) -> int:
    from crawlers.config import load_sources

    from .commands import print_schedule
    from .schedule import Scheduler, jobs_of, load_schedule, run_until_terminated

    config = load_schedule()
    scheduler = Scheduler(jobs_of(load_sources(args.sources), config), config, sources_file=args.sources)
    if args.list:
        print_schedule(scheduler)
    else:
        run_until_terminated(scheduler)
    return 0


def run_backup(args) -> int:
    from pathlib import Path

    from core.backup import backup
    from core.paths import data_dir

    copied = backup(Path(args.target))
    databases = sum(c.database for c in copied)
    print(f"backed up {len(copied)} file(s) of {data_dir()} into {args.target} "
          f"({databases} SQLite database(s), each passed its integrity check)")
    for c in copied:
        print(f"  {c.path}  {c.size:,} bytes{'  (SQLite)' if c.database else ''}")
    return 0


def run_sources(args) -> int:
    from crawlers.config import load_sources

    from .commands import print_sources

    print_sources(load_sources(args.sources))
    return 0


def run_firms(args) -> int:
    from .commands import export_firms, import_firms, send_firm_matches

    if args.action == "import":
        import_firms(args.file)
    elif args.action == "send":
        if not args.base_url:
            raise ConfigError("OBSERVATORIO_PUBLIC_URL", None, "not set, and no --base-url: the e-mails' "
                              "links need the site's public address")
        return send_firm_matches(args.base_url, args.week)
    else:
        export_firms()
    return 0


def run_match(args) -> int:
    from .commands import print_matches

    if args.partners:
        if not args.item:
            raise InvalidQuery("partners", "needs --item")
        from .commands import print_partners

        return print_partners(args.item, args.json)
    size = MatchQuery.from_params(parameters_of(args, MatchQuery)).size
    return print_matches(args.firm, args.item, size, args.json)


if __name__ == "__main__":
    sys.exit(main())
