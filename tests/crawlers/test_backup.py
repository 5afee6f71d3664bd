"""`observatorio backup DIR`: a copy that restores to an observatory answering the same searches."""

from __future__ import annotations

import json
import sqlite3

from tests.crawlers.conftest import catalogue, source
from tests.helpers import run_cli
from web.conditional import RenderedAnswers


def test_a_backup_taken_during_a_write_restores_to_the_same_searches(tmp_path, site):
    data, copy = tmp_path / "data", tmp_path / "backup"
    env = {"OBSERVATORIO_DATA_DIR": str(data)}
    sources = catalogue(tmp_path / "sources.yaml",
                        source("fx_backup", "funding_call", "feed", f"{site.base}/feeds/rss2.xml?backup=1"))
    assert run_cli("crawl", "--sources", str(sources), env=env).returncode == 0
    (data / "locks").mkdir(exist_ok=True)
    RenderedAnswers(data / "answers.db").put("etag", "state", b"<html>", {})
    writer = sqlite3.connect(data / "health.db", isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")  # a write in progress, not committed when the backup runs
    writer.execute("DELETE FROM source_runs")
    try:
        result = run_cli("backup", str(copy), env=env)
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert result.returncode == 0, result.stderr
    assert "each passed its integrity check" in result.stdout
    assert {p.name for p in copy.iterdir()} >= {"observatorio.db", "health.db", "crawl_state.db"}
    assert not (copy / "locks").exists() and not (copy / "answers.db").exists()

    def search(folder) -> dict:
        found = run_cli("search", "--json", "--size", "100", env={"OBSERVATORIO_DATA_DIR": str(folder)})
        assert found.returncode == 0, found.stderr
        return json.loads(found.stdout)

    original = search(data)
    assert original["total"] > 0 and search(copy) == original
    runs = sqlite3.connect(copy / "health.db").execute("SELECT COUNT(*) FROM source_runs").fetchone()[0]
    assert runs == 1  # the committed state, not the half-done delete


def test_a_backup_refuses_a_target_that_is_not_empty_or_inside_the_data_directory(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    (data / "health.db").write_bytes(b"")
    full = tmp_path / "full"
    full.mkdir()
    (full / "keep.txt").write_text("mine")
    env = {"OBSERVATORIO_DATA_DIR": str(data)}
    refused = run_cli("backup", str(full), env=env)
    assert refused.returncode == 1 and "is not empty" in refused.stderr
    assert (full / "keep.txt").read_text() == "mine"
    inside = run_cli("backup", str(data / "copy"), env=env)
    assert inside.returncode == 1 and "inside the data directory" in inside.stderr
    missing = run_cli("backup", str(tmp_path / "b"), env={"OBSERVATORIO_DATA_DIR": str(tmp_path / "none")})
    assert missing.returncode == 1 and "there is no data directory" in missing.stderr
