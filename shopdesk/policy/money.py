"""Money as the customer reads it: one format, the store's locale, on every page, chat message and email.

The order's own locale (where the customer lives) never picks the format: a cancel preview and its result,
the portal and the email must show the same amount the same way (decision 0008).
"""

from __future__ import annotations

from decimal import Decimal

from shopdesk.core.money import format_money
from shopdesk.policy.loader import get_policy


def money_locale() -> str:
    """The locale every amount shown to a customer is written in: the store's."""
    return get_policy().store.locale


def money_text(amount: Decimal | str, currency: str) -> str:
    """`amount` in `currency`, formatted in the store's locale (`$156.00`); an amount kept as text (the
    JSON of an estimate, an event's facts) is read as a Decimal first."""
    return format_money(Decimal(amount), currency, money_locale())
