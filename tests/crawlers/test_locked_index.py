"""The SQLite index locked by another process during a crawl: a clear error, nothing marked as
seen, and the next run indexes everything the locked one could not."""

import sqlite3

from search.backend import get_backend
from tests.crawlers.conftest import catalogue, report, source, stored_documents
from tests.helpers import run_cli


def test_a_locked_index_loses_nothing(tmp_path, site):
    sources = catalogue(tmp_path / "sources.yaml",
                        source("fx_locked_db", "news", "feed", f"{site.base}/feeds/rss2.xml?lockeddb=1"))
    data = tmp_path / "data"
    env = {"OBSERVATORIO_DATA_DIR": str(data)}
    get_backend("sqlite", path=data / "observatorio.db").close()  # the index exists, empty
    holder = sqlite3.connect(data / "observatorio.db", isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        locked = run_cli("crawl", "--sources", str(sources), env=env)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    row = " ".join(report(locked.stdout).get("fx_locked_db", [])) or locked.stderr
    assert "locked" in (row + locked.stderr).lower(), (locked.stdout, locked.stderr[-2000:])
    assert stored_documents(data) == []
    again = run_cli("crawl", "--sources", str(sources), env=env)
    run_cli("crawl", "--sources", str(sources), env={"OBSERVATORIO_DATA_DIR": str(tmp_path / "clean")})
    ids = [d.id for d in stored_documents(data)]
    assert report(again.stdout)["fx_locked_db"][0] == "ok" and len(ids) == len(set(ids))
    assert sorted(ids) == sorted(d.id for d in stored_documents(tmp_path / "clean")) and ids
