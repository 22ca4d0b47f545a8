"""Where each registry action lives on the web: the only place the portal maps action ids to URLs."""

from __future__ import annotations

from django.urls import reverse

# change_items is per item (the order page links each line) and open_case is a button of a diagnosis.
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


def action_url(number: str, action_id: str) -> str:
    """The page of the action for this order, or "" when it has no page of its own."""
    name = _URL_NAMES.get(action_id)
    return reverse(name, args=[number]) if name else ""
