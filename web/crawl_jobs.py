"""Crawls started from the admin, each in its own `observatorio crawl` process.

Scrapy's reactor runs once per process and cannot restart, so the web process never crawls:
it starts the CLI, keeps its output in the data directory and reports its progress.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

OUTPUT_LIMIT = 64 * 1024  # the tail of a run's output shown on its page


class AlreadyRunning(Exception):
    """A crawl of this source is already running."""


@dataclass
class CrawlJob:
    id: str
    source: str
    started: datetime
    log_path: Path
    process: subprocess.Popen

    @property
    def running(self) -> bool:
        return self.process.poll() is None

    @property
    def returncode(self) -> int | None:
        return self.process.poll()

    def output(self) -> str:
        try:
            with self.log_path.open("rb") as log:
                log.seek(max(0, log.seek(0, os.SEEK_END) - OUTPUT_LIMIT))
                return log.read().decode("utf-8", "replace")
        except OSError:
            return ""


class CrawlJobs:
    """The crawls this web process started, newest first."""

    def __init__(self, data_dir: Path, backend: str):
        self.folder = Path(data_dir) / "admin-runs"
        self.env = {**os.environ, "OBSERVATORIO_DATA_DIR": str(data_dir),
                    "OBSERVATORIO_SEARCH_BACKEND": backend}
        self._jobs: dict[str, CrawlJob] = {}
        self._lock = threading.Lock()

    def start(self, source_id: str, sources_file: str | None) -> CrawlJob:
        """Start `observatorio crawl --source ID`; refuse a second run of the same source."""
        with self._lock:
            if any(j.source == source_id and j.running for j in self._jobs.values()):
                raise AlreadyRunning(source_id)
            self.folder.mkdir(parents=True, exist_ok=True)
            job_id = f"{datetime.now(UTC):%Y%m%dT%H%M%S}-{secrets.token_hex(4)}"
            log_path = self.folder / f"{job_id}.log"
            command = [sys.executable, "-m", "web.cli", "crawl", "--source", source_id]
            if sources_file:
                command += ["--sources", str(sources_file)]
            with log_path.open("wb") as log:
                process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT,
                                           stdin=subprocess.DEVNULL, env=self.env)
            job = CrawlJob(job_id, source_id, datetime.now(UTC), log_path, process)
            self._jobs[job_id] = job
            return job

    def get(self, job_id: str) -> CrawlJob | None:
        with self._lock:
            return self._jobs.get(job_id)

    def recent(self, limit: int = 10) -> list[CrawlJob]:
        with self._lock:
            return sorted(self._jobs.values(), key=lambda j: j.started, reverse=True)[:limit]
