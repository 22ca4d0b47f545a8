"""Fixed-window counters in Django's cache (shared by every worker when the cache is Redis or a file).

Counting only failures for the order lookup means a customer who types it right is never slowed down,
while someone trying many numbers or emails is stopped after a handful.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass

from django.core.cache import cache

from shopdesk.access.errors import RateLimited


@dataclass(frozen=True, slots=True)
class Limit:
    scope: str
    count: int
    window_seconds: int


# Failed order lookups: per client address and per order number (so a botnet can't walk one order).
LOOKUP_FAILURES_PER_IP = Limit("lookup-ip", 20, 15 * 60)
LOOKUP_FAILURES_PER_ORDER = Limit("lookup-order", 8, 15 * 60)
# Magic-link requests send email: per address and per recipient (no mail bombing).
MAGIC_LINK_PER_IP = Limit("magic-ip", 10, 60 * 60)
MAGIC_LINK_PER_EMAIL = Limit("magic-email", 3, 60 * 60)


def _key(limit: Limit, subject: str, now: float) -> tuple[str, float]:
    window = int(now // limit.window_seconds)
    digest = hashlib.sha256(subject.encode()).hexdigest()[:32]  # keys stay short, no PII in the cache
    retry_after = (window + 1) * limit.window_seconds - now
    return f"shopdesk:rl:{limit.scope}:{digest}:{window}", retry_after


def rate_limit_check(*, limit: Limit, subject: str) -> None:
    """Raise RateLimited when `subject` used up its count in the current window."""
    key, retry_after = _key(limit, subject, time.time())
    if (cache.get(key) or 0) >= limit.count:
        raise RateLimited(retry_after=retry_after)


def rate_limit_hit(*, limit: Limit, subject: str) -> None:
    key, retry_after = _key(limit, subject, time.time())
    # add() then incr() is atomic on Redis and memcached, so concurrent hits are all counted.
    cache.add(key, 0, timeout=int(retry_after) + 1)
    try:
        cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.set(key, 1, timeout=int(retry_after) + 1)


def rate_limit_take(*, limit: Limit, subject: str) -> None:
    """Check, then count this attempt (for requests limited whether or not they succeed)."""
    rate_limit_check(limit=limit, subject=subject)
    rate_limit_hit(limit=limit, subject=subject)
