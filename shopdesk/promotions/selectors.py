"""Reads for the promo-code check: the cart from SKUs, the typed codes' rules, the shopper's history.

`promo_check` gathers them in a fixed number of queries and hands them to the pure engine.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pycountry
from django.db.models import Count, F, FilteredRelation, Q
from django.utils import timezone

from shopdesk.access.selectors import orders_for_access
from shopdesk.access.types import CustomerAccess
from shopdesk.catalog.enums import PriceKind
from shopdesk.catalog.models import Variant
from shopdesk.core.errors import InvalidInput
from shopdesk.core.money import Money
from shopdesk.orders.models import Order
from shopdesk.policy import get_policy
from shopdesk.policy.schema import Policy
from shopdesk.promotions.engine import (
    MAX_CODES_CHECKED,
    CartLine,
    CheckContext,
    CheckResult,
    CodeRule,
    Shopper,
    check_codes,
    normalise_code,
)
from shopdesk.promotions.models import Coupon, CouponRedemption
from shopdesk.promotions.public_codes import public_codes_near

MAX_CART_LINES = 50
MAX_QUANTITY = 999


@dataclass(frozen=True, slots=True)
class CheckedCart:
    """The engine's answer with the priced cart it answered for (pages show the lines)."""

    result: CheckResult
    lines: list[CartLine]
    currency: str
    locale: str
    country_name: str

    def money(self, amount: Decimal) -> dict[str, str]:
        """`{amount, currency, display}`, as the order view shows money."""
        money = Money(amount, self.currency)
        return {"amount": str(money.amount), "currency": money.currency, "display": money.format(self.locale)}

    def as_dict(self) -> dict[str, Any]:
        """The answer of POST /api/v1/promotions/check; the check page renders the same dictionary."""
        result = self.result
        return {
            "codes": [
                {
                    "code": verdict.code,
                    "applied": verdict.applied,
                    "reason_code": verdict.reason_code,
                    "message": verdict.message,
                    "saving": self.money(verdict.saving),
                    "suggestion": verdict.suggestion,
                    "conflicts_with": list(verdict.conflicts_with),
                    "missing": None if verdict.missing_amount is None else self.money(verdict.missing_amount),
                    "missing_quantity": verdict.missing_quantity,
                    "excluded_skus": list(verdict.excluded_skus),
                }
                for verdict in result.codes
            ],
            "best_combination": result.best_combination,
            "lines": [
                {
                    "sku": line.sku,
                    "name": line.name,
                    "quantity": line.quantity,
                    "unit_price": self.money(line.unit_price),
                    "line_total": self.money(line.gross),
                    "price_kind": line.price_kind,
                    "regular_price": None if line.regular_price is None else self.money(line.regular_price),
                }
                for line in self.lines
            ],
            "subtotal": self.money(result.subtotal),
            "discount": self.money(result.discount),
            "shipping": self.money(result.shipping),
            "shipping_without_codes": self.money(result.shipping_without_codes),
            "duties": self.money(result.duties),
            "saving": self.money(result.saving),
            "total": self.money(result.total),
        }


def country_name(code: str) -> str:
    country = pycountry.countries.get(alpha_2=code.upper())
    return getattr(country, "common_name", None) or (country.name if country else code)


def price_now(
    changes: Sequence[tuple[Decimal, str]], *, price: Decimal, kind: str
) -> tuple[Decimal, str, Decimal | None]:
    """A variant's price in effect now from its price history (started changes, oldest first):
    (price, kind, regular price before a sale). Without history the variant keeps its own price.

    Sale prices are automatic: a scheduled `PriceChange` takes effect at its start, code or no code.
    """
    if not changes:
        return price, kind, None
    price, kind = changes[-1]
    regular = [change_price for change_price, change_kind in changes if change_kind == PriceKind.REGULAR]
    was = regular[-1] if kind != PriceKind.REGULAR and regular else None
    return price, kind, was if was is not None and was > price else None


def cart_lines(*, items: Sequence[tuple[str, int]], now: dt.datetime | None = None) -> list[CartLine]:
    """Cart lines at the prices in effect now (automatic sale prices included); an unknown SKU is bad
    input naming it. One query: each variant comes once per started price change (or once with none)."""
    quantities: dict[str, int] = {}
    for sku, quantity in items:
        if quantity < 1 or quantity > MAX_QUANTITY:
            raise InvalidInput(f"The quantity of {sku} must be between 1 and {MAX_QUANTITY}.")
        quantities[sku.strip()] = quantities.get(sku.strip(), 0) + quantity
    if len(quantities) > MAX_CART_LINES:
        raise InvalidInput(f"A cart holds at most {MAX_CART_LINES} different items.")
    # Plain rows, not models: a cart is read on every check, and only these columns are shown.
    rows = (
        Variant.objects.filter(sku__in=list(quantities), active=True, product__active=True)
        .annotate(
            started=FilteredRelation(
                "price_history", condition=Q(price_history__starts_at__lte=now or timezone.now())
            )
        )
        .order_by("pk", "started__starts_at")
        .values(
            "sku",
            "size",
            "colour",
            "price",
            "price_kind",
            "product__name",
            "product__gift_card",
            "product__category__slug",
            "product__category__name",
            "started__price",
            "started__kind",
        )
    )
    variants: dict[str, Any] = {}
    history: dict[str, list[tuple[Decimal, str]]] = {}
    for row in rows:
        variants.setdefault(row["sku"], row)
        changes = history.setdefault(row["sku"], [])
        if row["started__price"] is not None:
            changes.append((row["started__price"], row["started__kind"]))
    unknown = [sku for sku in quantities if sku not in variants]
    if unknown:
        raise InvalidInput(
            f"We don't sell {', '.join(unknown)}: check the SKU.", details={"unknown_skus": unknown}
        )
    lines = []
    for sku, quantity in quantities.items():
        variant = variants[sku]
        price, kind, was = price_now(history[sku], price=variant["price"], kind=variant["price_kind"])
        details = " / ".join(part for part in (variant["colour"], variant["size"]) if part)
        name = variant["product__name"]
        lines.append(
            CartLine(
                sku=sku,
                name=f"{name} ({details})" if details else name,
                quantity=quantity,
                unit_price=price,
                price_kind=kind,
                regular_price=was,
                category=variant["product__category__slug"],
                category_name=variant["product__category__name"],
                gift_card=variant["product__gift_card"],
            )
        )
    return lines


def coupon_rule(coupon: Coupon, *, excluded_categories: frozenset[str] | None = None) -> CodeRule:
    """The engine's view of a coupon; `excluded_categories` (slugs) when the caller read them already."""
    if excluded_categories is None:
        excluded_categories = frozenset(category.slug for category in coupon.excluded_categories.all())
    return CodeRule(
        code=coupon.code,
        kind=coupon.kind,
        value=coupon.value,
        min_subtotal=coupon.min_subtotal,
        min_quantity=coupon.min_quantity,
        starts_at=coupon.starts_at,
        ends_at=coupon.ends_at,
        exclusive=coupon.exclusive,
        first_order_only=coupon.first_order_only,
        countries=frozenset(code.upper() for code in coupon.countries),
        excluded_categories=excluded_categories,
        usage_limit=coupon.usage_limit,
        per_customer_limit=coupon.per_customer_limit,
        times_used=coupon.times_used,
        public=coupon.public,
        active=coupon.active,
    )


def code_rules(*, codes: Sequence[str], policy: Policy) -> dict[str, CodeRule]:
    """The rules of the typed codes, by their normalised code (the unique index), in one query: each
    coupon comes once per excluded category (or once with none), folded here."""
    keys = {normalise_code(code, policy.promotions) for code in codes}
    rows = (
        Coupon.objects.filter(code__in=keys).annotate(excluded_slug=F("excluded_categories__slug")).order_by()
    )
    coupons: dict[str, Coupon] = {}
    excluded: dict[str, set[str]] = {}
    for row in rows:
        coupons.setdefault(row.code, row)
        slugs = excluded.setdefault(row.code, set())
        if row.excluded_slug is not None:
            slugs.add(row.excluded_slug)
    return {
        code: coupon_rule(coupon, excluded_categories=frozenset(excluded[code]))
        for code, coupon in coupons.items()
    }


def shopper_facts(
    *, country: str, email: str | None, access: CustomerAccess | None, coupon_codes: Sequence[str]
) -> Shopper:
    """A signed-in customer is `identified`; a typed email only feeds the first-order and per-customer rules."""
    known_email = (access.email if access is not None else (email or "")).strip().lower()
    if not known_email:
        return Shopper(country=country, identified=False)
    has_ordered = Order.objects.filter(email=known_email, cancelled_at__isnull=True).exists()
    uses = dict(
        CouponRedemption.objects.filter(email=known_email, coupon__code__in=list(coupon_codes))
        .values_list("coupon__code")
        .annotate(n=Count("id"))
        .values_list("coupon__code", "n")
        .order_by()
    )
    return Shopper(country=country, identified=access is not None, has_ordered=has_ordered, uses=uses)


@dataclass(frozen=True, slots=True)
class OrderCart:
    """A signed-in shopper's order as a cart to check codes against ("use my order")."""

    number: str
    country: str
    items: list[tuple[str, int]]


def order_carts(*, access: CustomerAccess, limit: int = 5) -> list[OrderCart]:
    """The shopper's latest orders with the items still on them (cancelled quantities left out)."""
    orders = orders_for_access(access=access).order_by("-placed_at").prefetch_related("lines")[:limit]
    carts = []
    for order in orders:
        items = [
            (line.sku, line.quantity - line.quantity_cancelled)
            for line in order.lines.all()
            if line.quantity > line.quantity_cancelled
        ]
        if items:
            carts.append(OrderCart(number=order.number, country=order.shipping_address.country, items=items))
    return carts


def promo_check(
    *,
    codes: Sequence[str],
    items: Sequence[tuple[str, int]],
    country: str,
    email: str | None = None,
    access: CustomerAccess | None = None,
    now: dt.datetime | None = None,
) -> CheckedCart:
    """Why each code does or doesn't apply to this cart, and the best combination with its total."""
    policy = get_policy()
    country = country.strip().upper()
    zone = policy.zone_for_country(country) if pycountry.countries.get(alpha_2=country) else None
    if zone is None:
        raise InvalidInput(f"We don't ship to {country or 'that country'}.", details={"field": "country"})
    if not codes:
        raise InvalidInput("Enter at least one code.", details={"field": "codes"})
    if len(codes) > MAX_CODES_CHECKED:
        raise InvalidInput(f"Check at most {MAX_CODES_CHECKED} codes at once.", details={"field": "codes"})
    if not items:
        raise InvalidInput("Add at least one item to the cart.", details={"field": "cart"})
    moment = now or timezone.now()
    lines = cart_lines(items=items, now=moment)
    found = code_rules(codes=codes, policy=policy)
    # The cheapest method: the fee a shopper sees first, and what a free-shipping code would waive.
    method = min(zone.methods, key=lambda m: m.fee)
    name = country_name(country)
    ctx = CheckContext(
        now=moment,
        rules=policy.promotions,
        zone=zone,
        method=method,
        currency=policy.store.currency,
        locale=policy.store.locale,
        timezone=policy.store.timezone,
        country_name=name,
        country_names={code: country_name(code) for rule in found.values() for code in rule.countries},
    )
    shopper = shopper_facts(country=country, email=email, access=access, coupon_codes=list(found))
    result = check_codes(
        typed_codes=codes,
        found=found,
        public_codes=public_codes_near(
            typed=[code for code in codes if normalise_code(code, policy.promotions) not in found],
            now=moment,
        ),
        cart=lines,
        shopper=shopper,
        ctx=ctx,
    )
    return CheckedCart(
        result=result,
        lines=lines,
        currency=policy.store.currency,
        locale=policy.store.locale,
        country_name=name,
    )
