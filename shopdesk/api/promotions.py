"""Promotions API: why each promo code does or doesn't apply to a cart, and the best combination.

No sign-in needed. A customer bearer token (POST /customer/session) identifies the shopper; without
one, a private code's refusal reads as `not_found`, so private codes can't be probed (docs/promotions.md).
"""

from __future__ import annotations

from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Field, Router, Schema
from pydantic import ConfigDict, StringConstraints

from shopdesk.access.selectors import access_for_token
from shopdesk.access.types import CustomerAccess
from shopdesk.core.errors import DomainError
from shopdesk.promotions.engine import MAX_CODES_CHECKED
from shopdesk.promotions.selectors import MAX_CART_LINES, MAX_QUANTITY, promo_check

router = Router(tags=["promotions"])


class TokenInvalid(DomainError):
    code = "token_invalid"
    http_status = 401


class StrictIn(Schema):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class CartLineIn(StrictIn):
    # Not stripped by the schema: a blank SKU is documented as valid (it is no catalogue item), and the
    # check strips it.
    sku: Annotated[str, StringConstraints(strip_whitespace=False, min_length=1, max_length=64)] = Field(
        examples=["KW-TEE-NAVY-M"]
    )
    quantity: int = Field(ge=1, le=MAX_QUANTITY)


class CartIn(StrictIn):
    lines: list[CartLineIn] = Field(min_length=1, max_length=MAX_CART_LINES)


class PromoCheckIn(StrictIn):
    codes: list[str] = Field(min_length=1, max_length=MAX_CODES_CHECKED, examples=[["WELCOME10", "FREESHIP"]])
    cart: CartIn
    country: str = Field(pattern=r"^[A-Za-z]{2}$", description="Where the cart ships (ISO 3166 alpha-2)")
    email: str | None = Field(
        default=None,
        min_length=3,
        max_length=254,
        description="Checks first-order and per-customer rules; does not identify the shopper for private codes.",
    )


class MoneyOut(Schema):
    amount: str
    currency: str
    display: str


class CodeOut(Schema):
    code: str
    applied: bool
    reason_code: str = Field(description="applied, or one of the reason codes in docs/promotions.md")
    message: str
    saving: MoneyOut
    suggestion: str | None = Field(description="case_or_typo: the public code that was probably meant")
    conflicts_with: list[str] = Field(description="not_combinable: the codes this one clashes with")
    missing: MoneyOut | None = Field(description="minimum_not_met on a subtotal: the amount still to add")
    missing_quantity: int | None = Field(description="minimum_not_met on a quantity: the items still to add")
    excluded_skus: list[str] = Field(description="Cart items this code cannot apply to")


class CartLineOut(Schema):
    sku: str
    name: str
    quantity: int
    unit_price: MoneyOut
    line_total: MoneyOut
    price_kind: str = Field(description="regular, or an automatic sale price: sale, flash_sale, clearance")
    regular_price: MoneyOut | None = Field(description="On sale: the regular price before the sale")


class PromoCheckOut(Schema):
    codes: list[CodeOut]
    best_combination: list[str]
    lines: list[CartLineOut]
    subtotal: MoneyOut
    discount: MoneyOut
    shipping: MoneyOut
    shipping_without_codes: MoneyOut = Field(
        description="The fee without codes: higher `shipping` means a discount lost the free-shipping threshold"
    )
    duties: MoneyOut = Field(description="Duties charged at checkout (zones where the store pays them)")
    saving: MoneyOut = Field(description="What the best combination takes off the total without codes")
    total: MoneyOut = Field(description="subtotal − discount + shipping + duties, before tax")


def _optional_customer(request: HttpRequest) -> CustomerAccess | None:
    header = request.headers.get("Authorization", "")
    if not header:
        return None
    scheme, _, token = header.partition(" ")
    access = access_for_token(token=token.strip()) if scheme.lower() == "bearer" else None
    if access is None:
        raise TokenInvalid("The sign-in token is not valid or has expired; sign in again or leave it out.")
    return access


@router.post("/check", response={200: PromoCheckOut}, auth=None, summary="Check promo codes against a cart")
def check(request: HttpRequest, payload: PromoCheckIn) -> Any:
    access = _optional_customer(request)
    checked = promo_check(
        codes=payload.codes,
        items=[(line.sku.strip(), line.quantity) for line in payload.cart.lines],
        country=payload.country,
        email=payload.email,
        access=access,
    )
    return checked.as_dict()
