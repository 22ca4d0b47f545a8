"""What a customer may do to an order right now, and why not: one function per self-service action.

Each returns an `Eligibility` whose message the portal, the API, the assistant and the desk show as is.
Services call the same functions again inside their transaction, with the order row locked.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from shopdesk.core.calendar import local_date
from shopdesk.core.eligibility import Eligibility
from shopdesk.orders.enums import OrderEventKind
from shopdesk.orders.models import Order, OrderEvent, OrderLine
from shopdesk.orders.return_window import return_window_end
from shopdesk.payments.enums import VerificationStatus
from shopdesk.payments.order_facts import OrderFacts, order_facts
from shopdesk.policy import get_policy
from shopdesk.policy.dates import day_text, moment_text

RESEND_TEMPLATES = {"confirmation": "resend_confirmation", "shipped": "resend_shipping"}


# --- wording ---------------------------------------------------------------------------------------
def _item_names(lines: list[OrderLine]) -> str:
    names = [line.product_name for line in lines]
    if len(names) == 1:
        return f"the {names[0]}"
    return "the " + ", ".join(names[:-1]) + f" and {names[-1]}"


def _returns_hint(facts: OrderFacts | None = None, now: dt.datetime | None = None) -> str:
    """The return window in general, or, once everything arrived, until when (or that it closed)."""
    policy = get_policy()
    returns = policy.returns
    delivered = [s.delivered_at for s in facts.shipments if s.delivered_at] if facts else []
    if facts is not None and now is not None and delivered and len(delivered) == len(facts.shipments):
        end = return_window_end(placed_at=facts.order.placed_at, delivered_at=delivered, policy=policy)
        if end is not None:
            day = day_text(local_date(end, policy), weekday=True, year=False)
            if now >= end:
                return f"The return window closed on {day}."
            return f"You can return items until {day}."
    start = "it arrives" if returns.window_starts == "delivery" else "you ordered"
    return f"You can return items within {returns.window_days} days after {start}."


def change_window_closes(order: Order) -> dt.datetime:
    return order.placed_at + dt.timedelta(hours=get_policy().orders.change_window_hours)


def _window_closed(order: Order, now: dt.datetime) -> Eligibility | None:
    hours = get_policy().orders.change_window_hours
    closes = change_window_closes(order)
    if now <= closes:
        return None
    return Eligibility.no(
        "change_window_closed",
        f"Orders can be changed for {hours} hours after they're placed; the time for this one ended on "
        f"{moment_text(closes)}. {_returns_hint()}",
    )


def _cancelled(order: Order) -> Eligibility | None:
    if order.is_cancelled:
        return Eligibility.no("order_cancelled", "This order is cancelled, so it can't be changed.")
    return None


def _dispatched(facts: OrderFacts, what: str) -> Eligibility | None:
    if not facts.any_shipped:
        return None
    policy = get_policy()
    carrier_hint = ""
    if policy.shipping.address_change_after_dispatch == "carrier" and facts.shipments:
        carrier = policy.carrier(facts.shipments[0].carrier)
        if carrier is not None:
            carrier_hint = f" {carrier.name} can help once it's on its way: {carrier.not_home_options}"
    return Eligibility.no(
        "already_dispatched",
        f"Your order has left our warehouse, so we can't change {what} any more.{carrier_hint}",
    )


# --- the rules -----------------------------------------------------------------------------------
def cancel_eligibility(
    *, order: Order, now: dt.datetime | None = None, facts: OrderFacts | None = None
) -> Eligibility:
    """Whole order before dispatch; once some items left, only the items that haven't."""
    policy = get_policy()
    facts = facts or order_facts(order)
    if policy.orders.cancellation == "never":
        return Eligibility.no(
            "cancellation_not_offered",
            f"Orders can't be cancelled once placed at {policy.store.name}. {_returns_hint()}",
        )
    if order.is_cancelled or not facts.active_lines:
        return Eligibility.no("order_cancelled", "This order is already cancelled.")
    unshipped = facts.unshipped_lines
    if not unshipped:
        return Eligibility.no(
            "already_dispatched",
            "This order can't be cancelled any more: all of its items have left our warehouse. "
            + _returns_hint(facts, now or timezone.now()),
        )
    if facts.any_shipped:
        total = sum(line.quantity_active for line in facts.active_lines)
        left = sum(facts.units_shipped(line) for line in facts.active_lines)
        verb = "hasn't" if len(unshipped) == 1 else "haven't"
        return Eligibility(
            True,
            "partially_dispatched",
            f"This order can't be cancelled as a whole any more: {left} of its {total} items have left our "
            f"warehouse. You can cancel {_item_names(unshipped)} that {verb} shipped yet, "
            f"or return the rest once it arrives.",
        )
    return Eligibility.yes("You can cancel this order until it leaves our warehouse.")


def line_change_eligibility(
    *, order: Order, line: OrderLine, now: dt.datetime | None = None, facts: OrderFacts | None = None
) -> Eligibility:
    """Size, colour or quantity of one item: within the change window, before that item ships."""
    policy = get_policy()
    now = now or timezone.now()
    changeable = {"size", "colour", "quantity"} & set(policy.orders.changeable)
    if not changeable:
        return Eligibility.no("change_not_offered", "Items can't be changed once an order is placed.")
    facts = facts or order_facts(order)
    if (refusal := _cancelled(order)) is not None:
        return refusal
    if line.quantity_active == 0:
        return Eligibility.no("line_cancelled", f"The {line.product_name} was cancelled.")
    if facts.units_shipped(line):
        return Eligibility.no(
            "line_dispatched",
            f"The {line.product_name} has left our warehouse, so it can't be changed any more. "
            + _returns_hint(facts, now),
        )
    if (refusal := _window_closed(order, now)) is not None:
        return refusal
    if line.variant_id is None:
        return Eligibility.no(
            "variant_unavailable",
            f"The {line.product_name} is no longer in our catalogue, so an agent has to make this change.",
        )
    names = sorted(changeable, key=["size", "colour", "quantity"].index)
    what = names[0] if len(names) == 1 else ", ".join(names[:-1]) + f" or {names[-1]}"
    return Eligibility.yes(
        f"You can change the {what} of this item until {moment_text(change_window_closes(order))}."
    )


def shipping_address_change_eligibility(
    *, order: Order, now: dt.datetime | None = None, facts: OrderFacts | None = None
) -> Eligibility:
    policy = get_policy()
    now = now or timezone.now()
    if "shipping_address" not in policy.orders.changeable:
        return Eligibility.no(
            "change_not_offered", "The delivery address can't be changed once an order is placed."
        )
    facts = facts or order_facts(order)
    # Eligibility is falsy when refused, so every refusal check compares with None.
    for refusal in (_cancelled(order), _dispatched(facts, "the delivery address")):
        if refusal is not None:
            return refusal
    if (refusal := _window_closed(order, now)) is not None:
        return refusal
    return Eligibility.yes(
        f"You can change the delivery address until {moment_text(change_window_closes(order))}, "
        "or until the order leaves our warehouse if that's sooner."
    )


def billing_address_change_eligibility(
    *, order: Order, now: dt.datetime | None = None, facts: OrderFacts | None = None
) -> Eligibility:
    policy = get_policy()
    rules = policy.orders.billing_address
    if "billing_address" not in policy.orders.changeable or rules.change_before == "never":
        return Eligibility.no(
            "change_not_offered", "The billing address can't be changed online; an agent can help."
        )
    facts = facts or order_facts(order)
    if (refusal := _cancelled(order)) is not None:
        return refusal
    if (
        rules.change_before == "dispatch"
        and (refusal := _dispatched(facts, "the billing address")) is not None
    ):
        return refusal
    if rules.change_before == "capture" and facts.captured > 0:
        return Eligibility.no(
            "already_charged",
            "Your payment has already been taken, so the billing address can't be changed any more.",
        )
    suffix = " (in the same country)" if rules.same_country_only else ""
    return Eligibility.yes(f"You can update the billing address{suffix} until your order ships.")


def resends_in_last_hour(order: Order, now: dt.datetime) -> tuple[tuple[dt.datetime, str], ...]:
    """The order's emails resent in the hour before `now`, oldest first: (when, template), one read.

    The hour's resends are a handful at most: the template is picked in Python, not by a JSON lookup in
    SQL, whose statement took the ORM longer to build than the database to run."""
    resent = (
        OrderEvent.objects.filter(
            order=order, kind=OrderEventKind.EMAIL_RESENT, created_at__gt=now - dt.timedelta(hours=1)
        )
        .order_by("created_at")
        .values_list("created_at", "after")
    )
    return tuple((at, str(after.get("template"))) for at, after in resent if isinstance(after, dict))


def _resends_in_last_hour(
    order: Order, template: str, now: dt.datetime, facts: OrderFacts | None
) -> list[dt.datetime]:
    # The order page reads the hour's resends once for both emails (`FactsWithOffers.resent`).
    resent = getattr(facts, "resent", None)
    if resent is None:
        resent = resends_in_last_hour(order, now)
    return [at for at, sent in resent if sent == template]


def resend_email_eligibility(
    *, order: Order, template: str, now: dt.datetime | None = None, facts: OrderFacts | None = None
) -> Eligibility:
    """Resend the confirmation or the shipping email to the order's address, a few times an hour."""
    now = now or timezone.now()
    if template not in RESEND_TEMPLATES:
        return Eligibility.no(
            "unknown_email", "Only the order confirmation and the shipping email can be resent."
        )
    facts = facts or order_facts(order)
    if template == "shipped" and not facts.shipments:
        return Eligibility.no(
            "not_shipped_yet",
            "Your order hasn't shipped yet, so there's no shipping email to resend. We'll send it when it leaves "
            "our warehouse.",
        )
    recent = _resends_in_last_hour(order, template, now, facts)
    if len(recent) >= get_policy().orders.resends_per_hour:
        again = recent[0] + dt.timedelta(hours=1)
        return Eligibility.no(
            "resend_limit",
            f"We've sent this email {len(recent)} times in the last hour. Please check your spam or junk folder; "
            f"you can ask again after {moment_text(again)}.",
        )
    what = "order confirmation" if template == "confirmation" else "shipping email"
    return Eligibility.yes(f"We can send the {what} again to {order.email}.")


def email_change_eligibility(*, order: Order, now: dt.datetime | None = None) -> Eligibility:
    """Fix a mistyped email: always offered; the new address must confirm before anything changes."""
    if get_policy().orders.email_change_needs_confirmation:
        return Eligibility.yes(
            "You can correct the email of this order: we send a link to the new address, and the change "
            "happens once you open it."
        )
    return Eligibility.yes("You can correct the email address of this order.")


def payment_holds_refund(facts: OrderFacts) -> bool:
    """True when money was taken and could go back (declined or unverified orders refund nothing)."""
    return any(
        p.amount_captured > p.amount_refunded and p.verification_status != VerificationStatus.REQUIRED
        for p in facts.live_payments
    )
