"""Returns and refunds in every stage on demo orders, made after the orders by the product's own services
(start, decide, receive, inspect, the demo payment provider), so each stage is exactly what the code does.

Orders are taken in number order among the delivered ones still inside the return window, so the same
seed and size give the same returns. A stage that no order of a small store can take is left out.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable

from django.db import models, transaction

from shopdesk.core.actors import Actor
from shopdesk.core.errors import DomainError
from shopdesk.demo.models import DemoOrder
from shopdesk.demo.situations import Situation
from shopdesk.orders.models import Order
from shopdesk.payments.models import Payment, Refund
from shopdesk.payments.services.refund_follow_up import DEMO_DECLINING_CARD, refund_demo_step
from shopdesk.policy import get_policy
from shopdesk.returns.eligibility import LineReturnability, order_returnability
from shopdesk.returns.resolutions import exchange_options
from shopdesk.returns.services import ReturnLineRequest, return_create, return_decide
from shopdesk.returns.warehouse import (
    InspectionLine,
    return_inspect,
    return_mark_in_transit,
    return_mark_received,
)


class ReturnSituation(models.TextChoices):
    RETURN_REQUESTED = "return_requested", "A return was requested and approved: the items are to be sent"
    RETURN_PENDING_APPROVAL = "return_pending_approval", "A return waits for an agent's approval"
    RETURN_IN_TRANSIT = "return_in_transit", "A return is on its way back"
    RETURN_RECEIVED = "return_received", "A return reached the warehouse, not yet inspected"
    RETURN_INSPECTED_PARTIAL = "return_inspected_partial", "A return was inspected with a deduction"
    RETURN_REJECTED = "return_rejected", "A return was refused (by an agent, or its item at inspection)"
    RETURN_REFUNDED = "return_refunded", "A return was refunded and the refund has gone through"
    REFUND_FAILED = "refund_failed", "A return's refund was refused by the provider; a case is open"
    EXCHANGE_REQUESTED = "exchange_requested", "An item is being exchanged for another size or colour"
    STORE_CREDIT_ISSUED = "store_credit_issued", "A return was refunded as store credit with the bonus"


CUSTOMER_DAYS_AGO = 6  # when the demo returns were asked for, before the load's anchor
WAREHOUSE = Actor.integration("demo warehouse")
AGENT = Actor.system("demo care team")

Stage = Callable[[Order, list[LineReturnability], dt.datetime], bool]


def _start(
    order: Order,
    answer: LineReturnability,
    when: dt.datetime,
    *,
    reason: str,
    resolution: str = "refund",
    sku: str = "",
) -> str:
    created = return_create(
        order=order,
        actor=Actor.customer(order.email),
        lines=[ReturnLineRequest(answer.line.pk, 1, reason, resolution=resolution, exchange_sku=sku)],
        method="label",
        now=when,
    )
    return str(created.data["rma"])


def _plain(answers: list[LineReturnability]) -> LineReturnability | None:
    """A line that goes back without an agent (returnable, not above the approval threshold)."""
    return next((a for a in answers if a.eligibility.allowed and not a.eligibility.needs_approval), None)


def _waiting(answers: list[LineReturnability]) -> tuple[LineReturnability, str] | None:
    """A line whose return an agent approves: above the threshold, or faulty and otherwise not returnable."""
    for answer in answers:
        if answer.eligibility.allowed and answer.eligibility.needs_approval:
            return answer, "too_big"
        if answer.faulty_only:
            return answer, "defective"
    return None


def _requested(order: Order, answers: list[LineReturnability], when: dt.datetime) -> bool:
    answer = _plain(answers)
    return answer is not None and bool(_start(order, answer, when, reason="too_big"))


def _pending(order: Order, answers: list[LineReturnability], when: dt.datetime) -> bool:
    found = _waiting(answers)
    return found is not None and bool(_start(order, found[0], when, reason=found[1]))


def _rejected(order: Order, answers: list[LineReturnability], when: dt.datetime) -> bool:
    """An agent refuses a return waiting for approval; a store too small to have one left refuses the
    item at inspection instead (the return closes with nothing refunded)."""
    found = _waiting(answers)
    if found is None:
        answer = _plain(answers)
        if answer is None:
            return False
        rma = _start(order, answer, when, reason="changed_mind")
        refused = InspectionLine(answer.line.pk, "rejected", reason="worn and washed, the tags removed")
        _inspect(order, answer, when, rma, refused)
        return True
    rma = _start(order, found[0], when, reason=found[1])
    return_request = order.returns.get(rma=rma)
    return_decide(
        return_request=return_request,
        actor=AGENT,
        approve=False,
        note="The photos show wear after use, which the guarantee doesn't cover.",
        now=when + dt.timedelta(days=1),
    )
    return True


def _in_transit(order: Order, answers: list[LineReturnability], when: dt.datetime) -> bool:
    answer = _plain(answers)
    if answer is None:
        return False
    rma = _start(order, answer, when, reason="too_small")
    return_mark_in_transit(rma=rma, actor=WAREHOUSE, now=when + dt.timedelta(days=1))
    return True


def _received(order: Order, answers: list[LineReturnability], when: dt.datetime) -> bool:
    answer = _plain(answers)
    if answer is None:
        return False
    rma = _start(order, answer, when, reason="not_as_pictured")
    return_mark_received(rma=rma, actor=WAREHOUSE, now=when + dt.timedelta(days=3))
    return True


def _inspect(
    order: Order, answer: LineReturnability, when: dt.datetime, rma: str, outcome: InspectionLine
) -> None:
    return_mark_received(rma=rma, actor=WAREHOUSE, now=when + dt.timedelta(days=3))
    return_inspect(rma=rma, actor=WAREHOUSE, lines=[outcome], now=when + dt.timedelta(days=4))


def _inspected_partial(order: Order, answers: list[LineReturnability], when: dt.datetime) -> bool:
    answer = _plain(answers)
    if answer is None:
        return False
    rma = _start(order, answer, when, reason="changed_mind")
    _inspect(order, answer, when, rma, InspectionLine(answer.line.pk, "deducted", reason="tags missing"))
    return True


def _refunded(order: Order, answers: list[LineReturnability], when: dt.datetime) -> bool:
    answer = _plain(answers)
    if answer is None:
        return False
    rma = _start(order, answer, when, reason="too_big")
    _inspect(order, answer, when, rma, InspectionLine(answer.line.pk, "accepted"))
    for refund in Refund.objects.filter(order=order, payment__isnull=False):
        refund_demo_step(refund_id=refund.pk)
    return True


def _refund_failed(order: Order, answers: list[LineReturnability], when: dt.datetime) -> bool:
    answer = _plain(answers)
    payments = Payment.objects.filter(order=order, method="card", amount_captured__gt=0)
    if answer is None or not payments.exists():
        return False
    payments.update(card_last4=DEMO_DECLINING_CARD)  # the provider's test card that refuses refunds
    rma = _start(order, answer, when, reason="defective")
    _inspect(order, answer, when, rma, InspectionLine(answer.line.pk, "accepted"))
    from django.conf import settings

    for refund in Refund.objects.filter(order=order, payment__isnull=False):
        for _attempt in range(settings.SHOPDESK_REFUND_ATTEMPTS):
            refund_demo_step(refund_id=refund.pk)
    return True


def _exchange(order: Order, answers: list[LineReturnability], when: dt.datetime) -> bool:
    for answer in answers:
        if not answer.eligibility.allowed or answer.eligibility.needs_approval:
            continue
        options = [o for o in exchange_options(answer.line) if o.stock > 0]
        if options:
            _start(order, answer, when, reason="too_small", resolution="exchange", sku=options[0].sku)
            return True
    return False


def _store_credit(order: Order, answers: list[LineReturnability], when: dt.datetime) -> bool:
    answer = _plain(answers)
    if answer is None or not get_policy().returns.store_credit:
        return False
    rma = _start(order, answer, when, reason="too_big", resolution="store_credit")
    _inspect(order, answer, when, rma, InspectionLine(answer.line.pk, "accepted"))
    return True


STAGES: list[tuple[ReturnSituation, Stage]] = [
    (ReturnSituation.RETURN_REQUESTED, _requested),
    (ReturnSituation.RETURN_PENDING_APPROVAL, _pending),
    (ReturnSituation.RETURN_IN_TRANSIT, _in_transit),
    (ReturnSituation.RETURN_RECEIVED, _received),
    (ReturnSituation.RETURN_INSPECTED_PARTIAL, _inspected_partial),
    (ReturnSituation.RETURN_REFUNDED, _refunded),
    (ReturnSituation.REFUND_FAILED, _refund_failed),
    (ReturnSituation.STORE_CREDIT_ISSUED, _store_credit),
    (ReturnSituation.EXCHANGE_REQUESTED, _exchange),
    (ReturnSituation.RETURN_REJECTED, _rejected),
]


def build_return_situations(*, anchor: dt.datetime) -> Counter[str]:
    """One demo order per stage, each in its own transaction; the situation is added to the order's list."""
    made: Counter[str] = Counter()
    when = anchor - dt.timedelta(days=CUSTOMER_DAYS_AGO)
    candidates = (
        list(
            DemoOrder.objects.filter(situations__contains=[Situation.RETURN_WINDOW_OPEN])
            .select_related("order")
            .order_by("order__number")
        )
        if _json_contains_supported()
        else [
            row
            for row in DemoOrder.objects.select_related("order").order_by("order__number")
            if Situation.RETURN_WINDOW_OPEN in row.situations
        ]
    )
    used: set[int] = set()
    for situation, stage in STAGES:
        # Orders without a return first; then orders that still have items to send back.
        ordered = [row for row in candidates if row.pk not in used] + [
            row for row in candidates if row.pk in used
        ]
        for row in ordered:
            if row.order.cancelled_at is not None:
                continue
            answers = order_returnability(order=row.order, now=when)
            if not any(a.eligibility.allowed or a.faulty_only for a in answers):
                continue
            try:
                with transaction.atomic():
                    if not stage(row.order, answers, when):
                        continue
                    row.situations = [*row.situations, situation.value]
                    DemoOrder.objects.filter(pk=row.pk).update(situations=row.situations)
            except DomainError:
                continue
            used.add(row.pk)
            made[situation.value] += 1
            break
    return made


def _json_contains_supported() -> bool:
    from django.db import connection

    return connection.vendor == "postgresql"


__all__ = ["ReturnSituation", "build_return_situations"]
