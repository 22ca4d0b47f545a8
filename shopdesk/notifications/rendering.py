"""Render an email (subject, text, HTML) from notifications/email/<template>.* with the store and order."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.template.loader import render_to_string

from shopdesk.core.money import format_money
from shopdesk.policy import get_policy

if TYPE_CHECKING:
    from shopdesk.orders.models import Order

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
        # The desk's emails; their templates live in shopdesk/desk/templates/notifications/email/.
        "desk_acknowledgement",
        "desk_reply",
        "desk_csat",
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
        full["order_total"] = format_money(order.total, order.currency, order.locale or policy.store.locale)
        full["address"] = (
            order.billing_address if template == "billing_address_changed" else order.shipping_address
        )
    # "store" and "order" always mean the policy's store and the order row: a caller's value of the same
    # name (e.g. the store's name as a string) would blank every header and footer, so it is ignored.
    full.update({key: value for key, value in context.items() if key not in RESERVED_CONTEXT})
    return full


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
