"""What a verified customer may see: the value `request.auth` carries on the customer API and pages."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class CustomerAccess:
    """A verified customer. `order_numbers` None means every order of `email` (a magic-link session)."""

    email: str
    order_numbers: frozenset[str] | None
    session_id: int

    def allows(self, *, number: str) -> bool:
        return self.order_numbers is None or number in self.order_numbers

    @property
    def all_orders(self) -> bool:
        return self.order_numbers is None
