"""Webhooks: what the hook adds to a change, and how fast one worker delivers to a loopback receiver.

A fresh temporary SQLite database (DATABASE_URL + SHOPDESK_DATA_DIR) gets `migrate` and a 5-order demo
store. A receiver (http.server in a thread) verifies every delivery with `standardwebhooks`. Only
loopback traffic.

    .venv/bin/python bench/bench_webhooks.py            # 300 events
    .venv/bin/python bench/bench_webhooks.py --events 1000

Rows:
- writing one order event with the hook off (the baseline), with no endpoint (the hook's one query) and with one endpoint that wants it
  (an event row and a delivery row more), in ms per event;
- one worker delivering them: deliveries per second, signed and verified.
"""

from __future__ import annotations

import argparse
import io
import os
import platform
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=300)
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="shopdesk-bench-webhooks-")
    os.environ.update(
        {
            "DATABASE_URL": f"sqlite:///{folder}/bench.sqlite3",
            "SHOPDESK_DATA_DIR": folder,
            "DJANGO_SETTINGS_MODULE": "shopdesk.settings",
            "SHOPDESK_WEBHOOKS_ALLOW_PRIVATE": "1",
        }
    )
    import django

    django.setup()
    from django.core.management import call_command
    from standardwebhooks.webhooks import Webhook

    from shopdesk.core.actors import Actor
    from shopdesk.orders import events as order_events
    from shopdesk.orders.models import Order
    from shopdesk.webhooks.delivery import webhooks_deliver
    from shopdesk.webhooks.models import WebhookDelivery
    from shopdesk.webhooks.services.endpoints import endpoint_create

    call_command("migrate", verbosity=0)
    call_command("demo", orders=5, verbosity=0, stdout=io.StringIO())
    order = Order.objects.order_by("id").first()
    assert order is not None
    actor = Actor.agent("bench")

    def write(count: int) -> float:
        started = time.perf_counter()
        for n in range(count):
            order_events.order_email_changed(
                order=order, actor=actor, old_email=f"a{n}@example.com", new_email=f"b{n}@example.com"
            )
        return (time.perf_counter() - started) * 1000 / count

    verified = failed = 0
    lock = threading.Lock()
    secrets: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            nonlocal verified, failed
            body = self.rfile.read(int(self.headers.get("content-length", "0")))
            try:
                Webhook(secrets[0]).verify(body, {k.lower(): v for k, v in self.headers.items()})
                ok = True
            except Exception:
                ok = False
            with lock:
                verified, failed = verified + ok, failed + (not ok)
            self.send_response(200)
            self.send_header("content-length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()

    from shopdesk.webhooks.services.events import webhook_events_publish

    order_events.order_event_listener_set(None)
    hook_off_ms = write(args.events)
    order_events.order_event_listener_set(webhook_events_publish)
    no_endpoint_ms = write(args.events)
    created = endpoint_create(url=f"http://127.0.0.1:{server.server_address[1]}/hooks", events=["*"])
    secrets.append(created.secret)
    one_endpoint_ms = write(args.events)
    queued = WebhookDelivery.objects.count()
    started = time.perf_counter()
    while webhooks_deliver(batch=100).delivered:
        pass
    elapsed = time.perf_counter() - started
    server.shutdown()

    print(
        f"webhooks bench: {args.events} events, SQLite, Python {platform.python_version()}, load {os.getloadavg()[0]:.1f}"
    )
    print(f"{'measure':<46} {'value':>12}")
    print(f"{'order event, hook off (ms/event)':<46} {hook_off_ms:>12.2f}")
    print(f"{'order event, no endpoint (ms/event)':<46} {no_endpoint_ms:>12.2f}")
    print(f"{'order event, one endpoint wants it (ms/event)':<46} {one_endpoint_ms:>12.2f}")
    print(f"{'one worker, loopback receiver (deliveries/s)':<46} {queued / elapsed:>12.0f}")
    print(f"{'verified / failed verification':<46} {f'{verified} / {failed}':>12}")
    if failed or verified != queued:
        sys.exit("some deliveries did not verify")


if __name__ == "__main__":
    main()
