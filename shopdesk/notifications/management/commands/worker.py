"""`shopdesk worker`: deliver the outbox (emails and webhooks) in a loop (or one batch with --once)."""

from __future__ import annotations

import signal
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from shopdesk.notifications.delivery import outbox_deliver


class Command(BaseCommand):
    help = "Deliver queued emails and webhooks from the outbox; run as many workers as needed."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="Deliver one batch and exit.")
        parser.add_argument("--batch", type=int, default=50, help="Messages claimed per round (default 50).")
        parser.add_argument("--sleep", type=float, default=2.0, help="Seconds to wait when nothing is due.")

    def handle(self, *args: Any, **options: Any) -> None:
        batch = max(1, options["batch"])
        if options["once"]:
            report = outbox_deliver(batch=batch)
            self.stdout.write(f"sent {report.sent}, retrying {report.retried}, failed {report.dead}")
            return
        stopping = False

        def stop(signum: int, frame: object) -> None:
            nonlocal stopping
            stopping = True  # finish the batch in hand, then exit

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        self.stdout.write("worker started; Ctrl+C to stop")
        while not stopping:
            report = outbox_deliver(batch=batch)
            if report.handled:
                self.stdout.write(f"sent {report.sent}, retrying {report.retried}, failed {report.dead}")
            else:
                time.sleep(options["sleep"])
