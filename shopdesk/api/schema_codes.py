"""Code lists the OpenAPI document shares between operations: currencies, countries and locales.

The input types mark their schema with `x-codes` (see shopdesk.integration.schemas.common); the
document replaces each mark by a `$ref`, so it spells each list once. Each list holds what the
validators accept, in canonical form.
"""

from __future__ import annotations

import functools
from typing import Any

import pycountry
from babel import localedata

from shopdesk.core.locales import LOCALE_MAX_LENGTH, locale_canonical


@functools.cache
def code_components() -> dict[str, dict[str, Any]]:
    locales = sorted(
        {
            code
            for code in localedata.locale_identifiers()
            if len(code) <= LOCALE_MAX_LENGTH and locale_canonical(code) == code
        }
    )
    return {
        "CurrencyCode": {
            "type": "string",
            "description": "An ISO 4217 currency code.",
            "enum": sorted(c.alpha_3 for c in pycountry.currencies),
        },
        "CountryCode": {
            "type": "string",
            "description": "An ISO 3166-1 alpha-2 country code.",
            "enum": sorted(c.alpha_2 for c in pycountry.countries),
        },
        "LocaleCode": {
            "type": "string",
            "description": "A locale, language and optional territory (like en_US or fr_FR).",
            "enum": locales,
        },
    }


def codes_refer(document: Any) -> Any:
    """The document with each `{"x-codes": NAME, …}` schema replaced by a `$ref` to that list."""
    if isinstance(document, dict):
        if document.get("x-codes") in code_components():
            return {"$ref": f"#/components/schemas/{document['x-codes']}"}
        return {key: codes_refer(value) for key, value in document.items()}
    if isinstance(document, list):
        return [codes_refer(value) for value in document]
    return document
