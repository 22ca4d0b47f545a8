"""Agents and a lead reject the same payment check at the same instant, on PostgreSQL: the order is
cancelled and refunded once, and at most one request waits for a lead (the limit is asked under the
order's lock, so no agent's rejection slips past it)."""

from __future__ import annotations

from decimal import Decimal
from functools import partial

import pytest
from django.contrib.auth import get_user_model

from shopdesk.core.errors import DomainError
from shopdesk.desk.models import ActionApproval, ApprovalStatus, Ticket
from shopdesk.desk.services.agents import agent_add
from shopdesk.desk.services.case_decisions import CaseDecision, ticket_case_decide
from shopdesk.payments.enums import PaymentState, VerificationCaseStatus
from shopdesk.payments.models import Payment, Refund
from tests.desk.test_case_decisions import verification_under_review
from tests.races.conftest import postgres_only, race, server_errors

pytestmark = [postgres_only, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_agents_and_a_lead_rejecting_at_once_refund_once() -> None:
    check = verification_under_review()
    Payment.objects.filter(pk=check.payment_id).update(
        state=PaymentState.CAPTURED, amount_captured=Decimal("500.00")
    )
    ticket = Ticket.objects.get(source_reference=f"VER-{check.pk}")
    agent_add(email="lead@example.com", role="lead")
    for index in range(4):
        agent_add(email=f"agent-{index}@example.com", role="agent")
    users = get_user_model().objects
    writes = [
        partial(
            ticket_case_decide,
            ticket=ticket,
            user=users.get(email=email),
            approve=False,
            note="The document does not match.",
        )
        for email in ["lead@example.com", *(f"agent-{index}@example.com" for index in range(4))]
    ]
    results = race(writes)
    assert not server_errors(results)
    lead_result = results[0]
    assert isinstance(lead_result, CaseDecision) and not lead_result.approval_pending
    assert all(isinstance(r, (CaseDecision, DomainError)) for r in results[1:])
    check.refresh_from_db()
    assert check.status == VerificationCaseStatus.REJECTED
    assert Refund.objects.filter(order_id=check.order_id).count() == 1
    assert Payment.objects.get(pk=check.payment_id).amount_refunded == Decimal("500.00")
    assert ActionApproval.objects.filter(status=ApprovalStatus.PENDING).count() <= 1
