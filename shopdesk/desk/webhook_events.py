"""The `ticket.*` webhooks: a ticket opened, its status changed (from `status_apply`, the one writer of the
status) and an agent's reply, sent beside the matching audit row of desk/events.py, in its transaction."""

from __future__ import annotations

from typing import Any

from shopdesk.core.actors import Actor
from shopdesk.desk.models import Ticket
from shopdesk.webhooks.services.events import webhook_event_emit


def _subject(ticket: Ticket) -> dict[str, Any]:
    customer = ticket.customer
    return {
        "customer": {
            "email": ticket.customer_email,
            "external_id": customer.external_id if customer is not None else None,
        },
        "ticket": {
            "reference": ticket.reference,
            "subject": ticket.subject,
            "status": ticket.status,
            "channel": ticket.channel,
            "topic": ticket.topic,
            "priority": ticket.priority,
        },
    }


def ticket_webhook_emit(
    *, type_name: str, ticket: Ticket, actor: Actor, before: Any = None, after: Any = None, message: str = ""
) -> None:
    webhook_event_emit(
        type_name=type_name,
        order=lambda: ticket.order,
        actor=actor,
        before=before,
        after=after,
        message=message,
        subject=lambda: _subject(ticket),
    )
