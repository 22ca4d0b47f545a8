"""`PreparedLookup`: the same rows as the ORM's own lookup, its SQL built once, values always bound."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Count, Prefetch, Sum
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from shopdesk.assistant.models import Conversation
from shopdesk.core.prepared import PreparedLookup, PreparedValues, prefetched
from shopdesk.orders.models import Order
from shopdesk.payments.models import Payment
from shopdesk.shipping.models import Shipment, ShipmentLine
from tests import factories

pytestmark = pytest.mark.django_db


def _fields(row: Any) -> dict[str, Any]:
    return {field.attname: getattr(row, field.attname) for field in type(row)._meta.concrete_fields}


def test_a_row_comes_back_as_the_orm_reads_it_with_json_and_dates_converted() -> None:
    conversation = Conversation.objects.create(
        order_number="KW10000001", step={"orders": ["KW10000001"], "package": None}, offered=["handoff"]
    )
    found = PreparedLookup(lambda pk: Conversation.objects.filter(pk=pk)).first(conversation.pk)
    assert found is not None
    assert _fields(found) == _fields(Conversation.objects.get(pk=conversation.pk))
    assert found.step == {"orders": ["KW10000001"], "package": None} and found.created_at.tzinfo is not None


def test_the_statement_is_built_once_and_each_lookup_is_one_query() -> None:
    orders = [factories.OrderFactory() for _ in range(3)]
    built: list[tuple[str, ...]] = []

    def build(number: str, email: str) -> Any:
        built.append((number, email))
        return Order.objects.filter(number=number, email=email)

    lookup = PreparedLookup(build)
    for order in orders:
        with CaptureQueriesContext(connection) as captured:
            found = lookup.first(order.number, order.email)
        assert found is not None and found.pk == order.pk
        assert len(captured.captured_queries) == 1
    assert len(built) == 1  # with markers, once; never again per lookup
    assert lookup.first(orders[0].number, orders[1].email) is None  # each value bound where it belongs
    assert lookup.first(orders[1].number, orders[1].email).pk == orders[1].pk  # type: ignore[union-attr]


@pytest.mark.parametrize("value", ["x' OR '1'='1", "100%s", "%(x)s", "\\", "\u0085\U0001f600", ""])
def test_odd_values_are_bound_never_spliced_into_the_statement(value: str) -> None:
    factories.OrderFactory()
    lookup = PreparedLookup(lambda number: Order.objects.filter(number=number))
    assert lookup.first(value) is None
    matching = factories.OrderFactory(number=value[:32] or "KW-EMPTY")
    assert lookup.first(matching.number).pk == matching.pk  # type: ignore[union-attr]


def test_a_value_the_orm_would_rewrite_is_refused_when_the_lookup_is_built() -> None:
    order = factories.OrderFactory(number="KW10000001")
    escaped = PreparedLookup(lambda number: Order.objects.filter(number__iexact=number))
    try:
        found = escaped.first("kw10000001")
    except ValueError:  # SQLite escapes the value of its LIKE: refused
        assert connection.vendor == "sqlite"
    else:  # PostgreSQL compares UPPER() of both sides: bound as given, and `_` stays a plain character
        assert found is not None and found.pk == order.pk
        assert escaped.first("KW1000000_") is None
    wrapped = PreparedLookup(lambda number: Order.objects.filter(number__contains=number))
    with pytest.raises(ValueError, match="not bound as given"):
        wrapped.first("KW1")
    converted = PreparedLookup(lambda placed: Order.objects.filter(placed_at__date=placed))
    with pytest.raises(ValidationError):  # the ORM itself refuses a marker where it wants a date
        converted.first("2026-11-30")


def test_a_locking_lookup_runs_inside_its_transaction() -> None:
    conversation = Conversation.objects.create()
    lookup = PreparedLookup(lambda pk: Conversation.objects.select_for_update().filter(pk=pk))
    with transaction.atomic(), CaptureQueriesContext(connection) as captured:
        assert lookup.first(conversation.pk).pk == conversation.pk  # type: ignore[union-attr]
    locked = [q["sql"] for q in captured.captured_queries if "assistant_conversation" in q["sql"]]
    assert locked and ("FOR UPDATE" in locked[0]) == connection.features.has_select_for_update


def test_only_whole_rows_of_one_model_can_be_prepared() -> None:
    conversation = Conversation.objects.create()
    partial = PreparedLookup(lambda pk: Conversation.objects.filter(pk=pk).only("id", "step"))
    with pytest.raises(ValueError, match="whole rows"):
        partial.first(conversation.pk)
    annotated = PreparedLookup(lambda pk: Conversation.objects.filter(pk=pk).annotate(said=Count("turns")))
    with pytest.raises(ValueError, match="whole rows"):
        annotated.first(conversation.pk)
    values = PreparedLookup(lambda pk: Conversation.objects.filter(pk=pk).values("id"))
    with pytest.raises(ValueError, match="whole rows"):
        values.first(conversation.pk)


def test_the_rows_select_related_joins_are_set_as_the_orm_sets_them() -> None:
    order = factories.OrderFactory()
    lookup = PreparedLookup(
        lambda number: Order.objects.select_related("shipping_address", "customer").filter(number=number)
    )
    found = lookup.first(order.number)
    assert found is not None
    with CaptureQueriesContext(connection) as captured:
        assert _fields(found.shipping_address) == _fields(order.shipping_address)
        assert _fields(found.customer) == _fields(order.customer)
    assert captured.captured_queries == []


def test_every_row_comes_back_in_the_querysets_order_bound_to_an_integer() -> None:
    orders = [factories.OrderFactory() for _ in range(2)]
    for order in orders:
        for _ in range(3):
            factories.ShipmentFactory(order=order)
    built: list[object] = []

    def build(order_id: int) -> Any:
        built.append(order_id)
        return Shipment.objects.filter(order_id=order_id).order_by("-id")

    lookup = PreparedLookup(build)
    for order in orders:
        with CaptureQueriesContext(connection) as captured:
            rows = lookup.all(order.pk)
        assert len(captured.captured_queries) == 1
        assert [_fields(row) for row in rows] == [_fields(row) for row in build(order.pk)]
        assert [row.pk for row in rows] == sorted((row.pk for row in rows), reverse=True)
    assert lookup.all(-1) == [] and lookup.first(-1) is None
    assert len(built) == 1 + len(orders)  # once with its marker, then only by this test's comparisons


def test_a_reverse_one_to_one_joined_row_may_be_missing_as_with_the_orm() -> None:
    payment = factories.PaymentFactory()
    lookup = PreparedLookup(
        lambda order: Payment.objects.select_related("verification").filter(order_id=order)
    )
    [found] = lookup.all(payment.order_id)
    with (
        CaptureQueriesContext(connection) as captured,
        pytest.raises(Payment.verification.RelatedObjectDoesNotExist),
    ):
        found.verification  # noqa: B018 - the access is what is tested
    assert captured.captured_queries == []


def test_values_are_strings_or_integers() -> None:
    lookup = PreparedLookup(lambda order: Shipment.objects.filter(order_id=order))
    assert lookup.all(1) == []  # built for an integer: an odd value is refused all the same
    for odd in (True, 1.0, None, b"1"):
        with pytest.raises(TypeError, match="strings or integers"):
            lookup.all(odd)  # type: ignore[arg-type]
    by_amount = PreparedLookup(lambda cents: Order.objects.filter(subtotal__gt=cents))
    with pytest.raises(ValueError, match="not bound as given"):  # the ORM binds a Decimal there
        by_amount.all(100)


def test_prefetched_rows_answer_the_relation_as_prefetch_related_does() -> None:
    orders = [factories.OrderFactory() for _ in range(3)]
    for order in orders[:2]:
        for _ in range(2):
            factories.ShipmentFactory(order=order)
    stray = factories.ShipmentFactory()  # another order's row, left out
    ordering = Shipment.objects.order_by("-id")
    expected = {
        o.pk: [
            _fields(s)
            for s in Order.objects.prefetch_related(Prefetch("shipments", queryset=ordering))
            .get(pk=o.pk)
            .shipments.all()
        ]
        for o in orders
    }
    fresh = list(Order.objects.filter(pk__in=[o.pk for o in orders]).order_by("pk"))
    prefetched(fresh, "shipments", [*ordering.filter(order__in=orders), stray], ordering)
    with CaptureQueriesContext(connection) as captured:
        for order in fresh:
            assert [_fields(s) for s in order.shipments.all()] == expected[order.pk]
            assert all(s.order is order for s in order.shipments.all())
    assert captured.captured_queries == []
    assert fresh[2].shipments.all()._result_cache == []  # type: ignore[attr-defined]
    # A filter on the relation reads again, from the queryset given (its order) and this order's rows.
    kept = list(fresh[0].shipments.filter(pk__gt=0))
    assert [s.pk for s in kept] == [s["id"] for s in expected[fresh[0].pk]]


def test_only_a_reverse_many_to_one_relation_can_be_prefetched() -> None:
    order = factories.OrderFactory()
    for relation in ("customer", "shipping_address", "number", "no_such_relation"):
        with pytest.raises(ValueError, match="not a reverse many-to-one"):
            prefetched([order], relation, [])


def test_a_prepared_row_is_a_saved_instance_whose_changes_save() -> None:
    conversation = Conversation.objects.create(step={"orders": []})
    found = PreparedLookup(lambda pk: Conversation.objects.filter(pk=pk)).first(conversation.pk)
    assert found is not None and not found._state.adding and found._state.db == "default"
    found.step = {"orders": ["KW10000002"]}
    found.save(update_fields=["step"])
    assert Conversation.objects.get(pk=conversation.pk).step == {"orders": ["KW10000002"]}


def test_prepared_values_are_the_querysets_own_rows_with_dates_converted() -> None:
    orders = [factories.OrderFactory() for _ in range(2)]
    delivered = timezone.now() - dt.timedelta(days=3)
    for order in orders:
        first = factories.ShipmentFactory(order=order, delivered_at=delivered)
        second = factories.ShipmentFactory(order=order)
        for line in [factories.OrderLineFactory(order=order) for _ in range(2)]:
            factories.ShipmentLineFactory(shipment=first, order_line=line, quantity=1)
            factories.ShipmentLineFactory(shipment=second, order_line=line, quantity=2)
    built: list[object] = []

    def build(order_id: int) -> Any:
        built.append(order_id)
        return ShipmentLine.objects.filter(shipment__order_id=order_id).values_list(
            "order_line_id", "quantity", "shipment__delivered_at", "shipment__origin_warehouse"
        )

    values = PreparedValues(build)
    for order in orders:
        with CaptureQueriesContext(connection) as captured:
            rows = values.all(order.pk)
        assert len(captured.captured_queries) == 1
        assert rows and rows == list(build(order.pk))
        assert {row[2] for row in rows} == {delivered, None}  # a datetime, aware, as the ORM gives it
    assert values.all(-1) == []
    assert len(built) == 1 + len(orders)  # once with its marker, then only by this test's comparisons


def test_prepared_values_group_and_sum_as_the_queryset_does() -> None:
    order = factories.OrderFactory()
    lines = [factories.OrderLineFactory(order=order) for _ in range(3)]
    first, second = factories.ShipmentFactory(order=order), factories.ShipmentFactory(order=order)
    for quantity, line in enumerate(lines, start=2):
        factories.ShipmentLineFactory(shipment=first, order_line=line, quantity=quantity)
        factories.ShipmentLineFactory(shipment=second, order_line=line, quantity=1)

    def build(order_id: int) -> Any:
        return (
            ShipmentLine.objects.filter(shipment__order_id=order_id, quantity__gte=1)
            .values("order_line_id")
            .annotate(units=Sum("quantity"))
            .values_list("order_line_id", "units")
            .order_by("order_line_id")
        )

    rows = PreparedValues(build).all(order.pk)
    assert rows == list(build(order.pk))
    assert rows == [(line.pk, quantity + 1) for quantity, line in enumerate(lines, start=2)]


def test_only_values_list_rows_can_be_prepared_as_values() -> None:
    conversation = Conversation.objects.create()
    for build in (
        lambda pk: Conversation.objects.filter(pk=pk),
        lambda pk: Conversation.objects.filter(pk=pk).values("id"),
        lambda pk: Conversation.objects.filter(pk=pk).values_list("id", flat=True),
        lambda pk: Conversation.objects.filter(pk=pk).values_list("id", named=True),
    ):
        with pytest.raises(ValueError, match="values_list"):
            PreparedValues(build).all(conversation.pk)
    contains = PreparedValues(lambda number: Order.objects.filter(number__contains=number).values_list("id"))
    with pytest.raises(ValueError, match="not bound as given"):
        contains.all("KW1")
