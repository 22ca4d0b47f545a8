"""Payment-check races on PostgreSQL, with the real services on real threads (skipped on SQLite):
two answers at once, an answer racing the deadline job, and an agent's decision racing the job.
Each ends in exactly one outcome."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.db import connection

from shopdesk.core.actors import Actor
from shopdesk.core.errors import DomainError
from shopdesk.orders.models import Order, OrderEvent
from shopdesk.payments.enums import VerificationCaseStatus
from shopdesk.payments.models import PaymentVerification, Refund
from shopdesk.payments.services.verification import (
    verification_deadline_apply,
    verification_decide,
    verification_submit,
)
from tests.payments.test_verification import order_awaiting_verification
from tests.races.conftest import race, server_errors

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
NOW = dt.datetime(2026, 3, 10, 15, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _needs_postgres() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")


def _submit(order: Order, digits: str) -> Any:
    check = PaymentVerification.objects.get(order=order)
    return verification_submit(
        verification=check, actor=Actor.customer(order.email), card_last4=digits, billing_postcode="SW1A 1AA"
    )


def _events(order: Order) -> int:
    return OrderEvent.objects.filter(order=order, after__has_key="verification").count()


def test_two_answers_at_once_record_one() -> None:
    with time_machine.travel(NOW, tick=True):
        order = order_awaiting_verification()
        results = race([lambda: _submit(order, "4242"), lambda: _submit(order, "1111")])
    assert not server_errors(results)
    winners = [r for r in results if isinstance(r, PaymentVerification)]
    losers = [r for r in results if isinstance(r, DomainError)]
    assert len(winners) == 1 and len(losers) == 1
    assert losers[0].code == "verification_under_review"
    check = PaymentVerification.objects.get(order=order)
    assert check.status == VerificationCaseStatus.UNDER_REVIEW
    assert check.card_last4 == winners[0].card_last4
    assert _events(order) == 2  # opened, answered once


def test_an_answer_racing_the_deadline_job_ends_one_way() -> None:
    with time_machine.travel(NOW, tick=True):
        order = order_awaiting_verification()
    check_id = PaymentVerification.objects.get(order=order).pk
    deadline = PaymentVerification.objects.get(pk=check_id).deadline
    # The clock stands at the deadline: the job may act, and an answer is still on time only if it
    # gets the lock first (it reads the clock before the job's change).
    with time_machine.travel(deadline - dt.timedelta(milliseconds=1), tick=True):
        results = race(
            [
                lambda: _submit(order, "4242"),
                lambda: verification_deadline_apply(verification_id=check_id, now=deadline),
            ]
        )
    assert not server_errors(results)
    check = PaymentVerification.objects.get(pk=check_id)
    order.refresh_from_db()
    if check.status == VerificationCaseStatus.UNDER_REVIEW:
        assert not order.is_cancelled and isinstance(results[0], PaymentVerification)
    else:
        assert check.status == VerificationCaseStatus.EXPIRED
        assert order.is_cancelled and isinstance(results[0], DomainError)
        assert check.card_last4 == ""
    assert _events(order) == 2  # opened + exactly one of: answered, expired


def test_an_agent_rejecting_while_the_job_runs_cancels_once() -> None:
    with time_machine.travel(NOW, tick=True):
        order = order_awaiting_verification()
    check = PaymentVerification.objects.get(order=order)
    late = check.deadline + dt.timedelta(minutes=5)
    with time_machine.travel(late, tick=True):
        results = race(
            [
                lambda: verification_decide(verification=check, approve=False, actor=Actor.agent("sam")),
                lambda: verification_deadline_apply(verification_id=check.pk, now=late),
            ]
        )
    assert not server_errors(results)
    check.refresh_from_db()
    assert check.status in (VerificationCaseStatus.REJECTED, VerificationCaseStatus.EXPIRED)
    order.refresh_from_db()
    assert order.is_cancelled
    assert OrderEvent.objects.filter(order=order, kind="cancelled").count() == 1
    assert Refund.objects.filter(order=order).count() <= 1
