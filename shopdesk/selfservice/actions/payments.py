"""`pay_again` (the store's payment page after a decline) and `verify_payment` (answer a payment check)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.utils import timezone
from pydantic import Field

from shopdesk.core.actors import Actor
from shopdesk.core.eligibility import Eligibility
from shopdesk.orders.models import Order
from shopdesk.payments.declines import awaiting_payment
from shopdesk.payments.order_facts import OrderFacts, order_facts
from shopdesk.payments.services.verification import (
    VerificationDocument,
    verification_submit,
    verification_submit_eligibility,
)
from shopdesk.payments.verification_selectors import verification_of_payments
from shopdesk.selfservice.actions.params import StrictParams, params_parse
from shopdesk.selfservice.registry import ActionPreview, ActionResult, OrderAction, register


class NoParams(StrictParams):
    pass


def pay_again_rule(*, order: Order, facts: OrderFacts) -> Eligibility:
    if order.is_cancelled:
        return Eligibility.no("order_cancelled", "This order is cancelled, so there is nothing to pay.")
    if not awaiting_payment(facts.payments):
        return Eligibility.no(
            "already_paid", "This order's payment went through; there is nothing to pay again."
        )
    if not order.payment_url:
        return Eligibility.no(
            "no_pay_link",
            f"This order can't be paid again online. To pay another way, contact us with your order number, "
            f"{order.number}.",
        )
    return Eligibility.yes("Your payment didn't go through. You can pay again on our secure payment page.")


@register
class PayAgainAction(OrderAction):
    id = "pay_again"
    label = "Pay again"
    moves_money = False  # the store's payment page takes the money; its events come back through the API
    api_path = "pay-again"
    params_model = NoParams

    def rule(
        self, *, order: Order, now: dt.datetime | None = None, facts: OrderFacts | None = None
    ) -> Eligibility:
        return pay_again_rule(order=order, facts=facts or order_facts(order))

    def preview(self, *, order: Order, actor: Actor, params: Mapping[str, Any]) -> ActionPreview:
        params_parse(NoParams, params)
        self.eligibility(order=order, actor=actor).require()
        return ActionPreview(message="You'll continue on our secure payment page to pay for this order.")

    def perform(
        self,
        *,
        order: Order,
        actor: Actor,
        params: Mapping[str, Any],
        idempotency_key: str | None = None,
    ) -> ActionResult:
        params_parse(NoParams, params)
        fresh = Order.objects.get(pk=order.pk)  # the link as the store last sent it
        self.eligibility(order=fresh, actor=actor).require()
        return ActionResult(
            message=f"Continue on our secure payment page to pay for order {fresh.number}.",
            data={"payment_url": fresh.payment_url},
        )


class VerifyPaymentParams(StrictParams):
    card_last4: str = Field("", max_length=4, description="The last four digits of the card.")
    billing_postcode: str = Field("", max_length=20, description="The postcode of the billing address.")
    # A document instead (interfaces read the upload): its bytes and the customer's file name.
    document: bytes | None = Field(None, description="A PDF, JPEG or PNG (multipart upload on the API).")
    document_name: str = Field("", max_length=200)


@register
class VerifyPaymentAction(OrderAction):
    id = "verify_payment"
    label = "Verify my payment"
    moves_money = False
    api_path = "verification"
    params_model = VerifyPaymentParams

    def rule(
        self, *, order: Order, now: dt.datetime | None = None, facts: OrderFacts | None = None
    ) -> Eligibility:
        facts = facts or order_facts(order)
        verification = verification_of_payments(facts.payments)
        return verification_submit_eligibility(order=order, verification=verification, now=now)

    def preview(self, *, order: Order, actor: Actor, params: Mapping[str, Any]) -> ActionPreview:
        params_parse(VerifyPaymentParams, params)
        self.eligibility(order=order, actor=actor).require()
        return ActionPreview(message="We'll check your answer and email you as soon as it's done.")

    def perform(
        self,
        *,
        order: Order,
        actor: Actor,
        params: Mapping[str, Any],
        idempotency_key: str | None = None,
    ) -> ActionResult:
        parsed = params_parse(VerifyPaymentParams, params)
        now = timezone.now()
        facts = order_facts(order)
        verification = verification_of_payments(facts.payments)
        # The service re-checks this under the lock; checking first gives the page's reason at once.
        verification_submit_eligibility(order=order, verification=verification, now=now).require()
        assert verification is not None
        document = (
            VerificationDocument(content=parsed.document, name=parsed.document_name)
            if parsed.document is not None
            else None
        )
        done = verification_submit(
            verification=verification,
            actor=actor,
            card_last4=parsed.card_last4,
            billing_postcode=parsed.billing_postcode,
            document=document,
            now=now,
        )
        return ActionResult(
            message="Thanks: we have your answer and are checking it. We'll email you as soon as it's done.",
            data={"status": done.status, "method": done.method, "submitted_at": done.submitted_at},
        )
