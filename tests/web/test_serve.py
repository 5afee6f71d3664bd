"""`observatorio serve` as deployed: a real server process, one worker (waitress) or several
(gunicorn), behind a trusted reverse proxy or not."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.helpers import ROOT, free_port


@contextmanager
def serving(env: dict[str, str], workers: int = 1) -> Iterator[tuple[str, subprocess.Popen]]:
    """`observatorio serve` in its own process; yields its base URL and process, stops it with SIGTERM."""
    port = free_port()
    command = [sys.executable, "-m", "web.cli", "serve", "--port", str(port), "--workers", str(workers)]
    with subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                          text=True) as server:
        try:
            assert "Observatorio TIC: http://" in server.stdout.readline()
            yield f"http://127.0.0.1:{port}", server
        finally:
            server.terminate()
            server.wait(60)


def feed(url: str, headers: dict[str, str]) -> str:
    with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=10) as response:
        return response.read().decode()


@pytest.mark.parametrize("workers", [1, 2])  # waitress, gunicorn
def test_links_take_the_visitors_scheme_and_host_only_from_the_trusted_proxy(data_dir, workers):
    with serving({**os.environ, "OBSERVATORIO_TRUSTED_PROXY": "127.0.0.1"}, workers) as (base, _):
        forwarded = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "observatorio.example"}
        assert "<id>https://observatorio.example/search.atom</id>" in feed(f"{base}/search.atom", forwarded)
        assert f"<id>{base}/search.atom</id>" in feed(f"{base}/search.atom", {})


@pytest.mark.parametrize("workers", [1, 2])
def test_without_a_trusted_proxy_forwarded_headers_are_ignored(data_dir, workers):
    env = {k: v for k, v in os.environ.items() if k != "OBSERVATORIO_TRUSTED_PROXY"}
    with serving(env, workers) as (base, _):
        page = feed(f"{base}/search.atom", {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "evil.example"})
        assert "evil.example" not in page and f"<id>{base}/search.atom</id>" in page


def test_several_workers_are_processes_that_answer_and_stop_on_sigterm(data_dir):
    with serving(dict(os.environ), workers=3) as (base, server):
        deadline = time.monotonic() + 60
        while len(children := Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()) < 3:
            assert time.monotonic() < deadline, children  # gunicorn forks its workers one by one
            time.sleep(0.2)
        for _ in range(12):
            assert feed(f"{base}/healthz", {})
    assert len(children) == 3
    assert server.returncode == 0
    assert not [pid for pid in children if Path(f"/proc/{pid}").exists()]


def test_workers_must_be_a_positive_number(data_dir):
    result = subprocess.run([sys.executable, "-m", "web.cli", "serve", "--workers", "0"], cwd=ROOT,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and "'0' is not a whole number of at least 1" in result.stderr
