"""The store's "pay again" link of an order: what a valid one is (checked where the store sends it)."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings

PAYMENT_URL_MAX_LENGTH = 500


def payment_url_validate(value: str) -> str:
    """An absolute https URL (http too while DEBUG is on, for a local store); "" clears the link.

    No user name or password inside it, no spaces or control characters: customers click it from the
    order page, so it must be exactly the store's payment page.
    """
    value = value.strip()
    if value == "":
        return value
    if len(value) > PAYMENT_URL_MAX_LENGTH:
        raise ValueError(f"must be at most {PAYMENT_URL_MAX_LENGTH} characters")
    if any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in value):
        raise ValueError("must not contain spaces or control characters")
    parts = urlsplit(value)
    allowed = ("https", "http") if settings.DEBUG else ("https",)
    if parts.scheme.lower() not in allowed:
        raise ValueError(
            "must be an https:// URL" + (" (or http:// while DEBUG is on)" if settings.DEBUG else "")
        )
    if not parts.hostname:
        raise ValueError("must name a host")
    if parts.username or parts.password:
        raise ValueError("must not carry a user name or password")
    return value
