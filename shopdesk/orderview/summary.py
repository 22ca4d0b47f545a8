"""Where things stand, in the store's own time zone and words: the one sentence on top of the order page."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from shopdesk.orders.enums import FulfilmentStatus, PaymentStatus
from shopdesk.policy import get_policy
from shopdesk.policy.dates import day_text
from shopdesk.shipping.enums import TrackingStatus
from shopdesk.shipping.rules import scan_age

if TYPE_CHECKING:
    from shopdesk.orderview.types import OrderPage, PackageView


def day_name(day: dt.date, today: dt.date) -> str:
    """'today', 'tomorrow', 'Friday' within a week, else 'Friday 4 December'."""
    delta = (day - today).days
    if delta == 0:
        return "today"
    if delta == 1:
        return "tomorrow"
    if 1 < delta < 7:
        return day.strftime("%A")
    return day_text(day, weekday=True, year=False)


def _items(count: int) -> str:
    return f"{count} item{'s' if count != 1 else ''}"


def _by(day: dt.date, today: dt.date) -> str:
    name = day_name(day, today)
    return name if name in ("today", "tomorrow") else f"by {name}"


def _package_state(package: PackageView, page: OrderPage) -> str:
    """What one package is doing, as the end of 'your item is …'."""
    status, today = package.status, page.today
    late = package.window is not None and package.window.latest < today
    if status == TrackingStatus.HELD_AT_CUSTOMS:
        return "held at customs"
    if status == TrackingStatus.DELIVERY_ATTEMPTED:
        return "back with the carrier after a missed delivery"
    if status == TrackingStatus.AVAILABLE_FOR_PICKUP:
        return "waiting for you at a pickup point"
    if status == TrackingStatus.LABEL_CREATED:
        return "packed and waiting for the carrier to collect it"
    scan = scan_age(last_scan=package.last_event_at or package.shipped_at, now=page.now, policy=get_policy())
    if scan is not None and scan.lost:
        return f"missing: the carrier has not scanned it for {scan.days} days"
    if late:
        return f"on its way but late: it was due {_by(package.window.latest, today)}"  # type: ignore[union-attr]
    if package.window is not None:
        return f"on its way, expected {_by(package.window.latest, today)}"
    return "on its way"


# Payment statuses under which nothing is prepared: the order waits for the money or for its check.
ON_HOLD_FOR_PAYMENT = frozenset(
    {PaymentStatus.DECLINED, PaymentStatus.PENDING, PaymentStatus.AWAITING_VERIFICATION}
)


def _waiting_for_payment(page: OrderPage) -> str:
    """The sentence of an unshipped order that waits for its payment (never "we are preparing it")."""
    if page.payment_status == PaymentStatus.AWAITING_VERIFICATION:
        check = page.verification
        if check is not None and check.status == "under_review":
            return "We're checking the answer you sent about your payment; your order ships as soon as it's done."
        if check is not None and check.overdue:
            return check.step
        by = f" by {check.deadline_text}" if check is not None else ""
        return f"Your order waits for a payment check: please verify your payment{by}, and it ships once that's done."
    if page.payment_status == PaymentStatus.DECLINED:
        return "Your payment was declined, so your order is on hold until it is paid: see below what to do."
    return "Your order is on hold until its payment goes through."


def where_things_stand(*, page: OrderPage, today: dt.date) -> str:
    """One plain sentence: what arrived, what moves, what still waits in a warehouse and until when."""
    fulfilment = page.fulfilment_status
    if fulfilment == FulfilmentStatus.CANCELLED:
        return "This order was cancelled; nothing will be shipped."
    if (
        fulfilment == FulfilmentStatus.UNFULFILLED
        and page.payment is not None
        and page.payment_status in ON_HOLD_FOR_PAYMENT
    ):
        return _waiting_for_payment(page)
    if fulfilment == FulfilmentStatus.RETURNED_TO_SENDER:
        return "A package came back to us: see below why, and choose between a new delivery and a refund."
    active = sum(line.quantity_active for line in page.lines)
    waiting_lines = [line for line in page.lines if line.quantity_unshipped]
    waiting_units = sum(line.quantity_unshipped for line in waiting_lines)
    where = f" in {page.ship_from_name}" if page.ship_from_name else ""
    if fulfilment == FulfilmentStatus.UNFULFILLED:
        sentence = f"We are preparing your {_items(active)}"
        if page.ship_by:
            verb = "it leaves" if active == 1 else "they leave"
            sentence += f": {verb} our warehouse{where} {_by(page.ship_by, today)}"
            if page.expected:
                sentence += (
                    f" and should reach you between {day_name(page.expected.earliest, today)} "
                    f"and {day_name(page.expected.latest, today)}"
                )
        return sentence + "."
    if fulfilment == FulfilmentStatus.DELIVERED:
        last = max((p.delivered_on for p in page.packages if p.delivered_on), default=None)
        return f"Everything was delivered{' on ' + day_text(last, weekday=True, year=False) if last else ''}."
    parts: list[str] = []
    delivered = [p for p in page.packages if p.status == TrackingStatus.DELIVERED]
    moving = [p for p in page.packages if p.status != TrackingStatus.DELIVERED]
    if len(page.packages) == 1 and not delivered:
        shipped = active - waiting_units
        noun = (
            "your item is"
            if active == 1
            else (
                f"{shipped} of {_items(active)} {'is' if shipped == 1 else 'are'}"
                if waiting_units
                else f"your {_items(active)} are"
            )
        )
        state = _package_state(moving[0], page)
        if noun.endswith("are"):
            state = (
                state.replace("its way", "their way")
                .replace("it was", "they were")
                .replace("collect it", "collect them")
                .replace("scanned it", "scanned them")
            )
        parts.append(f"{noun} {state}")
    else:
        if delivered:
            parts.append(
                f"{len(delivered)} of {len(page.packages)} packages {'was' if len(delivered) == 1 else 'were'} delivered"
            )
        if moving:
            latest = max((p.window.latest for p in moving if p.window), default=None)
            tail = f", expected {_by(latest, today)}" if latest and latest >= today else ""
            subject = (
                ("the other is" if len(moving) == 1 else f"the other {len(moving)} are")
                if delivered
                else ("your package is" if len(moving) == 1 else f"your {len(moving)} packages are")
            )
            parts.append(f"{subject} on the way{tail}")
    if waiting_lines and page.ship_by:
        what = (
            f"the {waiting_lines[0].product_name}"
            if len(waiting_lines) == 1
            else f"the other {_items(waiting_units)}"
        )
        verb = "leaves" if len(waiting_lines) == 1 else "leave"
        if page.ship_by < today:
            parts.append(
                f"{what} is taking longer than usual to leave our warehouse{where}; "
                "we will email you as soon as it ships"
            )
        else:
            parts.append(f"{what} {verb} our warehouse{where} {_by(page.ship_by, today)}")
    sentence = "; ".join(parts)
    return sentence[:1].upper() + sentence[1:] + "."
