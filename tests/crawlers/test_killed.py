"""A crawl killed with SIGKILL mid-run, then run again: nothing lost, nothing duplicated."""

import os
import signal
import sqlite3
import subprocess
import sys
import time

from tests.crawlers.conftest import catalogue, report, source, stored_documents
from tests.helpers import ROOT, run_cli

SLOW = "/slow/feeds/rss10.rdf?killed=1"


def test_a_crawl_killed_mid_run_loses_and_duplicates_nothing_when_run_again(tmp_path, site):
    sources = catalogue(tmp_path / "sources.yaml",
                        source("fx_before_kill", "news", "feed", f"{site.base}/feeds/rss2.xml?killed=1"),
                        source("fx_killed_during", "news", "feed", f"{site.base}{SLOW}"))
    env = {**os.environ, "OBSERVATORIO_DATA_DIR": str(tmp_path / "data")}
    crawl = subprocess.Popen([sys.executable, "-m", "web.cli", "crawl", "--sources", str(sources)],
                             cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    give_up = time.monotonic() + 120  # a guard, not an assertion on time
    while not site.seen[SLOW] and crawl.poll() is None and time.monotonic() < give_up:
        time.sleep(0.05)
    assert crawl.poll() is None, "the crawl ended before it could be killed"
    crawl.send_signal(signal.SIGKILL)  # mid-run: the second source's request is being answered
    crawl.wait()
    with sqlite3.connect(tmp_path / "data" / "observatorio.db") as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)

    again = run_cli("crawl", "--sources", str(sources), env=env)
    assert report(again.stdout)["fx_before_kill"][0] == "ok", again.stdout
    clean_dir = str(tmp_path / "clean")
    clean = run_cli("crawl", "--sources", str(sources), env={"OBSERVATORIO_DATA_DIR": clean_dir})
    assert clean.returncode == again.returncode
    rerun = [d.id for d in stored_documents(tmp_path / "data")]
    assert len(rerun) == len(set(rerun))  # nothing duplicated
    assert sorted(rerun) == sorted(d.id for d in stored_documents(tmp_path / "clean"))  # nothing lost
    assert rerun
