"""Returns waiting for approval and payment checks under review open tickets with their kind and order,
and the agent approves or rejects them from the ticket (page and API), through the returns and payments
services. Anonymous visitors, customers and staff without a desk role can't."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client

from shopdesk.core.actors import Actor
from shopdesk.core.errors import InvalidInput, NotFound
from shopdesk.desk.enums import TicketChannel, TicketEventKind, TicketTopic
from shopdesk.desk.models import Ticket
from shopdesk.desk.services.case_decisions import ticket_case, ticket_case_decide
from shopdesk.orders.models import Order, OrderLine
from shopdesk.payments.enums import VerificationCaseStatus
from shopdesk.payments.models import PaymentVerification
from shopdesk.payments.services.verification import VerificationDocument, verification_submit
from shopdesk.returns.enums import ReturnStatus
from shopdesk.returns.models import ReturnRequest
from shopdesk.returns.services import ReturnLineRequest, return_create
from tests.desk.conftest import open_ticket
from tests.desk.test_permissions import WHO, api_headers, page_client
from tests.orders.test_services_states import shirt_line
from tests.payments.test_verification import PDF, order_awaiting_verification
from tests.returns.conftest import delivered_shirt_and_scarf

pytestmark = pytest.mark.django_db
AGENTS = {"agent", "lead", "admin_agent"}


def pending_return() -> ReturnRequest:
    """A customer's return of a $400 shirt: above the policy's $300, so it waits for approval."""
    order = delivered_shirt_and_scarf()
    OrderLine.objects.filter(pk=shirt_line(order).pk).update(unit_price=Decimal("400.00"))
    done = return_create(
        order=order,
        actor=Actor.customer(order.email),
        lines=[ReturnLineRequest(line_id=shirt_line(order).pk, quantity=1, reason="too_big")],
        method="label",
    )
    assert done.return_request.status == ReturnStatus.PENDING_APPROVAL
    return done.return_request


def verification_under_review() -> PaymentVerification:
    order = order_awaiting_verification()
    check = PaymentVerification.objects.get(order=order)
    return verification_submit(
        verification=check, actor=Actor.customer(order.email), document=VerificationDocument(PDF)
    )


def _ticket_of(reference: str) -> Ticket:
    return Ticket.objects.get(source_reference=reference)


def test_a_return_waiting_for_approval_opens_one_ticket_with_its_kind_and_order() -> None:
    returned = pending_return()
    ticket = _ticket_of(returned.rma)
    assert ticket.order_id == returned.order_id and ticket.channel == TicketChannel.CASE
    assert ticket.topic == TicketTopic.RETURNS
    assert list(ticket.tags.values_list("name", flat=True)) == ["return-approval"]
    assert returned.rma in ticket.subject and "Linen shirt" in ticket.messages.get().body
    case = ticket_case(ticket)
    assert case is not None and case.pending and case.label == f"Return {returned.rma}"


def test_a_return_approved_at_once_opens_no_ticket() -> None:
    delivered_order = delivered_shirt_and_scarf()
    return_create(
        order=delivered_order,
        actor=Actor.customer(delivered_order.email),
        lines=[ReturnLineRequest(line_id=shirt_line(delivered_order).pk, quantity=1, reason="too_big")],
        method="label",
    )
    assert not Ticket.objects.exists()


def test_a_payment_check_under_review_opens_one_ticket() -> None:
    check = verification_under_review()
    ticket = _ticket_of(f"VER-{check.pk}")
    assert ticket.order_id == check.order_id and ticket.topic == TicketTopic.PAYMENTS
    assert list(ticket.tags.values_list("name", flat=True)) == ["payment-verification"]
    assert "a document" in ticket.messages.get().body
    assert Ticket.objects.count() == 1


def test_an_agent_approves_the_return_from_its_ticket(agent) -> None:  # type: ignore[no-untyped-def]
    returned = pending_return()
    ticket = _ticket_of(returned.rma)
    message = ticket_case_decide(ticket=ticket, user=agent, approve=True).message
    returned.refresh_from_db()
    assert returned.status == ReturnStatus.APPROVED and "approved" in message
    last = returned.events.last()
    assert (last.to_status, last.actor_label) == ("approved", agent.username)
    event = ticket.events.get(kind=TicketEventKind.CASE_DECIDED)
    assert (event.before, event.after, event.actor_label) == (returned.rma, "approved", agent.username)
    assert not ticket_case(ticket).pending  # type: ignore[union-attr]


def test_a_rejection_needs_a_note_and_a_decided_case_is_refused(lead) -> None:  # type: ignore[no-untyped-def]
    returned = pending_return()
    ticket = _ticket_of(returned.rma)
    with pytest.raises(InvalidInput):
        ticket_case_decide(ticket=ticket, user=lead, approve=False, note="   ")
    returned.refresh_from_db()
    assert returned.status == ReturnStatus.PENDING_APPROVAL
    ticket_case_decide(ticket=ticket, user=lead, approve=False, note="Worn, per the photos.")
    returned.refresh_from_db()
    assert returned.status == ReturnStatus.REJECTED
    from shopdesk.core.errors import NotEligible

    with pytest.raises(NotEligible):
        ticket_case_decide(ticket=ticket, user=lead, approve=True)
    returned.refresh_from_db()
    assert returned.status == ReturnStatus.REJECTED


def test_an_agent_approves_the_payment_check_and_the_order_ships(agent) -> None:  # type: ignore[no-untyped-def]
    check = verification_under_review()
    ticket = _ticket_of(f"VER-{check.pk}")
    ticket_case_decide(ticket=ticket, user=agent, approve=True)
    check.refresh_from_db()
    assert check.status == VerificationCaseStatus.APPROVED and check.decided_by == agent.username
    assert not Order.objects.get(pk=check.order_id).is_cancelled


def test_rejecting_the_payment_check_cancels_the_order(admin_agent) -> None:  # type: ignore[no-untyped-def]
    check = verification_under_review()
    ticket = _ticket_of(f"VER-{check.pk}")
    ticket_case_decide(ticket=ticket, user=admin_agent, approve=False, note="The document does not match.")
    check.refresh_from_db()
    assert check.status == VerificationCaseStatus.REJECTED
    assert Order.objects.get(pk=check.order_id).is_cancelled


def test_a_ticket_without_a_case_has_nothing_to_decide(agent) -> None:  # type: ignore[no-untyped-def]
    ticket = open_ticket()
    assert ticket_case(ticket) is None
    with pytest.raises(NotFound):
        ticket_case_decide(ticket=ticket, user=agent, approve=True)


# --- who may decide, on the page and the API ---------------------------------------------------------
@pytest.fixture
def world(agent, lead, admin_agent, staff_not_agent):  # type: ignore[no-untyped-def]
    returned = pending_return()
    check = verification_under_review()
    return {
        "order": returned.order,
        "return": returned,
        "check": check,
        "users": {
            "agent": agent,
            "lead": lead,
            "admin_agent": admin_agent,
            "staff_not_agent": staff_not_agent,
        },
    }


@pytest.mark.parametrize("who", WHO)
def test_the_ticket_page_decides_the_return_for_agents_only(who: str, world) -> None:  # type: ignore[no-untyped-def]
    returned = world["return"]
    ticket = _ticket_of(returned.rma)
    client = page_client(who, world)
    page = client.get(f"/desk/tickets/{ticket.reference}/")
    response = client.post(f"/desk/tickets/{ticket.reference}/case", {"decision": "approve"})
    returned.refresh_from_db()
    if who in AGENTS:
        assert page.status_code == 200 and 'value="approve"' in page.content.decode()
        assert response.status_code == 302 and returned.status == ReturnStatus.APPROVED
    else:
        assert response.status_code in {302, 403} and returned.status == ReturnStatus.PENDING_APPROVAL
        if who != "staff_not_agent":
            assert response["Location"].startswith("/desk/login/")


@pytest.mark.parametrize("who", WHO)
def test_the_api_decides_the_payment_check_for_agents_only(who: str, world) -> None:  # type: ignore[no-untyped-def]
    check = world["check"]
    ticket = _ticket_of(f"VER-{check.pk}")
    response = Client().post(
        f"/api/v1/desk/tickets/{ticket.reference}/case-decision",
        {"decision": "approve"},
        content_type="application/json",
        **api_headers(who, world),
    )
    check.refresh_from_db()
    if who in AGENTS:
        assert response.status_code == 200, response.content
        assert response.json()["status"] == VerificationCaseStatus.APPROVED.label
        assert check.status == VerificationCaseStatus.APPROVED
    else:
        assert response.status_code in {401, 403}
        assert check.status == VerificationCaseStatus.UNDER_REVIEW


def test_the_api_refuses_a_bad_decision_and_changes_nothing(world) -> None:  # type: ignore[no-untyped-def]
    returned = world["return"]
    ticket = _ticket_of(returned.rma)
    for body in ({"decision": "maybe"}, {"decision": "reject", "note": ""}):
        response = Client().post(
            f"/api/v1/desk/tickets/{ticket.reference}/case-decision",
            body,
            content_type="application/json",
            **api_headers("agent", world),
        )
        assert response.status_code == 422
    returned.refresh_from_db()
    assert returned.status == ReturnStatus.PENDING_APPROVAL
