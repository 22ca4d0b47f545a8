"""Locales: which ones babel can format with, and the one to use when stored data names an unusable one.

A locale is checked at the door (`locale_validate`); rendering never trusts stored data and falls
back (`locale_or`), so a bad value written before the check existed cannot break an order's pages.
"""

from __future__ import annotations

from functools import lru_cache

from babel import Locale, UnknownLocaleError

LOCALE_MAX_LENGTH = 16  # the width of the locale columns


@lru_cache(maxsize=256)
def locale_canonical(value: str) -> str | None:
    """The locale in babel's form (`en_US` for `en-us`), or None when babel cannot format with it."""
    text = value.strip()
    if not text or len(text) > LOCALE_MAX_LENGTH or not text.replace("-", "_").replace("_", "").isalnum():
        return None
    try:
        return str(Locale.parse(text.replace("-", "_")))
    except (UnknownLocaleError, ValueError, TypeError):
        return None


def locale_validate(value: str) -> str:
    """Pydantic validator: the canonical locale, or a ValueError naming what is wrong."""
    canonical = locale_canonical(value)
    if canonical is None:
        raise ValueError(f"{value[:40]!r} is not a locale we know (like en_US or fr_FR)")
    return canonical


def locale_or(stored: str | None, fallback: str) -> str:
    """The stored locale when babel can use it, else the fallback (the store's locale)."""
    return (locale_canonical(stored) if stored else None) or locale_canonical(fallback) or "en_US"
