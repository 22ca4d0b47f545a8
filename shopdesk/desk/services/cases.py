"""Cases opened by self-service (a carrier inquiry, an investigation) become tickets with their kind and
order, so a person follows each one up. One ticket per case; a case an agent opens from a ticket is
already followed there, so it opens none."""

from __future__ import annotations

from django.db import transaction

from shopdesk.core.actors import Actor
from shopdesk.desk.enums import TicketChannel, TicketPriority, TicketTopic
from shopdesk.desk.models import Ticket, TicketTag
from shopdesk.desk.services.messages import acknowledgement_enqueue
from shopdesk.desk.services.tickets import ticket_create
from shopdesk.shipping.models import Case, CaseKind

# An investigation means a parcel may be lost: it is answered sooner than a question about tracking.
_PRIORITY = {CaseKind.INVESTIGATION: TicketPriority.HIGH, CaseKind.CARRIER_INQUIRY: TicketPriority.NORMAL}


def ticket_from_case(case: Case, actor: Actor) -> Ticket | None:
    """Open the case's ticket (inside the case's transaction). None when an agent opened the case."""
    if actor.is_agent:
        return None
    existing = Ticket.objects.filter(source_reference=case.reference).first()
    if existing is not None:
        return existing
    order = case.order
    shipment = case.shipment
    kind = CaseKind(case.kind)
    reason = case.reason.replace("_", " ")
    if shipment is not None:
        about = f"for package {shipment.tracking_number or shipment.pk} ({shipment.carrier.upper()})"
    elif case.refund_id is not None:
        about = f"about refund {case.refund_id}"
    else:
        about = f"about order {order.number}"
    lines = [f"{kind.label} {case.reference} opened from the order page {about}.", f"Why: {reason}."]
    if case.notes:
        lines += ["", case.notes]
    with transaction.atomic():
        ticket = ticket_create(
            subject=f"{kind.label} {case.reference}: order {order.number}",
            customer_email=order.email,
            customer_name=order.customer.name if order.customer_id else "",
            channel=TicketChannel.CASE,
            body="\n".join(lines),
            actor=actor,
            topic=TicketTopic.ORDER_STATUS if shipment is not None else TicketTopic.REFUNDS,
            priority=_PRIORITY.get(kind, TicketPriority.NORMAL),
            order=order,
        )
        Ticket.objects.filter(pk=ticket.pk).update(source_reference=case.reference)
        ticket.source_reference = case.reference
        TicketTag.objects.create(ticket=ticket, name=kind.value.replace("_", "-"))
        acknowledgement_enqueue(ticket=ticket)
    return ticket
