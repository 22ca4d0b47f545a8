"""Run every entity finder over a message and keep a non-overlapping set of entities.

Finders may propose overlapping spans ("KW10023456" looks like an order number and a code;
"UK 10" holds a country and a size). The more specific kind wins, then the longer span.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable, Iterable, Iterator

from .amounts import find_amounts
from .countries import find_countries
from .dates import find_dates
from .identifiers import (
    find_contextual_references,
    find_emails,
    find_store_order_numbers,
    find_tracking_numbers,
)
from .promo_codes import find_promo_codes
from .sizes import find_quantities, find_sizes
from .types import Entity

logger = logging.getLogger(__name__)

DEFAULT_PREFIX = "KW"
DEFAULT_DIGITS = 8
# Most specific first: an email or an order number is never re-read as a code, amount or quantity.
PRIORITY = [
    "email",
    "order_number",
    "tracking_number",
    "reference",
    "promo_code",
    "amount",
    "date",
    "size",
    "country",
    "quantity",
]


def store_order_format() -> tuple[str, int]:
    """The order-number prefix and digit count from the store policy, or KW/8 outside Django.

    Read lazily so the NLU package stays usable (and testable) without a configured project.
    """
    try:
        from shopdesk.policy import get_policy

        store = get_policy().store
        return str(store.order_number_prefix), int(store.order_number_digits)
    except Exception:  # no policy package, Django not configured, or policy not loadable
        return DEFAULT_PREFIX, DEFAULT_DIGITS


def extract_entities(
    text: str,
    *,
    now: datetime.datetime | None = None,
    prefix: str | None = None,
    digits: int | None = None,
) -> list[Entity]:
    """All entities in ``text``, ordered by position, with no two overlapping."""
    if prefix is None or digits is None:
        policy_prefix, policy_digits = store_order_format()
        prefix = prefix or policy_prefix
        digits = digits or policy_digits
    now = now or datetime.datetime.now()
    candidates = list(_candidates(text, now, prefix, digits))
    rank = {kind: i for i, kind in enumerate(PRIORITY)}
    candidates.sort(key=lambda e: (rank[e.type], -(e.end - e.start), e.start))
    kept: list[Entity] = []
    for entity in candidates:
        if all(entity.end <= other.start or entity.start >= other.end for other in kept):
            kept.append(entity)
    return sorted(kept, key=lambda e: e.start)


def without_order_details(text: str, entities: Iterable[Entity]) -> str:
    """`text` with its order numbers and emails blanked out (each span one space; spans are offsets into it)."""
    rest = text
    for entity in sorted(entities, key=lambda e: -e.start):
        if entity.type in ("order_number", "email"):
            rest = rest[: entity.start] + " " + rest[entity.end :]
    return rest


def _candidates(text: str, now: datetime.datetime, prefix: str, digits: int) -> Iterator[Entity]:
    yield from _guarded("email", lambda: find_emails(text))
    yield from _guarded("order_number", lambda: find_store_order_numbers(text, prefix, digits))
    yield from _guarded("reference", lambda: find_contextual_references(text, prefix, digits))
    yield from _guarded("tracking_number", lambda: find_tracking_numbers(text))
    yield from _guarded("promo_code", lambda: find_promo_codes(text))
    yield from _guarded("amount", lambda: find_amounts(text))
    yield from _guarded("date", lambda: find_dates(text, now))
    yield from _guarded("size", lambda: find_sizes(text))
    yield from _guarded("country", lambda: find_countries(text))
    yield from _guarded("quantity", lambda: find_quantities(text))


def _guarded(kind: str, finder: Callable[[], Iterable[Entity]]) -> list[Entity]:
    """The finder's entities, or none when it (or a library it calls) raises on strange input.

    Finders lean on third-party parsers (tracking-numbers, pycountry, calendar arithmetic) whose
    exceptions on odd text are not part of any contract: one bad message must cost its entities of
    that kind, never the reply or a batch. The message itself is not logged (it may hold personal data).
    """
    try:
        return list(finder())
    except Exception as exc:  # any library error on hostile input means "nothing found"
        logger.warning(
            "entity finder %r failed on a message (%s); its entities are skipped", kind, type(exc).__name__
        )
        return []
