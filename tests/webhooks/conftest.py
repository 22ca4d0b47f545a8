"""A webhook receiver on loopback (http.server in a thread) that verifies every delivery with the
`standardwebhooks` library, and endpoints pointing at it."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from shopdesk.webhooks.services.endpoints import EndpointWithSecret, endpoint_create


@dataclass
class Received:
    webhook_id: str
    headers: dict[str, str]
    body: bytes
    verified: bool
    payload: dict[str, Any]


@dataclass
class Receiver:
    """Verifies each request against `secrets` (any one may match); answers `status` (a list pops)."""

    port: int = 0
    secrets: list[str] = field(default_factory=list)
    statuses: list[int] = field(default_factory=list)
    received: list[Received] = field(default_factory=list)
    delay: float = 0.0  # seconds before answering, like a busy receiver
    requests_started: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks"

    def verify(self, headers: dict[str, str], body: bytes) -> bool:
        for secret in self.secrets:
            try:
                Webhook(secret).verify(body, headers)
            except WebhookVerificationError:
                continue
            return True
        return False


def _handler_for(receiver: Receiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            with receiver.lock:
                receiver.requests_started += 1
            if receiver.delay:
                time.sleep(receiver.delay)
            body = self.rfile.read(int(self.headers.get("content-length", "0")))
            headers = {key.lower(): value for key, value in self.headers.items()}
            with receiver.lock:
                verified = receiver.verify(headers, body)
                receiver.received.append(
                    Received(
                        headers.get("webhook-id", ""), headers, body, verified, json.loads(body or b"{}")
                    )
                )
                status = receiver.statuses.pop(0) if receiver.statuses else 200
            self.send_response(status)
            answer = b"thanks" if status < 300 else b"receiver says no"
            self.send_header("content-length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, *args: object) -> None:
            return

    return Handler


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    state = Receiver()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(state))
    state.port = int(server.server_address[1])
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def allow_private(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHOPDESK_WEBHOOKS_ALLOW_PRIVATE", "1")


@pytest.fixture
def endpoint_for_cancellations(db: None, allow_private: None, receiver: Receiver) -> EndpointWithSecret:
    """An enabled endpoint on the loopback receiver, subscribed to order.cancelled only."""
    created = endpoint_create(url=receiver.url, events=["order.cancelled"])
    receiver.secrets.append(created.secret)
    return created


@pytest.fixture
def endpoint_for_everything(db: None, allow_private: None, receiver: Receiver) -> EndpointWithSecret:
    created = endpoint_create(url=receiver.url, events=["*"])
    receiver.secrets.append(created.secret)
    return created


@pytest.fixture
def endpoint_for(db: None, allow_private: None, receiver: Receiver):  # type: ignore[no-untyped-def]
    """Make an endpoint on the loopback receiver subscribed to the given types (its secret verifies)."""

    def make(*types: str) -> EndpointWithSecret:
        created = endpoint_create(url=receiver.url, events=list(types))
        receiver.secrets.append(created.secret)
        return created

    return make


def delivered(receiver: Receiver, *, endpoint: EndpointWithSecret | None = None) -> list[Received]:
    """Run the worker once and return what the receiver got, each checked against the endpoint's secret."""
    from shopdesk.webhooks.delivery import webhooks_deliver

    webhooks_deliver(batch=100)
    received = list(receiver.received)
    assert all(item.verified for item in received)
    if endpoint is not None:
        for item in received:
            # Verified against this endpoint's secret alone, not just any secret the receiver holds.
            Webhook(endpoint.secret).verify(item.body, item.headers)
    return received
