"""`shopdesk inbound-smtp [--host H] [--port P]`: receive the store's support mail directly over SMTP.

For self-hosters who point an MX record (or a forwarding rule) at shopdesk instead of a mail provider's
webhook. Only mail to the support address (and its tagged reply-to addresses) is accepted.
"""

from __future__ import annotations

import time
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from shopdesk.desk.smtp import inbound_smtp_controller


class Command(BaseCommand):
    help = "Receive support email over SMTP (aiosmtpd) and turn it into tickets."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=2525)

    def handle(self, *args: Any, **options: Any) -> None:
        controller = inbound_smtp_controller(host=options["host"], port=options["port"])
        controller.start()
        self.stdout.write(f"Receiving support mail on {options['host']}:{options['port']} (Ctrl+C stops).")
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass
        finally:
            controller.stop()
