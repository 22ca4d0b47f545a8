"""An agent performs a registered order action from the desk: the action decides (eligibility, preview,
audit on the order); the desk records it on the ticket it came from."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction

from shopdesk.core.actors import Actor
from shopdesk.core.errors import NotFound
from shopdesk.desk import events
from shopdesk.desk.models import Ticket
from shopdesk.orders.models import Order
from shopdesk.selfservice.registry import ActionPreview, ActionResult, action_get


def order_for_desk(*, number: str) -> Order:
    order = Order.objects.filter(number=number.strip().upper()).first()
    if order is None:
        raise NotFound("There is no order with that number.", code="order_not_found")
    return order


def order_action_preview(
    *, order: Order, action_id: str, actor: Actor, params: Mapping[str, Any]
) -> ActionPreview:
    action = action_get(action_id)
    action.eligibility(order=order, actor=actor).require()
    return action.preview(order=order, actor=actor, params=params)


def order_action_perform(
    *,
    order: Order,
    action_id: str,
    actor: Actor,
    params: Mapping[str, Any],
    idempotency_key: str | None = None,
    ticket: Ticket | None = None,
) -> ActionResult:
    """Run the action as the agent; when it came from a ticket, the ticket's trail says so.

    When a lead must approve it (see approvals.py), nothing is performed: the request is recorded and
    the result says so (`data["approval_pending"]`)."""
    from shopdesk.desk.services.approvals import approval_reason, approval_request

    action = action_get(action_id)
    # Leads never need an approval, so the lead who approves a request performs it through here too.
    why = approval_reason(order=order, action=action, actor=actor, params=params)
    if why is not None:
        return approval_request(
            order=order, action=action, actor=actor, params=params, why=why, ticket=ticket
        )
    # The action re-checks eligibility inside its own transaction; checking here first gives the
    # agent the same refusal without starting one. With an idempotency key the action goes first: a
    # repeated request must replay its first answer, not be refused because that one already acted.
    if not idempotency_key:
        action.eligibility(order=order, actor=actor).require()
    result = action.perform(order=order, actor=actor, params=params, idempotency_key=idempotency_key)
    if ticket is not None and not result.replayed:
        with transaction.atomic():
            events.event_order_action(ticket=ticket, actor=actor, action_id=action.id, message=result.message)
    return result
