"""Refunds above the policy's limit wait for a lead: an agent's request is recorded, a lead approves
(the action runs as the lead) or rejects it with a reason; leads and admins act at once."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client

from shopdesk.core.errors import Conflict, InvalidInput, PermissionDenied
from shopdesk.desk.enums import MessageKind, TicketEventKind
from shopdesk.desk.models import ActionApproval, ApprovalStatus
from shopdesk.desk.roles import agent_actor
from shopdesk.desk.services.agents import agent_token_create
from shopdesk.desk.services.approvals import approval_approve, approval_reject
from shopdesk.desk.services.macros import macro_apply, macro_save
from shopdesk.desk.services.order_actions import order_action_perform
from shopdesk.orders.models import Order
from tests import factories
from tests.desk.conftest import PASSWORD, open_ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def big_order(db: None) -> Order:
    """A paid order of $240, above the demo policy's $150 an agent may refund alone."""
    order = factories.OrderFactory(subtotal=Decimal("240.00"), total=Decimal("240.00"))
    factories.OrderLineFactory(order=order, unit_price=Decimal("120.00"))
    factories.OrderLineFactory(order=order, unit_price=Decimal("120.00"))
    factories.PaymentFactory(order=order)
    return order


def _cancel(order: Order, user, key: str = "k"):  # type: ignore[no-untyped-def]
    ticket = open_ticket(email=order.email, order=order)
    result = order_action_perform(
        order=order,
        action_id="cancel",
        actor=agent_actor(user),
        params={},
        idempotency_key=key,
        ticket=ticket,
    )
    return ticket, result


def test_an_agent_refund_above_the_limit_waits_for_a_lead_who_approves_it(agent, lead, big_order) -> None:  # type: ignore[no-untyped-def]
    ticket, result = _cancel(big_order, agent)
    assert result.data["approval_pending"] and "$240.00" in result.message and "$150.00" in result.message
    assert not Order.objects.get(pk=big_order.pk).is_cancelled
    approval = ActionApproval.objects.get()
    assert approval.status == ApprovalStatus.PENDING and approval.requested_by == agent.username
    # Asking again does not make a second request.
    again = order_action_perform(
        order=big_order, action_id="cancel", actor=agent_actor(agent), params={}, idempotency_key="k2"
    )
    assert again.replayed and ActionApproval.objects.count() == 1
    with pytest.raises(PermissionDenied):
        approval_approve(approval=approval, lead=agent)
    done = approval_approve(approval=approval, lead=lead, note="Customer is a regular.")
    assert done.status == ApprovalStatus.APPROVED and done.decided_by == lead.username
    order = Order.objects.get(pk=big_order.pk)
    assert order.is_cancelled
    assert order.events.filter(kind="cancelled", actor_kind="agent", actor_label=lead.username).exists()
    kinds = list(ticket.events.filter(kind=TicketEventKind.APPROVAL).values_list("after", flat=True))
    assert kinds == ["requested", "approved"]
    with pytest.raises(Conflict):
        approval_approve(approval=done, lead=lead)


def test_a_lead_rejects_with_a_reason_and_nothing_happens(agent, lead, big_order) -> None:  # type: ignore[no-untyped-def]
    _ticket, _ = _cancel(big_order, agent)
    approval = ActionApproval.objects.get()
    with pytest.raises(InvalidInput):
        approval_reject(approval=approval, lead=lead, note="  ")
    rejected = approval_reject(approval=approval, lead=lead, note="Items are already packed.")
    assert (
        rejected.status == ApprovalStatus.REJECTED and rejected.decision_note == "Items are already packed."
    )
    assert not Order.objects.get(pk=big_order.pk).is_cancelled


@pytest.mark.parametrize("who", ["lead", "admin_agent"])
def test_leads_and_admins_refund_above_the_limit_at_once(who: str, request, big_order) -> None:  # type: ignore[no-untyped-def]
    _ticket, result = _cancel(big_order, request.getfixturevalue(who))
    assert "approval_pending" not in result.data
    assert Order.objects.get(pk=big_order.pk).is_cancelled and not ActionApproval.objects.exists()


def test_an_agent_below_the_limit_acts_alone(agent, unfulfilled_order) -> None:  # type: ignore[no-untyped-def]
    _cancel(unfulfilled_order, agent)
    assert Order.objects.get(pk=unfulfilled_order.pk).is_cancelled and not ActionApproval.objects.exists()


def test_approving_after_the_order_changed_records_the_refusal(agent, lead, big_order) -> None:  # type: ignore[no-untyped-def]
    _cancel(big_order, agent)
    approval = ActionApproval.objects.get()
    shipment = factories.ShipmentFactory(order=big_order)  # everything left the warehouse meanwhile
    for line in big_order.lines.all():
        factories.ShipmentLineFactory(shipment=shipment, order_line=line, quantity=line.quantity)
    failed = approval_approve(approval=approval, lead=lead)
    assert failed.status == ApprovalStatus.FAILED and "left our warehouse" in failed.result_message
    assert not Order.objects.get(pk=big_order.pk).is_cancelled


def test_a_cancel_and_reply_macro_waiting_for_approval_sends_nothing(agent, big_order) -> None:  # type: ignore[no-untyped-def]
    from shopdesk.desk.services.agents import agent_add

    admin = agent_add(email="boss@desk.example", role="admin", name="Boss").user
    macro = macro_save(author=admin, name="Cancel", body="Cancelled.", action_id="cancel")
    ticket = open_ticket(email=big_order.email, order=big_order)
    applied = macro_apply(macro=macro, ticket=ticket, author=agent, idempotency_key="m")
    assert applied.message is None and applied.action is not None and applied.action.data["approval_pending"]
    assert not ticket.messages.filter(kind=MessageKind.PUBLIC_REPLY).exists()


@pytest.mark.parametrize("who", ["anonymous", "agent", "lead", "admin_agent"])
def test_the_approvals_page_and_api_by_role(who: str, request, agent, big_order) -> None:  # type: ignore[no-untyped-def]
    _cancel(big_order, agent)
    approval = ActionApproval.objects.get()
    client, headers = Client(), {}
    if who != "anonymous":
        user = request.getfixturevalue(who)
        assert client.login(username=user.username, password=PASSWORD)
        headers = {"HTTP_AUTHORIZATION": f"Bearer {agent_token_create(user=user)}"}
    listing = client.get("/desk/approvals/")
    api_list = Client().get("/api/v1/desk/approvals", **headers)
    decided = client.post(f"/desk/approvals/{approval.pk}/decide", {"decision": "reject", "note": "No."})
    approval.refresh_from_db()
    if who == "anonymous":
        assert listing.status_code == 302 and api_list.status_code == 401
        assert approval.status == ApprovalStatus.PENDING
    elif who == "agent":
        assert listing.status_code == 200 and str(big_order.number) in listing.content.decode()
        assert "<strong>Cancel the order</strong>" in listing.content.decode()  # the action's label
        assert api_list.status_code == 200 and api_list.json()[0]["status"] == "pending"
        assert decided.status_code == 403 and approval.status == ApprovalStatus.PENDING
        api = Client().post(
            f"/api/v1/desk/approvals/{approval.pk}",
            {"decision": "approve"},
            content_type="application/json",
            **headers,
        )
        assert api.status_code == 403
    else:
        assert listing.status_code == 200 and decided.status_code == 302
        assert approval.status == ApprovalStatus.REJECTED
