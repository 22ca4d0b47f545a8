"""The "check my code" page: a cart built from SKUs, each code's reason, and the best combination.

One GET form, no script: "Add a line" and "Remove" are submit buttons that re-render the form, so the
page works without JavaScript and a checked cart is a link that can be shared with customer care.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from shopdesk.access.web import portal_access
from shopdesk.core.errors import InvalidInput
from shopdesk.policy import get_policy
from shopdesk.promotions.engine import MAX_CODES_CHECKED
from shopdesk.promotions.selectors import (
    MAX_CART_LINES,
    MAX_QUANTITY,
    CheckedCart,
    OrderCart,
    country_name,
    order_carts,
    promo_check,
)

CODE_SEPARATORS = str.maketrans({",": " ", ";": " ", "\n": " ", "\r": " ", "\t": " "})


@dataclass(frozen=True, slots=True)
class LineRow:
    index: int
    sku: str
    quantity: str


def _rows(request: HttpRequest) -> list[LineRow]:
    skus = request.GET.getlist("sku")[:MAX_CART_LINES]
    quantities = request.GET.getlist("qty")[: len(skus)]
    quantities += ["1"] * (len(skus) - len(quantities))
    pairs = [
        (sku.strip()[:64], quantity.strip()[:4] or "1")
        for sku, quantity in zip(skus, quantities, strict=True)
    ]
    remove = request.GET.get("remove", "")
    if remove.isdigit() and int(remove) < len(pairs):
        pairs.pop(int(remove))
    if "add" in request.GET and len(pairs) < MAX_CART_LINES:
        pairs.append(("", "1"))
    if not pairs:
        pairs.append(("", "1"))
    return [LineRow(index, sku, quantity) for index, (sku, quantity) in enumerate(pairs)]


def _items(rows: list[LineRow]) -> list[tuple[str, int]]:
    items = []
    for row in rows:
        if not row.sku:
            continue
        if not row.quantity.isdigit() or not 1 <= int(row.quantity) <= MAX_QUANTITY:
            raise InvalidInput(f"The quantity of {row.sku} must be a whole number from 1 to {MAX_QUANTITY}.")
        items.append((row.sku, int(row.quantity)))
    return items


def _order_query(codes_text: str, cart: OrderCart) -> dict[str, object]:
    return {
        "codes": codes_text,
        "country": cart.country,
        "sku": [sku for sku, _ in cart.items],
        "qty": [str(quantity) for _, quantity in cart.items],
    }


def _countries() -> list[tuple[str, str]]:
    codes = {code for zone in get_policy().shipping.zones for code in zone.countries if code != "*"}
    return sorted(((code, country_name(code)) for code in codes), key=lambda pair: pair[1])


@require_GET
def check(request: HttpRequest) -> HttpResponse:
    access = portal_access(request)
    rows = _rows(request)
    codes_text = request.GET.get("codes", "")[:400]
    codes = codes_text.translate(CODE_SEPARATORS).split()
    countries = _countries()
    home = next(code for zone in get_policy().shipping.zones for code in zone.countries if code != "*")
    country = request.GET.get("country", "").strip().upper()[:2] or home  # the first zone: the store's own
    editing = "add" in request.GET or "remove" in request.GET
    checked: CheckedCart | None = None
    error = ""
    status = 200
    if "check" in request.GET and not editing:
        try:
            if not codes:
                raise InvalidInput("Enter the code you want to check.")
            if len(codes) > MAX_CODES_CHECKED:
                raise InvalidInput(f"Check at most {MAX_CODES_CHECKED} codes at once.")
            items = _items(rows)
            if not items:
                raise InvalidInput("Add at least one item (its SKU) to the cart.")
            checked = promo_check(codes=codes, items=items, country=country, access=access)
        except InvalidInput as exc:
            error, status = exc.message, 422
    order_links = [
        (cart.number, "?" + urlencode(_order_query(codes_text, cart), doseq=True))
        for cart in (order_carts(access=access) if access is not None else [])
    ]
    context = {
        "order_links": order_links,
        "rows": rows,
        "codes_text": codes_text,
        "country": country,
        "countries": countries,
        "checked": checked,
        "error": error,
        "signed_in": access is not None,
        "max_lines": MAX_CART_LINES,
    }
    return render(request, "web/promotions/check.html", context, status=status)
