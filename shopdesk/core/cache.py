"""Django's Redis cache, with a clear() that removes only this installation's keys.

Django's RedisCache.clear() flushes the whole Redis database, taking other applications' keys (and
another test process's rate-limit counters) with it. Here clear() deletes the keys under KEY_PREFIX.
"""

from __future__ import annotations

from django.core.cache.backends.redis import RedisCache


class PrefixedRedisCache(RedisCache):
    def clear(self) -> None:
        client = self._cache.get_client(write=True)
        batch: list[bytes] = []
        for key in client.scan_iter(match=self.make_key("*"), count=500):
            batch.append(key)
            if len(batch) >= 500:
                client.delete(*batch)
                batch = []
        if batch:
            client.delete(*batch)
