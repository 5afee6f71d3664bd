"""What earlier crawls saw of each source: HTTP validators, fetch times, links and OCDS processes.

Kept in `crawl_state.db` in the data directory. A spider reads its source's state once when it
opens and writes back what changed once when it closes, so a run costs two queries per source.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from core.statefile import StateFile

SCHEMA = """
CREATE TABLE IF NOT EXISTS pages (
    source TEXT NOT NULL,
    url TEXT NOT NULL,
    fetched TEXT NOT NULL,
    etag TEXT,
    last_modified TEXT,
    links TEXT NOT NULL,
    items INTEGER NOT NULL,
    PRIMARY KEY (source, url)
);
CREATE TABLE IF NOT EXISTS versions (
    source TEXT NOT NULL,
    key TEXT NOT NULL,
    newest TEXT NOT NULL,
    first TEXT NOT NULL,
    PRIMARY KEY (source, key)
);
CREATE TABLE IF NOT EXISTS processes (
    source TEXT NOT NULL,
    key TEXT NOT NULL,
    compiled TEXT NOT NULL,          -- the OCDS compiled release of the ocid, as JSON
    PRIMARY KEY (source, key)
);
"""


@dataclass
class PageState:
    """One fetched URL: its validators, and what it led to (replayed when it answers 304)."""

    url: str
    fetched: datetime
    etag: str | None = None
    last_modified: str | None = None
    links: list[tuple[str, str]] = field(default_factory=list)  # (callback name, url)
    items: int = 0


@dataclass
class Version:
    """The newest and the first date seen of a versioned record (an OCDS ocid)."""

    newest: str
    first: str


class SourceState:
    """One source's pages, versions and OCDS processes, changed in memory during a run."""

    def __init__(self, source: str, pages: dict[str, PageState], versions: dict[str, Version],
                 processes: dict[str, dict] | None = None):
        self.source = source
        self.pages = pages
        self.versions = versions
        # ocid → its compiled release: a release of a later run is merged into it
        self.processes = processes if processes is not None else {}
        self.dirty_pages: set[str] = set()
        self.dirty_versions: set[str] = set()
        self.dirty_processes: set[str] = set()

    def fresh(self, url: str, max_age_days: float, updated: datetime | None = None,
              now: datetime | None = None) -> bool:
        """Fetched within `max_age_days`, and not updated since (when the caller knows)."""
        page = self.pages.get(url)
        if page is None or max_age_days <= 0:
            return False
        if updated is not None and updated > page.fetched:
            return False
        return (now or datetime.now(UTC)) - page.fetched < timedelta(days=max_age_days)

    def validators(self, url: str) -> dict[str, str]:
        """Conditional GET headers for `url`, if an earlier response gave validators."""
        page = self.pages.get(url)
        if page is None:
            return {}
        headers = {"If-None-Match": page.etag, "If-Modified-Since": page.last_modified}
        return {k: v for k, v in headers.items() if v}

    def remember(self, page: PageState) -> None:
        self.pages[page.url] = page
        self.dirty_pages.add(page.url)

    def touch(self, url: str, now: datetime | None = None) -> None:
        """A 304: the stored copy is current as of now."""
        page = self.pages[url]
        page.fetched = now or datetime.now(UTC)
        self.dirty_pages.add(url)

    def set_version(self, key: str, version: Version) -> None:
        self.versions[key] = version
        self.dirty_versions.add(key)

    def set_process(self, key: str, compiled: dict) -> None:
        self.processes[key] = compiled
        self.dirty_processes.add(key)


class CrawlState(StateFile):
    """The store behind every source's state."""

    filename = "crawl_state.db"
    schema = SCHEMA

    def load(self, source: str) -> SourceState:
        with self._db() as db:
            pages = {row[0]: PageState(url=row[0], fetched=datetime.fromisoformat(row[1]), etag=row[2],
                                       last_modified=row[3], links=[tuple(x) for x in json.loads(row[4])],
                                       items=row[5])
                     for row in db.execute("SELECT url, fetched, etag, last_modified, links, items"
                                           " FROM pages WHERE source = ?", (source,))}
            versions = {row[0]: Version(row[1], row[2]) for row in db.execute(
                "SELECT key, newest, first FROM versions WHERE source = ?", (source,))}
            processes = {row[0]: json.loads(row[1]) for row in db.execute(
                "SELECT key, compiled FROM processes WHERE source = ?", (source,))}
        return SourceState(source, pages, versions, processes)

    def save(self, state: SourceState) -> None:
        pages = [state.pages[url] for url in state.dirty_pages]
        with self._db() as db:
            db.executemany(
                "INSERT OR REPLACE INTO pages VALUES (?,?,?,?,?,?,?)",
                [(state.source, p.url, p.fetched.isoformat(), p.etag, p.last_modified,
                  json.dumps(p.links), p.items) for p in pages])
            db.executemany(
                "INSERT OR REPLACE INTO versions VALUES (?,?,?,?)",
                [(state.source, key, state.versions[key].newest, state.versions[key].first)
                 for key in state.dirty_versions])
            db.executemany(
                "INSERT OR REPLACE INTO processes VALUES (?,?,?)",
                [(state.source, key, json.dumps(state.processes[key], ensure_ascii=False))
                 for key in state.dirty_processes])
        state.dirty_pages.clear()
        state.dirty_versions.clear()
        state.dirty_processes.clear()
