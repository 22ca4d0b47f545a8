"""`shopdesk points release|expire|rebuild|schedule`: run the points jobs now, or start their daily cycle."""

from __future__ import annotations

import json
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from shopdesk.loyalty.jobs import points_earn_delivered, points_expire_due, points_release_due
from shopdesk.loyalty.ledger import balance_rebuild
from shopdesk.loyalty.models import PointsEntry
from shopdesk.loyalty.tasks import points_tasks_schedule


class Command(BaseCommand):
    help = (
        "Points jobs: `release` (credit delivered orders, make pending points available), `expire` "
        "(expire points past the policy's months), `rebuild` (recount balance rows from the ledger), "
        "`schedule` (queue the daily release and expire tasks for the tasks worker)."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("job", choices=["release", "expire", "rebuild", "schedule"])

    def handle(self, *args: Any, **options: Any) -> None:
        now = timezone.now()
        job = options["job"]
        if job == "release":
            earned = points_earn_delivered(now=now)
            released = points_release_due(now=now)
            result: dict[str, Any] = {"earned_entries": earned.entries, **released.as_dict()}
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
