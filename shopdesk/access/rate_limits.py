"""Fixed-window rate-limit counters: in Redis when the cache is Redis, else in the database.

Both stores count atomically (Redis INCR; a database UPDATE of `count + 1`), so 80 parallel
failures against a limit of 20 are 80 counted failures. Django's file and local-memory caches
increment by read-then-write and would lose counts between workers, so they are never used for this.

Counting only failures for the order lookup means a customer who types it right is never slowed down,
while someone trying many numbers or emails is stopped after a handful.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import F

from shopdesk.access.errors import RateLimited
from shopdesk.access.models import RateCounter

MAGIC_LINK_HINT = "You can always sign in with a link sent to your email address instead."


@dataclass(frozen=True, slots=True)
class Limit:
    scope: str
    count: int
    window_seconds: int
    # Said with every 429 of this limit: where the customer can go instead of waiting.
    hint: str = ""


# Failed order lookups, counted per (client address, order number): guesses at other orders never
# block this one, and a correct answer is never refused because of someone else's typos.
LOOKUP_FAILURES_PER_IP_AND_ORDER = Limit("lookup-ip-order", 5, 15 * 60, MAGIC_LINK_HINT)
# Per order number, from anywhere (a botnet walking one order); the real owner still has the link.
LOOKUP_FAILURES_PER_ORDER = Limit(
    "lookup-order",
    8,
    15 * 60,
    "This order is protected after several wrong attempts. " + MAGIC_LINK_HINT,
)
# A flood guard per client address: far above what a shopper with a few orders ever reaches.
LOOKUP_FAILURES_PER_IP = Limit("lookup-ip", 200, 15 * 60, MAGIC_LINK_HINT)
# Magic-link requests send email: per address and per recipient (no mail bombing).
MAGIC_LINK_PER_IP = Limit("magic-ip", 10, 60 * 60)
MAGIC_LINK_PER_EMAIL = Limit("magic-email", 3, 60 * 60)


def _key(limit: Limit, subject: str, now: float) -> tuple[str, float]:
    window = int(now // limit.window_seconds)
    digest = hashlib.sha256(subject.encode()).hexdigest()[:32]  # keys stay short, no PII in the store
    retry_after = (window + 1) * limit.window_seconds - now
    return f"shopdesk:rl:{limit.scope}:{digest}:{window}", retry_after


def counts_in_cache() -> bool:
    """True when the cache counts atomically across processes (Redis); else the database counts."""
    backend = settings.CACHES["default"]["BACKEND"]
    return "redis" in backend.lower()


def _count(key: str) -> int:
    return _counts([key]).get(key, 0)


def _counts(keys: list[str]) -> dict[str, int]:
    """The current count of each key that has one (one read however many keys)."""
    if counts_in_cache():
        return {key: int(value or 0) for key, value in cache.get_many(keys).items()}
    # Written out: every chat message and lookup reads its limits, and the ORM took longer to build
    # this statement than the database to run it.
    if not keys:
        return {}
    table, key_, count = _counter_names()
    marks = ", ".join(["%s"] * len(keys))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {key_}, {count} FROM {table} WHERE {key_} IN ({marks})", keys)  # noqa: S608
        return {key: int(value) for key, value in cursor.fetchall()}


def _counter_names() -> tuple[str, str, str]:
    """The counters' table and its key and count columns, quoted for the statements written out here."""
    quote = connection.ops.quote_name
    return quote(RateCounter._meta.db_table), quote("key"), quote("count")


def _increment(key: str, ttl: float) -> None:
    if counts_in_cache():
        # add() then incr() is atomic on Redis, so concurrent hits are all counted.
        cache.add(key, 0, timeout=int(ttl) + 1)
        try:
            cache.incr(key)
        except ValueError:  # expired between add() and incr()
            cache.set(key, 1, timeout=int(ttl) + 1)
        return
    if _counter_add(key):
        return
    if not _counter_insert(key, ttl):  # another request created it first: count on it
        _counter_add(key)


def _counter_add(key: str, below: int | None = None) -> bool:
    """One more on `key`'s row, in one statement (only while its count is below `below`, when given);
    False when no row was counted."""
    table, key_, count = _counter_names()
    sql = f"UPDATE {table} SET {count} = {count} + 1 WHERE {key_} = %s"  # noqa: S608 - our names
    params: list[str | int] = [key]
    if below is not None:
        sql += f" AND {count} < %s"
        params.append(below)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return bool(cursor.rowcount)


# Old windows' rows match no key again (the window is part of the key): a sweep of them is housekeeping,
# done at most once a minute per process rather than by every first request of a window.
SWEEP_SECONDS = 60.0
_last_sweep = [0.0]


_EXPIRES_AT = RateCounter._meta.get_field("expires_at")


def _counter_insert(key: str, ttl: float) -> bool:
    """The window's first count for `key` (count 1); False when another request created the row first."""
    expires_at = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=ttl + 1)
    table, key_, count = _counter_names()
    expires = connection.ops.quote_name("expires_at")
    with connection.cursor() as cursor:
        # A row another request inserted first is left as it is (no error, so no savepoint is needed).
        cursor.execute(
            f"INSERT INTO {table} ({key_}, {count}, {expires}) VALUES (%s, 1, %s) "  # noqa: S608 - our names
            f"ON CONFLICT ({key_}) DO NOTHING",
            [key, _EXPIRES_AT.get_db_prep_save(expires_at, connection)],
        )
        if not cursor.rowcount:
            return False
    now = time.monotonic()
    if now - _last_sweep[0] >= SWEEP_SECONDS:
        _last_sweep[0] = now
        RateCounter.objects.filter(expires_at__lt=dt.datetime.now(dt.UTC)).delete()
    return True


def rate_limit_check(*, limit: Limit, subject: str) -> None:
    """Raise RateLimited when `subject` used up its count in the current window."""
    rate_limits_check((limit, subject))


def rate_limits_check(*checked: tuple[Limit, str]) -> None:
    """`rate_limit_check` of several (limit, subject), read in one statement; the first of them (in the
    order given) that is used up is the one raised."""
    now = time.time()
    keyed = [(limit, *_key(limit, subject, now)) for limit, subject in checked]
    counts = _counts([key for _, key, _ in keyed])
    for limit, key, retry_after in keyed:
        if counts.get(key, 0) >= limit.count:
            raise RateLimited(retry_after=retry_after, hint=limit.hint)


def rate_limit_hit(*, limit: Limit, subject: str) -> None:
    key, retry_after = _key(limit, subject, time.time())
    _increment(key, retry_after)


def rate_limit_take(*, limit: Limit, subject: str) -> None:
    """Check, then count this attempt (for requests limited whether or not they succeed)."""
    if not counts_in_cache():
        # One statement in the usual case: count the attempt only while under the limit. It is also
        # the check, atomically (two requests can't both take the last attempt of a window).
        key, retry_after = _key(limit, subject, time.time())
        if _counter_add(key, below=limit.count):
            return
        # No row yet is the window's first attempt: create it counted. A row that exists is at the
        # limit (or was created a moment ago by another request): the check below decides.
        if limit.count > 0 and _counter_insert(key, retry_after):
            return
    rate_limit_check(limit=limit, subject=subject)
    rate_limit_hit(limit=limit, subject=subject)


def rate_limits_take(*taken: tuple[Limit, str]) -> None:
    """`rate_limit_take` for several (limit, subject) of one request, counted in one statement while all
    are under their limit (a chat message: per client and per conversation).

    An attempt refused by any of them is counted by none: the counts this call made are given back
    before `RateLimited` is raised. Limits are checked in the order given; the first refusal is the
    one raised."""
    if counts_in_cache() or len(taken) < 2:
        for limit, subject in taken:
            rate_limit_take(limit=limit, subject=subject)
        return
    now = time.time()
    keys = [(_key(limit, subject, now), limit) for limit, subject in taken]
    table, key_, count = _counter_names()
    where = " OR ".join([f"({key_} = %s AND {count} < %s)"] * len(keys))
    params: list[str | int] = [value for (key, _), limit in keys for value in (key, limit.count)]
    with connection.cursor() as cursor:
        # Atomic per row, as the single UPDATE: a row is counted only while under its limit.
        cursor.execute(
            f"UPDATE {table} SET {count} = {count} + 1 WHERE {where} RETURNING {key_}",  # noqa: S608 - our names
            params,
        )
        counted = {row[0] for row in cursor.fetchall()}
    if len(counted) == len(keys):
        return
    mine = set(counted)
    try:
        for (key, retry_after), limit in keys:
            if key in counted:
                continue
            # No row yet is the window's first attempt: create it counted. A row that exists is at the
            # limit (or was created a moment ago by another request): the check decides.
            if limit.count > 0 and _counter_insert(key, retry_after):
                mine.add(key)
                continue
            if _count(key) >= limit.count:
                raise RateLimited(retry_after=retry_after, hint=limit.hint)
            _increment(key, retry_after)
            mine.add(key)
    except RateLimited:
        if mine:
            RateCounter.objects.filter(key__in=sorted(mine)).update(count=F("count") - 1)
        raise
