"""The cache backends of an installation, each a small change to Django's own.

- `PrefixedRedisCache`: Django's RedisCache.clear() flushes the whole Redis database, taking other
  applications' keys (and another test process's rate-limit counters) with it. Here clear() deletes
  the keys under KEY_PREFIX.
- `FileCache` (the default without Redis): Django's file cache lists its whole directory on every
  set() to decide whether to cull. With a few hundred entries (order views per version, sessions) the
  listing cost more than the write; here a process counts the files at most every `CULL_SECONDS`.
"""

from __future__ import annotations

import time

from django.core.cache.backends.filebased import FileBasedCache
from django.core.cache.backends.redis import RedisCache

CULL_SECONDS = 5.0


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


class FileCache(FileBasedCache):
    """Between two counts a process may take the cache past MAX_ENTRIES by what it writes meanwhile;
    the next count culls it back as Django does."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self._counted_at = float("-inf")

    def _cull(self) -> None:
        now = time.monotonic()
        if now - self._counted_at < CULL_SECONDS:
            return
        self._counted_at = now
        super()._cull()  # type: ignore[misc]  # Django's own, not in its stubs
