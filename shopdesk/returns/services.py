"""Start a return and move it through its statuses.

return_create(order=..., actor=..., lines=..., method=..., idempotency_key=...)   one RMA per request
return_transition(return_request=..., to_status=..., actor=..., now=...)          the one status change
return_cancel(return_request=..., actor=...)                                      the customer withdraws it
return_decide(return_request=..., actor=..., approve=...)                          an agent approves or not

Lock order (docs/decisions/0004-idempotency-and-locking.md): the order row first, then its payments by id,
then the return. Eligibility is asked again under the order lock, so two tabs returning the same item
make one return, and a replay of the same Idempotency-Key gets the first answer.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from shopdesk.catalog.stock import stock_reserve
from shopdesk.core.actors import Actor, ActorKind
from shopdesk.core.eligibility import Eligibility
from shopdesk.core.errors import Conflict, InvalidInput, NotEligible
from shopdesk.core.overrides import RuleOverride
from shopdesk.orders.events import order_rule_overridden
from shopdesk.orders.models import Order
from shopdesk.orders.services.idempotency import action_keys, action_replay, action_store, order_lock
from shopdesk.payments.order_facts import order_facts
from shopdesk.policy import get_policy
from shopdesk.returns import events, notices
from shopdesk.returns.eligibility import order_returnability
from shopdesk.returns.enums import (
    RETURN_TRANSITIONS,
    ReturnEventKind,
    ReturnMethod,
    ReturnResolution,
    ReturnStatus,
)
from shopdesk.returns.errors import ReturnLinesRefused
from shopdesk.returns.exchange_stock import exchange_stock_release
from shopdesk.returns.models import ReturnLine, ReturnRequest
from shopdesk.returns.refund_estimate import ReturnedUnits, plans_as_dict, return_plans
from shopdesk.returns.resolutions import resolution_problems, variant_label

ACTION = "return_start"
MAX_LINES = 100
RMA_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0/O, 1/I/L: read aloud on the phone


@dataclass(frozen=True, slots=True)
class ReturnLineRequest:
    line_id: int
    quantity: int
    reason: str
    resolution: str = ReturnResolution.REFUND
    exchange_sku: str = ""


@dataclass(frozen=True, slots=True)
class ReturnCreated:
    return_request: ReturnRequest
    data: dict[str, Any]  # rma, status, lines, refund_estimate, message: kept for replays
    replayed: bool


def rma_new() -> str:
    return "RMA-" + "".join(secrets.choice(RMA_ALPHABET) for _ in range(8))


def return_transition(
    *, return_request: ReturnRequest, to_status: str, actor: Actor, now: dt.datetime, note: str = ""
) -> ReturnRequest:
    """The only way a return's status changes: allowed by RETURN_TRANSITIONS, compare-and-set, one event."""
    before = return_request.status
    if to_status not in RETURN_TRANSITIONS[ReturnStatus(before)]:
        raise Conflict(
            f"A return that is {ReturnStatus(before).label.lower()} can't become "
            f"{ReturnStatus(to_status).label.lower()}.",
            code="return_transition_not_allowed",
        )
    fields: dict[str, Any] = {"status": to_status, "updated_at": now}
    if to_status == ReturnStatus.RECEIVED:
        fields["received_at"] = now
    if to_status == ReturnStatus.INSPECTED:
        fields["inspected_at"] = now
    updated = ReturnRequest.objects.filter(pk=return_request.pk, status=before).update(**fields)
    if updated != 1:
        raise Conflict("This return changed a moment ago; please reload it.", code="return_changed")
    for name, value in fields.items():
        setattr(return_request, name, value)
    if to_status in (ReturnStatus.CANCELLED, ReturnStatus.REJECTED):
        exchange_stock_release(lines=return_request.lines.filter(exchange_reserved__gt=0))
    events.return_event_record(
        ReturnEventKind.STATUS_CHANGED,
        return_request=return_request,
        actor=actor,
        at=now,
        before=before,
        after=to_status,
        note=note,
    )
    notices.return_status_notice(return_request=return_request, after=to_status, now=now)
    return return_request


def _validate(lines: list[ReturnLineRequest], method: str) -> None:
    """Input rules that need no rows: known reasons and resolutions, one entry per line."""
    policy = get_policy().returns
    if not lines:
        raise InvalidInput("Choose at least one item to return.", code="no_lines")
    if len(lines) > MAX_LINES:
        raise InvalidInput(f"A return holds at most {MAX_LINES} items.", code="too_many_lines")
    if method not in ReturnMethod.values:
        raise InvalidInput(
            "Choose how the items go back: a prepaid label or your own carrier.", code="bad_method"
        )
    problems: list[dict[str, str]] = []
    seen: set[int] = set()
    for index, line in enumerate(lines):
        field = f"lines[{index}]"
        if line.line_id in seen:
            problems.append({"field": field, "code": "duplicate_line", "message": "Each item appears once."})
        seen.add(line.line_id)
        if line.quantity < 1:
            problems.append({"field": field, "code": "bad_quantity", "message": "Return at least one unit."})
        if policy.reason(line.reason) is None:
            problems.append(
                {"field": field, "code": "unknown_reason", "message": "Choose a reason from the list."}
            )
        if line.resolution not in ReturnResolution.values:
            problems.append(
                {
                    "field": field,
                    "code": "unknown_resolution",
                    "message": "Choose what you would like instead.",
                }
            )
    if problems:
        raise ReturnLinesRefused(problems)


def _request_body(lines: list[ReturnLineRequest], method: str) -> dict[str, Any]:
    return {
        "method": method,
        "lines": [
            [line.line_id, line.quantity, line.reason, line.resolution, line.exchange_sku]
            for line in sorted(lines, key=lambda item: item.line_id)
        ],
    }


def return_create(
    *,
    order: Order,
    actor: Actor,
    lines: list[ReturnLineRequest],
    method: str,
    idempotency_key: str | None = None,
    now: dt.datetime | None = None,
    override: RuleOverride | None = None,
) -> ReturnCreated:
    """Record a return of `lines`, approved at once or waiting for an agent (policy threshold).

    With an agent's `override`, its rules (the return window) are set aside for the lines they refuse;
    every other rule is checked as ever, and the override goes on the order's history."""
    _validate(lines, method)
    now = now or timezone.now()
    request = _request_body(lines, method)
    with transaction.atomic():
        locked = order_lock(order_id=order.pk)
        keys = action_keys(order=locked, action=ACTION, client_key=idempotency_key, derived=None)
        replay = action_replay(keys=keys, request=request) if keys else None
        if replay is not None:
            existing = ReturnRequest.objects.get(rma=replay["rma"])
            existing.refresh_from_db()
            return ReturnCreated(return_request=existing, data=replay, replayed=True)
        facts = order_facts(locked)
        waive = override.codes if override is not None else frozenset()
        answers = {
            a.line.pk: a for a in order_returnability(order=locked, now=now, lines=facts.lines, waive=waive)
        }
        if locked.is_cancelled:
            raise NotEligible(Eligibility.no("order_cancelled", "This order was cancelled."))
        problems = []
        faulty = set(get_policy().returns.free_return_reasons)
        approval: set[int] = set()
        for index, line in enumerate(lines):
            answer = answers.get(line.line_id)
            field = f"lines[{index}]"
            if answer is not None and answer.faulty_only and line.reason in faulty:
                approval.add(line.line_id)  # a hygiene or custom-made item that arrived faulty
            if answer is None:
                problems.append(
                    {"field": field, "code": "unknown_line", "message": "This item is not part of the order."}
                )
            elif not answer.eligibility.allowed and line.line_id not in approval:
                problems.append(
                    {"field": field, "code": answer.eligibility.code, "message": answer.eligibility.message}
                )
            elif line.quantity > answer.units:
                problems.append(
                    {
                        "field": field,
                        "code": "quantity_too_high",
                        "message": f"You can return up to {answer.units} of the {answer.line.product_name}.",
                    }
                )
        if not problems:
            more, variants = resolution_problems(
                requests=lines, lines={line_id: answer.line for line_id, answer in answers.items()}
            )
            problems += more
        if not problems:
            problems += _exchange_stock_hold(lines, variants)
        if problems:
            raise ReturnLinesRefused(problems)
        overridden = _overridden_lines(locked, facts.lines, lines, override, now)
        chosen = [answers[line.line_id] for line in lines]
        warehouse = next((a.origin_warehouse for a in chosen if a.origin_warehouse), "")
        return_request = _return_insert(locked, actor=actor, method=method, warehouse=warehouse, now=now)
        ReturnLine.objects.bulk_create(
            [
                ReturnLine(
                    return_request=return_request,
                    order_line_id=line.line_id,
                    quantity=line.quantity,
                    reason=line.reason,
                    resolution=line.resolution,
                    exchange_sku=variants[line.line_id].sku if line.line_id in variants else "",
                    exchange_label=_exchange_label(variants.get(line.line_id)),
                    exchange_price=variants[line.line_id].price if line.line_id in variants else 0,
                    exchange_reserved=line.quantity if line.line_id in variants else 0,
                )
                for line in lines
            ]
        )
        events.return_event_record(
            ReturnEventKind.CREATED, return_request=return_request, actor=actor, at=now
        )
        if override is not None:
            names = ", ".join(answers[line_id].line.product_name for line_id in overridden)
            order_rule_overridden(
                order=locked,
                actor=override.actor,
                action_id="return_start",
                codes=list(override.codes),
                reason=override.reason,
                message=f"Return {return_request.rma}: return window set aside for {names} by "
                f"{override.actor.label}. Reason: {override.reason}",
            )
        needs_approval = bool(approval) or any(a.eligibility.needs_approval for a in chosen)
        to_status = ReturnStatus.PENDING_APPROVAL if needs_approval else ReturnStatus.APPROVED
        return_transition(return_request=return_request, to_status=to_status, actor=Actor.system(), now=now)
        plans = return_plans(
            order=locked,
            facts=facts,
            units=[
                ReturnedUnits(
                    answers[line.line_id].line,
                    line.quantity,
                    line.reason,
                    resolution=line.resolution,
                    exchange_label=_exchange_label(variants.get(line.line_id)),
                    exchange_price=variants[line.line_id].price if line.line_id in variants else Decimal(0),
                )
                for line in lines
            ],
            method=method,
        )
        data = {
            "rma": return_request.rma,
            "status": return_request.status,
            "method": method,
            "lines": [
                {
                    "line_id": line.line_id,
                    "name": answers[line.line_id].line.product_name,
                    "quantity": line.quantity,
                    "reason": line.reason,
                    "resolution": line.resolution,
                    "exchange_sku": variants[line.line_id].sku if line.line_id in variants else None,
                    "exchange_for": _exchange_label(variants.get(line.line_id)) or None,
                }
                for line in lines
            ],
            "refund_estimate": plans_as_dict(plans),
            "message": _created_sentence(return_request, lines),
        }
        ReturnRequest.objects.filter(pk=return_request.pk).update(
            created_result=data, exchange_due=plans.to_pay
        )
        return_request.created_result = data
        return_request.exchange_due = plans.to_pay
        if return_request.status == ReturnStatus.APPROVED and all(
            line.resolution == ReturnResolution.KEEP for line in lines
        ):
            # Nothing travels back: the items are refunded now (imported here: warehouse builds on this module).
            from shopdesk.returns.warehouse import return_keep_settle

            return_keep_settle(return_request=return_request, now=now)
        if keys:
            action_store(order=locked, action=ACTION, keys=keys, request=request, result=data, now=now)
    return ReturnCreated(return_request=return_request, data=data, replayed=False)


def _overridden_lines(
    order: Order,
    order_lines: list[Any],
    lines: list[ReturnLineRequest],
    override: RuleOverride | None,
    now: dt.datetime,
) -> list[int]:
    """The requested lines an override changes the answer for; refused when it changes none."""
    if override is None:
        return []
    plain = {a.line.pk: a for a in order_returnability(order=order, now=now, lines=order_lines)}
    changed = [
        line.line_id
        for line in lines
        if line.line_id in plain and plain[line.line_id].eligibility.code in override.codes
    ]
    if not changed:
        raise NotEligible(
            Eligibility.no(
                "override_not_needed",
                "No chosen item is refused for a rule that can be set aside: return it without an override.",
            )
        )
    return changed


def _exchange_stock_hold(lines: list[ReturnLineRequest], variants: dict[int, Any]) -> list[dict[str, str]]:
    """Take the exchange items off the shelf (variants locked by `resolution_problems`): the conditional
    F() update is the check that counts, so the last unit goes to one return only. A refused line rolls
    back the units taken for the others with the transaction."""
    problems = []
    for index, line in enumerate(lines):
        variant = variants.get(line.line_id)
        if variant is not None and not stock_reserve(variant_id=variant.pk, quantity=line.quantity):
            problems.append(
                {
                    "field": f"lines[{index}]",
                    "code": "exchange_out_of_stock",
                    "message": f"The {variant.product.name} in {variant_label(variant)} is out of stock; "
                    "choose another size or colour, or a refund.",
                }
            )
    return problems


def _return_insert(
    order: Order, *, actor: Actor, method: str, warehouse: str, now: dt.datetime
) -> ReturnRequest:
    for _attempt in range(5):
        try:
            with transaction.atomic():
                return ReturnRequest.objects.create(
                    rma=rma_new(),
                    order=order,
                    method=method,
                    origin_warehouse=warehouse,
                    requested_by=actor.label[:254],
                    created_at=now,
                )
        except IntegrityError:  # an RMA drawn twice: draw again
            continue
    raise Conflict("We could not number this return; please try again.", code="rma_collision")


def _exchange_label(variant: Any) -> str:
    return f"{variant.product.name} ({variant_label(variant)})" if variant is not None else ""


def _created_sentence(return_request: ReturnRequest, lines: list[ReturnLineRequest]) -> str:
    if all(line.resolution == ReturnResolution.KEEP for line in lines):
        if return_request.status == ReturnStatus.PENDING_APPROVAL:
            return (
                f"Return {return_request.rma} is recorded: keep the items. Our team approves returns of this "
                "value first; we'll refund you once it's approved."
            )
        return f"Return {return_request.rma} is done: keep the items, there is nothing to send back."
    if return_request.status == ReturnStatus.PENDING_APPROVAL:
        return (
            f"Return {return_request.rma} is recorded. Our team approves returns of this value before you "
            "send them; we'll email you the return slip once it's approved."
        )
    return (
        f"Return {return_request.rma} is approved. Print the return slip, put it in the parcel and send "
        "the items back."
    )


def return_cancel(
    *, return_request: ReturnRequest, actor: Actor, now: dt.datetime | None = None
) -> ReturnRequest:
    """The customer withdraws a return before it is on its way back."""
    now = now or timezone.now()
    with transaction.atomic():
        order_lock(order_id=return_request.order_id)
        locked = ReturnRequest.objects.select_for_update().get(pk=return_request.pk)
        if locked.status == ReturnStatus.CANCELLED:
            return locked
        if ReturnStatus.CANCELLED not in RETURN_TRANSITIONS[ReturnStatus(locked.status)]:
            raise NotEligible(
                Eligibility.no(
                    "return_not_cancellable",
                    "This return can't be cancelled any more: it is already on its way back or done.",
                )
            )
        return return_transition(
            return_request=locked, to_status=ReturnStatus.CANCELLED, actor=actor, now=now
        )


def return_decide(
    *,
    return_request: ReturnRequest,
    actor: Actor,
    approve: bool,
    note: str = "",
    now: dt.datetime | None = None,
) -> ReturnRequest:
    """An agent approves a return waiting for approval, or refuses it (with a note the customer reads)."""
    if not actor.is_agent and actor.kind != ActorKind.SYSTEM:
        raise NotEligible(Eligibility.no("agents_only", "Only our team can approve a return."))
    now = now or timezone.now()
    to_status = ReturnStatus.APPROVED if approve else ReturnStatus.REJECTED
    with transaction.atomic():
        order_lock(order_id=return_request.order_id)
        locked = ReturnRequest.objects.select_for_update().get(pk=return_request.pk)
        if locked.status == to_status:
            return locked
        if locked.status != ReturnStatus.PENDING_APPROVAL:
            raise NotEligible(
                Eligibility.no("return_not_pending", "Only a return waiting for approval can be decided.")
            )
        return_transition(return_request=locked, to_status=to_status, actor=actor, now=now, note=note)
        if approve and all(line.resolution == ReturnResolution.KEEP for line in locked.lines.all()):
            from shopdesk.returns.warehouse import return_keep_settle  # builds on this module

            return_keep_settle(return_request=locked, now=now)
        return locked
