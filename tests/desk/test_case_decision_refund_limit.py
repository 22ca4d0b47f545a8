"""Rejecting a payment check cancels the order with its refund, so it follows the desk's refund limit
like every agent refund: above `desk.agent_refund_limit` ($150 in the demo store) an agent's rejection
waits for a lead (nothing is decided or refunded), leads and admins decide at once, and the lead who
approves the request rejects the check with the agent's note."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client

from shopdesk.core.errors import Conflict
from shopdesk.desk.enums import TicketEventKind
from shopdesk.desk.models import ActionApproval, ApprovalStatus, Ticket
from shopdesk.desk.services.approvals import approval_approve, approval_reject
from shopdesk.desk.services.case_decisions import CASE_REJECTION, ticket_case_decide
from shopdesk.orders.models import Order
from shopdesk.payments.enums import PaymentState, VerificationCaseStatus
from shopdesk.payments.models import Payment, PaymentVerification, Refund
from tests.desk.test_case_decisions import verification_under_review
from tests.desk.test_permissions import api_headers, page_client

pytestmark = pytest.mark.django_db
NOTE = "The document does not match the card holder."


def check_under_review_with(captured: str) -> PaymentVerification:
    """A $500 order whose payment check is under review, `captured` of it already taken by the store."""
    check = verification_under_review()
    Payment.objects.filter(pk=check.payment_id).update(
        state=PaymentState.CAPTURED, amount_captured=Decimal(captured)
    )
    return check


def _ticket(check: PaymentVerification) -> Ticket:
    return Ticket.objects.get(source_reference=f"VER-{check.pk}")


def _state(check: PaymentVerification) -> tuple[str, bool, Decimal]:
    check.refresh_from_db()
    order = Order.objects.get(pk=check.order_id)
    refunded = sum(Refund.objects.filter(order=order).values_list("amount", flat=True), Decimal(0))
    return check.status, order.is_cancelled, refunded


def test_an_agents_rejection_above_the_limit_waits_for_a_lead_and_changes_nothing(agent) -> None:  # type: ignore[no-untyped-def]
    check = check_under_review_with("500.00")
    ticket = _ticket(check)
    done = ticket_case_decide(ticket=ticket, user=agent, approve=False, note=NOTE)
    assert done.approval_pending
    assert "$500.00" in done.message and "$150.00" in done.message and "lead" in done.message
    assert _state(check) == (VerificationCaseStatus.UNDER_REVIEW, False, Decimal(0))
    approval = ActionApproval.objects.get(order_id=check.order_id)
    assert (approval.action_id, approval.status, approval.ticket_id) == (
        CASE_REJECTION,
        ApprovalStatus.PENDING,
        ticket.pk,
    )
    assert approval.params["note"] == NOTE and approval.requested_by == agent.username
    assert ticket.events.filter(kind=TicketEventKind.APPROVAL, after="requested").count() == 1
    assert not ticket.events.filter(kind=TicketEventKind.CASE_DECIDED).exists()
    again = ticket_case_decide(ticket=ticket, user=agent, approve=False, note=NOTE)
    assert again.approval_pending and "already waiting" in again.message
    assert ActionApproval.objects.filter(order_id=check.order_id).count() == 1


@pytest.mark.parametrize("who", ["lead", "admin_agent"])
def test_leads_and_admins_reject_at_once_whatever_the_amount(who: str, request) -> None:  # type: ignore[no-untyped-def]
    user = request.getfixturevalue(who)
    check = check_under_review_with("500.00")
    done = ticket_case_decide(ticket=_ticket(check), user=user, approve=False, note=NOTE)
    assert not done.approval_pending
    assert _state(check) == (VerificationCaseStatus.REJECTED, True, Decimal("500.00"))
    assert not ActionApproval.objects.exists()


def test_an_agent_rejects_at_once_within_the_limit(agent) -> None:  # type: ignore[no-untyped-def]
    check = check_under_review_with("150.00")
    done = ticket_case_decide(ticket=_ticket(check), user=agent, approve=False, note=NOTE)
    assert not done.approval_pending
    assert _state(check) == (VerificationCaseStatus.REJECTED, True, Decimal("150.00"))


def test_an_agent_rejects_a_hold_never_captured_at_once(agent) -> None:  # type: ignore[no-untyped-def]
    """Nothing was taken, so nothing is refunded: the hold is released, no limit applies."""
    check = verification_under_review()
    done = ticket_case_decide(ticket=_ticket(check), user=agent, approve=False, note=NOTE)
    assert not done.approval_pending
    assert _state(check) == (VerificationCaseStatus.REJECTED, True, Decimal(0))


def test_an_agent_approves_at_once_whatever_the_amount(agent) -> None:  # type: ignore[no-untyped-def]
    """Approving moves no money: the order ships."""
    check = check_under_review_with("500.00")
    done = ticket_case_decide(ticket=_ticket(check), user=agent, approve=True)
    assert not done.approval_pending
    assert _state(check) == (VerificationCaseStatus.APPROVED, False, Decimal(0))


def test_the_lead_who_approves_the_request_rejects_the_check_with_the_agents_note(agent, lead) -> None:  # type: ignore[no-untyped-def]
    check = check_under_review_with("500.00")
    ticket = _ticket(check)
    ticket_case_decide(ticket=ticket, user=agent, approve=False, note=NOTE)
    approval = approval_approve(approval=ActionApproval.objects.get(), lead=lead)
    assert approval.status == ApprovalStatus.APPROVED and "Payment check rejected" in approval.result_message
    assert _state(check) == (VerificationCaseStatus.REJECTED, True, Decimal("500.00"))
    assert check.decided_by == lead.username
    decided = ticket.events.get(kind=TicketEventKind.CASE_DECIDED)
    assert decided.actor_label == lead.username and NOTE in decided.message
    with pytest.raises(Conflict):  # a second decision of the same request is refused
        approval_approve(approval=approval, lead=lead)
    assert Refund.objects.filter(order_id=check.order_id).count() == 1


def test_a_lead_rejecting_the_request_leaves_the_check_for_review(agent, lead) -> None:  # type: ignore[no-untyped-def]
    check = check_under_review_with("500.00")
    ticket_case_decide(ticket=_ticket(check), user=agent, approve=False, note=NOTE)
    approval_reject(approval=ActionApproval.objects.get(), lead=lead, note="The document looks fine to me.")
    assert _state(check) == (VerificationCaseStatus.UNDER_REVIEW, False, Decimal(0))


def test_a_request_approved_after_the_check_was_decided_fails_and_moves_nothing(agent, lead) -> None:  # type: ignore[no-untyped-def]
    check = check_under_review_with("500.00")
    ticket = _ticket(check)
    ticket_case_decide(ticket=ticket, user=agent, approve=False, note=NOTE)
    ticket_case_decide(ticket=ticket, user=lead, approve=True)  # another lead approved the check meanwhile
    approval = approval_approve(approval=ActionApproval.objects.get(), lead=lead)
    assert approval.status == ApprovalStatus.FAILED and "already verified" in approval.result_message
    assert _state(check) == (VerificationCaseStatus.APPROVED, False, Decimal(0))


@pytest.mark.parametrize(
    ("who", "pending", "status"),
    [
        ("agent", True, VerificationCaseStatus.UNDER_REVIEW),
        ("lead", False, VerificationCaseStatus.REJECTED),
        ("admin_agent", False, VerificationCaseStatus.REJECTED),
    ],
)
def test_the_api_applies_the_limit_by_role(
    who: str, pending: bool, status: str, agent, lead, admin_agent
) -> None:  # type: ignore[no-untyped-def]
    check = check_under_review_with("500.00")
    world = {
        "order": Order.objects.get(pk=check.order_id),
        "users": {"agent": agent, "lead": lead, "admin_agent": admin_agent},
    }
    response = Client().post(
        f"/api/v1/desk/tickets/{_ticket(check).reference}/case-decision",
        {"decision": "reject", "note": NOTE},
        content_type="application/json",
        **api_headers(who, world),
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["approval_pending"] is pending
    assert body["status"] == VerificationCaseStatus(status).label
    assert _state(check)[0] == status


def test_the_sidebar_says_the_rejection_waits_for_a_lead(agent) -> None:  # type: ignore[no-untyped-def]
    check = check_under_review_with("500.00")
    ticket = _ticket(check)
    client = page_client("agent", {"order": Order.objects.get(pk=check.order_id), "users": {"agent": agent}})
    response = client.post(
        f"/desk/tickets/{ticket.reference}/case", {"decision": "reject", "note": NOTE}, follow=True
    )
    html = response.content.decode()
    assert response.status_code == 200 and "The request is waiting for a lead." in html
    assert _state(check) == (VerificationCaseStatus.UNDER_REVIEW, False, Decimal(0))
    approvals = client.get("/desk/approvals/").content.decode()
    assert "Reject a payment check" in approvals and ticket.reference in approvals
    assert CASE_REJECTION not in approvals  # the request in words, not its id
