"""What the store sends for a payment attempt, and for an event on one (captured, declined, verified…)."""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import Field, model_validator

from shopdesk.integration.schemas.common import (
    Amount,
    CurrencyCode,
    ExternalId,
    OrderNumber,
    PaymentMethodCode,
    Strict,
    Text20,
    Text40,
    Text120,
    Timestamp,
    fields_disagree,
)
from shopdesk.payments.enums import PaymentState, VerificationStatus


class PaymentIn(Strict):
    external_id: ExternalId = Field(description="The payment's id in the store platform or provider.")
    method: PaymentMethodCode
    provider: Text40 = ""
    provider_reference: Text120 = ""
    currency: CurrencyCode | None = Field(default=None, description="Defaults to the order's currency.")
    amount: Amount
    # The fields payment events also move: left out, they keep what shopdesk has (defaults on creation),
    # so a full PUT of the order never undoes a `verified` event that came in between.
    amount_authorised: Amount | None = None
    amount_captured: Amount | None = None
    state: PaymentState | None = Field(default=None, description="Defaults to pending for a new payment.")
    decline_code: Text40 | None = None
    verification_status: VerificationStatus | None = None
    card_brand: Text20 = ""
    card_last4: str = Field(default="", pattern=r"^(\d{4})?$")
    created_at: Timestamp | None = Field(default=None, description="Defaults to the order's placed_at.")

    @model_validator(mode="after")
    def _amounts(self) -> PaymentIn:
        captured, authorised = self.amount_captured or Decimal(0), self.amount_authorised
        if authorised is not None and captured > authorised:
            raise fields_disagree("amount_captured is more than amount_authorised")
        if self.state == PaymentState.DECLINED and not self.decline_code:
            raise fields_disagree("a declined payment needs a decline_code")
        return self


class StandalonePaymentIn(PaymentIn):
    """PUT /payments/{external_id}: a payment names its order."""

    external_id: ExternalId | None = None  # type: ignore[assignment]  # taken from the path
    order_number: OrderNumber


PaymentEventKind = Literal[
    "authorised",
    "captured",
    "declined",
    "verification_required",
    "verified",
    "verification_failed",
    "voided",
    "chargeback_opened",
]


class PaymentEventIn(Strict):
    kind: PaymentEventKind
    amount: Amount | None = Field(
        default=None,
        description="authorised/captured: the total authorised or captured so far (not an increment), "
        "so the same event sent twice changes nothing.",
    )
    decline_code: Text40 = ""
    occurred_at: Timestamp | None = None
    event_id: ExternalId | None = Field(
        default=None,
        description="The provider's id of the event. With it, a repeat changes nothing and an event "
        "that comes too late for the payment's state (declined after captured) is ignored, not refused.",
    )
    reason: Text120 = Field(default="", description="chargeback_opened: the provider's reason.")

    @model_validator(mode="after")
    def _needs(self) -> PaymentEventIn:
        if self.kind == "declined" and not self.decline_code:
            raise fields_disagree("a declined event needs a decline_code")
        if self.kind == "chargeback_opened" and not self.event_id:
            raise fields_disagree("a chargeback_opened event needs its event_id")
        return self
