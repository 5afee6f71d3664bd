"""Two crawls of one source at once: the second says so, exits, and stores nothing."""

from crawlers.locks import source_locks
from tests.crawlers.conftest import catalogue, report, source, stored_documents
from tests.helpers import run_cli


def test_a_second_crawl_of_a_source_being_crawled_says_so_and_exits(tmp_path, site):
    sources = catalogue(tmp_path / "sources.yaml",
                        source("fx_locked", "news", "feed", f"{site.base}/feeds/rss2.xml?lock=1"))
    env = {"OBSERVATORIO_DATA_DIR": str(tmp_path / "data")}
    with source_locks(["fx_locked"], tmp_path / "data"):  # the first crawl, still running
        second = run_cli("crawl", "--sources", str(sources), env=env)
    assert second.returncode == 1
    assert "a crawl of fx_locked is already running" in second.stderr
    assert site.seen["/feeds/rss2.xml?lock=1"] == 0
    assert stored_documents(tmp_path / "data") == []
    after = run_cli("crawl", "--sources", str(sources), env=env)  # the lock went with its holder
    assert after.returncode == 0 and report(after.stdout)["fx_locked"][0] == "ok"
    assert stored_documents(tmp_path / "data")
