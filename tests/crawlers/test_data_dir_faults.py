"""The data directory read-only or full during a crawl: a clear error (a full one called full),
the report all the same when the crawl could start, no corruption (`PRAGMA integrity_check` on
every SQLite file), and the next run, with room again, stores exactly what a clean crawl stores,
none twice.

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


FULL = "the data directory {data} (OBSERVATORIO_DATA_DIR) is full: 0 bytes free of 1 MiB; cannot write "
ROLLED_BACK = "database or disk is full; the change was rolled back"
# For each FREE (KiB): the last line on stderr (None: exit 0) and the report's rows (none: no
# report). Each is the same on every run: the fixtures, the seed and the tmpfs's 4 KiB pages are
# fixed, and whichever write fails first had grown its file until the file system refused it,
# so "0 bytes free" is measured every time.
OUTCOMES = {
    # the check before the crawl: nothing fetched, no report
    0: (FULL + "to it: No space left on device", {}),
    # SQLite cannot size the index's 32 KiB shared-memory file and says only "disk I/O error"
    16: (FULL + "observatorio.db: disk I/O error", {}),
    # the crawl runs (both sources are on one host: the first, unchanged, writes nothing to the
    # index), then the second's new document, the first's crawl state and both health rows are
    # refused: the report says so, stderr says the health was lost
    64: ("the health rows of fx_dd_first, fx_dd_second (what `observatorio sources` and the admin show)"
         " were not recorded: " + FULL + "health.db: " + ROLLED_BACK, {
        "fx_dd_first": "partial 0 0 3 0 0 crawl state not saved, the next run fetches the source again: "
                       + FULL + "crawl_state.db: " + ROLLED_BACK,
        "fx_dd_second": "failed 0 0 0 1 0 1 documents not indexed: "
                        + FULL + "observatorio.db: " + ROLLED_BACK}),
    # room enough
    160: (None, {"fx_dd_first": "ok 0 0 3 0 0", "fx_dd_second": "ok 1 0 0 0 0"}),
}


@pytest.mark.parametrize("free_kib", OUTCOMES)
def test_a_full_data_directory_is_a_clear_error_and_corrupts_nothing(tmp_path, site, crawled, free_kib):
    data, after, seed = tmp_path / "data", tmp_path / "after", crawled["seed"]
    data.mkdir()
    full = (f'mount -t tmpfs -o size=1m tmpfs "{data}" && cp -a "{seed}/." "{data}/"'
            f' && dd if=/dev/zero of="{data}/filler" bs=1k 2>/dev/null'
            f' count=$(( $(df -k --output=avail "{data}" | tail -n 1) - {free_kib} ))')
    keep = f'rm "{data}/filler"; mkdir "{after}"; cp -a "{data}/." "{after}/";'
    before = len(site.hits)
    crawl = crawl_in_namespace(full, keep, crawled["two"], data)
    error, rows = OUTCOMES[free_kib]
    if error is None:
        assert crawl.returncode == 0, crawl.stderr[-3000:]
        assert ERROR not in crawl.stderr
    else:
        assert crawl.returncode == 1, crawl.stderr[-3000:]
        assert crawl.stderr.strip().splitlines()[-1] == ERROR + error.format(data=data)
    assert {source: " ".join(row) for source, row in report(crawl.stdout).items()} == {
        source: row.format(data=data) for source, row in rows.items()}, crawl.stdout
    assert bool(crawl.stdout) == bool(rows)  # no report at all when the crawl could not start
    assert (len(site.hits) > before) == bool(rows)  # nor anything fetched
    assert_intact(after)
    assert_next_run_stores_what_a_clean_crawl_stores(crawled, after)
