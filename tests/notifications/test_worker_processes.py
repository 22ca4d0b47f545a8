"""Several `shopdesk worker` processes against a slow SMTP server on loopback, as in production.

- With a 2-second lease and sends that together take far longer, no email goes out twice.
- After `kill -9` of a worker mid-send no email is lost, and every copy carries a stable Message-ID.

The workers are real processes on the test database, so the test commits its rows (transaction=True).
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from shopdesk.notifications.delivery import message_id
from shopdesk.notifications.enums import OutboxStatus
from shopdesk.notifications.models import OutboxMessage
from shopdesk.notifications.services import email_enqueue
from tests.notifications.conftest import _free_port

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.xdist_group("outbox-processes")]
LEASE_SECONDS = "4"  # far above one send, far below a whole batch of sends


@dataclass
class SlowHandler:
    """Accepts every message after `delay` seconds, like a busy mail relay."""

    delay: float
    received: list[dict[str, str]] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        await asyncio.sleep(self.delay)
        parsed = message_from_bytes(envelope.original_content)
        self.received.append(
            {"outbox": str(parsed["X-Shopdesk-Message"]), "message_id": str(parsed["Message-ID"])}
        )
        return "250 Message accepted for delivery"


@pytest.fixture
def slow_smtp() -> Iterator[tuple[SlowHandler, int]]:
    from aiosmtpd.controller import Controller

    handler = SlowHandler(delay=0.2)
    port = _free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield handler, port
    finally:
        controller.stop()


def _database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _start_workers(count: int, port: int, data_dir: Path) -> list[subprocess.Popen[bytes]]:
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "SHOPDESK_DATA_DIR": str(data_dir),
        "SECRET_KEY": "worker-test-" + "x" * 40,
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(port),
        "EMAIL_USE_TLS": "0",
        "SHOPDESK_OUTBOX_LEASE_SECONDS": LEASE_SECONDS,
        "CONN_MAX_AGE": "0",
    }
    command = [sys.executable, "-m", "shopdesk.cli", "worker", "--batch", "50", "--sleep", "0.2"]
    return [
        subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        for _ in range(count)
    ]


def _queue(count: int) -> list[OutboxMessage]:
    return [
        email_enqueue(to=f"shopper{n}@example.com", template="magic_link", context={"link": "x"})
        for n in range(count)
    ]


def _wait_until(done: Any, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if done():
            return
        time.sleep(0.1)
    raise AssertionError("timed out")


def _stop(workers: list[subprocess.Popen[bytes]]) -> None:
    for worker in workers:
        if worker.poll() is None:
            worker.send_signal(signal.SIGTERM)
    for worker in workers:
        try:
            worker.wait(30)
        except subprocess.TimeoutExpired:
            worker.kill()


def _all_sent() -> bool:
    return not OutboxMessage.objects.exclude(status=OutboxStatus.SENT).exists()


def test_three_workers_and_a_slow_mail_server_send_each_email_once(
    slow_smtp: tuple[SlowHandler, int], tmp_path: Path
) -> None:
    handler, port = slow_smtp
    messages = _queue(40)  # 40 × 0.2 s: two leases of sending, were it one batch
    workers = _start_workers(3, port, tmp_path)
    try:
        _wait_until(_all_sent)
    finally:
        _stop(workers)
    copies = Counter(item["outbox"] for item in handler.received)
    duplicates = sum(n - 1 for n in copies.values())
    print(
        f"slow SMTP, 3 workers: {len(messages)} messages, {len(handler.received)} delivered, "
        f"duplicates {duplicates}"
    )
    assert set(copies) == {str(m.pk) for m in messages}
    assert duplicates == 0


def test_kill_9_mid_send_loses_nothing_and_copies_share_a_message_id(
    slow_smtp: tuple[SlowHandler, int], tmp_path: Path
) -> None:
    handler, port = slow_smtp
    messages = _queue(20)
    victim, *survivors = _start_workers(3, port, tmp_path)
    try:
        _wait_until(lambda: OutboxMessage.objects.filter(status=OutboxStatus.SENT).count() >= 3)
        os.kill(victim.pid, signal.SIGKILL)  # most likely mid-send: sending is where a worker spends its time
        victim.wait(10)
        _wait_until(_all_sent)  # the survivors take over its message once the lease ends
    finally:
        _stop([victim, *survivors])
    copies = Counter(item["outbox"] for item in handler.received)
    print(
        f"kill -9: {len(messages)} messages, {len(handler.received)} delivered, "
        f"duplicates {sum(n - 1 for n in copies.values())}"
    )
    assert set(copies) == {str(m.pk) for m in messages}  # 0 lost
    assert sum(n - 1 for n in copies.values()) <= 1  # at most the one in flight
    expected = {str(m.pk): message_id(OutboxMessage.objects.get(pk=m.pk)) for m in messages}
    for item in handler.received:
        assert item["message_id"] == expected[item["outbox"]]
