"""Rate limits that stop guessing without locking people out: per (address, order) failures, a
flood ceiling per address, the per-order limit, trusted proxies, and counters that never lose a hit."""

from __future__ import annotations

import os
import threading
import uuid

import pytest
from django.db import connection
from django.test import Client, override_settings

from shopdesk.access import rate_limits
from shopdesk.access.rate_limits import LOOKUP_FAILURES_PER_IP_AND_ORDER, Limit, rate_limit_hit
from shopdesk.orders.models import Order
from tests import factories

SESSION_URL = "/api/v1/customer/session"


def _lookup(client: Client, number: str, email: str, ip: str = "10.0.0.1", **headers: str):
    return client.post(
        SESSION_URL,
        {"order_number": number, "email": email},
        content_type="application/json",
        REMOTE_ADDR=ip,
        **headers,
    )


def test_guesses_at_one_order_block_that_order_from_that_address_and_point_to_the_link(
    unfulfilled_order: Order, client: Client
) -> None:
    other = factories.OrderFactory()
    for attempt in range(LOOKUP_FAILURES_PER_IP_AND_ORDER.count):
        assert _lookup(client, unfulfilled_order.number, f"g{attempt}@x.example").status_code == 404
    blocked = _lookup(client, unfulfilled_order.number, unfulfilled_order.email)
    assert blocked.status_code == 429
    assert "link" in blocked.json()["error"]["message"]
    # this address may still open its other order, and the real owner elsewhere is not blocked
    assert _lookup(client, other.number, other.email).status_code == 200
    assert (
        _lookup(client, unfulfilled_order.number, unfulfilled_order.email, ip="10.7.7.7").status_code == 200
    )


def test_the_per_order_lockout_points_to_the_magic_link(unfulfilled_order: Order, client: Client) -> None:
    for attempt in range(8):
        _lookup(client, unfulfilled_order.number, f"g{attempt}@x.example", ip=f"10.2.0.{attempt}")
    blocked = _lookup(client, unfulfilled_order.number, unfulfilled_order.email, ip="10.9.9.9")
    assert blocked.status_code == 429
    message = blocked.json()["error"]["message"]
    assert "link sent to your email" in message and "protected" in message
    # the way in that always remains
    link = client.post(
        "/api/v1/customer/magic-link", {"email": unfulfilled_order.email}, content_type="application/json"
    )
    assert link.status_code == 202


@override_settings(SHOPDESK_TRUSTED_PROXIES=["10.0.0.0/8"])
def test_behind_a_trusted_proxy_each_client_is_counted_on_its_own(
    unfulfilled_order: Order, client: Client
) -> None:
    for attempt in range(LOOKUP_FAILURES_PER_IP_AND_ORDER.count):
        _lookup(client, unfulfilled_order.number, f"g{attempt}@x.example", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert (
        _lookup(
            client, unfulfilled_order.number, "g@x.example", HTTP_X_FORWARDED_FOR="203.0.113.9"
        ).status_code
        == 429
    )
    # another customer behind the same proxy is not blocked
    fine = _lookup(
        client,
        unfulfilled_order.number,
        unfulfilled_order.email,
        HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.9, 10.0.0.2",
    )
    assert fine.status_code == 429  # rightmost untrusted hop is 203.0.113.9: still the blocked client
    other = _lookup(
        client, unfulfilled_order.number, unfulfilled_order.email, HTTP_X_FORWARDED_FOR="198.51.100.1"
    )
    assert other.status_code == 200


def test_a_spoofed_forwarded_for_from_an_untrusted_peer_is_ignored(
    unfulfilled_order: Order, client: Client
) -> None:
    # no trusted proxies (the default): the header changes nothing
    for attempt in range(LOOKUP_FAILURES_PER_IP_AND_ORDER.count):
        _lookup(
            client,
            unfulfilled_order.number,
            f"g{attempt}@x.example",
            ip="203.0.113.50",
            HTTP_X_FORWARDED_FOR=f"198.51.100.{attempt}",
        )
    spoofed = _lookup(
        client,
        unfulfilled_order.number,
        unfulfilled_order.email,
        ip="203.0.113.50",
        HTTP_X_FORWARDED_FOR="198.51.100.200",
    )
    assert spoofed.status_code == 429
    with override_settings(SHOPDESK_TRUSTED_PROXIES=["10.0.0.0/8"]):
        untrusted_peer = _lookup(
            client,
            unfulfilled_order.number,
            unfulfilled_order.email,
            ip="203.0.113.50",
            HTTP_X_FORWARDED_FOR="198.51.100.201",
        )
    assert untrusted_peer.status_code == 429


def _hit_in_parallel(limit: Limit, subject: str, *, threads: int = 8, each: int = 10) -> None:
    start = threading.Barrier(threads)

    def run() -> None:
        try:
            start.wait()
            for _ in range(each):
                rate_limit_hit(limit=limit, subject=subject)
        finally:
            connection.close()

    workers = [threading.Thread(target=run) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)


def _counted(limit: Limit, subject: str) -> int:
    import time

    key, _ = rate_limits._key(limit, subject, time.time())
    return rate_limits._count(key)


@pytest.mark.django_db(transaction=True)
def test_parallel_failures_are_all_counted_in_the_database() -> None:
    assert not rate_limits.counts_in_cache() or os.environ.get("REDIS_URL")
    limit = Limit("test-parallel", 20, 3600)
    with override_settings(CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}):
        assert not rate_limits.counts_in_cache()
        _hit_in_parallel(limit, "10.0.0.1")
        assert _counted(limit, "10.0.0.1") == 80


def _redis_url() -> str | None:
    url = os.environ.get("REDIS_URL")
    if not url:
        return None
    try:
        import redis

        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except Exception:
        return None
    return url


@pytest.mark.django_db(transaction=True)
def test_parallel_failures_are_all_counted_in_redis() -> None:
    url = _redis_url()
    if url is None:
        pytest.skip("REDIS_URL is not set or Redis is not reachable")
    cache = {
        "default": {
            "BACKEND": "shopdesk.core.cache.PrefixedRedisCache",
            "LOCATION": url,
            "KEY_PREFIX": f"test-{uuid.uuid4().hex}",
        }
    }
    limit = Limit("test-parallel", 20, 3600)
    with override_settings(CACHES=cache):
        from django.core.cache import cache as redis_cache

        assert rate_limits.counts_in_cache()
        _hit_in_parallel(limit, "10.0.0.1")
        assert _counted(limit, "10.0.0.1") == 80
        import redis

        neighbour = redis.Redis.from_url(url)
        neighbour.set("another-app:key", "kept", ex=60)
        try:
            redis_cache.clear()
            assert _counted(limit, "10.0.0.1") == 0
            assert neighbour.get("another-app:key") == b"kept"  # clear() took only our prefix
        finally:
            neighbour.delete("another-app:key")
