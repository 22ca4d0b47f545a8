"""Change an order's delivery or billing address: validated, within policy, copied into a new Address row.

Orders point at their own Address rows, so a change never edits a row another order (or the
other role of this order) might share: a new row is written and the order points at it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.db import transaction
from django.utils import timezone

from shopdesk.core.actors import Actor
from shopdesk.core.eligibility import Eligibility
from shopdesk.core.errors import NotEligible
from shopdesk.notifications.services import email_enqueue
from shopdesk.orders import events
from shopdesk.orders.address_validation import (
    CleanAddress,
    address_clean,
    po_box_check,
    shipping_destination_eligibility,
)
from shopdesk.orders.models import Address, Order
from shopdesk.orders.services.idempotency import order_lock
from shopdesk.policy import get_policy
from shopdesk.selfservice.eligibility import (
    billing_address_change_eligibility,
    order_facts,
    shipping_address_change_eligibility,
)


def _unchanged(current: Address, clean: CleanAddress) -> bool:
    return current.as_dict() == clean.as_dict()


def _check(order: Order, clean: CleanAddress, *, kind: str, now: dt.datetime) -> None:
    """Every rule of the change, with the order as read (locked, inside the service)."""
    facts = order_facts(order)
    if kind == "shipping":
        shipping_address_change_eligibility(order=order, now=now, facts=facts).require()
        shipping_destination_eligibility(order=order, country=clean.country).require()
        po_box_check(order=order, address=clean)
        return
    billing_address_change_eligibility(order=order, now=now, facts=facts).require()
    rules = get_policy().orders.billing_address
    if rules.same_country_only and clean.country != order.billing_address.country:
        raise NotEligible(Eligibility.no("billing_country_change", rules.reason_country_change))


def address_change_preview(
    *,
    order: Order,
    address: dict[str, Any],
    kind: Literal["shipping", "billing"],
    now: dt.datetime | None = None,
) -> CleanAddress:
    """The address as it would be saved (normalised), after every check; nothing is written."""
    clean = address_clean(data=address)
    _check(order, clean, kind=kind, now=now or timezone.now())
    return clean


def _change(
    order: Order,
    actor: Actor,
    address: dict[str, Any],
    kind: Literal["shipping", "billing"],
    now: dt.datetime | None,
) -> Order:
    clean = address_clean(data=address)  # bad input fails before any lock is taken
    now = now or timezone.now()
    field = f"{kind}_address"
    with transaction.atomic():
        locked = order_lock(order_id=order.pk)
        _check(locked, clean, kind=kind, now=now)
        current: Address = getattr(locked, field)
        if _unchanged(current, clean):
            return locked
        new = Address.objects.create(**clean.as_dict())
        setattr(locked, field, new)
        locked.save(update_fields=[field, "updated_at"])
        record = (
            events.order_shipping_address_changed
            if kind == "shipping"
            else events.order_billing_address_changed
        )
        record(order=locked, actor=actor, before=current.as_dict(), after=clean.as_dict())
        template = "address_changed" if kind == "shipping" else "billing_address_changed"
        email_enqueue(to=locked.email, template=template, order=locked, context={"address": new})
    return locked


def order_shipping_address_change(
    *, order: Order, actor: Actor, address: dict[str, Any], now: dt.datetime | None = None
) -> Order:
    """Deliver the order somewhere else: before dispatch, within the change window, in its shipping set-up."""
    return _change(order, actor, address, "shipping", now)


def order_billing_address_change(
    *, order: Order, actor: Actor, address: dict[str, Any], now: dt.datetime | None = None
) -> Order:
    """Correct the billing address, per the policy's rules (before dispatch; same country only)."""
    return _change(order, actor, address, "billing", now)
