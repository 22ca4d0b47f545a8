"""The scheduled points jobs, with the clock moved by time-machine (no real waits)."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from shopdesk.loyalty.jobs import points_earn_delivered, points_expire_due, points_release_due
from shopdesk.loyalty.models import PointsEntry, PointsEntryKind
from shopdesk.loyalty.services import points_earn_for_order, points_spend
from shopdesk.loyalty.tasks import points_expire_task, points_release_task, points_tasks_schedule
from tests import factories
from tests.loyalty.conftest import balance, delivered_order, ledger_sums

pytestmark = pytest.mark.django_db
START = dt.datetime(2027, 3, 10, 15, 0, tzinfo=dt.UTC)


def test_delivered_orders_earn_then_the_points_become_available_on_their_day():
    with time_machine.travel(START, tick=False):
        customer = factories.CustomerFactory()
        order = factories.OrderFactory(customer=customer, subtotal=Decimal("250.00"), total=Decimal("250.00"))
        factories.ShipmentFactory(order=order, delivered_at=START - dt.timedelta(days=1))
        still_moving = factories.OrderFactory(customer=customer)
        factories.ShipmentFactory(order=still_moving, delivered_at=None)
        run = points_earn_delivered(now=timezone.now())
        assert run.entries == 1 and balance(customer) == (0, 250)
        assert points_earn_delivered(now=timezone.now()).entries == 0  # credited once
    with time_machine.travel(START + dt.timedelta(days=28), tick=False):
        assert points_release_due(now=timezone.now()).entries == 0  # day 29 after delivery: still pending
    with time_machine.travel(START + dt.timedelta(days=29, minutes=1), tick=False):
        run = points_release_due(now=timezone.now())
        assert (run.customers, run.entries, run.points) == (1, 1, 250)
        assert balance(customer) == (250, 0) == ledger_sums(customer)
        assert points_release_due(now=timezone.now()).entries == 0  # a second run settles nothing twice


def test_a_pending_revoke_settles_with_the_points_it_cancels():
    from shopdesk.loyalty.services import points_revoke_for_return

    with time_machine.travel(START, tick=False):
        customer = factories.CustomerFactory()
        order = delivered_order(customer, subtotal="100.00")
        points_earn_for_order(order=order, delivered_at=START, now=START)
        points_revoke_for_return(order=order, points=40, key="r", now=START)
    with time_machine.travel(START + dt.timedelta(days=31), tick=False):
        points_release_due(now=timezone.now())
        assert balance(customer) == (60, 0) == ledger_sums(customer)


def test_what_is_left_of_old_points_expires_oldest_first():
    with time_machine.travel(START, tick=False):
        customer = factories.CustomerFactory()
        old = delivered_order(customer, subtotal="800.00")
        points_earn_for_order(order=old, delivered_at=START - dt.timedelta(days=30), now=START)  # usable now
        newer = delivered_order(customer, subtotal="300.00")
        points_earn_for_order(order=newer, delivered_at=START - dt.timedelta(days=10), now=START)
        points_spend(customer=customer, points=500, key="spend", now=START)  # from the oldest: 300 left of it
    with time_machine.travel(START + dt.timedelta(days=21), tick=False):
        points_release_due(now=timezone.now())
        assert balance(customer) == (600, 0)
    with time_machine.travel(START + dt.timedelta(days=365 * 2 - 1), tick=False):
        assert points_expire_due(now=timezone.now()).points == 0  # not yet two years
    with time_machine.travel(START + dt.timedelta(days=365 * 2 + 1), tick=False):
        run = points_expire_due(now=timezone.now())
        assert (run.entries, run.points) == (1, 300)
        expired = PointsEntry.objects.get(customer=customer, kind=PointsEntryKind.EXPIRED)
        assert expired.points == -300 and expired.order == old
        assert balance(customer) == (300, 0) == ledger_sums(customer)
        assert points_expire_due(now=timezone.now()).entries == 0  # never expired twice
    with time_machine.travel(START + dt.timedelta(days=365 * 2 + 30), tick=False):
        assert points_expire_due(now=timezone.now()).points == 300
        assert balance(customer) == (0, 0)


def test_the_tasks_run_the_jobs_and_queue_their_next_run_a_day_later():
    with time_machine.travel(START, tick=False):
        customer = factories.CustomerFactory()
        order = delivered_order(customer)
        points_earn_for_order(
            order=order, delivered_at=START - dt.timedelta(days=31), now=START - dt.timedelta(days=31)
        )
        result = points_release_task.call(reschedule=True)
        assert result["points"] == 120 and balance(customer) == (120, 0)
        queued = DBTaskResult.objects.get(task_path=points_release_task.module_path)
        assert queued.status == TaskResultStatus.READY and queued.run_after == START + dt.timedelta(days=1)
        assert points_expire_task.call(reschedule=False) == {"customers": 0, "entries": 0, "points": 0}


def test_schedule_queues_each_task_once():
    assert sorted(points_tasks_schedule()) == ["points_expire_task", "points_release_task"]
    assert points_tasks_schedule() == []
    assert DBTaskResult.objects.count() == 2


def test_the_points_command_runs_each_job(customer_with_available_points):
    out = StringIO()
    call_command("points", "release", stdout=out)
    call_command("points", "expire", stdout=out)
    call_command("points", "rebuild", stdout=out)
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [line["job"] for line in lines] == ["release", "expire", "rebuild"]
    assert lines[2]["customers"] == 1 and balance(customer_with_available_points) == (1000, 0)
