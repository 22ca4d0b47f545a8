"""An agent performs a registered order action from the desk: the action decides (eligibility, preview,
audit on the order); the desk records it on the ticket it came from."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction

from shopdesk.core.actors import Actor
from shopdesk.core.errors import NotFound
from shopdesk.core.overrides import RuleOverride
from shopdesk.desk import events
from shopdesk.desk.models import Ticket
from shopdesk.orders.models import Order, OrderActionRecord
from shopdesk.orders.services.idempotency import action_keys
from shopdesk.selfservice.registry import ActionPreview, ActionResult, OrderAction, action_get


def order_for_desk(*, number: str) -> Order:
    order = Order.objects.filter(number=number.strip().upper()).first()
    if order is None:
        raise NotFound("There is no order with that number.", code="order_not_found")
    return order


def action_override(*, action: OrderAction, actor: Actor, reason: str | None) -> RuleOverride | None:
    """The override asked for (None when not asked): refused for customers, too low a role, no reason."""
    if reason is None:
        return None
    return action.override_for(actor=actor, reason=reason)


def with_override(override: RuleOverride | None) -> dict[str, Any]:
    """The keyword an overridable action takes; nothing for the others (their signature is unchanged)."""
    return {"override": override} if override is not None else {}


def order_action_preview(
    *,
    order: Order,
    action_id: str,
    actor: Actor,
    params: Mapping[str, Any],
    override_reason: str | None = None,
) -> ActionPreview:
    action = action_get(action_id)
    override = action_override(action=action, actor=actor, reason=override_reason)
    action.eligibility(order=order, actor=actor, **with_override(override)).require()
    return action.preview(order=order, actor=actor, params=params, **with_override(override))


def _answered(*, order: Order, action: OrderAction, idempotency_key: str) -> bool:
    """Whether the action stored an answer under this client key (its key as `action_keys` makes it)."""
    keys = action_keys(order=order, action=action.id, client_key=idempotency_key, derived=None)
    return OrderActionRecord.objects.filter(key__in=keys).exists()


def order_action_perform(
    *,
    order: Order,
    action_id: str,
    actor: Actor,
    params: Mapping[str, Any],
    idempotency_key: str | None = None,
    ticket: Ticket | None = None,
    override_reason: str | None = None,
) -> ActionResult:
    """Run the action as the agent; when it came from a ticket, the ticket's trail says so.

    When a lead must approve it (see approvals.py), nothing is performed: the request is recorded and
    the result says so (`data["approval_pending"]`). With `override_reason`, the action's overridable
    rules are set aside (its service checks the rest and records the override on the order)."""
    from shopdesk.desk.services.approvals import approval_reason, approval_request

    action = action_get(action_id)
    override = action_override(action=action, actor=actor, reason=override_reason)
    if idempotency_key and _answered(order=order, action=action, idempotency_key=idempotency_key):
        # A retry of a request this action already answered under its own key: the action replays it
        # (or refuses another body with the same key); asking the approval rule again would preview
        # units or money that the first request already took, and refuse the retry.
        return action.perform(
            order=order,
            actor=actor,
            params=params,
            idempotency_key=idempotency_key,
            **with_override(override),
        )
    # Leads never need an approval, so the lead who approves a request performs it through here too.
    why = approval_reason(order=order, action=action, actor=actor, params=params, override=override)
    if why is not None:
        return approval_request(
            order=order, action=action, actor=actor, params=params, why=why, ticket=ticket, override=override
        )
    # The action re-checks eligibility inside its own transaction; checking here first gives the
    # agent the same refusal without starting one. With an idempotency key the action goes first: a
    # repeated request must replay its first answer, not be refused because that one already acted.
    if not idempotency_key:
        action.eligibility(order=order, actor=actor, **with_override(override)).require()
    result = action.perform(
        order=order, actor=actor, params=params, idempotency_key=idempotency_key, **with_override(override)
    )
    if ticket is not None and not result.replayed:
        with transaction.atomic():
            if override is not None:
                events.event_rule_overridden(
                    ticket=ticket, actor=actor, action_id=action.id, message=override.sentence(action.label)
                )
            events.event_order_action(ticket=ticket, actor=actor, action_id=action.id, message=result.message)
    return result
