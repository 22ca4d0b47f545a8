"""`FileCache`: Django's file cache, counting its files at most every CULL_SECONDS per process."""

from __future__ import annotations

from pathlib import Path

import pytest

from shopdesk.core import cache as cache_module
from shopdesk.core.cache import FileCache


def _files(directory: Path) -> int:
    return len(list(directory.glob("*.djcache")))


def test_sets_count_the_files_once_per_period_and_the_next_count_culls(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = [1000.0]
    monkeypatch.setattr(cache_module.time, "monotonic", lambda: clock[0])
    cache = FileCache(str(tmp_path), {"OPTIONS": {"MAX_ENTRIES": 10, "CULL_FREQUENCY": 2}})
    listed = []
    original = cache._list_cache_files
    monkeypatch.setattr(cache, "_list_cache_files", lambda: listed.append(1) or original())

    for i in range(30):
        cache.set(f"key-{i}", i, 300)
    assert len(listed) == 1  # the first set counted; the next 29 didn't list the directory
    assert _files(tmp_path) == 30 and cache.get("key-29") == 29  # over MAX_ENTRIES until the next count

    clock[0] += cache_module.CULL_SECONDS
    cache.set("key-30", 30, 300)
    assert len(listed) == 2
    assert _files(tmp_path) == 30 - 15 + 1  # culled as Django does (a 1/CULL_FREQUENCY share), then written
    assert cache.get("key-30") == 30
