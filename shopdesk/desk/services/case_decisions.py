"""Returns waiting for approval and payment checks under review become tickets with their kind and order,
and the agent approves or rejects them from the ticket, through the returns and payments services.

The two areas sit below the desk and don't know it: the desk hears of them from the rows they write
(a return's move to "pending approval", the order event of a payment check answered), in the same
transaction. The customer already got an email from each of them, so no acknowledgement is sent here.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from shopdesk.core.actors import Actor, AgentRole
from shopdesk.core.errors import DomainError, InvalidInput, NotFound
from shopdesk.desk import events
from shopdesk.desk.enums import TicketChannel, TicketPriority, TicketTopic
from shopdesk.desk.models import ActionApproval, ApprovalStatus, Ticket, TicketTag
from shopdesk.desk.roles import agent_actor, require_role
from shopdesk.desk.services.approvals import refund_limit_reason
from shopdesk.desk.services.tickets import ticket_create
from shopdesk.orders.enums import OrderEventKind
from shopdesk.orders.models import Order, OrderEvent
from shopdesk.orders.services.idempotency import order_lock
from shopdesk.payments.enums import OPEN_VERIFICATION, VerificationCaseStatus
from shopdesk.payments.models import PaymentVerification
from shopdesk.payments.services.verification import verification_decide
from shopdesk.returns.enums import ReturnStatus
from shopdesk.returns.models import ReturnEvent, ReturnRequest
from shopdesk.returns.services import return_decide
from shopdesk.selfservice.registry import ActionResult
from shopdesk.selfservice.services.cancel import cancel_preview

if TYPE_CHECKING:
    from django.contrib.auth.models import User

RETURN_TAG = "return-approval"
VERIFICATION_TAG = "payment-verification"
VERIFICATION_PREFIX = "VER-"  # a payment check has no reference of its own: the desk names it by id
# The approval request of a payment check an agent rejected above the refund limit (not a registry id:
# approving it rejects the check as the lead, see approvals.approval_approve).
CASE_REJECTION = "payment_check_reject"


def _ticket_open(
    *, reference: str, tag: str, subject: str, body: str, topic: str, order: Any
) -> Ticket | None:
    existing = Ticket.objects.filter(source_reference=reference).first()
    if existing is not None:
        return existing
    if "@" not in (order.email or ""):
        return None  # a store order without an email: nobody to answer, and the return must not fail
    with transaction.atomic():
        ticket = ticket_create(
            subject=subject,
            customer_email=order.email,
            customer_name=order.customer.name if order.customer_id else "",
            channel=TicketChannel.CASE,
            body=body,
            actor=Actor.system(),
            topic=topic,
            priority=TicketPriority.NORMAL,
            order=order,
        )
        Ticket.objects.filter(pk=ticket.pk).update(source_reference=reference)
        ticket.source_reference = reference
        TicketTag.objects.create(ticket=ticket, name=tag)
    return ticket


def ticket_from_return_pending(return_request: ReturnRequest) -> Ticket | None:
    """The ticket of a return waiting for approval (one per return)."""
    order = return_request.order
    items = [
        f"{line.quantity} × {line.order_line.product_name} ({line.reason.replace('_', ' ')})"
        for line in return_request.lines.select_related("order_line")
    ]
    body = "\n".join([f"Return {return_request.rma} on order {order.number} waits for approval.", "", *items])
    return _ticket_open(
        reference=return_request.rma,
        tag=RETURN_TAG,
        subject=f"Return {return_request.rma} to approve: order {order.number}",
        body=body,
        topic=TicketTopic.RETURNS,
        order=order,
    )


def ticket_from_verification_review(verification: PaymentVerification) -> Ticket | None:
    """The ticket of a payment check the customer answered (one per check)."""
    order = verification.order
    what = "a document" if verification.method == "document" else "the card's last four digits and postcode"
    return _ticket_open(
        reference=f"{VERIFICATION_PREFIX}{verification.pk}",
        tag=VERIFICATION_TAG,
        subject=f"Payment check to decide: order {order.number}",
        body=f"The customer answered the payment check of order {order.number} with {what}; "
        "approve it (the order ships) or reject it (the order is cancelled and refunded).",
        topic=TicketTopic.PAYMENTS,
        order=order,
    )


def on_return_event(sender: Any, instance: ReturnEvent, created: bool, **kwargs: Any) -> None:
    if created and instance.to_status == ReturnStatus.PENDING_APPROVAL:
        ticket_from_return_pending(instance.return_request)


def on_order_event(sender: Any, instance: OrderEvent, created: bool, **kwargs: Any) -> None:
    after = instance.after if isinstance(instance.after, dict) else {}
    if not created or instance.kind != OrderEventKind.PAYMENT_UPDATED:
        return
    if after.get("verification") != VerificationCaseStatus.UNDER_REVIEW:
        return
    found = PaymentVerification.objects.filter(
        order_id=instance.order_id, status=VerificationCaseStatus.UNDER_REVIEW
    ).select_related("order")
    for verification in found:
        ticket_from_verification_review(verification)


@dataclass(frozen=True, slots=True)
class TicketCase:
    """What a case ticket asks the agent to decide, and whether it is still open."""

    kind: str  # RETURN_TAG or VERIFICATION_TAG
    label: str
    status: str
    pending: bool


def _case_rows(ticket: Ticket) -> tuple[ReturnRequest | None, PaymentVerification | None]:
    reference = ticket.source_reference
    if ticket.channel != TicketChannel.CASE or not reference or ticket.order_id is None:
        return None, None
    if reference.startswith(VERIFICATION_PREFIX) and reference[len(VERIFICATION_PREFIX) :].isdigit():
        pk = int(reference[len(VERIFICATION_PREFIX) :])
        return None, PaymentVerification.objects.filter(pk=pk, order_id=ticket.order_id).first()
    return ReturnRequest.objects.filter(rma=reference, order_id=ticket.order_id).first(), None


def ticket_case(ticket: Ticket) -> TicketCase | None:
    """The return or payment check behind the ticket, for the sidebar (None for other tickets)."""
    return_request, verification = _case_rows(ticket)
    if return_request is not None:
        return TicketCase(
            RETURN_TAG,
            f"Return {return_request.rma}",
            ReturnStatus(return_request.status).label,
            return_request.status == ReturnStatus.PENDING_APPROVAL,
        )
    if verification is not None:
        return TicketCase(
            VERIFICATION_TAG,
            "Payment check",
            VerificationCaseStatus(verification.status).label,
            verification.status == VerificationCaseStatus.UNDER_REVIEW,
        )
    return None


@dataclass(frozen=True, slots=True)
class CaseDecision:
    """What deciding a case did: the sentence to show, and whether it waits for a lead instead."""

    message: str
    approval_pending: bool = False


def _rejection_refund(order: Order) -> Decimal:
    """What rejecting a payment check refunds: the order is cancelled whole, so the cancel's own plan
    (captured money going back; a hold that is released takes no money from the store)."""
    try:
        return cancel_preview(order=order).plan.refunded
    except DomainError:
        return Decimal(0)  # the cancel refuses (a package left meanwhile): the rejection refunds nothing


def _rejection_for_a_lead(
    *, ticket: Ticket, verification: PaymentVerification, actor: Actor, note: str
) -> CaseDecision | None:
    """Above the desk's refund limit an agent's rejection waits for a lead, like every agent refund
    (approvals.refund_limit_reason). Asked under the order's lock, so the amount can't change between
    the check and the decision; a second request while one waits gets that one."""
    order = order_lock(order_id=verification.order_id)
    fresh = PaymentVerification.objects.get(pk=verification.pk)
    if fresh.status not in OPEN_VERIFICATION:
        return None  # decided meanwhile: verification_decide refuses it with its own sentence
    why = refund_limit_reason(order=order, actor=actor, refund=_rejection_refund(order))
    if why is None:
        return None
    done = ActionApproval.objects.filter(
        order=order, action_id=CASE_REJECTION, status=ApprovalStatus.PENDING
    ).first()
    if done is not None:
        return CaseDecision("This rejection is already waiting for a lead's approval.", approval_pending=True)
    ActionApproval.objects.create(
        order=order,
        ticket=ticket,
        action_id=CASE_REJECTION,
        params={"decision": "reject", "note": note, "case": f"{VERIFICATION_PREFIX}{verification.pk}"},
        why_needed=why[:300],
        preview=f"Reject the payment check of order {order.number}: the order is cancelled and refunded.",
        requested_by=actor.label,
        requested_at=timezone.now(),
    )
    events.event_approval(
        ticket=ticket, actor=actor, action_id=CASE_REJECTION, status="requested", message=why
    )
    return CaseDecision(f"{why} The request is waiting for a lead.", approval_pending=True)


def ticket_case_decide(*, ticket: Ticket, user: User, approve: bool, note: str = "") -> CaseDecision:
    """Approve or reject the ticket's return or payment check as the agent; the sentence to show.

    Agents, leads and admins may; the returns and payments services re-check the state under their
    locks (a case decided meanwhile is refused and nothing changes). A rejection needs a note: the
    customer is told why. Rejecting a payment check cancels the order with its refund, so above the
    desk's refund limit an agent's rejection becomes a request a lead approves (nothing is decided yet)."""
    require_role(user, AgentRole.AGENT)
    actor = agent_actor(user)
    note = " ".join(note.split())[:200]
    if not approve and not note:
        raise InvalidInput("Say why it is rejected: the customer is told.", code="note_required")
    return_request, verification = _case_rows(ticket)
    decision = "approved" if approve else "rejected"
    if return_request is not None:
        return_decide(return_request=return_request, actor=actor, approve=approve, note=note)
        case, message = return_request.rma, f"Return {return_request.rma} {decision}."
    elif verification is not None:
        with transaction.atomic():
            if not approve and (
                waiting := _rejection_for_a_lead(
                    ticket=ticket, verification=verification, actor=actor, note=note
                )
            ):
                return waiting
            decided = verification_decide(verification=verification, approve=approve, actor=actor, note=note)
        case = f"{VERIFICATION_PREFIX}{verification.pk}"
        message = f"Payment check {decision}. {decided.outcome}".strip()
    else:
        raise NotFound("This ticket has no return or payment check to decide.", code="case_not_found")
    with transaction.atomic():
        events.event_case_decided(
            ticket=ticket, actor=actor, case=case, decision=decision, message=f"{message} {note}".strip()
        )
    return CaseDecision(message)


def case_rejection_approved(*, approval: ActionApproval, lead: User) -> ActionResult:
    """A lead approves an agent's rejection of a payment check: rejected now, as the lead, with the
    agent's note (the customer reads it). A check decided meanwhile is refused and nothing changes."""
    if approval.ticket is None:
        raise NotFound("This request has no ticket to decide.", code="case_not_found")
    note = str(approval.params.get("note", "")) or "Rejected after review."
    done = ticket_case_decide(ticket=approval.ticket, user=lead, approve=False, note=note)
    return ActionResult(done.message, {"case": str(approval.params.get("case", ""))})
