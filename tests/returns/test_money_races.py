"""Money races on PostgreSQL (skipped on SQLite, whose IMMEDIATE transactions serialise writers): 20
inspections of a return with a refund and a store-credit line at once, then 20 provider answers of its
refund, then 20 exchange orders: one refund, one credit, one order, never over-refunded, no 500."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection

from shopdesk.catalog.models import Variant
from shopdesk.core.actors import Actor
from shopdesk.orders.models import Order
from shopdesk.payments.enums import RefundDestination, RefundStatus
from shopdesk.payments.models import Payment, Refund, StoreCreditEntry
from shopdesk.payments.services.refund_events import refund_event_apply
from shopdesk.payments.services.refund_follow_up import refund_demo_step
from shopdesk.returns.exchange import return_exchange_order
from shopdesk.returns.services import ReturnLineRequest, return_create
from shopdesk.returns.warehouse import InspectionLine, return_inspect, return_mark_received
from tests.orders.test_services_states import scarf_line, shirt_line
from tests.races.conftest import race, server_errors
from tests.returns.conftest import delivered_paid_by_card_and_store_credit, delivered_shirt_and_scarf

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
STORE = Actor.integration("warehouse")


@pytest.fixture(autouse=True)
def _needs_postgres() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")


def test_twenty_inspections_then_twenty_provider_answers_move_the_money_once():
    order = delivered_shirt_and_scarf()
    shirt, scarf = shirt_line(order), scarf_line(order)
    created = return_create(
        order=order,
        actor=Actor.customer(order.email),
        lines=[
            ReturnLineRequest(shirt.pk, 2, "too_small"),
            ReturnLineRequest(scarf.pk, 1, "too_big", resolution="store_credit"),
        ],
        method="label",
    )
    rma = created.data["rma"]
    return_mark_received(rma=rma, actor=STORE)
    same = [InspectionLine(shirt.pk, "accepted"), InspectionLine(scarf.pk, "accepted")]
    other = [
        InspectionLine(shirt.pk, "deducted", deduction=Decimal("9.80")),
        InspectionLine(scarf.pk, "accepted"),
    ]
    writes = [lambda: return_inspect(rma=rma, actor=STORE, lines=same)] * 15
    writes += [lambda: return_inspect(rma=rma, actor=STORE, lines=other)] * 5

    results = race(writes)

    assert server_errors(results) == []
    assert sum(1 for r in results if not isinstance(r, Exception) and not r.replayed) == 1
    money = Refund.objects.get(order=order, destination=RefundDestination.ORIGINAL_PAYMENT)
    credit = Refund.objects.get(order=order, destination=RefundDestination.STORE_CREDIT)
    assert StoreCreditEntry.objects.filter(customer=order.customer).count() == 1
    payment = Payment.objects.get(order=order)
    assert payment.amount_refunded == money.amount <= payment.amount_captured
    assert credit.amount > 0

    answers = [lambda: refund_demo_step(refund_id=money.pk)] * 10
    answers += [
        (
            lambda n=n: refund_event_apply(
                refund_id=money.pk, event_id=f"evt-{n % 3}", kind="succeeded", reason="", actor=STORE
            )
        )
        for n in range(10)
    ]
    results = race(answers)

    assert server_errors(results) == []
    money.refresh_from_db()
    payment.refresh_from_db()
    assert money.status == RefundStatus.SUCCEEDED
    assert payment.amount_refunded == money.amount  # answers move the status, never the money


def test_twenty_inspections_of_a_return_paid_partly_with_store_credit_credit_its_share_once():
    order = delivered_paid_by_card_and_store_credit("20.00")
    shirt = shirt_line(order)
    created = return_create(
        order=order,
        actor=Actor.customer(order.email),
        lines=[ReturnLineRequest(shirt.pk, 2, "too_small")],
        method="label",
    )
    rma = created.data["rma"]
    return_mark_received(rma=rma, actor=STORE)

    results = race(
        [lambda: return_inspect(rma=rma, actor=STORE, lines=[InspectionLine(shirt.pk, "accepted")])] * 20
    )

    assert server_errors(results) == []
    assert sum(1 for r in results if not isinstance(r, Exception) and not r.replayed) == 1
    (card,) = Refund.objects.filter(order=order, destination=RefundDestination.ORIGINAL_PAYMENT)
    (credit,) = Refund.objects.filter(order=order, destination=RefundDestination.STORE_CREDIT)
    assert (card.amount, credit.amount) == (Decimal("20.00"), Decimal("61.05"))
    (entry,) = StoreCreditEntry.objects.filter(customer=order.customer)
    assert (entry.refund_id, entry.amount) == (credit.pk, credit.amount)
    for payment in Payment.objects.filter(order=order):
        assert (
            payment.amount_refunded == sum(r.amount for r in payment.refunds.all()) <= payment.amount_captured
        )


def test_twenty_exchange_orders_at_once_make_one_order():
    order: Order = delivered_shirt_and_scarf()
    shirt = shirt_line(order)
    large = Variant.objects.get(product__variants__pk=shirt.variant_id, size="L")
    created = return_create(
        order=order,
        actor=Actor.customer(order.email),
        lines=[ReturnLineRequest(shirt.pk, 1, "too_small", resolution="exchange", exchange_sku=large.sku)],
        method="label",
    )
    rma = created.data["rma"]
    return_mark_received(rma=rma, actor=STORE)
    return_inspect(rma=rma, actor=STORE, lines=[InspectionLine(shirt.pk, "accepted")])

    results = race([lambda: return_exchange_order(rma=rma, actor=STORE)] * 20)

    assert server_errors(results) == []
    assert sum(1 for r in results if not isinstance(r, Exception) and not r.replayed) == 1
    assert Order.objects.filter(number__startswith=f"{order.number}-X").count() == 1
    large.refresh_from_db()
    assert large.stock == 9
