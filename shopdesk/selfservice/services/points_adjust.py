"""The care team adds points to the customer of an order (a goodwill gesture) or takes some off (a
correction), with the reason the customer reads.

points_adjust_preview(order=..., actor=..., points=..., reason=...)   the balance before and after
order_points_adjust(order=..., actor=..., points=..., reason=..., idempotency_key=...)   do it, once

Agents only (the service of the points ledger refuses anyone else too). A removal never takes the
available balance below zero: it is refused (`insufficient_points`) and nothing is written.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from shopdesk.core.actors import Actor
from shopdesk.core.eligibility import Eligibility
from shopdesk.loyalty.errors import InsufficientPoints, PointsInvalid
from shopdesk.loyalty.ledger import balance_available
from shopdesk.loyalty.services import ADJUST_LIMIT, points_adjust
from shopdesk.orders import events
from shopdesk.orders.models import Order
from shopdesk.orders.services.idempotency import action_keys, action_replay, action_store, order_lock

MAX_REASON_LENGTH = 200
AGENTS_ONLY = Eligibility.no("agents_only", "Only our care team can adjust points.")


@dataclass(frozen=True, slots=True)
class PointsAdjustPlan:
    points: int
    reason: str
    balance_before: int

    @property
    def balance_after(self) -> int:
        return self.balance_before + self.points

    def sentence(self) -> str:
        what = (
            f"{self.points:,} points are added to"
            if self.points > 0
            else f"{-self.points:,} points are taken off"
        )
        return (
            f"{what} the customer's balance ({self.balance_before:,} → {self.balance_after:,} points "
            f"available). The customer reads the reason: “{self.reason}”."
        )


@dataclass(frozen=True, slots=True)
class PointsAdjustResult:
    order: Order
    data: dict[str, Any]  # points, reason, balance, entry_id, message
    replayed: bool

    @property
    def message(self) -> str:
        return str(self.data["message"])


def _plan(order: Order, actor: Actor, points: int, reason: str) -> PointsAdjustPlan:
    if not actor.is_agent:
        AGENTS_ONLY.require()
    if points == 0 or abs(points) > ADJUST_LIMIT:
        raise PointsInvalid(f"An adjustment is a whole number of points, not zero, at most {ADJUST_LIMIT:,}.")
    reason = " ".join(reason.split())
    if not reason or len(reason) > MAX_REASON_LENGTH:
        raise PointsInvalid(
            f"Say why the points are adjusted, in at most {MAX_REASON_LENGTH} characters: the customer reads it."
        )
    balance = balance_available(customer_id=order.customer_id)
    if balance + points < 0:
        raise InsufficientPoints(
            f"The customer has {balance:,} points available: taking off {-points:,} would take the balance "
            "below zero.",
            details={"requested": -points, "available": balance},
        )
    return PointsAdjustPlan(points=points, reason=reason, balance_before=balance)


def points_adjust_preview(*, order: Order, actor: Actor, points: int, reason: str) -> PointsAdjustPlan:
    """What the adjustment would do, without doing it (raises like the service)."""
    return _plan(order, actor, points, reason)


def order_points_adjust(
    *,
    order: Order,
    actor: Actor,
    points: int,
    reason: str,
    idempotency_key: str | None = None,
    now: dt.datetime | None = None,
) -> PointsAdjustResult:
    """Adjust the points of the order's customer, in one transaction under the order lock: a retry with
    the same Idempotency-Key gets the first answer (the same key with other points or another reason is a
    conflict); without a key, each request is a new adjustment."""
    now = now or timezone.now()
    request = {"points": points, "reason": " ".join(reason.split())}
    with transaction.atomic():
        locked = order_lock(order_id=order.pk)
        keys = action_keys(order=locked, action="points_adjust", client_key=idempotency_key, derived=None)
        if keys and (replay := action_replay(keys=keys, request=request)) is not None:
            return PointsAdjustResult(order=locked, data=replay, replayed=True)
        plan = _plan(locked, actor, points, reason)
        entry = points_adjust(
            customer=locked.customer,
            points=plan.points,
            note=plan.reason,
            actor=actor,
            # The ledger's own key: the action's record key, or a fresh one when no key was sent.
            key=keys[0] if keys else f"order:{locked.pk}:points_adjust:{uuid.uuid4().hex}",
            now=now,
        )
        balance = balance_available(customer_id=locked.customer_id)
        events.order_points_adjusted(
            order=locked, actor=actor, points=plan.points, reason=plan.reason, balance=balance
        )
        what = f"{plan.points:,} points added" if plan.points > 0 else f"{-plan.points:,} points taken off"
        data = {
            "points": plan.points,
            "reason": plan.reason,
            "entry_id": entry.pk,
            "balance": balance,
            "message": f"{what}; the customer now has {balance:,} points available.",
        }
        if keys:
            action_store(
                order=locked, action="points_adjust", keys=keys, request=request, result=data, now=now
            )
    return PointsAdjustResult(order=locked, data=data, replayed=False)
