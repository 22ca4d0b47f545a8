"""Factories for the domain models. Fixtures in conftest.py are named after the state they build."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory
from django.utils import timezone

from shopdesk.catalog.models import Category, PriceChange, Product, Variant
from shopdesk.orders.models import Address, Customer, Order, OrderLine
from shopdesk.payments.enums import PaymentState
from shopdesk.payments.models import Payment
from shopdesk.shipping.enums import TrackingStatus
from shopdesk.shipping.models import Shipment, ShipmentLine, TrackingEvent


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"category-{n}")
    name = factory.Sequence(lambda n: f"Category {n}")


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    external_id = factory.Sequence(lambda n: f"prod-{n}")
    slug = factory.Sequence(lambda n: f"product-{n}")
    name = factory.Sequence(lambda n: f"Linen shirt {n}")
    category = factory.SubFactory(CategoryFactory)
    published_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=90))


class VariantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Variant

    product = factory.SubFactory(ProductFactory)
    sku = factory.Sequence(lambda n: f"SKU-{n:06d}")
    size = "M"
    colour = "Navy"
    price = Decimal("49.00")
    stock = 25


class PriceChangeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PriceChange

    variant = factory.SubFactory(VariantFactory)
    price = Decimal("49.00")
    starts_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=60))


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Customer

    email = factory.Sequence(lambda n: f"shopper{n}@example.com")
    name = factory.Sequence(lambda n: f"Shopper {n}")
    country = "US"


class AddressFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Address

    name = "Ada Shopper"
    line1 = "12 Orchard Street"
    city = "New York"
    region = "NY"
    postcode = "10002"
    country = "US"
    phone = "+12125550123"


class OrderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Order

    number = factory.Sequence(lambda n: f"KW{10000000 + n:08d}")
    customer = factory.SubFactory(CustomerFactory)
    email = factory.LazyAttribute(lambda o: o.customer.email)
    currency = "USD"
    placed_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(hours=2))
    shipping_address = factory.SubFactory(AddressFactory)
    billing_address = factory.SubFactory(AddressFactory)
    subtotal = Decimal("98.00")
    shipping_total = Decimal("0.00")
    total = Decimal("98.00")


class OrderLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrderLine

    order = factory.SubFactory(OrderFactory)
    variant = factory.SubFactory(VariantFactory)
    product_name = factory.LazyAttribute(lambda o: o.variant.product.name if o.variant else "Item")
    sku = factory.LazyAttribute(lambda o: o.variant.sku if o.variant else "SKU")
    size = factory.LazyAttribute(lambda o: o.variant.size if o.variant else "")
    colour = factory.LazyAttribute(lambda o: o.variant.colour if o.variant else "")
    quantity = 1
    unit_price = Decimal("49.00")


class PaymentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Payment

    order = factory.SubFactory(OrderFactory)
    method = "card"
    provider = "stripe"
    currency = "USD"
    amount = factory.LazyAttribute(lambda p: p.order.total)
    amount_authorised = factory.LazyAttribute(lambda p: p.amount)
    amount_captured = factory.LazyAttribute(lambda p: p.amount)
    state = PaymentState.CAPTURED
    card_brand = "visa"
    card_last4 = "4242"
    created_at = factory.LazyAttribute(lambda p: p.order.placed_at)


class ShipmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Shipment

    order = factory.SubFactory(OrderFactory)
    carrier = "ups"
    service = "standard"
    tracking_number = factory.Sequence(lambda n: f"1Z999AA1{n:010d}")
    origin_warehouse = "us-nj"
    status = TrackingStatus.IN_TRANSIT
    shipped_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=1))


class ShipmentLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ShipmentLine

    shipment = factory.SubFactory(ShipmentFactory)
    order_line = factory.SubFactory(OrderLineFactory)
    quantity = 1


class TrackingEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrackingEvent

    shipment = factory.SubFactory(ShipmentFactory)
    occurred_at = factory.LazyFunction(timezone.now)
    status = TrackingStatus.IN_TRANSIT
    location = "Edison, NJ"
    description = "Departed facility"


def pay_rest_with_store_credit(order: Order, on_card: Decimal) -> Order:
    """`on_card` stays on the order's card payment; the rest of its total is paid with store credit."""
    order.payments.update(amount=on_card, amount_authorised=on_card, amount_captured=on_card)
    PaymentFactory(
        order=order,
        method="store_credit",
        provider="shopdesk",
        card_brand="",
        card_last4="",
        amount=order.total - on_card,
    )
    return order
