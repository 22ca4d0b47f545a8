"""Render an email (subject, text, HTML) from notifications/email/<template>.* with the store and order."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse

from shopdesk.core.money import format_money
from shopdesk.orders.totals import OrderTotals, order_totals
from shopdesk.policy import get_policy

if TYPE_CHECKING:
    from shopdesk.orders.models import Order
    from shopdesk.shipping.models import Shipment

# Every template we ship: callers name one of these, so a typo fails loudly at enqueue time.
EMAIL_TEMPLATES = frozenset(
    {
        "confirmation",
        "shipped",
        "delivered",
        "cancelled",
        "address_changed",
        "billing_address_changed",
        "line_changed",
        "magic_link",
        "email_change_confirm",
        # The payment check; its templates live in shopdesk/payments/templates/notifications/email/.
        "payment_verification",
        # The desk's emails; their templates live in shopdesk/desk/templates/notifications/email/.
        "desk_acknowledgement",
        "desk_reply",
        "desk_csat",
        # The returns' emails; their templates live in shopdesk/returns/templates/notifications/email/.
        "return_approved",
        "return_received",
        "return_inspected",
        "return_refunded",
        "return_exchange_shipped",
    }
)


RESERVED_CONTEXT = frozenset({"store", "order"})


@dataclass(frozen=True, slots=True)
class RenderedEmail:
    subject: str
    text: str
    html: str


def email_context(*, template: str, context: dict[str, Any], order: Order | None) -> dict[str, Any]:
    """The caller's context plus what every email shows: the store, the order and its lines."""
    policy = get_policy()
    full: dict[str, Any] = {"store": policy.store}
    if order is not None:
        full["order"] = order
        full["lines"] = list(order.lines.all())
        full["shipments"] = list(order.shipments.prefetch_related("lines__order_line").all())
        full["customer_name"] = order.shipping_address.name if order.shipping_address_id else ""
        locale = policy.store.locale  # one money format per email: its language, not the destination's
        totals = order_totals(order=order, lines=full["lines"])
        full["order_total"] = format_money(totals.total, order.currency, locale)
        full["totals"] = _totals_rows(totals, locale)
        full["order_url"] = _absolute(reverse("portal:order", args=[order.number]))
        full["tracking"] = [
            _tracking(shipment, position) for position, shipment in enumerate(full["shipments"], 1)
        ]
        full["address"] = (
            order.billing_address if template == "billing_address_changed" else order.shipping_address
        )
    # "store" and "order" always mean the policy's store and the order row: a caller's value of the same
    # name (e.g. the store's name as a string) would blank every header and footer, so it is ignored.
    full.update({key: value for key, value in context.items() if key not in RESERVED_CONTEXT})
    return full


def _absolute(path: str) -> str:
    return settings.SHOPDESK_BASE_URL.rstrip("/") + path


def _totals_rows(totals: OrderTotals, locale: str) -> list[dict[str, Any]]:
    """The order's breakdown as label/amount rows that sum (orders.totals), as the order page shows them."""

    def money(amount: Decimal, minus: bool = False) -> str:
        return ("−" if minus else "") + format_money(amount, totals.currency, locale)

    rows: list[dict[str, Any]] = [{"label": "Items", "amount": money(totals.items)}]
    if totals.discounts:
        rows.append({"label": "Discounts", "amount": money(totals.discounts, minus=True)})
    rows.append({"label": "Shipping", "amount": money(totals.shipping)})
    if totals.tax:
        rows.append({"label": "Tax", "amount": money(totals.tax)})
    if totals.duties:
        rows.append({"label": "Duties", "amount": money(totals.duties)})
    if totals.adjustment:
        rows.append({"label": "Other charges set by the store", "amount": money(totals.adjustment)})
    rows.append({"label": "Total", "amount": money(totals.total), "strong": True})
    if totals.points_used:
        rows.append(
            {
                "label": f"Paid with {totals.points_used:,} points",
                "amount": money(totals.points_value, minus=True),
            }
        )
        rows.append(
            {"label": "Paid by your payment method", "amount": money(totals.by_money), "strong": True}
        )
    return rows


def _tracking(shipment: Shipment, position: int) -> dict[str, Any]:
    carrier = get_policy().carrier(shipment.carrier)
    number = shipment.tracking_number
    return {
        "position": position,
        "carrier": carrier.name if carrier else shipment.carrier.upper(),
        "number": number,
        "url": carrier.tracking_url.format(number=quote(number)) if carrier and number else "",
        "lines": list(shipment.lines.all()),
    }


def email_render(*, template: str, context: dict[str, Any], order: Order | None = None) -> RenderedEmail:
    if template not in EMAIL_TEMPLATES:
        raise ValueError(f"unknown email template {template!r}")
    full = email_context(template=template, context=context, order=order)
    base = f"notifications/email/{template}"
    # A subject is one line: templates may wrap for readability, the header may not.
    subject = " ".join(render_to_string(f"{base}.subject.txt", full).split())
    text = render_to_string(f"{base}.txt", full).strip() + "\n"
    html = render_to_string(f"{base}.html", full)
    return RenderedEmail(subject=subject[:300], text=text, html=html)
