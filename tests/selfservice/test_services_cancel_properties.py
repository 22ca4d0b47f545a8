"""Property: whatever the prices, coupons, taxes, order of partial cancels and share paid with store
credit, refunds never exceed what each payment captured, a payment's refunded amount is the sum of its
refunds, every refund's lines add up, the store-credit ledger gains exactly the refunds paid as credit (once
each), and a replayed cancel issues nothing twice."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shopdesk.core.actors import Actor
from shopdesk.payments.enums import RefundDestination, RefundStatus
from shopdesk.payments.models import Payment, Refund, StoreCreditEntry
from shopdesk.selfservice.services.cancel import order_cancel
from tests import factories

CUSTOMER = Actor.customer("shopper@example.com")
cents = st.integers(min_value=0, max_value=20_000).map(lambda n: Decimal(n) / 100)
line_spec = st.tuples(st.integers(1, 4), cents, st.integers(0, 100), st.integers(0, 30))


class Rollback(Exception):
    pass


@pytest.mark.django_db
@settings(
    max_examples=25, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    lines=st.lists(line_spec, min_size=1, max_size=4),
    shipping=cents,
    short_by=cents,
    order_of_cancels=st.permutations(range(4)),
    credit_percent=st.one_of(st.just(0), st.integers(0, 100)),
)
def test_refunds_never_exceed_what_was_captured(lines, shipping, short_by, order_of_cancels, credit_percent):
    try:
        with transaction.atomic():
            order = factories.OrderFactory(shipping_total=shipping, total=Decimal(0), subtotal=Decimal(0))
            total = shipping
            for quantity, price, discount_percent, tax_percent in lines:
                gross = price * quantity
                discount = (gross * discount_percent / 100).quantize(Decimal("0.01"))
                tax = (gross * tax_percent / 100).quantize(Decimal("0.01"))
                factories.OrderLineFactory(
                    order=order, quantity=quantity, unit_price=price, discount_amount=discount, tax_amount=tax
                )
                total += gross - discount + tax
            order.total = order.subtotal = total
            order.save()
            # The store may have captured less than the order total (data that doesn't add up).
            captured = max(total - short_by, Decimal(0))
            # Part of it (`credit_percent`) may have been paid with store credit, the rest by card.
            on_credit = (captured * credit_percent / 100).quantize(Decimal("0.01"))
            on_card = captured - on_credit
            factories.PaymentFactory(
                order=order, amount=on_card, amount_authorised=on_card, amount_captured=on_card
            )
            if credit_percent:
                factories.PaymentFactory(
                    order=order,
                    method="store_credit",
                    provider="shopdesk",
                    card_brand="",
                    card_last4="",
                    amount=on_credit,
                )
            ids = list(order.lines.values_list("pk", flat=True))
            cancels: list[list[int]] = [
                [ids[index]] for index in order_of_cancels if index < len(ids) - 1
            ]  # all but one line one by one, then the whole rest
            cancels.append([ids[-1]])
            for number, line_ids in enumerate(cancels):
                order_cancel(order=order, actor=CUSTOMER, line_ids=line_ids, idempotency_key=f"c{number}")
            _check_money(order)
            before = _ledger(order), _refund_rows(order)
            for number, line_ids in enumerate(cancels):  # every cancel sent again: answered, not redone
                again = order_cancel(
                    order=order, actor=CUSTOMER, line_ids=line_ids, idempotency_key=f"c{number}"
                )
                assert again.replayed
            assert (_ledger(order), _refund_rows(order)) == before
            raise Rollback
    except Rollback:
        pass


def _ledger(order) -> list[tuple[int | None, Decimal]]:
    return list(
        StoreCreditEntry.objects.filter(order=order).order_by("pk").values_list("refund_id", "amount")
    )


def _refund_rows(order) -> list[tuple[int, Decimal, str, str]]:
    return list(
        Refund.objects.filter(order=order).order_by("pk").values_list("pk", "amount", "status", "destination")
    )


def _check_money(order) -> None:
    refunds = list(Refund.objects.filter(order=order).prefetch_related("lines"))
    for payment in Payment.objects.filter(order=order):
        mine = [r for r in refunds if r.payment_id == payment.pk]
        assert payment.amount_refunded <= payment.amount_captured
        assert payment.amount_refunded == sum((r.amount for r in mine), Decimal(0))
        if payment.method == "store_credit":  # what store credit paid goes back to it, settled at once
            assert all(
                (r.destination, r.status) == (RefundDestination.STORE_CREDIT, RefundStatus.SUCCEEDED)
                for r in mine
            )
        else:
            assert all(r.destination == RefundDestination.ORIGINAL_PAYMENT for r in mine)
    for refund in refunds:
        assert refund.amount >= 0
        assert sum((line.amount for line in refund.lines.all()), Decimal(0)) == refund.amount
    # The ledger gains exactly the refunds paid as credit with money in them, one entry each.
    credited = sorted(
        (r.pk, r.amount) for r in refunds if r.destination == RefundDestination.STORE_CREDIT and r.amount > 0
    )
    assert sorted(_ledger(order)) == credited
    assert all(
        entry.customer_id == order.customer_id for entry in StoreCreditEntry.objects.filter(order=order)
    )
