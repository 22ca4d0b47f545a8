"""Order states for the self-service tests (no tests here): builders named after the state they build."""

from __future__ import annotations

from decimal import Decimal

from shopdesk.catalog.models import Product, Variant
from shopdesk.loyalty.models import PointsEntry, PointsEntryKind
from shopdesk.orders.models import Order, OrderLine
from shopdesk.payments.enums import PaymentState, VerificationStatus
from tests import factories


def product_in_sizes(
    *, sizes: tuple[str, ...] = ("S", "M", "L"), price: str = "49.00", stock: int = 10, colour: str = "Navy"
) -> dict[str, Variant]:
    product: Product = factories.ProductFactory(name="Linen shirt")
    return {
        size: factories.VariantFactory(
            product=product, size=size, colour=colour, price=Decimal(price), stock=stock
        )
        for size in sizes
    }


def paid_order_of_shirt_and_scarf(**order_fields: object) -> Order:
    """Paid by Visa 4242: a shirt (M, $49, 2 units, $10 coupon share) and a scarf ($30); shipping $5.95."""
    shirts = product_in_sizes()
    scarf = factories.VariantFactory(
        product=factories.ProductFactory(name="Wool scarf"),
        size="",
        colour="Red",
        price=Decimal("30.00"),
        stock=5,
    )
    fields: dict[str, object] = {
        "subtotal": Decimal("128.00"),
        "discount_total": Decimal("10.00"),
        "shipping_total": Decimal("5.95"),
        "total": Decimal("123.95"),
    }
    fields.update(order_fields)
    order = factories.OrderFactory(**fields)
    factories.OrderLineFactory(
        order=order,
        variant=shirts["M"],
        product_name="Linen shirt",
        quantity=2,
        unit_price=Decimal("49.00"),
        discount_amount=Decimal("10.00"),
    )
    factories.OrderLineFactory(
        order=order, variant=scarf, product_name="Wool scarf", quantity=1, unit_price=Decimal("30.00")
    )
    factories.PaymentFactory(order=order, amount=order.total)
    return order


def shirt_line(order: Order) -> OrderLine:
    return order.lines.get(product_name="Linen shirt")


def scarf_line(order: Order) -> OrderLine:
    return order.lines.get(product_name="Wool scarf")


def ship(order: Order, *lines: OrderLine, quantity: int | None = None) -> None:
    shipment = factories.ShipmentFactory(order=order)
    for line in lines:
        factories.ShipmentLineFactory(shipment=shipment, order_line=line, quantity=quantity or line.quantity)


def authorised_only(order: Order) -> None:
    order.payments.update(state=PaymentState.AUTHORISED, amount_captured=Decimal("0"))


def declined(order: Order) -> None:
    order.payments.update(
        state=PaymentState.DECLINED,
        amount_captured=Decimal("0"),
        amount_authorised=Decimal("0"),
        decline_code="insufficient_funds",
    )


def awaiting_verification(order: Order) -> None:
    order.payments.update(
        state=PaymentState.AUTHORISED,
        amount_captured=Decimal("0"),
        verification_status=VerificationStatus.REQUIRED,
    )


def paid_partly_with_points(order: Order, *, points: int = 2000) -> None:
    """$20.00 of the total paid with 2,000 points; 123 points earned (usable later)."""
    value = Decimal(points) / 100
    Order.objects.filter(pk=order.pk).update(points_used=points, points_value=value)
    order.payments.update(
        amount=order.total - value, amount_authorised=order.total - value, amount_captured=order.total - value
    )
    PointsEntry.objects.create(
        customer=order.customer,
        order=order,
        kind=PointsEntryKind.SPENT,
        points=-points,
        available_at=order.placed_at,
        created_at=order.placed_at,
    )
    PointsEntry.objects.create(
        customer=order.customer,
        order=order,
        kind=PointsEntryKind.EARNED,
        points=123,
        available_at=order.placed_at.replace(year=order.placed_at.year + 1),
        created_at=order.placed_at,
    )
    order.refresh_from_db()
