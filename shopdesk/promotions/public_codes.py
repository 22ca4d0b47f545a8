"""The live public codes a mistyped code may have meant, found without reading the coupon table per check.

public_codes_near(typed=..., now=...)   live public codes one slip from a typed code
public_codes_forget()                   drop this process's index (tests start from an empty one)

Every code one slip from what was typed (`typo_candidates`, about 80 per character) is looked up in an
index of the public codes kept in this process; only the few that match are read from the database, with
the live rules (public, active, started, not ended). So a code made private, switched off or ended a moment
ago is never suggested, and a private code never is: the index only narrows, the database decides.
The index is rebuilt when the newest public code changes (one row of the (public, id) index per check)
and at least every minute, so a code renamed or made public is suggested within a minute.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from django.db.models import Q

from shopdesk.promotions.engine import typo_candidates
from shopdesk.promotions.models import Coupon

INDEX_SECONDS = 60.0


@dataclass(frozen=True, slots=True)
class _PublicIndex:
    newest: tuple[int, str] | None  # the newest public code when it was built: its id and code
    built_at: float  # time.monotonic()
    by_folded: dict[str, tuple[str, ...]]  # upper-cased code → the codes as stored


_index: _PublicIndex | None = None
_lock = threading.Lock()


def public_codes_forget() -> None:
    global _index
    with _lock:
        _index = None


def _public_index() -> _PublicIndex:
    global _index
    newest = Coupon.objects.filter(public=True).order_by("-id").values_list("id", "code").first()
    current = _index
    if (
        current is not None
        and current.newest == newest
        and time.monotonic() - current.built_at < INDEX_SECONDS
    ):
        return current
    by_folded: dict[str, list[str]] = {}
    for code in Coupon.objects.filter(public=True).order_by().values_list("code", flat=True).iterator():
        by_folded.setdefault(code.upper(), []).append(code)
    built = _PublicIndex(
        newest=newest,
        built_at=time.monotonic(),
        by_folded={folded: tuple(codes) for folded, codes in by_folded.items()},
    )
    with _lock:
        _index = built
    return built


def public_codes_near(*, typed: Sequence[str], now: dt.datetime) -> Iterator[str]:
    """Live public codes one slip away from a typed code (the suggestions for a code not found); the
    queries run only when the caller reads the first code."""
    candidates: set[str] = set()
    for code in typed:
        candidates |= typo_candidates(code)
    if not candidates:
        return
    index = _public_index()
    near = [code for folded in candidates & index.by_folded.keys() for code in index.by_folded[folded]]
    if not near:
        return
    live = Coupon.objects.filter(
        Q(ends_at__isnull=True) | Q(ends_at__gt=now),
        code__in=near,
        public=True,
        active=True,
        starts_at__lte=now,
    )
    yield from live.order_by().values_list("code", flat=True)
