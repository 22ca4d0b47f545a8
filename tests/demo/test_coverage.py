"""Every situation appears within 60 orders, whatever the seed and the hour the store is loaded at.

Orders are built in memory only (nothing is written), so many seeds stay cheap to check.
"""

from __future__ import annotations

import datetime as dt
import random

import pytest

from shopdesk.demo.catalog_builder import build_catalog
from shopdesk.demo.coupons import build_coupons
from shopdesk.demo.customers import ShopperPool
from shopdesk.demo.order_builder import OrderBuilder
from shopdesk.demo.points import LOAD_SITUATIONS
from shopdesk.demo.rows import KeyAllocator, RowBuffer
from shopdesk.demo.situations import Situation
from shopdesk.policy import get_policy


def situations_in_first_orders(*, seed: int, anchor: dt.datetime, orders: int) -> set[str]:
    policy, keys, buffer = get_policy(), KeyAllocator(), RowBuffer()
    catalog = build_catalog(
        policy=policy,
        anchor=anchor,
        rng=random.Random(f"{seed}:catalog"),
        keys=keys,
        buffer=buffer,
        existing_category_slugs=set(),
    )
    coupons = build_coupons(anchor=anchor, keys=keys, buffer=buffer, existing_codes=set())
    shoppers = ShopperPool(rng=random.Random(f"{seed}:customers"), keys=keys, buffer=buffer)
    builder = OrderBuilder(
        policy=policy,
        anchor=anchor,
        seed=seed,
        catalog=catalog,
        coupons=coupons,
        shoppers=shoppers,
        keys=keys,
        buffer=buffer,
    )
    return {name for index in range(orders) for name in builder.build(index, 10023001 + index).situations}


@pytest.mark.parametrize("hour", [0, 9, 17])
@pytest.mark.parametrize("seed", [1, 2, 3, 11, 2026])
def test_sixty_orders_cover_every_situation(db: None, seed: int, hour: int) -> None:
    anchor = dt.datetime(2026, 3, 1 + seed % 27, hour, tzinfo=dt.UTC)
    built = situations_in_first_orders(seed=seed, anchor=anchor, orders=60)
    missing = set(Situation.values) - LOAD_SITUATIONS - built  # the load adds those (tests/loyalty)
    assert not missing
