"""`shopdesk points release|expire|rebuild|schedule`: run the points jobs now, or start their daily cycle.

`shopdesk points adjust EMAIL POINTS --reason TEXT`: add points to a customer (or take some off with a
negative number), as the care team does from the desk; `--key` makes a rerun add nothing twice."""

from __future__ import annotations

import json
import uuid
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from shopdesk.core.actors import Actor, AgentRole
from shopdesk.core.errors import DomainError
from shopdesk.loyalty.jobs import points_earn_delivered, points_expire_due, points_release_due
from shopdesk.loyalty.ledger import balance_available, balance_rebuild
from shopdesk.loyalty.models import PointsEntry
from shopdesk.loyalty.selectors import points_customer
from shopdesk.loyalty.services import points_adjust
from shopdesk.loyalty.tasks import points_tasks_schedule


class Command(BaseCommand):
    help = (
        "Points jobs: `release` (credit delivered orders, make pending points available), `expire` "
        "(expire points past the policy's months), `rebuild` (recount balance rows from the ledger), "
        "`schedule` (queue the daily release and expire tasks for the tasks worker), `adjust EMAIL POINTS "
        "--reason TEXT` (add points to a customer, or take some off with a negative number)."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        jobs = parser.add_subparsers(
            dest="job", required=True, metavar="{release,expire,rebuild,schedule,adjust}"
        )
        jobs.add_parser("release", help="credit delivered orders, make pending points available")
        jobs.add_parser("expire", help="expire points past the policy's months")
        jobs.add_parser("rebuild", help="recount balance rows from the ledger")
        jobs.add_parser("schedule", help="queue the daily release and expire tasks")
        adjust = jobs.add_parser("adjust", help="add points to a customer, or take some off (negative)")
        adjust.add_argument("email", help="the customer's email address")
        adjust.add_argument("points", type=int, help="points to add; a negative number takes points off")
        adjust.add_argument("--reason", required=True, help="why: the customer reads it")
        adjust.add_argument("--key", default="", help="an idempotency key: a rerun with it adds nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        now = timezone.now()
        job = options["job"]
        result: dict[str, Any]
        if job == "adjust":
            result = self._adjust(options, now)
        elif job == "release":
            earned = points_earn_delivered(now=now)
            released = points_release_due(now=now)
            result = {"earned_entries": earned.entries, **released.as_dict()}
        elif job == "expire":
            result = points_expire_due(now=now).as_dict()
        elif job == "rebuild":
            ids = sorted(set(PointsEntry.objects.values_list("customer_id", flat=True)))
            for customer_id in ids:
                balance_rebuild(customer_id=customer_id, now=now)
            result = {"customers": len(ids)}
        elif job == "schedule":
            result = {"queued": points_tasks_schedule()}
        else:  # pragma: no cover - argparse limits the choices
            raise CommandError(f"unknown job {job!r}")
        self.stdout.write(json.dumps({"job": job, **result}))

    def _adjust(self, options: dict[str, Any], now: Any) -> dict[str, Any]:
        customer = points_customer(email=options["email"])
        if customer is None:
            raise CommandError(f"No customer has the email address {options['email'].strip()!r}.")
        key = options["key"].strip() or uuid.uuid4().hex
        try:
            entry = points_adjust(
                customer=customer,
                points=options["points"],
                note=options["reason"],
                actor=Actor.agent("command line", AgentRole.ADMIN),
                key=f"cli:{key}",
                now=now,
            )
        except DomainError as exc:
            raise CommandError(exc.message) from None
        return {
            "email": customer.email,
            "points": entry.points,
            "entry_id": entry.pk,
            "balance": balance_available(customer_id=customer.pk),
        }
