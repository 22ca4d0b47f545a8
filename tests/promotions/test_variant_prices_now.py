"""`variant_prices_now` (its own SQL) answers as the ORM's query of the same rule does, whatever the price
histories, sale flags and active flags."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shopdesk.catalog.enums import PriceKind
from shopdesk.catalog.models import PriceChange, Variant
from shopdesk.core.fields import MoneyField
from shopdesk.promotions.price_adjustment import PriceNow, variant_prices_now
from tests import factories

cents = st.integers(min_value=0, max_value=99_999_99).map(lambda c: Decimal(c) / 100)
kinds = st.sampled_from([k.value for k in PriceKind])
history = st.dictionaries(st.integers(min_value=-72, max_value=72), st.tuples(cents, kinds), max_size=4)
variants = st.lists(st.tuples(cents, kinds, st.booleans(), st.booleans(), history), min_size=1, max_size=4)


def _reference(ids: list[int], now: dt.datetime) -> dict[int, PriceNow]:
    """The rule as the ORM writes it: the latest started change, else the variant's own price."""
    started = PriceChange.objects.filter(variant_id=OuterRef("pk"), starts_at__lte=now).order_by(
        "-starts_at", "-id"
    )
    rows = (
        Variant.objects.filter(pk__in=ids, active=True, product__active=True)
        .annotate(
            history_price=Subquery(started.values("price")[:1], output_field=MoneyField()),
            history_kind=Subquery(started.values("kind")[:1]),
        )
        .values_list("pk", "price", "price_kind", "history_price", "history_kind")
    )
    return {
        pk: PriceNow(Decimal(hp), hk) if hp is not None else PriceNow(price, kind)
        for pk, price, kind, hp, hk in rows
    }


@pytest.mark.django_db
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(shapes=variants)
def test_the_price_now_is_the_latest_started_change_else_the_variants_own(shapes) -> None:  # type: ignore[no-untyped-def]
    now = timezone.now()
    ids = []
    for price, kind, active, product_active, changes in shapes:
        variant = factories.VariantFactory(
            price=price, price_kind=kind, active=active, product__active=product_active
        )
        for hours, (changed, changed_kind) in changes.items():
            factories.PriceChangeFactory(
                variant=variant, price=changed, kind=changed_kind, starts_at=now + dt.timedelta(hours=hours)
            )
        ids.append(variant.pk)
    asked = [*ids, ids[0], max(ids) + 10_000]  # a repeat and a variant that doesn't exist
    found = variant_prices_now(variant_ids=asked, now=now)
    assert found == _reference(ids, now)
    assert all(
        isinstance(p.price, Decimal) and p.price == p.price.quantize(Decimal("0.01")) for p in found.values()
    )


@pytest.mark.django_db
def test_no_variants_reads_nothing(django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    with django_assert_num_queries(0):
        assert variant_prices_now(variant_ids=[], now=timezone.now()) == {}
