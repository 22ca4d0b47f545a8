"""What the customer gets instead of the item, per line: a refund, store credit, an exchange, or to keep it.

    refund         money back to the original payment(s)
    store_credit   credit on the customer's balance, with the policy's bonus (`store_credit_bonus_percent`)
    exchange       another size or colour of the same product, in stock; the price difference is refunded
                   or paid on the store platform
    keep           the item stays with the customer ("green return"): one unit worth at most
                   `returns.keep_below`, or a reason of `returns.keep_reasons`; refunded without coming back

`resolution_problems` answers, per requested line, why a resolution can't be had (a code and a sentence),
read inside the return's transaction; `exchange_options` lists what a line can be exchanged for.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from shopdesk.catalog.models import Variant
from shopdesk.orders.models import OrderLine
from shopdesk.policy import get_policy
from shopdesk.returns.enums import ReturnResolution

if TYPE_CHECKING:
    from shopdesk.returns.services import ReturnLineRequest


@dataclass(frozen=True, slots=True)
class ExchangeOption:
    sku: str
    label: str  # "Navy / L"
    price: Decimal
    stock: int

    def as_dict(self) -> dict[str, object]:
        return {"sku": self.sku, "label": self.label, "price": str(self.price), "in_stock": self.stock > 0}


def resolutions_offered() -> list[str]:
    """The resolutions the store policy offers at all (each line may still refuse one)."""
    policy = get_policy().returns
    offered = [ReturnResolution.REFUND.value]
    if policy.store_credit:
        offered.append(ReturnResolution.STORE_CREDIT.value)
    if policy.exchanges:
        offered.append(ReturnResolution.EXCHANGE.value)
    if policy.keep_below is not None or policy.keep_reasons:
        offered.append(ReturnResolution.KEEP.value)
    return offered


def variant_label(variant: Variant) -> str:
    return " / ".join(part for part in (variant.colour, variant.size) if part) or variant.sku


def exchange_options(line: OrderLine) -> list[ExchangeOption]:
    """Other active sizes and colours of the line's product (the ones out of stock included, marked)."""
    return [_option(v) for v in _exchange_variants(line)]


def exchange_choices(
    line: OrderLine, *, reason: str | None, colour: bool, limit: int
) -> list[ExchangeOption]:
    """The exchanges to suggest, in stock, `limit` at most: for a size (the item was too small or too big)
    the same colour, the variants after the line's in the catalogue's order when it was too small and
    before it when too big; for a colour (`colour`), the same size. Each falls back to the wider set when
    nothing matches."""
    variants = [v for v in _exchange_variants(line) if v.stock > 0]
    if reason in ("too_small", "too_big") and line.colour:
        same = [v for v in variants if v.colour == line.colour]
        wanted = [v for v in same if (v.pk > (line.variant_id or 0)) == (reason == "too_small")]
        variants = wanted or same or variants
    elif colour and line.size:
        variants = [v for v in variants if v.size == line.size] or variants
    return [_option(v) for v in variants[:limit]]


def _exchange_variants(line: OrderLine) -> list[Variant]:
    if line.variant_id is None or not get_policy().returns.exchanges:
        return []
    variants = Variant.objects.filter(product__variants__pk=line.variant_id, active=True).exclude(
        pk=line.variant_id
    )
    return list(variants.order_by("id"))


def _option(variant: Variant) -> ExchangeOption:
    return ExchangeOption(variant.sku, variant_label(variant), variant.price, variant.stock)


def exchange_variant(line: OrderLine, sku: str, *, lock: bool = False) -> Variant | None:
    """The variant the line may be exchanged for, or None when the SKU isn't another one of its product."""
    if line.variant_id is None or not sku:
        return None
    rows = Variant.objects.select_related("product").filter(
        sku=sku.strip(), active=True, product__variants__pk=line.variant_id
    )
    if lock:
        rows = rows.select_for_update()
    found = rows.exclude(pk=line.variant_id).first()
    return found


def _problem(field: str, code: str, message: str) -> dict[str, str]:
    return {"field": field, "code": code, "message": message}


def resolution_problems(
    *, requests: list[ReturnLineRequest], lines: dict[int, OrderLine]
) -> tuple[list[dict[str, str]], dict[int, Variant]]:
    """Each line's resolution checked against the policy and the catalogue: the problems (`lines[i]`)
    and, for exchanges, the variant each line becomes (locked: its stock is read under the lock)."""
    policy = get_policy().returns
    offered = set(resolutions_offered())
    problems: list[dict[str, str]] = []
    variants: dict[int, Variant] = {}
    for index, request in enumerate(requests):
        field, line = f"lines[{index}]", lines.get(request.line_id)
        if line is None:
            continue  # reported by the eligibility check
        resolution = request.resolution
        if resolution not in offered:
            problems.append(
                _problem(
                    field,
                    "resolution_not_offered",
                    f"{ReturnResolution(resolution).label} isn't offered for returns; choose a refund.",
                )
            )
        elif resolution == ReturnResolution.EXCHANGE:
            variant = exchange_variant(line, request.exchange_sku, lock=True)
            if not request.exchange_sku:
                problems.append(
                    _problem(field, "exchange_sku_missing", "Choose the size or colour you'd like instead.")
                )
            elif variant is None:
                problems.append(
                    _problem(
                        field,
                        "exchange_sku_unknown",
                        f"We can only exchange the {line.product_name} for another size or colour of it.",
                    )
                )
            elif variant.stock < request.quantity:
                problems.append(
                    _problem(
                        field,
                        "exchange_out_of_stock",
                        f"The {line.product_name} in {variant_label(variant)} is out of stock; choose another "
                        "size or colour, or a refund.",
                    )
                )
            else:
                variants[request.line_id] = variant
        elif request.exchange_sku:
            problems.append(
                _problem(
                    field, "exchange_sku_unexpected", "Only an exchange names the item you want instead."
                )
            )
        elif resolution == ReturnResolution.KEEP and not policy.keep_allowed(
            unit_price=line.unit_price, reason=request.reason
        ):
            problems.append(_problem(field, "keep_not_offered", _keep_refusal()))
    return problems, variants


def _keep_refusal() -> str:
    policy = get_policy().returns
    offers = []
    if policy.keep_below is not None:
        offers.append(f"items worth {policy.keep_below} or less")
    labels = [reason.label.lower() for reason in policy.reasons if reason.code in policy.keep_reasons]
    if labels:
        offers.append("items returned as " + " or ".join(f"“{label}”" for label in labels))
    return "Please send this item back: you can keep " + " and ".join(offers) + "."
