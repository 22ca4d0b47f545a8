"""Approvals: an agent's order action that a lead must approve before it happens.

Two things send an action here, both decided from the registry's own answers: the action's eligibility
for the agent says a person decides (`needs_approval`), or its preview refunds more than the policy's
`desk.agent_refund_limit` (`refund_limit_reason`, which a payment check's rejection asks too: see
case_decisions.py). Leads and admins act at once; an agent's request waits (one pending request
per order and action), and a lead approves it (the action runs with the lead as actor, under its rules
at that moment) or rejects it with a reason.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from shopdesk.core.actors import Actor, AgentRole
from shopdesk.core.errors import Conflict, DomainError, InvalidInput, NotFound
from shopdesk.core.money import format_money
from shopdesk.core.overrides import RuleOverride
from shopdesk.desk import events
from shopdesk.desk.models import ActionApproval, ApprovalStatus, Ticket
from shopdesk.desk.roles import agent_actor, require_role
from shopdesk.orders.models import Order
from shopdesk.policy import get_policy
from shopdesk.selfservice.registry import ActionResult, OrderAction, action_get, is_registered

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def approval_reason(
    *,
    order: Order,
    action: OrderAction,
    actor: Actor,
    params: Mapping[str, Any],
    override: RuleOverride | None = None,
) -> str | None:
    """Why this agent's action needs a lead first (a sentence), or None when they may go ahead. An
    override sets a rule aside, never the money limit: the same questions are asked with it."""
    if not actor.is_agent or actor.has_role(AgentRole.LEAD):
        return None
    overridden: dict[str, Any] = {"override": override} if override is not None else {}
    answer = action.eligibility(order=order, actor=actor, **overridden)
    if not answer.allowed:
        return None  # the action refuses (or replays an earlier request) on its own
    if answer.needs_approval:
        return answer.message or "A lead decides this action."
    if get_policy().desk.agent_refund_limit is None or not action.moves_money:
        return None
    shown = action.preview(order=order, actor=actor, params=params, **overridden)
    try:
        refund = Decimal(str(shown.data.get("refund_amount", "0")))
    except InvalidOperation:
        return None
    return refund_limit_reason(order=order, actor=actor, refund=refund)


def refund_limit_reason(*, order: Order, actor: Actor, refund: Decimal) -> str | None:
    """The desk's money limit, for every agent refund (registry actions, a payment check rejected): why a
    lead must approve a refund of `refund`, or None when this actor may go ahead (a lead or an admin, no
    limit in the policy, or an amount within it)."""
    if not actor.is_agent or actor.has_role(AgentRole.LEAD):
        return None
    limit = get_policy().desk.agent_refund_limit
    if limit is None or refund <= limit:
        return None
    locale = get_policy().store.locale
    return (
        f"This refunds {format_money(refund, order.currency, locale)}, more than the "
        f"{format_money(limit, order.currency, locale)} an agent may refund alone: a lead must approve it."
    )


def approval_request(
    *,
    order: Order,
    action: OrderAction,
    actor: Actor,
    params: Mapping[str, Any],
    why: str,
    ticket: Ticket | None = None,
    override: RuleOverride | None = None,
) -> ActionResult:
    """Record the request (or return the one already waiting); nothing is performed. An override goes
    with it: the lead who approves performs the action with the agent's reason."""
    overridden: dict[str, Any] = {"override": override} if override is not None else {}
    preview = action.preview(order=order, actor=actor, params=params, **overridden)
    try:
        with transaction.atomic():
            approval = ActionApproval.objects.create(
                order=order,
                ticket=ticket,
                action_id=action.id,
                params=dict(params),
                why_needed=why[:300],
                preview=preview.message,
                requested_by=actor.label,
                requested_at=timezone.now(),
                override_reason=override.reason if override is not None else "",
            )
            if ticket is not None:
                events.event_approval(
                    ticket=ticket, actor=actor, action_id=action.id, status="requested", message=why
                )
    except IntegrityError:
        approval = ActionApproval.objects.get(order=order, action_id=action.id, status=ApprovalStatus.PENDING)
        return ActionResult(
            "This is already waiting for a lead's approval.",
            {"approval": approval.pk, "approval_pending": True},
            replayed=True,
        )
    return ActionResult(
        f"{why} The request is waiting for a lead.", {"approval": approval.pk, "approval_pending": True}
    )


def approval_label(action_id: str) -> str:
    """What an approval request asks for, in words: the action's label, not its id."""
    from shopdesk.desk.services.case_decisions import CASE_REJECTION  # it imports this module

    if is_registered(action_id):
        return action_get(action_id).label
    if action_id == CASE_REJECTION:
        return "Reject a payment check"
    return action_id.replace("_", " ").capitalize()


def approval_get(*, pk: int) -> ActionApproval:
    found = ActionApproval.objects.select_related("order", "ticket").filter(pk=pk).first()
    if found is None:
        raise NotFound("There is no such approval request.", code="approval_not_found")
    return found


def _decide(approval: ActionApproval, *, status: str, lead: User, note: str) -> None:
    changed = ActionApproval.objects.filter(pk=approval.pk, status=ApprovalStatus.PENDING).update(
        status=status, decided_by=lead.get_username(), decided_at=timezone.now(), decision_note=note[:500]
    )
    if changed != 1:
        raise Conflict("Someone decided this request already.", code="approval_decided")


def approval_reject(*, approval: ActionApproval, lead: User, note: str) -> ActionApproval:
    require_role(lead, AgentRole.LEAD)
    reason = " ".join(note.split())
    if not reason:
        raise InvalidInput("Say why, so the agent can tell the customer.", code="note_required")
    with transaction.atomic():
        _decide(approval, status=ApprovalStatus.REJECTED, lead=lead, note=reason)
        if approval.ticket is not None:
            events.event_approval(
                ticket=approval.ticket,
                actor=agent_actor(lead),
                action_id=approval.action_id,
                status=ApprovalStatus.REJECTED,
                message=reason,
            )
    approval.refresh_from_db()
    return approval


def approval_approve(*, approval: ActionApproval, lead: User, note: str = "") -> ActionApproval:
    """Perform the action as the lead. If the order changed meanwhile and the action refuses, the
    request is marked failed with that refusal, and nothing was done."""
    from shopdesk.desk.services.case_decisions import CASE_REJECTION, case_rejection_approved
    from shopdesk.desk.services.order_actions import order_action_perform

    require_role(lead, AgentRole.LEAD)
    actor = agent_actor(lead)
    _decide(approval, status=ApprovalStatus.APPROVED, lead=lead, note=note)
    try:
        if approval.action_id == CASE_REJECTION:
            # A payment check an agent rejected above the limit: the lead rejects it, with the agent's note.
            result = case_rejection_approved(approval=approval, lead=lead)
        else:
            result = order_action_perform(
                order=approval.order,
                action_id=approval.action_id,
                actor=actor,
                params=approval.params,
                idempotency_key=f"approval:{approval.pk}",
                ticket=approval.ticket,
                override_reason=(
                    f"{approval.override_reason} (asked by {approval.requested_by})"[:500]
                    if approval.override_reason
                    else None
                ),
            )
    except DomainError as refused:
        ActionApproval.objects.filter(pk=approval.pk).update(
            status=ApprovalStatus.FAILED, result_message=refused.message
        )
        outcome, message = ApprovalStatus.FAILED, refused.message
    else:
        ActionApproval.objects.filter(pk=approval.pk).update(result_message=result.message)
        outcome, message = ApprovalStatus.APPROVED, result.message
    if approval.ticket is not None:
        with transaction.atomic():
            events.event_approval(
                ticket=approval.ticket,
                actor=actor,
                action_id=approval.action_id,
                status=outcome,
                message=message,
            )
    approval.refresh_from_db()
    return approval
