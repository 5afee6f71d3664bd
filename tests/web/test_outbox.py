"""Each digest message sent once: across reruns, crashes and refusals, with a real SMTP server."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time

import pytest
from aiosmtpd.controller import Controller

from tests.helpers import ROOT, free_port, run_cli
from tests.web.conftest import seed
from tests.web.test_digest import hostile_week
from web.outbox import MAX_ATTEMPTS, Outbox

SUBSCRIBERS = ["ana@example.org", "beto@example.org", "carla@example.org"]


class Inbox:
    """Keeps what it receives; can hold its answer to one recipient's message (the client is then
    waiting, the message delivered), refuse an address for good (550) or for now (451)."""

    def __init__(self, hold: str | None = None, refuse: dict[str, str] | None = None):
        self.messages: list[str] = []
        self.hold, self.refuse = hold, refuse or {}

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope.rcpt_tos[0])
        if envelope.rcpt_tos[0] == self.hold:
            await asyncio.sleep(120)  # delivered; the client is killed before it hears back
        return "250 Message accepted"


@pytest.fixture
def subscribers(tmp_path):
    path = tmp_path / "subscribers.yaml"
    path.write_text("subscribers:\n" + "".join(f"  - {{email: {a}}}\n" for a in SUBSCRIBERS))
    return path


def serving(inbox: Inbox) -> tuple[Controller, dict[str, str]]:
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    return controller, {"OBSERVATORIO_SMTP_URL": f"smtp://127.0.0.1:{port}?from=obs@example.org"}


def crash_while_held(inbox: Inbox, env: dict[str, str], *arguments: str) -> None:
    """Run `observatorio ARGUMENTS` and SIGKILL it while the server holds the answer to the
    message for `inbox.hold` (delivered, unacknowledged), then let the server answer again."""
    command = [sys.executable, "-m", "web.cli", *arguments]
    with subprocess.Popen(command, cwd=ROOT, env={**os.environ, **env}, stdout=subprocess.DEVNULL,
                          stderr=subprocess.DEVNULL) as crashing:
        deadline = time.monotonic() + 120
        while inbox.hold not in inbox.messages:
            assert time.monotonic() < deadline and crashing.poll() is None
            time.sleep(0.2)
        crashing.send_signal(signal.SIGKILL)
    inbox.hold = None


def send(subscribers, env) -> subprocess.CompletedProcess:
    return run_cli("digest", "--week", hostile_week(), "--send", "--subscribers", str(subscribers), env=env)


def test_a_rerun_sends_nothing_twice(data_dir, subscribers):
    seed(data_dir)
    inbox = Inbox()
    controller, env = serving(inbox)
    try:
        first, second = send(subscribers, env), send(subscribers, env)
    finally:
        controller.stop()
    assert first.returncode == 0 and "digest sent to 3 of 3" in first.stdout
    assert second.returncode == 0 and "digest sent to 0 of 3" in second.stdout
    assert "already sent: " + ", ".join(SUBSCRIBERS) in second.stdout
    assert sorted(inbox.messages) == SUBSCRIBERS


def test_a_crash_while_sending_then_a_rerun_sends_each_message_once(data_dir, subscribers):
    seed(data_dir)
    inbox = Inbox(hold=SUBSCRIBERS[1])
    controller, env = serving(inbox)
    try:
        crash_while_held(inbox, env, "digest", "--week", hostile_week(), "--send",
                         "--subscribers", str(subscribers))
        rerun = send(subscribers, env)
    finally:
        controller.stop()
    assert rerun.returncode == 0, rerun.stderr
    assert f"already sent: {SUBSCRIBERS[0]}" in rerun.stdout
    assert f"not sent again: {SUBSCRIBERS[1]}" in rerun.stdout
    assert "digest sent to 1 of 3" in rerun.stdout
    assert sorted(inbox.messages) == SUBSCRIBERS  # each once: the one in flight was delivered
    assert [m["recipient"] for m in Outbox(data_dir / "outbox.db").in_doubt()] == [SUBSCRIBERS[1]]


def test_refusals_are_retried_a_bounded_number_of_times_and_a_permanent_one_disables_the_address(
        data_dir, subscribers):
    seed(data_dir)
    inbox = Inbox(refuse={SUBSCRIBERS[0]: "550 no such user", SUBSCRIBERS[1]: "451 try again later"})
    controller, env = serving(inbox)
    try:
        runs = [send(subscribers, env) for _ in range(MAX_ATTEMPTS + 1)]
    finally:
        controller.stop()
    assert [r.returncode for r in runs] == [1] * MAX_ATTEMPTS + [0]
    assert all(f"refused {SUBSCRIBERS[0]}" in r.stdout for r in runs[:MAX_ATTEMPTS])
    assert f"given up (refused too often, or disabled): {SUBSCRIBERS[0]}, {SUBSCRIBERS[1]}" in runs[-1].stdout
    assert inbox.messages == [SUBSCRIBERS[2]]  # the good address once, on the first run
    outbox = Outbox(data_dir / "outbox.db")
    assert [d["address"] for d in outbox.disabled()] == [SUBSCRIBERS[0]]  # 451 is not permanent
    assert "550 no such user" in outbox.disabled()[0]["reason"]
