"""Source health: recorded runs, failure streaks, and what `observatorio sources` shows."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta

from crawlers.health import SCHEMA, HealthStore, SourceRun
from tests.helpers import run_cli, write_sources

START = datetime(2026, 11, 20, 6, tzinfo=UTC)
SOURCES = ("good", "flaky", "broken", "twice", "unseen", "skipping")


def run(source: str, day: int, errors: list[str] | None = None, new: int = 0) -> SourceRun:
    started = START + timedelta(days=day)
    return SourceRun(source, started, started + timedelta(seconds=12), new=new, errors=errors or [],
                     http_statuses={"200": 3, "500": 1} if errors else {"200": 3})


def seeded(path) -> HealthStore:
    store = HealthStore(path)
    store.record(run("good", 0, new=5))
    store.record(SourceRun("skipping", START, START, new=1, skipped={"no link": 2, "no text": 1}))
    store.record(run("flaky", 0, ["https://e.org/a: HTTP 500"], new=2))
    for day in range(3):
        store.record(run("broken", day, [f"https://e.org/feed: HTTP 503 (day {day})"]))
    store.record(run("recovering", 0, ["x: timeout"]))
    store.record(run("recovering", 1, new=1))
    store.record(run("twice", 0, new=1))
    for day in (1, 2):
        store.record(run("twice", day, ["x: timeout"]))
    return store


def test_failure_streaks_and_states(tmp_path):
    store = seeded(tmp_path / "health.db")
    health = {h.source: h for h in store.health(["good", "flaky", "broken", "recovering", "twice", "new"])}
    assert {s: h.state for s, h in health.items()} == {
        "good": "ok", "flaky": "partial", "broken": "failing", "recovering": "ok", "twice": "failing",
        "new": "never_run"}
    assert health["broken"].flagged and health["broken"].failing_since == START
    assert not health["twice"].flagged and health["twice"].consecutive_failures == 2
    assert health["broken"].last_run.errors == ["https://e.org/feed: HTTP 503 (day 2)"]
    assert [r.errors[0][-6:-1] for r in store.runs("broken", limit=2)] == ["day 2", "day 1"]


def test_sources_command_shows_health(data_dir, tmp_path):
    seeded(data_dir / "health.db")
    entries = "".join(f"  - id: {sid}\n    kind: news\n    type: feed\n    url: https://e.org/{sid}\n"
                      f"    language: es\n" for sid in SOURCES)
    result = run_cli("sources", "--sources", str(write_sources(tmp_path / "s.yaml", entries)))
    assert result.returncode == 0, result.stderr
    lines = {line.split()[0]: line for line in result.stdout.splitlines() if line.strip()}
    assert " OK " in lines["good"] and "5 new" in lines["good"] and "HTTP 200×3" in lines["good"]
    assert "partial" in lines["flaky"]
    assert "failing since 2026-11-20 06:00 (3 runs) [!]" in lines["broken"]
    assert "failing since 2026-11-21 06:00 (2 runs)" in lines["twice"] and "[!]" not in lines["twice"]
    assert "never run" in lines["unseen"]
    assert "1 new" in lines["skipping"] and "3 skipped (no link 2, no text 1)" in lines["skipping"]
    assert "last error: https://e.org/feed: HTTP 503 (day 2)" in result.stdout
    assert "1 source(s) failed 3 runs in a row or more: broken" in result.stdout


def test_skip_reasons_are_kept_and_an_older_health_db_is_migrated(tmp_path):
    """A health.db from before the skip counts keeps its runs; new runs store their reasons."""
    path = tmp_path / "health.db"
    old = sqlite3.connect(path)
    old.executescript(SCHEMA.replace(",\n    skipped TEXT NOT NULL DEFAULT '{}'", ""))
    old.execute("INSERT INTO source_runs (source, started, finished, status, new, updated, unchanged,"
                " failed, http_statuses, errors) VALUES ('old', ?, ?, 'ok', 4, 0, 0, 0, '{}', '[]')",
                (START.isoformat(), START.isoformat()))
    old.commit()
    assert "skipped" not in {row[1] for row in old.execute("PRAGMA table_info(source_runs)")}
    old.close()
    store = HealthStore(path)
    store.record(SourceRun("old", START, START, new=1, skipped={"no title or text": 2}))
    later, earlier = store.runs("old")
    assert earlier.new == 4 and earlier.skipped == {}
    assert later.skipped == {"no title or text": 2} and later.skipped_total == 2 and later.status == "ok"
    HealthStore(path)  # a second opening finds the column there
