"""Where each registry action lives on the web: the only place the portal maps action ids to URLs."""

from __future__ import annotations

from django.urls import reverse

# change_items and price_adjustment are per item (the order page links each line); open_case is a button
# of a diagnosis.
_URL_NAMES = {
    "cancel": "portal:cancel",
    "shipping_address": "portal:shipping_address",
    "billing_address": "portal:billing_address",
    "resend_confirmation": "portal:resend",
    "resend_shipping": "portal:resend",
    "change_email": "portal:email_change",
    "return_start": "portal:return_start",
    "pay_again": "portal:pay_again",
    "verify_payment": "portal:verify_payment",
}


# Actions on one item: their page takes the line.
_LINE_URL_NAMES = {"change_items": "portal:change_line", "price_adjustment": "portal:price_adjustment"}


def action_url(number: str, action_id: str, line_id: int | None = None) -> str:
    """The page of the action for this order (and item), or "" when it has no page of its own."""
    if line_id is not None and action_id in _LINE_URL_NAMES:
        return reverse(_LINE_URL_NAMES[action_id], args=[number, line_id])
    name = _URL_NAMES.get(action_id)
    return reverse(name, args=[number]) if name else ""
