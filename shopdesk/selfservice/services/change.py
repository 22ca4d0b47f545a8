"""Change the size, colour or quantity of an item that hasn't shipped, within the change window.

Price rule (docs/actions.md): a change that costs the same or less is done here, and the difference goes
back as a refund (or lowers the card hold). A change that costs more is never done self-service:
shopdesk cannot take a new payment, so the message sends the customer to an agent or a new order.
A line whose price was adjusted counts as paid what is still paid for it (docs/decisions/0035): the
units it cancels take their share of the difference already paid back off, and another variant is
compared with what the kept units cost after it, which settles the adjustment.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from shopdesk.catalog.models import Variant
from shopdesk.catalog.stock import stock_release, stock_reserve
from shopdesk.core.actors import Actor
from shopdesk.core.eligibility import Eligibility
from shopdesk.core.errors import InvalidInput, NotEligible, NotFound
from shopdesk.core.money import format_money
from shopdesk.notifications.services import email_enqueue
from shopdesk.orders import events
from shopdesk.orders.models import Order, OrderLine
from shopdesk.orders.services.idempotency import action_keys, action_replay, action_store, order_lock
from shopdesk.payments.breakdown import Charge, CouponCap, LinePart, coupon_cap, repriced_units
from shopdesk.payments.breakdown_rows import line_part
from shopdesk.payments.refund_plan import (
    CREDIT_STORE_CREDIT_PAYMENTS,
    RefundPlan,
    order_facts_locked,
    refund_plan,
    refund_plan_perform,
)
from shopdesk.policy import get_policy
from shopdesk.promotions.models import PriceAdjustment
from shopdesk.promotions.price_adjustment import order_adjustments_by_line
from shopdesk.selfservice.eligibility import OrderFacts, line_change_eligibility, order_facts


@dataclass(frozen=True, slots=True)
class LineChangeResult:
    order: Order
    data: dict[str, Any]  # line_id, before, after, refund_amount, payment_outcome, message
    replayed: bool

    @property
    def message(self) -> str:
        return str(self.data["message"])


def variant_options(line: OrderLine) -> list[Variant]:
    """Other sizes and colours of the same product that are on sale now (for the form)."""
    if line.variant is None:
        return []
    return list(Variant.objects.filter(product_id=line.variant.product_id, active=True).order_by("id"))


def _describe(*, name: str, size: str, colour: str, quantity: int) -> str:
    details = ", ".join(part for part in (colour, size and f"size {size}") if part)
    return f"{quantity} × {name}" + (f" ({details})" if details else "")


def _target_variant(line: OrderLine, size: str | None, colour: str | None) -> Variant:
    current = line.variant
    assert current is not None  # eligibility refuses lines without a variant
    want_size = current.size if size is None else size.strip()
    want_colour = current.colour if colour is None else colour.strip()
    if (want_size, want_colour) == (current.size, current.colour):
        return current
    match = (
        Variant.objects.filter(product_id=current.product_id, active=True)
        .filter(size__iexact=want_size, colour__iexact=want_colour)
        .first()
    )
    if match is None:
        details = ", ".join(part for part in (want_colour, want_size and f"size {want_size}") if part)
        raise InvalidInput(f"The {line.product_name} doesn't come in {details}.", code="variant_not_found")
    return match


def _check_requested(size: str | None, colour: str | None, quantity: int | None) -> None:
    changeable = set(get_policy().orders.changeable)
    for name, value in (("size", size), ("colour", colour), ("quantity", quantity)):
        if value is not None and name not in changeable:
            raise NotEligible(
                Eligibility.no("change_not_offered", f"The {name} of an item can't be changed online.")
            )
    for name, text in (("size", size), ("colour", colour)):
        if text is not None and (not isinstance(text, str) or len(text) > 40):
            raise InvalidInput(f"Choose a {name} from the list.", code="invalid_input")
    limit = get_policy().orders.max_quantity_per_line
    if quantity is not None and (
        isinstance(quantity, bool) or not isinstance(quantity, int) or not 1 <= quantity <= limit
    ):
        raise InvalidInput(f"Choose a quantity from 1 to {limit}.", code="invalid_quantity")


def order_line_change(
    *,
    order: Order,
    line_id: int,
    actor: Actor,
    size: str | None = None,
    colour: str | None = None,
    quantity: int | None = None,
    idempotency_key: str | None = None,
    now: dt.datetime | None = None,
) -> LineChangeResult:
    _check_requested(size, colour, quantity)
    now = now or timezone.now()
    request = {"line_id": line_id, "size": size, "colour": colour, "quantity": quantity}
    with transaction.atomic():
        locked = order_lock(order_id=order.pk)
        # Only a client key replays: the same change asked twice is simply "already done" (no money moves).
        keys = action_keys(order=locked, action=f"change:{line_id}", client_key=idempotency_key, derived=None)
        if keys and (replay := action_replay(keys=keys, request=request)) is not None:
            return LineChangeResult(order=locked, data=replay, replayed=True)
        facts = order_facts_locked(locked)
        line = next((item for item in facts.lines if item.pk == line_id), None)
        if line is None:
            raise NotFound("This item is not part of the order.", code="unknown_line")
        line_change_eligibility(order=locked, line=line, now=now, facts=facts).require()
        data = _apply(
            locked, line, facts=facts, actor=actor, size=size, colour=colour, quantity=quantity, now=now
        )
        if keys:
            action_store(order=locked, action="change", keys=keys, request=request, result=data, now=now)
    locked.refresh_from_db()
    return LineChangeResult(order=locked, data=data, replayed=False)


@dataclass(frozen=True, slots=True)
class LineChangePlan:
    line: OrderLine
    target: Variant
    old_quantity: int
    new_quantity: int
    new_price: Decimal
    before: str
    after: str
    parts: list[LinePart]
    charges: list[Charge]
    refund: RefundPlan | None
    # Another variant: the kept units' coupon share capped at their new price, stored on the line.
    coupon: CouponCap | None = None

    @property
    def changed(self) -> bool:
        return self.target.pk != self.line.variant_id or self.new_quantity != self.old_quantity

    def sentence(self, *, locale: str = "en_US") -> str:
        if not self.changed:
            return f"Nothing to change: you already have {self.after}."
        money = f" {self.refund.sentence(locale=locale)}" if self.refund else ""
        return f"You're about to change {self.before} to {self.after}.{money}"


def _plan(
    order: Order,
    line: OrderLine,
    *,
    facts: OrderFacts,
    size: str | None,
    colour: str | None,
    quantity: int | None,
) -> LineChangePlan:
    """Everything the change would do, checked, without writing (the preview and the service share it)."""
    old_variant = line.variant
    assert old_variant is not None
    target = _target_variant(line, size, colour)
    old_quantity = line.quantity_active
    new_quantity = old_quantity if quantity is None else quantity
    before = _describe(name=line.product_name, size=line.size, colour=line.colour, quantity=old_quantity)
    after = _describe(name=line.product_name, size=target.size, colour=target.colour, quantity=new_quantity)
    what = after.split(" × ", 1)[1]
    locale = get_policy().store.locale  # the page's language, not the destination's
    new_price = line.unit_price if target.pk == old_variant.pk else target.price
    if new_quantity > old_quantity:
        raise NotEligible(
            Eligibility.no(
                "costs_more",
                "Adding pieces costs more than you paid, so it can't be done here: place a new order "
                "for the extra pieces, or ask an agent to add them.",
            )
        )
    if new_price > line.unit_price:
        raise NotEligible(
            Eligibility.no(
                "costs_more",
                f"The {what} costs {format_money(new_price, order.currency, locale)}, more than the "
                f"{format_money(line.unit_price, order.currency, locale)} you paid, so an agent needs to make this "
                "change: they'll ask you to pay the difference.",
            )
        )
    removed = old_quantity - new_quantity
    # The difference already paid back on the line comes off the units it covered, whether they leave
    # (fewer pieces) or move to another price (another variant): it never goes back twice.
    adjustment = order_adjustments_by_line(order_id=order.pk).get(line.pk)
    parts = [line_part(line, removed, adjustment=adjustment)] if removed else []
    charges: list[Charge] = []
    coupon = None
    if target.pk != old_variant.pk:
        kept = line_part(line, new_quantity, adjustment=adjustment)
        kept = dataclasses.replace(kept, units_before=kept.units_before + removed)
        coupon = coupon_cap(kept, new_price, order.currency)
        charges += repriced_units(kept, new_price, f"Price difference: {before} → {after}", order.currency)
        if sum((c.amount for c in charges), Decimal(0)) < 0:
            back = -sum((c.amount for c in charges if c.amount < 0), Decimal(0))
            raise NotEligible(
                Eligibility.no(
                    "costs_more",
                    f"The {what} costs {format_money(new_price, order.currency, locale)}: with the "
                    f"{format_money(back, order.currency, locale)} price difference already paid back on "
                    "this item, you paid less than that, so an agent needs to make this change: they'll "
                    "ask you to pay the difference.",
                )
            )
    if target.pk != old_variant.pk and target.stock < new_quantity:
        raise NotEligible(Eligibility.no("out_of_stock", f"Sorry, the {what} is sold out."))
    plan = (
        refund_plan(
            order=order,
            facts=facts,
            parts=parts,
            charges=charges,
            whole_order=False,
            credit=CREDIT_STORE_CREDIT_PAYMENTS,  # the store-credit share goes back as store credit
        )
        if parts or charges
        else None
    )
    return LineChangePlan(
        line=line,
        target=target,
        old_quantity=old_quantity,
        new_quantity=new_quantity,
        new_price=new_price,
        before=before,
        after=after,
        parts=parts,
        charges=charges,
        refund=plan,
        coupon=coupon,
    )


def line_change_preview(
    *,
    order: Order,
    line_id: int,
    size: str | None = None,
    colour: str | None = None,
    quantity: int | None = None,
    now: dt.datetime | None = None,
) -> LineChangePlan:
    _check_requested(size, colour, quantity)
    facts = order_facts(order)
    line = next((item for item in facts.lines if item.pk == line_id), None)
    if line is None:
        raise NotFound("This item is not part of the order.", code="unknown_line")
    line_change_eligibility(order=order, line=line, now=now, facts=facts).require()
    return _plan(order, line, facts=facts, size=size, colour=colour, quantity=quantity)


def _apply(
    order: Order,
    line: OrderLine,
    *,
    facts: OrderFacts,
    actor: Actor,
    size: str | None,
    colour: str | None,
    quantity: int | None,
    now: dt.datetime,
) -> dict[str, Any]:
    change = _plan(order, line, facts=facts, size=size, colour=colour, quantity=quantity)
    locale = get_policy().store.locale  # the page's language, not the destination's
    if not change.changed:
        return {
            "line_id": line.pk,
            "before": change.before,
            "after": change.after,
            "refund_amount": "0",
            "changed": False,
            "payment_outcome": "nothing",
            "message": change.sentence(locale=locale),
        }
    old_variant_id = line.variant_id
    if change.target.pk != old_variant_id:
        # The stock check in the plan was a read; this F() update is the one that counts.
        if not stock_reserve(variant_id=change.target.pk, quantity=change.new_quantity):
            raise NotEligible(
                Eligibility.no("out_of_stock", f"Sorry, the {change.after.split(' × ', 1)[1]} is sold out.")
            )
        stock_release(variant_id=old_variant_id, quantity=change.old_quantity)
    else:
        stock_release(variant_id=old_variant_id, quantity=change.old_quantity - change.new_quantity)
    OrderLine.objects.filter(pk=line.pk).update(
        variant=change.target,
        sku=change.target.sku,
        size=change.target.size,
        colour=change.target.colour,
        unit_price=change.new_price,
        unit_price_ordered=line.unit_price_ordered or line.unit_price,
        quantity_cancelled=line.quantity_cancelled + change.old_quantity - change.new_quantity,
    )
    if change.coupon is not None:
        # The kept units' coupon share above their new price was not taken off the difference: the units
        # leaving later don't take it off either (`breakdown.coupon_cap`).
        OrderLine.objects.filter(pk=line.pk).update(
            coupon_capped=change.coupon.capped, coupon_capped_units=change.coupon.capped_units
        )
    if change.target.pk != old_variant_id:
        # The kept units' price difference took the line's adjustment off: it is settled, and later
        # refunds of the line (at its new price) take nothing more off.
        PriceAdjustment.objects.filter(order_line_id=line.pk, settled_at__isnull=True).update(settled_at=now)
    plan = change.refund
    refund_amount = Decimal(0)
    if plan is not None:
        key = f"order:{order.pk}:change:{line.pk}:{now.isoformat()}"
        refund_plan_perform(
            order=order, plan=plan, actor=actor, reason="Item changed by the customer", key=key, now=now
        )
        refund_amount = plan.refunded
    money_message = plan.sentence(locale=locale) if plan is not None else ""
    events.order_line_changed(
        order=order,
        actor=actor,
        message=f"{change.before} → {change.after}",
        before={"line_id": line.pk, "sku": line.sku, "quantity": change.old_quantity},
        after={"line_id": line.pk, "sku": change.target.sku, "quantity": change.new_quantity},
    )
    email_enqueue(
        to=order.email,
        template="line_changed",
        order=order,
        context={"before": change.before, "after": change.after, "money_message": money_message},
    )
    return {
        "line_id": line.pk,
        "before": change.before,
        "after": change.after,
        "changed": True,
        "refund_amount": str(refund_amount),
        "payment_outcome": plan.outcome if plan else "nothing",
        "message": f"Changed to {change.after}. {money_message}".strip(),
    }
