"""The payments of many new orders at once (a store's first import), written as `payment_apply` writes
a new order's payment: no audit event of their own (the order's `imported` event says it all).

A payment the store sends as `required` opens a verification check (emails included) in `payment_apply`;
`needs_one_by_one` tells the caller to send its order that way."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from shopdesk.core.errors import DomainError
from shopdesk.core.sync.rows import rows_insert
from shopdesk.orders.models import Order
from shopdesk.payments.enums import VerificationStatus
from shopdesk.payments.models import Payment
from shopdesk.payments.services.upsert import PAYMENT_FIELDS, _check_currency
from shopdesk.payments.sync_data import PaymentData


def _wanted(order: Order, data: PaymentData) -> dict[str, Any]:
    wanted: dict[str, Any] = {
        name: value for name in PAYMENT_FIELDS if (value := getattr(data, name)) is not None
    }
    wanted["currency"] = data.currency or order.currency
    return wanted


def needs_one_by_one(data: PaymentData) -> bool:
    """A new payment with side effects beyond its row: a verification to open."""
    return data.verification_status == VerificationStatus.REQUIRED


def new_payment_problem(*, order: Order, data: PaymentData, field_prefix: str) -> DomainError | None:
    """What `payment_apply` would refuse in a new order's payment (currency, decimals), or None."""
    try:
        _check_currency(order=order, wanted=_wanted(order, data), field_prefix=field_prefix)
    except DomainError as exc:
        return exc
    return None


def payments_create_many(*, payments: Sequence[tuple[Order, PaymentData]]) -> None:
    rows = []
    for order, data in payments:
        wanted = _wanted(order, data)
        if "amount_authorised" not in wanted and "amount_captured" in wanted:
            wanted["amount_authorised"] = wanted["amount_captured"]
        rows.append(
            {
                "order_id": order.pk,
                "external_id": data.external_id,
                "created_at": data.created_at or order.placed_at,
                **wanted,
            }
        )
    rows_insert(Payment, rows, returning=())
