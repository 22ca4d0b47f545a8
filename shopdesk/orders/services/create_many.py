"""Many new orders at once, for a store's first import: the rows `order_upsert` would write for each
new order, one multi-row INSERT per table (customers, addresses, orders, lines, coupons, events;
core/sync/rows.py).

It takes only what it can write exactly as `order_upsert` would. An order it cannot (its number or
external id already taken, its customer needing an update or conflicting) is handed back as `deferred`
for the caller to send through `order_upsert` one by one. A per-order problem `order_upsert` would
raise (an unknown SKU) is returned as that same error, and the order is not written. The caller runs
this inside one transaction and, on a database error, sends every order through `order_upsert`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils import timezone

from shopdesk.catalog.models import Variant
from shopdesk.core.actors import Actor
from shopdesk.core.errors import DomainError
from shopdesk.core.sync.errors import UnknownReference
from shopdesk.core.sync.rows import instances_insert, rows_insert, rows_insert_ids
from shopdesk.orders import events
from shopdesk.orders.models import Address, Customer, Order, OrderCoupon, OrderLine
from shopdesk.orders.services.upsert import (
    CUSTOMER_FIELDS,
    _address_dict,
    _details_if_new,
    _line_plans,
    _order_wanted,
    _version_fields,
)
from shopdesk.orders.sync_data import OrderData


@dataclass(slots=True)
class NewOrders:
    created: dict[int, Order] = field(default_factory=dict)  # the caller's key → the new order
    refused: dict[int, DomainError] = field(default_factory=dict)
    deferred: list[int] = field(default_factory=list)  # for order_upsert, one by one


# Checks of the caller's own rows for an order before anything is written (its payments): an error
# refuses the order, True defers it to the one-by-one path.
Precheck = Callable[[int, Order], "DomainError | bool | None"]


def orders_create_many(
    *, orders: Sequence[tuple[int, str, OrderData]], actor: Actor, precheck: Precheck | None = None
) -> NewOrders:
    """Write the new orders among `orders` ((key, number, data), numbers already validated)."""
    result = NewOrders()
    numbers = [number for _key, number, _data in orders]
    taken = set(Order.objects.filter(number__in=numbers).values_list("number", flat=True))
    external_ids = [data.external_id for _k, _n, data in orders if data.external_id]
    taken_external = set(
        Order.objects.filter(external_id__in=external_ids).values_list("external_id", flat=True)
    )
    skus = {line.sku for _k, _n, data in orders for line in data.lines}
    variants = {
        v.sku: v
        for v in Variant.objects.filter(sku__in=skus)
        .select_related("product", "product__category")
        .order_by()
    }
    flags = {sku: variant.product.return_flags() for sku, variant in variants.items()}
    customers = _customers(orders)

    seen_numbers: set[str] = set()
    seen_external: set[str] = set()
    fresh: list[tuple[int, Order, list[dict[str, Any]], dict[str, Decimal], tuple[dict[str, str], ...]]] = []
    for key, number, data in orders:
        if (
            number in taken
            or number in seen_numbers
            or (
                data.external_id and (data.external_id in taken_external or data.external_id in seen_external)
            )
            or customers.get(key) is None
        ):
            result.deferred.append(key)
            continue
        missing = next((i for i, line in enumerate(data.lines) if line.sku not in variants), None)
        if missing is not None:
            sku = data.lines[missing].sku
            result.refused[key] = UnknownReference(
                f'Unknown SKU "{sku}" in lines.{missing}.sku; send its product first with PUT /products/{{external_id}}.',
                field=f"lines.{missing}.sku",
            )
            continue
        plans = _line_plans(data, variants, [])
        wanted = _order_wanted(data, plans) | _version_fields(None, data)
        order = Order(number=number, **wanted)
        checked = precheck(key, order) if precheck is not None else None
        if checked is True:
            result.deferred.append(key)
            continue
        if isinstance(checked, DomainError):
            result.refused[key] = checked
            continue
        seen_numbers.add(number)
        if data.external_id:
            seen_external.add(data.external_id)
        lines = [{"sku": plan.sku, "return_flags": flags[plan.sku], **plan.fields} for plan in plans]
        coupons = {coupon.code.upper(): coupon.amount for coupon in data.coupons}
        addresses = (
            _address_dict(data.shipping_address),
            _address_dict(data.billing_address or data.shipping_address),
        )
        fresh.append((key, order, lines, coupons, addresses))
    if not fresh:
        return result

    now = timezone.now()
    new_customers = _customers_create({key: customers[key] for key, *_rest in fresh}, now=now)
    # Two address rows per order even when equal: a later billing change must not move the parcel.
    address_ids = rows_insert_ids(Address, [address for *_r, addresses in fresh for address in addresses])
    for position, (key, order, _lines, _coupons, _addresses) in enumerate(fresh):
        order.shipping_address_id = address_ids[2 * position]
        order.billing_address_id = address_ids[2 * position + 1]
        order.customer_id = new_customers[key]
    instances_insert([order for _k, order, *_r in fresh], now=now)
    rows_insert(
        OrderLine,
        [line | {"order_id": order.pk} for _k, order, lines, *_r in fresh for line in lines],
        returning=(),
    )
    _coupons_create_many([(order, coupons) for _k, order, _l, coupons, _a in fresh])
    events.order_imported_many(orders=[order for _k, order, *_r in fresh], actor=actor, now=now)
    result.created = {key: order for key, order, *_r in fresh}
    return result


@dataclass(slots=True)
class _CustomerPlan:
    existing: Customer | None
    fields: dict[str, Any]  # for a new customer
    group: str  # orders of one new customer share its row


def _customers(orders: Sequence[tuple[int, str, OrderData]]) -> dict[int, _CustomerPlan | None]:
    """The customer of each order, as `_customer_apply` would find or create it; None: defer the order
    (a conflict, or a customer whose details would change)."""
    emails = {data.email for _k, _n, data in orders}
    external_ids = {
        data.customer.external_id for _k, _n, data in orders if data.customer and data.customer.external_id
    }
    by_email = {c.email: c for c in Customer.objects.filter(email__in=emails).order_by()}
    by_external = {c.external_id: c for c in Customer.objects.filter(external_id__in=external_ids).order_by()}
    plans: dict[int, _CustomerPlan | None] = {}
    new_by_group: dict[str, dict[str, Any]] = {}
    for key, _number, data in orders:
        external_id = data.customer.external_id if data.customer else None
        email_owner = by_email.get(data.email)
        external_owner = by_external.get(external_id) if external_id else None
        if email_owner and external_owner and email_owner.pk != external_owner.pk:
            plans[key] = None
            continue
        customer = external_owner or email_owner
        wanted: dict[str, Any] = {"email": data.email}
        if external_id:
            wanted["external_id"] = external_id
        if data.customer is not None:
            sent = {name: getattr(data.customer, name) for name in CUSTOMER_FIELDS}
            wanted |= {name: value for name, value in sent.items() if value is not None}
        if customer is not None:
            same = all(getattr(customer, name) == value for name, value in wanted.items())
            plans[key] = _CustomerPlan(customer, {}, "") if same else None
            continue
        fill = {name: getattr(_details_if_new(data), name) for name in CUSTOMER_FIELDS}
        fields = {name: value for name, value in fill.items() if value is not None} | wanted
        group = f"email:{data.email}"
        first = new_by_group.get(group)
        if first is None:
            new_by_group[group] = fields
            plans[key] = _CustomerPlan(None, fields, group)
        elif all(first.get(name) == value for name, value in wanted.items()) and (
            not external_id or first.get("external_id") == external_id
        ):
            plans[key] = _CustomerPlan(None, first, group)  # the same new customer on two orders
        else:
            plans[key] = None
    return plans


def _customers_create(plans: dict[int, _CustomerPlan | None], *, now: dt.datetime) -> dict[int, int]:
    """The customer id of each order, the new customers inserted (one row for the orders sharing one)."""
    rows: dict[str, dict[str, Any]] = {}
    for plan in plans.values():
        assert plan is not None
        if plan.existing is None and plan.group not in rows:
            rows[plan.group] = plan.fields
    ids = dict(zip(rows, rows_insert_ids(Customer, list(rows.values()), now=now), strict=True))
    customers: dict[int, int] = {}
    for key, plan in plans.items():
        assert plan is not None
        customers[key] = plan.existing.pk if plan.existing is not None else ids[plan.group]
    return customers


def _coupons_create_many(orders: list[tuple[Order, dict[str, Decimal]]]) -> None:
    codes = {code for _order, coupons in orders for code in coupons}
    if not codes:
        return
    coupon_model = OrderCoupon._meta.get_field("coupon").related_model
    known = dict(coupon_model._default_manager.filter(code__in=list(codes)).values_list("code", "pk"))
    rows_insert(
        OrderCoupon,
        [
            {"order_id": order.pk, "code": code, "coupon_id": known.get(code), "amount": amount}
            for order, coupons in orders
            for code, amount in coupons.items()
        ],
        returning=(),
    )
