"""`{{ amount|money:currency }}`: an amount kept as text or a number, in the store's money format ($49.00)."""

from __future__ import annotations

from decimal import InvalidOperation

from django import template

from shopdesk.policy.money import money_text

register = template.Library()


@register.filter
def money(amount: object, currency: str) -> str:
    """The amount as the order page shows amounts; an empty or unreadable amount stays as it is."""
    if amount is None or amount == "":
        return ""
    try:
        return money_text(str(amount), str(currency))
    except InvalidOperation:
        return str(amount)
