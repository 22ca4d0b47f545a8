"""Any sequence of returns, receipts, inspections, provider answers and refund events on one order keeps the
money right, whether the order was paid by card alone or partly with store credit: refunded ≤ captured on
every payment (and equal to its refunds), one refund per inspection and payment, the store-credit ledger
holding exactly the refunds paid as store credit, each once, and never more units back than were bought."""

from __future__ import annotations

import contextlib
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from shopdesk.core.actors import Actor
from shopdesk.core.errors import DomainError
from shopdesk.payments.enums import RefundDestination, RefundStatus
from shopdesk.payments.models import Payment, Refund, StoreCreditEntry
from shopdesk.payments.services.refund_events import refund_event_apply
from shopdesk.payments.services.refund_follow_up import refund_demo_step
from shopdesk.returns.models import ReturnRequest
from shopdesk.returns.services import ReturnLineRequest, return_create
from shopdesk.returns.warehouse import InspectionLine, return_inspect, return_mark_received
from tests import factories
from tests.returns.conftest import delivered_shirt_and_scarf

STORE = Actor.integration("warehouse")


class ReturnMoney(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.order = delivered_shirt_and_scarf()
        self.lines = {line.product_name: line for line in self.order.lines.all()}

    @initialize(on_card=st.sampled_from([None, Decimal("0.01"), Decimal("20.00"), Decimal("73.95")]))
    def paid_with(self, on_card: Decimal | None) -> None:
        """By card alone (None), or `on_card` on the card and the rest of the $123.95 with store credit."""
        if on_card is None:
            return
        factories.pay_rest_with_store_credit(self.order, on_card)

    def _rmas(self) -> list[str]:
        return list(
            ReturnRequest.objects.filter(order=self.order).order_by("id").values_list("rma", flat=True)
        )

    def _refund_ids(self) -> list[int]:
        return list(Refund.objects.filter(order=self.order).order_by("id").values_list("id", flat=True))

    @rule(
        name=st.sampled_from(["Linen shirt", "Wool scarf"]),
        quantity=st.integers(1, 2),
        resolution=st.sampled_from(["refund", "store_credit", "keep"]),
        reason=st.sampled_from(["too_big", "defective", "wrong_item", "changed_mind"]),
        method=st.sampled_from(["label", "own_carrier"]),
    )
    def start(self, name: str, quantity: int, resolution: str, reason: str, method: str) -> None:
        line = ReturnLineRequest(self.lines[name].pk, quantity, reason, resolution=resolution)
        with contextlib.suppress(DomainError):
            return_create(
                order=self.order, actor=Actor.customer(self.order.email), lines=[line], method=method
            )

    @precondition(lambda self: ReturnRequest.objects.filter(order=self.order).exists())
    @rule(data=st.data())
    def receive(self, data: st.DataObject) -> None:
        with contextlib.suppress(DomainError):
            return_mark_received(rma=data.draw(st.sampled_from(self._rmas())), actor=STORE)

    @precondition(lambda self: ReturnRequest.objects.filter(order=self.order).exists())
    @rule(
        data=st.data(),
        outcome=st.sampled_from(["accepted", "deducted", "rejected"]),
        deduction=st.sampled_from([None, Decimal("1.00"), Decimal("4.90")]),
    )
    def inspect(self, data: st.DataObject, outcome: str, deduction: Decimal | None) -> None:
        rma = data.draw(st.sampled_from(self._rmas()))
        found = ReturnRequest.objects.get(rma=rma)
        lines = [
            InspectionLine(
                line.order_line_id, outcome, "checked", deduction if outcome == "deducted" else None
            )
            for line in found.lines.all()
        ]
        with contextlib.suppress(DomainError):
            return_inspect(rma=rma, actor=STORE, lines=lines)

    @precondition(lambda self: Refund.objects.filter(order=self.order).exists())
    @rule(data=st.data())
    def provider_answers(self, data: st.DataObject) -> None:
        refund_demo_step(refund_id=data.draw(st.sampled_from(self._refund_ids())))

    @precondition(lambda self: Refund.objects.filter(order=self.order).exists())
    @rule(
        data=st.data(), kind=st.sampled_from(["processing", "succeeded", "failed"]), event=st.integers(1, 3)
    )
    def provider_event(self, data: st.DataObject, kind: str, event: int) -> None:
        refund_id = data.draw(st.sampled_from(self._refund_ids()))
        with contextlib.suppress(DomainError):
            refund_event_apply(
                refund_id=refund_id,
                event_id=f"{self.order.number}-{event}",
                kind=kind,
                reason="",
                actor=STORE,
            )

    @invariant()
    def refunded_within_captured_and_equal_to_its_refunds(self) -> None:
        for payment in Payment.objects.filter(order=self.order):
            assert 0 <= payment.amount_refunded <= payment.amount_captured
            refunds = Refund.objects.filter(payment=payment).values_list("amount", flat=True)
            assert payment.amount_refunded == sum(refunds, Decimal(0))

    @invariant()
    def one_refund_per_inspection_and_payment_and_credit_at_most_once(self) -> None:
        for rma in self._rmas():
            inspection = Refund.objects.filter(idempotency_key__startswith=f"return:{rma}:inspection")
            payments = list(inspection.values_list("payment_id", flat=True))
            assert len(payments) == len(set(payments))
            assert StoreCreditEntry.objects.filter(idempotency_key=f"return:{rma}:store-credit").count() <= 1
        refunds = Refund.objects.filter(order=self.order).prefetch_related("lines")
        for refund in refunds:
            assert sum((line.amount for line in refund.lines.all()), Decimal(0)) == refund.amount

    @invariant()
    def the_ledger_holds_exactly_the_credit_refunds_once(self) -> None:
        entries = StoreCreditEntry.objects.filter(order=self.order)
        by_refund = {entry.refund_id: entry.amount for entry in entries}
        assert len(by_refund) == entries.count() and None not in by_refund
        credit = Refund.objects.filter(order=self.order, destination=RefundDestination.STORE_CREDIT)
        assert by_refund == {refund.pk: refund.amount for refund in credit if refund.amount > 0}
        assert all(refund.status == RefundStatus.SUCCEEDED for refund in credit)
        # What was paid with store credit never goes to a provider.
        assert not Refund.objects.filter(
            order=self.order, payment__method="store_credit", destination=RefundDestination.ORIGINAL_PAYMENT
        ).exists()

    @invariant()
    def never_more_units_back_than_bought(self) -> None:
        for line in self.order.lines.all():
            assert line.quantity_returned <= line.quantity - line.quantity_cancelled


TestReturnMoney = ReturnMoney.TestCase
TestReturnMoney.settings = settings(
    max_examples=12,
    stateful_step_count=10,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
TestReturnMoney = pytest.mark.django_db(TestReturnMoney)
