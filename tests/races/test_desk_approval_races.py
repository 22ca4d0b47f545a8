"""Two leads approve the same refund request at once, and two agents ask for it at once: one request,
one decision, one cancellation. PostgreSQL only (skipped on SQLite)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from shopdesk.core.errors import Conflict
from shopdesk.desk.models import ActionApproval, ApprovalStatus
from shopdesk.desk.roles import agent_actor
from shopdesk.desk.services.agents import agent_add
from shopdesk.desk.services.approvals import approval_approve, approval_reject
from shopdesk.desk.services.order_actions import order_action_perform
from shopdesk.orders.enums import OrderEventKind
from shopdesk.orders.models import Order
from tests import factories
from tests.races.conftest import postgres_only, race, server_errors

pytestmark = [pytest.mark.postgres, postgres_only, pytest.mark.django_db(transaction=True)]


def _big_order() -> Order:
    order = factories.OrderFactory(subtotal=Decimal("240.00"), total=Decimal("240.00"))
    factories.OrderLineFactory(order=order, unit_price=Decimal("120.00"))
    factories.OrderLineFactory(order=order, unit_price=Decimal("120.00"))
    factories.PaymentFactory(order=order)
    return order


def test_two_agents_ask_and_two_leads_decide_at_once() -> None:
    order = _big_order()
    agents = [agent_add(email=f"a{i}@desk.example", role="agent", name=f"A{i}").user for i in range(2)]
    leads = [agent_add(email=f"l{i}@desk.example", role="lead", name=f"L{i}").user for i in range(2)]
    asked = race(
        [
            lambda user=user: order_action_perform(  # type: ignore[misc]
                order=order, action_id="cancel", actor=agent_actor(user), params={}, idempotency_key=None
            )
            for user in agents
        ]
    )
    assert server_errors(asked) == []
    assert ActionApproval.objects.filter(status=ApprovalStatus.PENDING).count() == 1
    approval = ActionApproval.objects.get()
    decided = race(
        [
            lambda: approval_approve(approval=ActionApproval.objects.get(pk=approval.pk), lead=leads[0]),
            lambda: approval_reject(
                approval=ActionApproval.objects.get(pk=approval.pk), lead=leads[1], note="No."
            ),
        ]
    )
    assert server_errors(decided) == []
    assert sum(isinstance(result, Conflict) for result in decided) == 1
    final = ActionApproval.objects.get(pk=approval.pk)
    cancelled = Order.objects.get(pk=order.pk).is_cancelled
    assert cancelled == (final.status == ApprovalStatus.APPROVED)
    assert order.events.filter(kind=OrderEventKind.CANCELLED).count() == (1 if cancelled else 0)
