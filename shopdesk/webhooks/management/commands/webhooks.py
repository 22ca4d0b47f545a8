"""`shopdesk webhooks add URL --events order.cancelled,return.created` (prints the id and the secret once),
`list`, `rotate ID [--overlap-hours N]`, `enable ID`, `disable ID`, `delete ID`."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from shopdesk.core.errors import DomainError
from shopdesk.webhooks.models import WebhookEndpoint
from shopdesk.webhooks.services.endpoints import (
    endpoint_create,
    endpoint_delete,
    endpoint_disable,
    endpoint_enable,
    endpoint_get,
    endpoint_secret_rotate,
)


class Command(BaseCommand):
    help = "Manage webhook endpoints: add, list, rotate a secret, delete."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add", help="Add an endpoint; prints its id and signing secret (shown once).")
        add.add_argument("url")
        add.add_argument("--events", required=True, help="Comma-separated event types, or * for all.")
        add.add_argument("--description", default="")
        sub.add_parser("list", help="List endpoints (never their secrets).")
        rotate = sub.add_parser("rotate", help="Rotate an endpoint's secret; prints the new one.")
        rotate.add_argument("endpoint_id", type=int)
        rotate.add_argument("--overlap-hours", type=int, default=None)
        delete = sub.add_parser("delete", help="Delete an endpoint and its delivery log.")
        delete.add_argument("endpoint_id", type=int)
        for name, text in (
            ("enable", "Enable an endpoint again."),
            ("disable", "Stop sending to an endpoint."),
        ):
            sub.add_parser(name, help=text).add_argument("endpoint_id", type=int)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            self._run(options)
        except DomainError as exc:
            raise CommandError(exc.message) from None

    def _run(self, options: dict[str, Any]) -> None:
        action = options["action"]
        if action == "add":
            created = endpoint_create(
                url=options["url"],
                events=options["events"].split(","),
                description=options["description"],
            )
            self.stdout.write(f"id: {created.endpoint.pk}")
            self.stdout.write(f"secret: {created.secret}")
            self.stdout.write("Keep the secret now: it is not shown again.")
        elif action == "list":
            for endpoint in WebhookEndpoint.objects.order_by("id"):
                state = "enabled" if endpoint.enabled else f"disabled ({endpoint.disabled_reason})"
                self.stdout.write(f"{endpoint.pk}\t{endpoint.url}\t{','.join(endpoint.events)}\t{state}")
        elif action == "rotate":
            rotated = endpoint_secret_rotate(
                endpoint_id=options["endpoint_id"], overlap=options["overlap_hours"]
            )
            self.stdout.write(f"id: {rotated.endpoint.pk}")
            self.stdout.write(f"secret: {rotated.secret}")
        elif action == "enable":
            endpoint_enable(endpoint_id=options["endpoint_id"])
            self.stdout.write(f"enabled {options['endpoint_id']}")
        elif action == "disable":
            endpoint_get(endpoint_id=options["endpoint_id"])
            endpoint_disable(
                endpoint_id=options["endpoint_id"], reason="Disabled by an operator.", now=timezone.now()
            )
            self.stdout.write(f"disabled {options['endpoint_id']}")
        elif action == "delete":
            endpoint_delete(endpoint_id=options["endpoint_id"])
            self.stdout.write(f"deleted {options['endpoint_id']}")
