"""Orders and customers sent by the store platform: idempotent, race-safe upserts with an audit event.

Lines are matched by the store's line id when it sends one, else by SKU (so a SKU may be on two lines
when each has its id). An update older than the store version shopdesk has (`updated_at`, `revision`)
is answered `stale` and writes nothing. Addresses are the order's own copies (updated in place), coupons are replaced,
the caller writes the payments in the same transaction (`with_order`). Sending the same order twice
writes nothing the second time.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from shopdesk.catalog.models import Variant
from shopdesk.core.actors import Actor
from shopdesk.core.errors import Conflict
from shopdesk.core.sync.changes import changes
from shopdesk.core.sync.errors import KeyConflict, UnknownReference
from shopdesk.core.sync.outcome import Upserted, UpsertStatus, atomic_with_retry, combine
from shopdesk.orders import events
from shopdesk.orders.models import Address, Customer, Order, OrderCoupon, OrderLine
from shopdesk.orders.sync_data import (
    AddressData,
    CustomerData,
    CustomerDetailsData,
    OrderData,
    OrderLineData,
)
from shopdesk.policy.loader import get_policy

ADDRESS_FIELDS = ("name", "company", "line1", "line2", "city", "region", "postcode", "country", "phone")
LINE_FIELDS = (
    "variant_id",
    "product_name",
    "size",
    "colour",
    "quantity",
    "unit_price",
    "price_kind",
    "discount_amount",
    "tax_amount",
)
CUSTOMER_FIELDS = ("name", "locale", "country", "phone")


# --- customers ---------------------------------------------------------------------------------
def customer_upsert(*, external_id: str | None, data: CustomerData, actor: Actor) -> Upserted:
    """By external id when given (linking a customer first known by email), else by email."""
    return atomic_with_retry(
        lambda: _customer_apply(external_id=external_id, email=data.email, details=data),
        what=f'Customer "{external_id or data.email}"',
    )


def _customer_apply(
    *,
    external_id: str | None,
    email: str,
    details: CustomerData | CustomerDetailsData | None,
    details_if_new: CustomerDetailsData | None = None,
) -> Upserted:
    """`details_if_new` fills a customer created here (an order names a new customer after its address)."""
    # order_by(): these are unique look-ups, and skipping Meta.ordering saves compiling an ORDER BY.
    by_email = Customer.objects.select_for_update().filter(email=email).order_by().first()
    by_external = (
        Customer.objects.select_for_update().filter(external_id=external_id).order_by().first()
        if external_id
        else None
    )
    if by_external and by_email and by_external.pk != by_email.pk:
        raise KeyConflict(f'Email "{email}" belongs to another customer than "{external_id}".', field="email")
    customer = by_external or by_email
    wanted: dict[str, Any] = {"email": email}
    if external_id:
        wanted["external_id"] = external_id
    if details is not None:
        # Omitted (None) fields keep what shopdesk has: a store may send a customer with an email only.
        sent = {name: getattr(details, name) for name in CUSTOMER_FIELDS}
        wanted |= {name: value for name, value in sent.items() if value is not None}
    key = external_id or email
    if customer is None:
        if details_if_new is not None:
            fill = {name: getattr(details_if_new, name) for name in CUSTOMER_FIELDS}
            wanted = {name: value for name, value in fill.items() if value is not None} | wanted
        customer = Customer.objects.create(**wanted)
        return Upserted(status=UpsertStatus.CREATED, kind="customer", key=key, id=customer.pk)
    _before, after = changes({name: getattr(customer, name) for name in wanted}, wanted)
    if not after:
        return Upserted(status=UpsertStatus.UNCHANGED, kind="customer", key=key, id=customer.pk)
    for name in after:
        setattr(customer, name, wanted[name])
    customer.save(update_fields=list(after))
    return Upserted(status=UpsertStatus.UPDATED, kind="customer", key=key, id=customer.pk)


# --- orders ------------------------------------------------------------------------------------
# What else to write with the order, in its transaction: (order, created) -> the statuses of those rows.
# The integration layer applies the order's payments through it (payments sit above orders).
WithOrder = Callable[[Order, bool], Sequence[UpsertStatus]]


def order_upsert(
    *, number: str, data: OrderData, actor: Actor, with_order: WithOrder | None = None
) -> Upserted:
    """Create the order (event `imported`) or bring it in line with `data` (event `updated`, only if changed)."""
    return atomic_with_retry(
        lambda: _order_upsert(number=number, data=data, actor=actor, with_order=with_order),
        what=f"Order {number}",
    )


def _variants_by_sku(data: OrderData) -> dict[str, Variant]:
    skus = [line.sku for line in data.lines]
    variants = {
        v.sku: v
        for v in Variant.objects.filter(sku__in=skus)
        .select_related("product", "product__category")
        .order_by()
    }
    for index, sku in enumerate(skus):
        if sku not in variants:
            raise UnknownReference(
                f'Unknown SKU "{sku}" in lines.{index}.sku; send its product first with PUT /products/{{external_id}}.',
                field=f"lines.{index}.sku",
            )
    return variants


@dataclass(slots=True)
class LinePlan:
    """One line the store sent: the line it updates (None: a new one) and the fields it should have."""

    label: str  # the line in audit keys: its SKU, with its id when the SKU is on two lines
    sku: str
    existing: OrderLine | None
    fields: dict[str, Any]


def _lines_match(sent: list[OrderLineData], current: list[OrderLine]) -> list[OrderLine | None]:
    """The existing line each sent line updates: the one with its external id, else one of its SKU
    (a line the store first sent without an id takes the id on; one sent without an id matches as before)."""
    free = list(current)
    matched: list[OrderLine | None] = [None] * len(sent)
    for index, line in enumerate(sent):
        if line.external_id:
            found = next((c for c in free if c.external_id == line.external_id), None)
            if found is not None:
                matched[index] = found
                free.remove(found)
    for index, line in enumerate(sent):
        if matched[index] is not None:
            continue
        found = next(
            (c for c in free if c.sku == line.sku and not (line.external_id and c.external_id)), None
        )
        if found is not None:
            matched[index] = found
            free.remove(found)
    return matched


def _twice(skus: list[str]) -> set[str]:
    # A set, not a Counter: called twice per order of an import, where Counter() costs more than the rest.
    seen: set[str] = set()
    twice: set[str] = set()
    for sku in skus:
        (twice if sku in seen else seen).add(sku)
    return twice


def _line_label(sku: str, external_id: str, twice: set[str]) -> str:
    return f"{sku}[{external_id}]" if sku in twice and external_id else sku


def _line_plans(data: OrderData, variants: dict[str, Variant], current: list[OrderLine]) -> list[LinePlan]:
    """The fields of each sent line. A line that exists keeps what it was bought as (variant, size,
    colour, price kind, and its price and name unless sent): today's catalog must not rewrite history."""
    twice = _twice([line.sku for line in data.lines]) | _twice([line.sku for line in current])
    plans: list[LinePlan] = []
    for line, existing in zip(data.lines, _lines_match(data.lines, current), strict=True):
        sent: dict[str, Any] = {
            "quantity": line.quantity,
            "discount_amount": line.discount_amount,
            "tax_amount": line.tax_amount,
            **({"external_id": line.external_id} if line.external_id else {}),
            **({"unit_price": line.unit_price} if line.unit_price is not None else {}),
            **({"product_name": line.product_name} if line.product_name else {}),
            **(
                {"quantity_cancelled": line.quantity_cancelled} if line.quantity_cancelled is not None else {}
            ),
        }
        external_id = line.external_id or (existing.external_id if existing is not None else "")
        label = _line_label(line.sku, external_id, twice)
        if existing is not None:
            plans.append(LinePlan(label, line.sku, existing, {"unit_price": existing.unit_price, **sent}))
            continue
        variant = variants[line.sku]
        fields = {
            "variant_id": variant.pk,
            "product_name": variant.product.name,
            "size": variant.size,
            "colour": variant.colour,
            "unit_price": variant.price,
            "price_kind": variant.price_kind,
            **sent,
        }
        plans.append(LinePlan(label, line.sku, None, fields))
    return plans


def _version_stale(order: Order, data: OrderData) -> bool:
    """True when `data` is older than the store version the order was last written with."""
    if (
        data.revision is not None
        and order.source_revision is not None
        and data.revision < order.source_revision
    ):
        return True
    return (
        data.updated_at is not None
        and order.source_updated_at is not None
        and data.updated_at < order.source_updated_at
    )


def _version_fields(order: Order | None, data: OrderData) -> dict[str, Any]:
    """The store version to keep: the newest seen (written without an event: it is not the order's content)."""
    fields: dict[str, Any] = {}
    if data.updated_at is not None and (
        order is None or order.source_updated_at is None or data.updated_at > order.source_updated_at
    ):
        fields["source_updated_at"] = data.updated_at
    if data.revision is not None and (
        order is None or order.source_revision is None or data.revision > order.source_revision
    ):
        fields["source_revision"] = data.revision
    return fields


def _order_wanted(data: OrderData, lines: list[LinePlan]) -> dict[str, Any]:
    subtotal = data.subtotal
    if subtotal is None:
        subtotal = sum((line.fields["unit_price"] * line.fields["quantity"] for line in lines), Decimal(0))
    wanted: dict[str, Any] = {
        "email": data.email,
        "currency": data.currency or get_policy().store.currency,
        "placed_at": data.placed_at,
        "shipping_method": data.shipping_method,
        "subtotal": subtotal,
        "discount_total": data.discount_total,
        "shipping_total": data.shipping_total,
        "tax_total": data.tax_total,
        "duties_total": data.duties_total,
        "total": data.total,
        "points_used": data.points_used,
        "points_value": data.points_value,
    }
    # Left out, these keep their value: an order cancelled in shopdesk's self-service must not be
    # un-cancelled by the store's next sync that does not know yet, nor an agent's notes wiped.
    for name in ("cancelled_at", "cancel_reason", "notes", "payment_url"):
        if (value := getattr(data, name)) is not None:
            wanted[name] = value
    if data.external_id:
        wanted["external_id"] = data.external_id
    if data.locale:
        wanted["locale"] = data.locale
    return wanted


def _address_dict(address: AddressData) -> dict[str, str]:
    return {name: getattr(address, name) for name in ADDRESS_FIELDS}


def _order_upsert(*, number: str, data: OrderData, actor: Actor, with_order: WithOrder | None) -> Upserted:
    variants = _variants_by_sku(data)
    if data.external_id:
        owner = Order.objects.filter(external_id=data.external_id).exclude(number=number).order_by().first()
        if owner is not None:
            raise KeyConflict(
                f'external_id "{data.external_id}" belongs to order {owner.number}.', field="external_id"
            )
    # The order first: a stale update must not touch its customer either.
    order = (
        Order.objects.select_for_update()
        .select_related("shipping_address", "billing_address")
        .filter(number=number)
        .order_by()
        .first()
    )
    if order is not None and _version_stale(order, data):
        return Upserted(status=UpsertStatus.STALE, kind="order", key=number, id=order.pk)
    customer = _customer_apply(
        external_id=data.customer.external_id if data.customer else None,
        email=data.email,
        details=data.customer,
        details_if_new=_details_if_new(data),
    )
    current_lines = list(order.lines.all()) if order is not None else []
    lines = _line_plans(data, variants, current_lines)
    wanted = _order_wanted(data, lines) | {"customer_id": customer.id}
    versions = _version_fields(order, data)
    shipping = _address_dict(data.shipping_address)
    billing = _address_dict(data.billing_address or data.shipping_address)
    coupons = {coupon.code.upper(): coupon.amount for coupon in data.coupons}

    if order is None:
        order = _order_create(
            number=number,
            wanted=wanted | versions,
            lines=lines,
            variants=variants,
            shipping=shipping,
            billing=billing,
            coupons=coupons,
        )
        if with_order is not None:
            with_order(order, True)
        events.order_imported(order=order, actor=actor)
        return Upserted(status=UpsertStatus.CREATED, kind="order", key=number, id=order.pk)

    before, after = _order_update(
        order=order,
        wanted=wanted,
        current_lines=current_lines,
        lines=lines,
        variants=variants,
        shipping=shipping,
        billing=billing,
        coupons=coupons,
    )
    if after:
        events.order_updated(order=order, actor=actor, before=before, after=after)
    if versions:
        Order.objects.filter(pk=order.pk).update(**versions)
    status = UpsertStatus.UPDATED if after else UpsertStatus.UNCHANGED
    others = with_order(order, False) if with_order is not None else ()
    return Upserted(status=combine(status, *others), kind="order", key=number, id=order.pk)


def _details_if_new(data: OrderData) -> CustomerDetailsData:
    # A customer first seen on an order is named after its shipping address; later orders keep the name.
    return CustomerDetailsData(name=data.shipping_address.name[:120], country=data.shipping_address.country)


def _order_create(
    *,
    number: str,
    wanted: dict[str, Any],
    lines: list[LinePlan],
    variants: dict[str, Variant],
    shipping: dict[str, str],
    billing: dict[str, str],
    coupons: dict[str, Decimal],
) -> Order:
    # Two address rows even when equal: a later billing change must not move the parcel.
    shipping_address = Address.objects.create(**shipping)
    billing_address = Address.objects.create(**billing)
    order = Order.objects.create(
        number=number, shipping_address=shipping_address, billing_address=billing_address, **wanted
    )
    OrderLine.objects.bulk_create(
        OrderLine(
            order=order, sku=line.sku, return_flags=variants[line.sku].product.return_flags(), **line.fields
        )
        for line in lines
    )
    _coupons_create(order=order, coupons=coupons)
    return order


def _coupons_create(*, order: Order, coupons: dict[str, Decimal]) -> None:
    if not coupons:
        return
    # The store's coupon rows, through the relation orders already has (promotions sit above orders).
    coupon_model = OrderCoupon._meta.get_field("coupon").related_model
    rows = coupon_model._default_manager.filter(code__in=list(coupons)).values_list("code", "pk")
    known = dict(rows)
    OrderCoupon.objects.bulk_create(
        OrderCoupon(order=order, code=code, coupon_id=known.get(code), amount=amount)
        for code, amount in coupons.items()
    )


def _order_snapshot(
    order: Order, lines: list[OrderLine], wanted: dict[str, Any], line_wanted: list[LinePlan]
) -> dict[str, Any]:
    """The order as flat keys, limited to what the store sends (so what it omits is never a change)."""
    snapshot: dict[str, Any] = {name: getattr(order, name) for name in wanted}
    for prefix, address in (
        ("shipping_address", order.shipping_address),
        ("billing_address", order.billing_address),
    ):
        snapshot |= {f"{prefix}.{name}": getattr(address, name) for name in ADDRESS_FIELDS}
    planned = {plan.existing.pk: plan for plan in line_wanted if plan.existing is not None}
    twice = _twice([line.sku for line in lines]) | _twice([plan.sku for plan in line_wanted])
    for line in lines:
        plan = planned.get(line.pk)
        label = plan.label if plan is not None else _line_label(line.sku, line.external_id, twice)
        fields = plan.fields if plan is not None else dict.fromkeys(LINE_FIELDS)
        snapshot |= {f"lines.{label}.{name}": getattr(line, name) for name in fields}
    for coupon in order.coupons.all():
        snapshot[f"coupons.{coupon.code}"] = coupon.amount
    return snapshot


def _order_update(
    *,
    order: Order,
    wanted: dict[str, Any],
    current_lines: list[OrderLine],
    lines: list[LinePlan],
    variants: dict[str, Variant],
    shipping: dict[str, str],
    billing: dict[str, str],
    coupons: dict[str, Decimal],
) -> tuple[dict[str, Any], dict[str, Any]]:
    desired: dict[str, Any] = dict(wanted)
    desired |= {f"shipping_address.{name}": value for name, value in shipping.items()}
    desired |= {f"billing_address.{name}": value for name, value in billing.items()}
    for plan in lines:
        desired |= {f"lines.{plan.label}.{name}": value for name, value in plan.fields.items()}
    desired |= {f"coupons.{code}": amount for code, amount in coupons.items()}
    before, after = changes(_order_snapshot(order, current_lines, wanted, lines), desired)
    if not after:
        return before, after

    changed_fields = [name for name in wanted if name in after]
    for name in changed_fields:
        setattr(order, name, wanted[name])
    if changed_fields:
        order.save(update_fields=[*changed_fields, "updated_at"])
    for prefix, values in (("shipping_address", shipping), ("billing_address", billing)):
        if any(key.startswith(f"{prefix}.") for key in after):
            Address.objects.filter(pk=getattr(order, f"{prefix}_id")).update(**values)
    _lines_update(order=order, current=current_lines, wanted=lines, variants=variants)
    if any(key.startswith("coupons.") for key in before.keys() | after.keys()):
        order.coupons.all().delete()
        _coupons_create(order=order, coupons=coupons)
    return before, after


def _lines_update(
    *,
    order: Order,
    current: list[OrderLine],
    wanted: list[LinePlan],
    variants: dict[str, Variant],
) -> None:
    kept_ids = {plan.existing.pk for plan in wanted if plan.existing is not None}
    for line in current:
        if line.pk in kept_ids:
            continue
        if line.shipment_lines.exists() or line.quantity_returned:
            raise Conflict(
                f'The line of SKU "{line.sku}" is already shipped or returned, so it cannot be removed from order '
                f"{order.number}; send it with quantity_cancelled instead.",
                code="line_in_use",
            )
        line.delete()
    for index, plan in enumerate(wanted):
        existing, fields = plan.existing, plan.fields
        if existing is None:
            OrderLine.objects.create(
                order=order, sku=plan.sku, return_flags=variants[plan.sku].product.return_flags(), **fields
            )
            continue
        kept = fields["quantity"] - fields.get("quantity_cancelled", existing.quantity_cancelled)
        if existing.quantity_returned > kept:
            raise KeyConflict(
                f'SKU "{plan.sku}": {existing.quantity_returned} unit(s) were returned, more than the {kept} the order would keep.',
                field=f"lines.{index}.quantity",
            )
        if existing.quantity_returned + existing.quantity_refunded > kept:
            raise KeyConflict(
                f'SKU "{plan.sku}": {existing.quantity_returned + existing.quantity_refunded} unit(s) were returned '
                f"or refunded, more than the {kept} the order would keep.",
                field=f"lines.{index}.quantity",
            )
        for name, value in fields.items():
            setattr(existing, name, value)
        existing.save(update_fields=list(fields))
