"""The `observatorio` command: crawl, enrich, search, serve, digest, demo, sources, reindex, migrate."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence

from search.errors import SearchError

USAGE_ERROR = 2


class Parser(argparse.ArgumentParser):
    """Report a bad argument in one line, without a usage block."""

    def error(self, message: str):
        self.exit(USAGE_ERROR, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


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

    search = command("search", run_search, "Search the index (an empty QUERY lists everything).")
    search.add_argument("query", metavar="QUERY", nargs="?", default="")
    search.add_argument("--topic", action="append", default=[])
    search.add_argument("--kind", action="append", default=[])
    search.add_argument("--source", action="append", default=[])
    search.add_argument("--open", action="store_true", help="only open calls and tenders")
    search.add_argument("--size", type=int, default=10)
    search.add_argument("--mode", choices=("keyword", "semantic", "hybrid"),
                        help="default: hybrid when embeddings are on, else keyword")
    search.add_argument("--json", action="store_true", help="print the JSON of GET /api/search")

    command("reindex", run_reindex, "Rebuild the search index from the stored documents, "
            "with no downtime (Elasticsearch: a new index, then the alias is swapped).")
    migrate = command("migrate", run_migrate, "Copy every document into another backend and verify it.")
    migrate.add_argument("--to", required=True, choices=("sqlite", "elasticsearch"))
    migrate.add_argument("--from", dest="source", choices=("sqlite", "elasticsearch"),
                         help="default: the other backend")

    for name, handler, help in (
        ("serve", run_serve, "Serve the web app with a production WSGI server."),
        ("demo", run_demo, "Serve the bundled sample sources, crawl them and serve the web app."),
    ):
        sub = command(name, handler, help)
        sub.add_argument("--host", default="127.0.0.1")
        sub.add_argument("--port", type=int, default=8000)

    digest = command("digest", run_digest, "Build the weekly trend digest.")
    digest.add_argument("--week", metavar="YYYY-Www")
    digest.add_argument("--format", choices=("html", "md", "json"), default="md")
    digest.add_argument("--topic", action="append", default=[], help="only this topic (repeatable)")
    digest.add_argument("--send", action="store_true",
                        help="e-mail it to the subscribers through OBSERVATORIO_SMTP_URL")
    digest.add_argument("--subscribers", metavar="FILE", help="default config/subscribers.yaml")

    sources = command("sources", run_sources, "List the configured sources and their health.")
    sources.add_argument("--sources", metavar="FILE", help="source catalogue (default config/sources.yaml)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.handler(args) or 0
    except SearchError as exc:  # configuration errors, unreachable backends, bad queries
        print(f"observatorio {args.command}: error: {exc}", file=sys.stderr)
        return USAGE_ERROR
    except KeyboardInterrupt:
        return 130


def run_crawl(args) -> int:
    from crawlers.config import DEFAULT_SOURCES, load_catalogue, select
    from nlp.taxonomy import load_taxonomy

    from .commands import crawl_and_report

    catalogue = load_catalogue(args.sources or DEFAULT_SOURCES)
    sources = select(catalogue.sources, args.source)
    load_taxonomy()  # refuse to start on a broken taxonomy rather than fail every batch
    crawl_and_report(sources, options=catalogue.crawler)
    return 0


def run_enrich(args) -> int:
    from .commands import enrich_lines

    return enrich_lines(sys.stdin, sys.stdout, sys.stderr)


def run_search(args) -> int:
    from search.backend import get_backend
    from search.query import SearchQuery

    from .backend import with_query_vector

    query = SearchQuery(q=args.query, topic=tuple(args.topic), kind=tuple(args.kind),
                        source=tuple(args.source), open=args.open, size=args.size, mode=args.mode)
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
        return USAGE_ERROR
    source, target = get_backend(source_name), get_backend(args.to)
    total = source.count()
    report = migrate(source, target, lambda n: print(f"  {n}/{total} copied", file=sys.stderr, flush=True))
    print(f"copied {report.copied} document(s) from {source_name} to {args.to}; every one verified. "
          f"Set OBSERVATORIO_SEARCH_BACKEND={args.to} to use it.")
    return 0


def run_serve(args) -> int:
    from .commands import serve

    serve(args.host, args.port)
    return 0


def run_demo(args) -> int:
    from .commands import demo

    demo(args.host, args.port)
    return 0


def run_digest(args) -> int:
    from .commands import print_digest, send_digest

    if args.send:
        return send_digest(args.week, args.subscribers)
    print_digest(args.week, args.format, tuple(args.topic))
    return 0


def run_sources(args) -> int:
    from crawlers.config import DEFAULT_SOURCES, load_sources

    from .commands import print_sources

    print_sources(load_sources(args.sources or DEFAULT_SOURCES))
    return 0


if __name__ == "__main__":
    sys.exit(main())
