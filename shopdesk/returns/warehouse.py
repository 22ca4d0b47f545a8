"""What the warehouse records through the store API: the parcel received, then the inspection per line.

return_mark_in_transit(rma=..., actor=...)          approved → in transit: the carrier has the parcel
return_mark_received(rma=..., actor=...)            approved / in transit → received (idempotent)
return_inspect(rma=..., actor=..., lines=...)       received → inspected → refunded or closed: the
                                                    refund is computed by the one breakdown and recorded
                                                    by the payments' refund service, once per return

Lock order: the order row, then its payments by id, then the return row.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from shopdesk.core.actors import Actor
from shopdesk.core.eligibility import Eligibility
from shopdesk.core.errors import Conflict, NotEligible, NotFound
from shopdesk.core.money import quantize
from shopdesk.orders.models import OrderLine
from shopdesk.orders.services.idempotency import order_lock, request_hash
from shopdesk.payments.order_facts import order_facts
from shopdesk.payments.refund_plan import order_facts_locked, refund_plan_perform
from shopdesk.payments.store_credit import store_credit_issue
from shopdesk.policy import get_policy
from shopdesk.policy.money import money_locale
from shopdesk.returns import events, notices
from shopdesk.returns.closing import return_close_if_settled
from shopdesk.returns.enums import InspectionOutcome, ReturnEventKind, ReturnResolution, ReturnStatus
from shopdesk.returns.errors import ReturnLinesRefused
from shopdesk.returns.exchange_stock import exchange_stock_release
from shopdesk.returns.models import ReturnLine, ReturnRequest
from shopdesk.returns.refund_estimate import ReturnedUnits, plan_as_dict, plans_as_dict, return_plans
from shopdesk.returns.services import return_transition

RECEIVABLE = frozenset({ReturnStatus.APPROVED, ReturnStatus.IN_TRANSIT})
PAST_RECEIVED = frozenset(
    {ReturnStatus.RECEIVED, ReturnStatus.INSPECTED, ReturnStatus.REFUNDED, ReturnStatus.CLOSED}
)


@dataclass(frozen=True, slots=True)
class InspectionLine:
    line_id: int  # the order line, as in the return request
    outcome: str
    reason: str = ""
    deduction: Decimal | None = None  # for `deducted`; the policy's restocking fee when left out


@dataclass(frozen=True, slots=True)
class WarehouseResult:
    return_request: ReturnRequest
    data: dict[str, Any]
    replayed: bool


def _return_locked(rma: str) -> ReturnRequest:
    """Lock the order of the return first, then the return itself."""
    found = ReturnRequest.objects.filter(rma=rma.strip().upper()).values_list("pk", "order_id").first()
    if found is None:
        raise NotFound("There is no return with this RMA number.", code="unknown_return")
    order_lock(order_id=found[1])
    return ReturnRequest.objects.select_for_update().select_related("order").get(pk=found[0])


def return_mark_in_transit(*, rma: str, actor: Actor, now: dt.datetime | None = None) -> WarehouseResult:
    """The carrier scanned the parcel on its way back (a repeat, or a later status, answers the same)."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _return_locked(rma)
        if locked.status == ReturnStatus.IN_TRANSIT or locked.status in PAST_RECEIVED:
            return WarehouseResult(locked, _received_data(locked), replayed=True)
        if locked.status != ReturnStatus.APPROVED:
            raise NotEligible(
                Eligibility.no(
                    "return_not_approved",
                    f"A return that is {ReturnStatus(locked.status).label.lower()} can't be on its way back.",
                )
            )
        return_transition(return_request=locked, to_status=ReturnStatus.IN_TRANSIT, actor=actor, now=now)
    return WarehouseResult(locked, _received_data(locked), replayed=False)


def return_mark_received(*, rma: str, actor: Actor, now: dt.datetime | None = None) -> WarehouseResult:
    now = now or timezone.now()
    with transaction.atomic():
        locked = _return_locked(rma)
        if locked.status in PAST_RECEIVED:
            return WarehouseResult(locked, _received_data(locked), replayed=True)
        if locked.status not in RECEIVABLE:
            raise NotEligible(
                Eligibility.no(
                    "return_not_receivable",
                    f"A return that is {ReturnStatus(locked.status).label.lower()} can't be received.",
                )
            )
        return_transition(return_request=locked, to_status=ReturnStatus.RECEIVED, actor=actor, now=now)
    return WarehouseResult(locked, _received_data(locked), replayed=False)


def _received_data(return_request: ReturnRequest) -> dict[str, Any]:
    received = return_request.received_at.isoformat() if return_request.received_at else None
    return {"rma": return_request.rma, "status": return_request.status, "received_at": received}


def _outcomes(
    return_request: ReturnRequest, lines: list[InspectionLine]
) -> list[tuple[ReturnLine, InspectionLine, Decimal]]:
    """Each return line with its outcome and deduction; every line exactly once, deductions in range."""
    policy = get_policy().returns
    currency = return_request.order.currency
    by_order_line = {line.order_line_id: line for line in return_request.lines.select_related("order_line")}
    problems: list[dict[str, str]] = []
    matched = []
    seen: set[int] = set()
    for index, item in enumerate(lines):
        field = f"lines[{index}]"
        line = by_order_line.get(item.line_id)
        if line is None or item.line_id in seen:
            problems.append(
                {"field": field, "code": "unknown_line", "message": "This item is not in the return."}
            )
            continue
        seen.add(item.line_id)
        if item.outcome not in InspectionOutcome.values:
            problems.append(
                {"field": field, "code": "bad_outcome", "message": "accepted, deducted or rejected."}
            )
            continue
        value = line.order_line.unit_price * line.quantity
        deduction = Decimal(0)
        if item.outcome == InspectionOutcome.DEDUCTED:
            deduction = (
                quantize(item.deduction, currency)
                if item.deduction is not None
                else quantize(value * policy.restocking_fee_percent / 100, currency)
            )
            if deduction <= 0 or deduction > value:
                problems.append(
                    {
                        "field": field,
                        "code": "bad_deduction",
                        "message": "A deduction is above zero and at most the item's price.",
                    }
                )
                continue
        elif item.deduction:
            problems.append(
                {
                    "field": field,
                    "code": "bad_deduction",
                    "message": "Only a `deducted` line has a deduction.",
                }
            )
            continue
        matched.append((line, item, deduction))
    for order_line_id, line in by_order_line.items():
        if order_line_id not in seen and line.resolution == ReturnResolution.KEEP:
            # Kept by the customer: nothing to inspect, accepted as it is.
            seen.add(order_line_id)
            matched.append(
                (
                    line,
                    InspectionLine(order_line_id, InspectionOutcome.ACCEPTED, "kept by the customer"),
                    Decimal(0),
                )
            )
    missing = [line for order_line_id, line in by_order_line.items() if order_line_id not in seen]
    if missing and not problems:
        problems.append(
            {
                "field": "lines",
                "code": "lines_missing",
                "message": "Record an outcome for every item of the return.",
            }
        )
    if problems:
        raise ReturnLinesRefused(problems)
    return matched


def _inspection_request(lines: list[InspectionLine]) -> dict[str, Any]:
    return {
        "lines": [
            [
                item.line_id,
                item.outcome,
                item.reason,
                str(item.deduction) if item.deduction is not None else None,
            ]
            for item in sorted(lines, key=lambda item: item.line_id)
        ]
    }


def return_inspect(
    *, rma: str, actor: Actor, lines: list[InspectionLine], now: dt.datetime | None = None
) -> WarehouseResult:
    """Record the outcome of every line and the one refund of the return, in one transaction."""
    now = now or timezone.now()
    digest = request_hash(_inspection_request(lines))
    with transaction.atomic():
        locked = _return_locked(rma)
        order_facts_locked(locked.order)  # the payments, locked by id after the order
        if locked.inspection_result is not None:
            if locked.inspection_result.get("request_hash") != digest:
                raise Conflict(
                    "This return was already inspected with other outcomes.", code="already_inspected"
                )
            return WarehouseResult(locked, locked.inspection_result["result"], replayed=True)
        if locked.status != ReturnStatus.RECEIVED:
            raise NotEligible(
                Eligibility.no(
                    "return_not_received", "Mark the return received before recording its inspection."
                )
            )
        data = _inspect_locked(locked, lines=lines, actor=actor, now=now, digest=digest)
    return WarehouseResult(locked, data, replayed=False)


def return_keep_settle(*, return_request: ReturnRequest, now: dt.datetime) -> dict[str, Any]:
    """A return whose items all stay with the customer: received and accepted at once, then refunded.
    Inside the caller's transaction, with the order locked."""
    order_facts_locked(return_request.order)
    system = Actor.system()
    return_transition(
        return_request=return_request,
        to_status=ReturnStatus.RECEIVED,
        actor=system,
        now=now,
        note="Nothing to send back: you keep the items.",
    )
    return _inspect_locked(
        return_request, lines=[], actor=system, now=now, digest=request_hash({"keep": True})
    )


def _inspect_locked(
    locked: ReturnRequest, *, lines: list[InspectionLine], actor: Actor, now: dt.datetime, digest: str
) -> dict[str, Any]:
    """The order, its payments and the return are locked: outcomes, the refund, the credit, the exchange."""
    order = locked.order
    facts = order_facts(order)
    matched = _outcomes(locked, lines)
    lines_by_id = {line.pk: line for line in facts.lines}
    units = [
        ReturnedUnits(
            line=lines_by_id[line.order_line_id],
            units=0 if item.outcome == InspectionOutcome.REJECTED else line.quantity,
            reason=line.reason,
            deduction=deduction,
            deduction_reason=item.reason,
            resolution=line.resolution,
            exchange_label=line.exchange_label,
            exchange_price=line.exchange_price,
        )
        for line, item, deduction in matched
    ]
    plans = return_plans(order=order, facts=facts, units=units, method=locked.method)
    outcomes = []
    for line, item, deduction in matched:
        ReturnLine.objects.filter(pk=line.pk).update(
            outcome=item.outcome, deduction=deduction, outcome_reason=item.reason[:200]
        )
        if item.outcome != InspectionOutcome.REJECTED:
            OrderLine.objects.filter(pk=line.order_line_id).update(
                quantity_returned=F("quantity_returned") + line.quantity
            )
        else:  # no exchange for an item that isn't taken back: its replacement goes back on the shelf
            exchange_stock_release(lines=[line])
        outcomes.append(
            {
                "line_id": line.order_line_id,
                "quantity": line.quantity,
                "resolution": line.resolution,
                "outcome": item.outcome,
                "deduction": str(deduction),
                "reason": item.reason,
            }
        )
    return_transition(return_request=locked, to_status=ReturnStatus.INSPECTED, actor=actor, now=now)
    events.return_event_record(
        ReturnEventKind.INSPECTED, return_request=locked, actor=actor, at=now, lines=outcomes
    )
    plan = plans.refund
    refund_ids = refund_plan_perform(
        order=order,
        plan=plan,
        actor=actor,
        reason=f"Return {locked.rma}",
        key=f"return:{locked.rma}:inspection",
        now=now,
    )
    credit = None
    if plans.credit is not None:
        credit = store_credit_issue(
            order=order,
            plan=plans.credit,
            actor=actor,
            reason=f"Return {locked.rma}: store credit",
            key=f"return:{locked.rma}:store-credit",
            now=now,
        )
        if credit is not None:
            events.return_event_record(
                ReturnEventKind.STORE_CREDIT_ISSUED,
                return_request=locked,
                actor=actor,
                at=now,
                refund_id=credit.pk,
                amount=str(credit.amount),
            )
    ReturnRequest.objects.filter(pk=locked.pk).update(exchange_due=plans.to_pay)
    locked.exchange_due = plans.to_pay
    if refund_ids or plan.points:
        events.return_event_record(
            ReturnEventKind.REFUND_CREATED,
            return_request=locked,
            actor=actor,
            at=now,
            refund_ids=refund_ids,
            amount=str(plan.refunded),
        )
    if refund_ids or plan.points or credit is not None:
        return_transition(
            return_request=locked, to_status=ReturnStatus.REFUNDED, actor=Actor.system(), now=now
        )
        # Store credit and points are settled already: a return with no refund left to wait for closes.
        return_close_if_settled(return_request=locked, now=now)
    else:
        return_transition(
            return_request=locked,
            to_status=ReturnStatus.CLOSED,
            actor=Actor.system(),
            now=now,
            note="Nothing to refund.",
        )
    estimate = plans_as_dict(plans)
    data = {
        "rma": locked.rma,
        "status": locked.status,
        "lines": outcomes,
        "refund": {
            **{key: value for key, value in estimate.items() if key not in ("store_credit", "exchange")},
            "refund_ids": refund_ids,
            "refunded": str(plan.refunded),
            "sentence": plan.sentence(locale=money_locale()) if plan.refunded > 0 else "",
            "destinations": plan.destinations(),
            "expected_by": expected.date().isoformat() if (expected := plan.expected_by(now)) else None,
        },
        "store_credit": (
            {**plan_as_dict(plans.credit), "refund_id": credit.pk, "issued": str(credit.amount)}
            if credit is not None and plans.credit is not None
            else None
        ),
        "exchange": estimate["exchange"],
    }
    locked.inspection_result = {"request_hash": digest, "result": data}
    ReturnRequest.objects.filter(pk=locked.pk).update(inspection_result=locked.inspection_result)
    notices.return_inspection_notice(return_request=locked, result=data)
    return data
