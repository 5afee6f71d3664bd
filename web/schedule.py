"""`observatorio schedule`: crawl each source on its own cron schedule, send the alerts and the weekly digest.

Each job runs at most once per scheduled time (its *slot*), however many schedulers run: a
scheduler claims (job, slot) in `schedule.db` in the data directory before it starts the job, and
the table's primary key lets exactly one claim succeed. A slot missed by more than the grace
period (the machine was off) is not caught up; the next slot runs. croniter gives a slot's exact
time (`get_prev`), which is what makes the claim a shared key; an in-process scheduler such as
APScheduler keeps its bookkeeping in memory, one process each.

Jobs run as child processes (`observatorio crawl ...`, `alerts --send`, `digest --send`): Scrapy's
reactor cannot restart within one process, and a job that crashes cannot take the scheduler
with it. Crawls due in the same minute run in one child, so that sources on one host still keep
to its politeness limits together.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from croniter import croniter
from pydantic import Field, field_validator

from core import clock
from core.models import Strict
from core.paths import config_file
from core.statefile import StateFile
from core.yamlfile import load_model
from crawlers.config import Cron, SourceBase

STOP_WAIT = 30  # seconds a running job gets to finish after SIGTERM before it is killed
IDLE_WAKE = 60  # wake at least this often, so a changed clock is noticed


class ScheduleConfig(Strict):
    """`schedule.yaml`: when the jobs run. Cron expressions, read in `time_zone`."""

    time_zone: str = clock.TIMEZONE
    crawl: Cron = "0 6 * * *"  # every source that sets no `schedule:` of its own in sources.yaml
    digest: Cron = "0 7 * * mon"  # the last complete week's digest, to its subscribers
    alerts: Cron = "0 7 * * *"  # topic and search alerts: the daily ones, and the weekly ones once a week
    firms: Cron = "0 8 * * mon"  # each firm that asked for it: its matches of the week
    grace_minutes: int = Field(default=60, ge=1, le=7 * 24 * 60)  # a slot later than this is skipped

    @field_validator("time_zone")
    @classmethod
    def _known_zone(cls, name: str) -> str:
        try:
            ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"{name!r} is not an IANA time zone such as America/Costa_Rica") from None
        return name


def load_schedule(path: Path | str | None = None) -> ScheduleConfig:
    """schedule.yaml of the configuration directory, or the defaults when there is none."""
    path = Path(path) if path else config_file("schedule.yaml")
    return load_model(path, ScheduleConfig) if path.exists() else ScheduleConfig()


@dataclass(frozen=True)
class Job:
    id: str  # "crawl:<source>", "alerts", "digest" or "firms"
    cron: str
    source: str | None = None  # the source a crawl job crawls
    command: tuple[str, ...] = ()  # the other jobs' `observatorio` arguments


def jobs_of(sources: list[SourceBase], config: ScheduleConfig) -> list[Job]:
    """A crawl job per enabled source, then the alerts, the digest and the firms' weekly matches."""
    crawls = [Job(f"crawl:{s.id}", s.schedule or config.crawl, s.id) for s in sources if s.enabled]
    return [*crawls, Job("alerts", config.alerts, command=("alerts", "--send")),
            Job("digest", config.digest, command=("digest", "--send")),
            Job("firms", config.firms, command=("firms", "send"))]


class RunLog(StateFile):
    """Which job ran for which slot, when, and how it ended: the claim table of every scheduler."""

    filename = "schedule.db"
    schema = """
        CREATE TABLE IF NOT EXISTS runs (
            job TEXT NOT NULL, slot TEXT NOT NULL, started TEXT NOT NULL,
            finished TEXT, exit_code INTEGER, PRIMARY KEY (job, slot));
    """

    def claim(self, job: str, slot: datetime, started: datetime) -> bool:
        """Take (job, slot) for this scheduler; False when another one already took it."""
        with self._db() as db:
            cursor = db.execute("INSERT OR IGNORE INTO runs (job, slot, started) VALUES (?, ?, ?)",
                                (job, slot.isoformat(), started.isoformat()))
            return cursor.rowcount == 1

    def finish(self, job: str, slot: datetime, finished: datetime, exit_code: int) -> None:
        with self._db() as db:
            db.execute("UPDATE runs SET finished = ?, exit_code = ? WHERE job = ? AND slot = ?",
                       (finished.isoformat(), exit_code, job, slot.isoformat()))

    def last(self) -> dict[str, dict]:
        """Each job's latest run: slot, started, finished (None while running), exit code."""
        with self._db() as db:
            rows = db.execute("SELECT * FROM runs r"
                              " WHERE slot = (SELECT MAX(slot) FROM runs WHERE job = r.job)")
            return {row["job"]: dict(row) for row in rows}

    def count(self, job: str) -> int:
        with self._db() as db:
            return db.execute("SELECT COUNT(*) FROM runs WHERE job = ?", (job,)).fetchone()[0]


@dataclass
class Planned:
    """A job as the admin and `schedule --list` show it."""

    job: Job
    next_run: datetime
    last: dict | None


@dataclass
class Running:
    jobs: list[tuple[Job, datetime]]
    process: subprocess.Popen


class Scheduler:
    def __init__(self, jobs: list[Job], config: ScheduleConfig, log: RunLog | None = None,
                 sources_file: str | None = None):
        self.jobs = jobs
        self.zone = ZoneInfo(config.time_zone)
        self.grace = timedelta(minutes=config.grace_minutes)
        self.log = log or RunLog()
        self.sources_file = sources_file
        self.running: list[Running] = []

    # -- when ------------------------------------------------------------------------------

    def slot(self, job: Job, now: datetime) -> datetime:
        """The job's latest scheduled time at or before `now`."""
        local = now.astimezone(self.zone)
        if croniter.match(job.cron, local):
            return local.replace(second=0, microsecond=0)
        return croniter(job.cron, local).get_prev(datetime)

    def next_run(self, job: Job, now: datetime) -> datetime:
        return croniter(job.cron, now.astimezone(self.zone)).get_next(datetime)

    def plan(self, now: datetime) -> list[Planned]:
        last = self.log.last()
        return [Planned(job, self.next_run(job, now), last.get(job.id)) for job in self.jobs]

    # -- running ---------------------------------------------------------------------------

    def claim_due(self, now: datetime) -> list[tuple[Job, datetime]]:
        """Every job whose latest slot is within the grace period and that no scheduler ran yet,
        claimed for this one."""
        due = ((job, self.slot(job, now)) for job in self.jobs)
        return [(job, slot) for job, slot in due
                if now - slot <= self.grace and self.log.claim(job.id, slot, now)]

    def start_due(self, now: datetime) -> list[Running]:
        """Start what this scheduler claimed: the crawls together, every other job alone."""
        claimed = self.claim_due(now)
        crawls = [(job, slot) for job, slot in claimed if job.source]
        started = [self._start([claim], list(claim[0].command)) for claim in claimed if not claim[0].source]
        if crawls:
            started.append(self._start(crawls, self._crawl_command([job.source for job, _ in crawls])))
        self.running += started
        return started

    def reap(self, now: datetime) -> None:
        """Record the jobs whose process has ended."""
        for run in [r for r in self.running if r.process.poll() is not None]:
            for job, slot in run.jobs:
                self.log.finish(job.id, slot, now, run.process.returncode)
            self.running.remove(run)

    def stop(self) -> None:
        """Ask running jobs to end (SIGTERM), kill what is still running after STOP_WAIT, record all."""
        for run in self.running:
            run.process.terminate()
        for run in self.running:
            try:
                run.process.wait(STOP_WAIT)
            except subprocess.TimeoutExpired:
                run.process.kill()
                run.process.wait()
        self.reap(clock.now())

    def run(self, stop: threading.Event) -> None:
        """Start what is due, wait for the next slot or the end of a job, until `stop` is set."""
        while not stop.is_set():
            now = clock.now()
            self.reap(now)
            self.start_due(now)
            wake = min(self.next_run(job, now) for job in self.jobs)
            seconds = min((wake - now).total_seconds(), 1 if self.running else IDLE_WAKE)
            stop.wait(max(seconds, 0.1))
        self.stop()

    def _crawl_command(self, sources: list[str]) -> list[str]:
        command = ["crawl", *(["--sources", self.sources_file] if self.sources_file else [])]
        return command + [arg for source in sources for arg in ("--source", source)]

    def _start(self, jobs: list[tuple[Job, datetime]], arguments: list[str]) -> Running:
        process = subprocess.Popen([sys.executable, "-m", "web.cli", *arguments])
        return Running(jobs, process)


def run_until_terminated(scheduler: Scheduler) -> None:
    """Run `scheduler` until SIGTERM or SIGINT, then stop its jobs cleanly."""
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    scheduler.run(stop)
