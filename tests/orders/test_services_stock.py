"""Stock moves with F(): reserving never goes below zero, releasing puts units back."""

from __future__ import annotations

import pytest

from shopdesk.catalog.stock import stock_release, stock_reserve
from tests import factories

pytestmark = pytest.mark.django_db


def test_reserve_and_release():
    variant = factories.VariantFactory(stock=3)
    assert stock_reserve(variant_id=variant.pk, quantity=2)
    assert not stock_reserve(variant_id=variant.pk, quantity=2)  # only 1 left: nothing taken
    variant.refresh_from_db()
    assert variant.stock == 1
    stock_release(variant_id=variant.pk, quantity=4)
    variant.refresh_from_db()
    assert variant.stock == 5


def test_an_inactive_variant_cannot_be_reserved_and_a_missing_one_is_ignored():
    variant = factories.VariantFactory(stock=3, active=False)
    assert not stock_reserve(variant_id=variant.pk, quantity=1)
    stock_release(variant_id=None, quantity=2)
