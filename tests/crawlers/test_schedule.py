"""`observatorio schedule`: each job once per scheduled time, however many schedulers run."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

import pytest

from crawlers.config import load_sources
from crawlers.health import HealthStore
from tests.crawlers.conftest import catalogue, source, stored_documents
from tests.helpers import ROOT, run_cli
from web.schedule import RunLog, ScheduleConfig, Scheduler, jobs_of

# A Wednesday noon in Costa Rica, a minute after the test sources' 12:00 slot; not a digest time.
NOON = "2026-12-02T12:01:00-06:00"


def scheduled_catalogue(tmp_path: Path, site, tag: str) -> Path:
    feed = f"{site.base}/feeds/rss2.xml?schedule={tag}"
    atom = f"{site.base}/feeds/atom.xml?schedule={tag}"
    return catalogue(tmp_path / "sources.yaml",
                     source("fx_noon", "news", "feed", feed, '    schedule: "0 12 * * *"\n'),
                     source("fx_daily", "news", "feed", atom, '    schedule: "0 12 * * wed"\n'),
                     source("fx_off", "news", "feed", atom + "&off", "    enabled: false\n"))


def wait_for(condition, timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.5)


def test_two_schedulers_started_at_once_run_each_job_once_and_stop_cleanly_on_sigterm(tmp_path, site):
    sources = scheduled_catalogue(tmp_path, site, "twice")
    data = tmp_path / "data"
    env = {**os.environ, "OBSERVATORIO_DATA_DIR": str(data), "OBSERVATORIO_CLOCK": NOON}
    command = [sys.executable, "-m", "web.cli", "schedule", "--sources", str(sources)]
    schedulers = [subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   text=True) for _ in range(2)]
    try:
        log = RunLog(data / "schedule.db")
        wait_for(lambda: all(run["finished"] for run in log.last().values()) and len(log.last()) == 2)
    finally:
        for scheduler in schedulers:
            scheduler.send_signal(signal.SIGTERM)
        outputs = [scheduler.communicate(timeout=60) for scheduler in schedulers]
    assert [s.returncode for s in schedulers] == [0, 0], outputs
    last = log.last()
    assert set(last) == {"crawl:fx_noon", "crawl:fx_daily"}  # the disabled source and the mail jobs: not due
    assert {run["exit_code"] for run in last.values()} == {0}
    assert [log.count(job) for job in last] == [1, 1]
    assert site.seen["/feeds/rss2.xml?schedule=twice"] == 1
    assert site.seen["/feeds/atom.xml?schedule=twice"] == 1
    assert [len(HealthStore(data / "health.db").runs(s)) for s in ("fx_noon", "fx_daily")] == [1, 1]
    documents = stored_documents(data)
    assert documents and len({d.id for d in documents}) == len(documents)


def scheduler_for(tmp_path: Path, site, grace_minutes: int = 60) -> Scheduler:
    config = ScheduleConfig(grace_minutes=grace_minutes)
    sources = load_sources(scheduled_catalogue(tmp_path, site, "unit"))
    return Scheduler(jobs_of(sources, config), config, RunLog(tmp_path / "schedule.db"))


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def test_a_slot_is_claimed_once_within_its_grace_period_then_the_next_slot(tmp_path, site):
    scheduler = scheduler_for(tmp_path, site)
    claimed = scheduler.claim_due(at(NOON))
    assert [(job.id, slot.isoformat()) for job, slot in claimed] == [
        ("crawl:fx_noon", "2026-12-02T12:00:00-06:00"), ("crawl:fx_daily", "2026-12-02T12:00:00-06:00")]
    assert scheduler.claim_due(at("2026-12-02T12:30:00-06:00")) == []  # the same slots, taken
    other = Scheduler(scheduler.jobs, ScheduleConfig(), RunLog(tmp_path / "schedule.db"))
    assert other.claim_due(at(NOON)) == []  # another scheduler sharing the data directory
    tomorrow = scheduler.claim_due(at("2026-12-03T12:00:00-06:00"))
    assert [job.id for job, _ in tomorrow] == ["crawl:fx_noon"]  # the weekly one waits a week


def test_a_slot_missed_by_more_than_the_grace_period_is_not_caught_up(tmp_path, site):
    scheduler = scheduler_for(tmp_path, site, grace_minutes=30)
    assert scheduler.claim_due(at("2026-12-02T12:31:00-06:00")) == []
    assert [job.id for job, _ in scheduler.claim_due(at("2026-12-03T12:29:00-06:00"))] == ["crawl:fx_noon"]


def test_schedule_list_shows_each_jobs_next_and_last_run(tmp_path, site):
    sources = scheduled_catalogue(tmp_path, site, "list")
    data = tmp_path / "data"
    RunLog(data / "schedule.db").claim("crawl:fx_noon", at("2026-12-02T12:00:00-06:00"), at(NOON))
    listed = run_cli("schedule", "--list", "--sources", str(sources),
                     env={"OBSERVATORIO_DATA_DIR": str(data), "OBSERVATORIO_CLOCK": NOON})
    assert listed.returncode == 0, listed.stderr
    rows = {line.split()[0]: line.split()[1:] for line in listed.stdout.splitlines()[1:]}
    assert set(rows) == {"crawl:fx_noon", "crawl:fx_daily", "alerts", "digest", "firms"}
    assert " ".join(rows["crawl:fx_noon"]).endswith("2026-12-03 12:00 2026-12-02 12:00, running")
    assert " ".join(rows["crawl:fx_daily"]).endswith("2026-12-09 12:00 -")
    assert rows["digest"][-3:] == ["2026-12-07", "07:00", "-"]  # Monday, Costa Rica time
    assert rows["alerts"][-3:] == ["2026-12-03", "07:00", "-"]  # every day
    assert rows["firms"][-3:] == ["2026-12-07", "08:00", "-"]


@pytest.mark.parametrize(("entry", "message"), [
    ('    schedule: "every day"\n', "not a cron expression"),
    ('    schedule: "0 25 * * *"\n', "not a cron expression"),
])
def test_a_bad_schedule_names_the_file_and_line(tmp_path, site, entry, message):
    bad = source("fx_bad", "news", "feed", f"{site.base}/x.xml", entry)
    sources = catalogue(tmp_path / "sources.yaml", bad)
    result = run_cli("schedule", "--list", "--sources", str(sources))
    assert result.returncode == 2
    assert f"{sources}:16: sources[0].schedule: " in result.stderr and message in result.stderr


def test_the_schedule_file_is_validated_with_its_line(tmp_path):
    from core.errors import ConfigError
    from web.schedule import load_schedule

    path = tmp_path / "schedule.yaml"
    path.write_text('time_zone: America/Costa_Rica\ndigest: "0 7 * * monday-ish"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"schedule.yaml:2: digest: .*not a cron expression"):
        load_schedule(path)
    path.write_text("time_zone: Mars/Olympus\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"schedule.yaml:1: time_zone: .*not an IANA time zone"):
        load_schedule(path)
    assert load_schedule(tmp_path / "absent.yaml") == ScheduleConfig()
