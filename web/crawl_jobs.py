"""Crawls started from the admin, each in its own `observatorio crawl` process, seen alike by
every web worker.

Scrapy's reactor runs once per process and cannot restart, so the web process never crawls:
it starts the CLI. Everything about a run lives in the data directory, not in the worker that
started it (`observatorio serve --workers N` runs several): `admin-runs/<id>.json` says what
and when, `<id>.log` holds the output, and `<id>.exit` the exit code, written by the crawl's own
process as it ends. A run with no exit code whose process is gone was killed: "interrupted".
"""

from __future__ import annotations

import json
import os
import re
import secrets
import subprocess
import sys
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from crawlers.locks import CrawlAlreadyRunning, source_locks

OUTPUT_LIMIT = 64 * 1024  # the tail of a run's output shown on its page
RUN_ID = re.compile(r"^\d{8}T\d{6}-[0-9a-f]{8}$")


class AlreadyRunning(Exception):
    """A crawl of this source is already running (from the admin, the scheduler or the CLI)."""


@dataclass
class CrawlJob:
    id: str
    source: str
    started: datetime
    pid: int
    folder: Path

    @property
    def returncode(self) -> int | None:
        try:
            return int((self.folder / f"{self.id}.exit").read_text())
        except (OSError, ValueError):
            return None

    @property
    def running(self) -> bool:
        return self.returncode is None and _alive(self.pid)

    @property
    def interrupted(self) -> bool:
        return self.returncode is None and not _alive(self.pid)

    def output(self) -> str:
        try:
            with (self.folder / f"{self.id}.log").open("rb") as log:
                log.seek(max(0, log.seek(0, os.SEEK_END) - OUTPUT_LIMIT))
                return log.read().decode("utf-8", "replace")
        except OSError:
            return ""


class CrawlJobs:
    """The admin's crawl runs, newest first, kept in `admin-runs/` of the data directory."""

    def __init__(self, data_dir: Path, backend: str):
        self.data_dir = Path(data_dir)
        self.folder = self.data_dir / "admin-runs"
        self.env = {**os.environ, "OBSERVATORIO_DATA_DIR": str(data_dir),
                    "OBSERVATORIO_SEARCH_BACKEND": backend}

    def start(self, source_id: str, sources_file: str | None) -> CrawlJob:
        """Start `observatorio crawl --source ID`, unless a crawl of it runs anywhere: started
        here (by any worker; its process may not hold the source's lock yet), or by the
        scheduler or the CLI (they hold the lock)."""
        if any(job.source == source_id and job.running for job in self.recent(100)):
            raise AlreadyRunning(source_id)
        try:
            with source_locks([source_id], self.data_dir):
                pass  # free now; the crawl takes it, and a crawl starting meanwhile refuses itself
        except CrawlAlreadyRunning as exc:
            raise AlreadyRunning(source_id) from exc
        self.folder.mkdir(parents=True, exist_ok=True)
        job_id = f"{datetime.now(UTC):%Y%m%dT%H%M%S}-{secrets.token_hex(4)}"
        command = [sys.executable, "-m", "web.crawl_jobs", str(self.folder / f"{job_id}.exit"),
                   "crawl", "--source", source_id]
        if sources_file:
            command += ["--sources", str(sources_file)]
        with (self.folder / f"{job_id}.log").open("wb") as log:
            process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT,
                                       stdin=subprocess.DEVNULL, env=self.env)
        threading.Thread(target=process.wait, daemon=True).start()  # reap it: no zombie looks alive
        job = CrawlJob(job_id, source_id, datetime.now(UTC), process.pid, self.folder)
        (self.folder / f"{job_id}.json").write_text(json.dumps(
            {"id": job.id, "source": job.source, "started": job.started.isoformat(), "pid": job.pid}))
        return job

    def get(self, job_id: str) -> CrawlJob | None:
        if not RUN_ID.match(job_id):
            return None
        try:
            record = json.loads((self.folder / f"{job_id}.json").read_text())
        except (OSError, ValueError):
            return None
        return CrawlJob(record["id"], record["source"], datetime.fromisoformat(record["started"]),
                        record["pid"], self.folder)

    def recent(self, limit: int = 10) -> list[CrawlJob]:
        names = sorted((p.stem for p in self.folder.glob("*.json")), reverse=True)[:limit]
        return [job for name in names if (job := self.get(name)) is not None]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, someone else's
        return True
    return True


def main(argv: list[str]) -> int:
    """`python -m web.crawl_jobs EXIT_FILE crawl ...`: run the CLI, then record how it ended."""
    from .cli import main as cli

    exit_file, arguments = Path(argv[0]), argv[1:]
    code = cli(arguments)
    exit_file.write_text(str(code))
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
