"""The data directory read-only or full during a crawl: a clear error, no corruption (`PRAGMA
integrity_check` on every SQLite file), and the next run, with room again, stores exactly what
a clean crawl stores, none twice.

Both faults are real file-system errors (EROFS, ENOSPC) made without privileges: the crawl runs
in a user and mount namespace of its own (`unshare --user --map-root-user --mount`), where the
data directory is bind-mounted read-only, or is a 1 MiB tmpfs filled up to FREE bytes. (A
loop device or a tmpfs outside a namespace needs root; RLIMIT_FSIZE gives EFBIG per file, not
a full disk.) A machine without user namespaces skips these tests with the reason, an error
under CI=true.
"""

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.crawlers.conftest import catalogue, report, source, stored_documents
from tests.helpers import ROOT, run_cli

ERROR = "observatorio crawl: error: "


@pytest.fixture(scope="module", autouse=True)
def namespaces() -> None:
    probe = subprocess.run(["unshare", "--user", "--map-root-user", "--mount", "true"],
                           capture_output=True, text=True)
    if probe.returncode != 0:
        reason = f"no user namespaces here (unshare: {probe.stderr.strip()})"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)


@pytest.fixture(scope="module")
def crawled(tmp_path_factory, site) -> dict[str, Path]:
    """The catalogue of one source and of two, the data directory of a crawl of the first (each
    test starts from a copy), and the ids a clean crawl of both stores (the feeds' own links)."""
    folder = tmp_path_factory.mktemp("catalogues")
    first = source("fx_dd_first", "news", "feed", f"{site.base}/feeds/rss2.xml?datadir=1")
    second = source("fx_dd_second", "news", "feed", f"{site.base}/feeds/atom.xml?datadir=1")
    paths = {"one": catalogue(folder / "one.yaml", first), "seed": folder / "seed",
             "two": catalogue(folder / "two.yaml", first, second), "clean": folder / "clean"}
    run_cli("crawl", "--sources", str(paths["one"]), env={"OBSERVATORIO_DATA_DIR": str(paths["seed"])})
    run_cli("crawl", "--sources", str(paths["two"]), env={"OBSERVATORIO_DATA_DIR": str(paths["clean"])})
    return paths


def crawl_in_namespace(setup: str, teardown: str, sources: Path, data: Path) -> subprocess.CompletedProcess:
    """`observatorio crawl` after the shell commands `setup`, in a namespace of its own."""
    script = f'{setup} && {{ "$0" -m web.cli crawl --sources "$1"; status=$?; {teardown} exit $status; }}'
    return subprocess.run(["unshare", "--user", "--map-root-user", "--mount", "sh", "-c", script,
                           sys.executable, str(sources)], capture_output=True, text=True, timeout=300,
                          cwd=ROOT, env={**os.environ, "OBSERVATORIO_DATA_DIR": str(data)})


def assert_intact(data: Path) -> None:
    files = sorted(data.glob("*.db"))
    assert files
    for file in files:
        with sqlite3.connect(file) as db:
            assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",), file


def assert_next_run_stores_what_a_clean_crawl_stores(crawled: dict[str, Path], data: Path) -> None:
    again = run_cli("crawl", "--sources", str(crawled["two"]), env={"OBSERVATORIO_DATA_DIR": str(data)})
    assert [row[0] for row in report(again.stdout).values()] == ["ok", "ok"], again.stdout
    ids = [d.id for d in stored_documents(data)]
    assert len(ids) == len(set(ids))
    assert sorted(ids) == sorted(d.id for d in stored_documents(crawled["clean"])) and ids


def test_a_read_only_data_directory_is_a_clear_error_and_fetches_nothing(tmp_path, site, crawled):
    data = tmp_path / "data"
    shutil.copytree(crawled["seed"], data)
    before = len(site.hits)
    read_only = f'mount --bind "{data}" "{data}" && mount -o remount,bind,ro "{data}"'
    crawl = crawl_in_namespace(read_only, "", crawled["two"], data)
    assert crawl.returncode == 1
    assert crawl.stderr.strip().splitlines()[-1] == (
        f"{ERROR}cannot write to the data directory {data} (OBSERVATORIO_DATA_DIR): Read-only file system")
    assert len(site.hits) == before  # nothing fetched
    assert_intact(data)
    assert_next_run_stores_what_a_clean_crawl_stores(crawled, data)


# 0: the check before the crawl; 16 KiB: SQLite cannot size the index's shared-memory file;
# 64 KiB: the index takes the documents, the crawl state cannot be saved; 160 KiB: room enough.
@pytest.mark.parametrize("free_kib", [0, 16, 64, 160])
def test_a_full_data_directory_is_a_clear_error_and_corrupts_nothing(tmp_path, crawled, free_kib):
    data, after, seed = tmp_path / "data", tmp_path / "after", crawled["seed"]
    data.mkdir()
    full = (f'mount -t tmpfs -o size=1m tmpfs "{data}" && cp -a "{seed}/." "{data}/"'
            f' && dd if=/dev/zero of="{data}/filler" bs=1k 2>/dev/null'
            f' count=$(( $(df -k --output=avail "{data}" | tail -n 1) - {free_kib} ))')
    keep = f'rm "{data}/filler"; mkdir "{after}"; cp -a "{data}/." "{after}/";'
    crawl = crawl_in_namespace(full, keep, crawled["two"], data)
    if crawl.returncode:  # else there was room enough after all: a clean run
        last = crawl.stderr.strip().splitlines()[-1]
        assert last.startswith(ERROR), crawl.stderr[-3000:]
        assert any(reason in last for reason in ("No space left", "disk is full", "disk I/O error")), last
    else:
        assert [row[0] for row in report(crawl.stdout).values()] == ["ok", "ok"], crawl.stdout
    assert_intact(after)
    assert_next_run_stores_what_a_clean_crawl_stores(crawled, after)
