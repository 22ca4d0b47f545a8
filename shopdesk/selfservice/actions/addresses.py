"""`shipping_address` and `billing_address`: validated, within policy, confirmed by email."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any, ClassVar, Literal

from pydantic import Field

from shopdesk.core.actors import Actor
from shopdesk.core.eligibility import Eligibility
from shopdesk.orders.address_validation import CleanAddress
from shopdesk.orders.models import Order
from shopdesk.selfservice.actions.params import StrictParams, params_parse
from shopdesk.selfservice.eligibility import (
    OrderFacts,
    billing_address_change_eligibility,
    shipping_address_change_eligibility,
)
from shopdesk.selfservice.registry import ActionPreview, ActionResult, OrderAction, register
from shopdesk.selfservice.services.addresses import (
    address_change_preview,
    order_billing_address_change,
    order_shipping_address_change,
)


class AddressParams(StrictParams):
    # Generous bounds here; address_clean gives the field-by-field limits in words.
    name: str = Field(max_length=500)
    company: str = Field("", max_length=500)
    line1: str = Field(max_length=500)
    line2: str = Field("", max_length=500)
    city: str = Field(max_length=500)
    region: str = Field("", max_length=500)
    postcode: str = Field("", max_length=500)
    country: str = Field(max_length=100, examples=["US"])
    phone: str = Field("", max_length=100)


def address_lines(clean: CleanAddress) -> list[str]:
    """The address as it is printed on a label, one line each, blanks left out."""
    lines = [
        clean.name,
        clean.company,
        clean.line1,
        clean.line2,
        " ".join(part for part in (clean.city, clean.region, clean.postcode) if part),
        clean.country,
        clean.phone,
    ]
    return [line for line in lines if line]


class AddressAction(OrderAction):
    kind: ClassVar[Literal["shipping", "billing"]]
    params_model = AddressParams
    title: ClassVar[str]
    preview_sentence: ClassVar[str]
    done_sentence: ClassVar[str]
    confirm_label: ClassVar[str] = "Yes, use this address"
    _rule: ClassVar[Callable[..., Eligibility]]
    _change: ClassVar[Callable[..., Order]]

    def rule(
        self, *, order: Order, now: dt.datetime | None = None, facts: OrderFacts | None = None
    ) -> Eligibility:
        rule = type(self)._rule
        return rule(order=order, now=now, facts=facts)

    def current(self, order: Order) -> dict[str, str]:
        return getattr(order, f"{self.kind}_address").as_dict()

    def preview(self, *, order: Order, actor: Actor, params: Mapping[str, Any]) -> ActionPreview:
        parsed = params_parse(AddressParams, params)
        self.eligibility(order=order, actor=actor).require()
        clean = address_change_preview(order=order, address=parsed.model_dump(), kind=self.kind)
        return ActionPreview(
            message=self.preview_sentence,
            data={"address": clean.as_dict(), "details": address_lines(clean)},
        )

    def perform(
        self,
        *,
        order: Order,
        actor: Actor,
        params: Mapping[str, Any],
        idempotency_key: str | None = None,
    ) -> ActionResult:
        # No key needed: the same address sent twice changes nothing the second time, and no money moves.
        parsed = params_parse(AddressParams, params)
        change = type(self)._change
        changed = change(order=order, actor=actor, address=parsed.model_dump())
        return ActionResult(
            message=self.done_sentence, data={"address": getattr(changed, f"{self.kind}_address").as_dict()}
        )


@register
class ShippingAddressAction(AddressAction):
    id = "shipping_address"
    label = "Change the shipping address"
    api_path = "shipping-address"
    kind = "shipping"
    title = "Change the delivery address"
    preview_sentence = "We'll deliver your order to:"
    done_sentence = "The delivery address is changed; we've emailed you the details."
    _rule = staticmethod(shipping_address_change_eligibility)
    _change = staticmethod(order_shipping_address_change)


@register
class BillingAddressAction(AddressAction):
    id = "billing_address"
    label = "Change the billing address"
    api_path = "billing-address"
    kind = "billing"
    title = "Correct the billing address"
    preview_sentence = "We'll use as the billing address:"
    done_sentence = "The billing address is changed; we've emailed you the details."
    _rule = staticmethod(billing_address_change_eligibility)
    _change = staticmethod(order_billing_address_change)
