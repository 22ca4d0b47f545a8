"""Payments and payment events as the store sends them, in plain dataclasses: what the payment upserts
take (integration/ converts its API schemas into these)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class PaymentData:
    """One payment of an order."""

    external_id: str
    method: str
    amount: Decimal
    provider: str = ""
    provider_reference: str = ""
    currency: str | None = None
    amount_authorised: Decimal | None = None
    amount_captured: Decimal | None = None
    state: str | None = None
    decline_code: str | None = None
    verification_status: str | None = None
    card_brand: str = ""
    card_last4: str = ""
    created_at: dt.datetime | None = None


@dataclass(frozen=True, slots=True)
class PaymentEventData:
    """Something that happened to a payment at the provider."""

    kind: str
    amount: Decimal | None = None
    decline_code: str = ""
    occurred_at: dt.datetime | None = None
    event_id: str | None = None  # the provider's id of the event: a repeat of it changes nothing
    reason: str = ""  # chargeback_opened: the provider's reason
