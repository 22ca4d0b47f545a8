"""Errors that point at one field of the input, shaped like the API's 422 for schema errors.

    InvalidInput (core, 422)
    └── FieldError                a value breaks a rule beyond its type
        └── UnknownReference      the value names something shopdesk does not have (a SKU)
    NotFound (core, 404)
    ├── OrderNotFound             the order number named in the path or the item
    ├── ShipmentNotFound
    └── PaymentNotFound
    Conflict (core, 409)
    └── KeyConflict               an identifier belongs to another row (a SKU of another product)

Each carries `field`, the dotted path of the value it is about, and lists it in `fields` like the
schema-error handler of api.py does, so a client reads one shape for every input error.
"""

from __future__ import annotations

from typing import Any

from shopdesk.core.errors import Conflict, DomainError, InvalidInput, NotFound


class _AboutAField(DomainError):
    field: str = ""

    def as_dict(self) -> dict[str, Any]:
        body = super().as_dict()
        body["fields"] = [{"field": self.field, "message": self.message}] if self.field else []
        return body


class FieldError(_AboutAField, InvalidInput):
    def __init__(self, message: str, *, field: str, code: str | None = None):
        super().__init__(message, code=code)
        self.field = field


class UnknownReference(FieldError):
    code = "unknown_reference"


class OrderNotFound(_AboutAField, NotFound):
    def __init__(self, number: str, *, field: str = "order_number"):
        super().__init__(
            f'Order "{number}" does not exist; send it first with PUT /orders/{number}.', code="unknown_order"
        )
        self.field = field


class ShipmentNotFound(_AboutAField, NotFound):
    def __init__(self, external_id: str, *, field: str = "shipment_external_id"):
        super().__init__(
            f'Shipment "{external_id}" does not exist; send it first with PUT '
            f"/orders/{{number}}/shipments/{external_id}.",
            code="unknown_shipment",
        )
        self.field = field


class PaymentNotFound(_AboutAField, NotFound):
    def __init__(self, external_id: str, *, field: str = "external_id"):
        super().__init__(
            f'Payment "{external_id}" does not exist; send it first with PUT /payments/{external_id}.',
            code="unknown_payment",
        )
        self.field = field


class KeyConflict(_AboutAField, Conflict):
    """An identifier the store sent already belongs to another row (a SKU of another product...)."""

    def __init__(self, message: str, *, field: str):
        super().__init__(message, code="key_conflict")
        self.field = field
