"""`observatorio serve` as deployed: a real server process, behind a trusted reverse proxy or not."""

from __future__ import annotations

import os
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager

from tests.helpers import ROOT, free_port


@contextmanager
def serving(env: dict[str, str]) -> Iterator[str]:
    """`observatorio serve` in its own process; yields its base URL, stops it with SIGTERM."""
    port = free_port()
    command = [sys.executable, "-m", "web.cli", "serve", "--port", str(port)]
    with subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                          text=True) as server:
        try:
            assert "Observatorio TIC: http://" in server.stdout.readline()
            yield f"http://127.0.0.1:{port}"
        finally:
            server.terminate()
            server.wait(30)


def feed(url: str, headers: dict[str, str]) -> str:
    with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=10) as response:
        return response.read().decode()


def test_links_take_the_visitors_scheme_and_host_only_from_the_trusted_proxy(data_dir):
    with serving({**os.environ, "OBSERVATORIO_TRUSTED_PROXY": "127.0.0.1"}) as base:
        forwarded = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "observatorio.example"}
        assert "<id>https://observatorio.example/search.atom</id>" in feed(f"{base}/search.atom", forwarded)
        assert f"<id>{base}/search.atom</id>" in feed(f"{base}/search.atom", {})


def test_without_a_trusted_proxy_forwarded_headers_are_ignored(data_dir):
    env = {k: v for k, v in os.environ.items() if k != "OBSERVATORIO_TRUSTED_PROXY"}
    with serving(env) as base:
        page = feed(f"{base}/search.atom", {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "evil.example"})
        assert "evil.example" not in page and f"<id>{base}/search.atom</id>" in page
