"""Customers, orders, their lines and addresses, and the audit trail of every change."""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.db.models import F, Q

from shopdesk.core.actors import ActorKind
from shopdesk.core.fields import MoneyField
from shopdesk.orders.enums import OrderEventKind


class Customer(models.Model):
    email = models.EmailField(max_length=254, unique=True, help_text="Stored lower-case.")
    name = models.CharField(max_length=200, blank=True)
    locale = models.CharField(max_length=16, default="en_US")
    country = models.CharField(max_length=2, blank=True)
    phone = models.CharField(max_length=32, blank=True)
    external_id = models.CharField(max_length=100, null=True, blank=True, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["email"]

    def __str__(self) -> str:
        return self.email


class Address(models.Model):
    """A postal address as it was given; orders point at their own copies, so editing one never moves another."""

    name = models.CharField(max_length=200)
    company = models.CharField(max_length=200, blank=True)
    line1 = models.CharField(max_length=200)
    line2 = models.CharField(max_length=200, blank=True)
    city = models.CharField(max_length=100)
    region = models.CharField(max_length=100, blank=True)
    postcode = models.CharField(max_length=20, blank=True)
    country = models.CharField(max_length=2)
    phone = models.CharField(max_length=32, blank=True)

    class Meta:
        verbose_name_plural = "addresses"

    def __str__(self) -> str:
        return ", ".join(part for part in (self.line1, self.city, self.postcode, self.country) if part)

    def as_dict(self) -> dict[str, str]:
        return {
            field: getattr(self, field)
            for field in (
                "name",
                "company",
                "line1",
                "line2",
                "city",
                "region",
                "postcode",
                "country",
                "phone",
            )
        }


class Order(models.Model):
    number = models.CharField(max_length=32, unique=True)
    external_id = models.CharField(max_length=100, null=True, blank=True, unique=True)
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="orders")
    email = models.EmailField(max_length=254, help_text="Where this order's emails go (lower-case).")
    currency = models.CharField(max_length=3, default="USD")
    locale = models.CharField(max_length=16, default="en_US")
    placed_at = models.DateTimeField(db_index=True)
    shipping_method = models.CharField(max_length=40, default="standard")
    shipping_address = models.ForeignKey(Address, on_delete=models.PROTECT, related_name="+")
    billing_address = models.ForeignKey(Address, on_delete=models.PROTECT, related_name="+")
    subtotal = MoneyField(help_text="Sum of lines before discounts.")
    discount_total = MoneyField()
    shipping_total = MoneyField()
    tax_total = MoneyField()
    duties_total = MoneyField(help_text="Duties charged at checkout (duties paid by the store's zones).")
    total = MoneyField(help_text="What the customer was charged, points included.")
    points_used = models.PositiveIntegerField(default=0)
    points_value = MoneyField(help_text="Part of the total paid with points.")
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.CharField(max_length=200, blank=True)
    notes = models.TextField(blank=True)
    # Where the store lets the customer pay again after a declined payment (shown to the order's customer only).
    payment_url = models.URLField(max_length=500, blank=True)
    # The store platform's version of the order, as last written: an older update never overwrites it.
    source_updated_at = models.DateTimeField(null=True, blank=True)
    source_revision = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-placed_at"]
        indexes = [models.Index(fields=["email", "-placed_at"])]
        constraints = [
            models.CheckConstraint(condition=Q(total__gte=0), name="order_total_not_negative"),
            models.CheckConstraint(
                condition=Q(points_value__lte=F("total")), name="order_points_within_total"
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None

    @property
    def amount_paid_by_money(self) -> Decimal:
        return self.total - self.points_value


class OrderLine(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    variant = models.ForeignKey(
        "catalog.Variant", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    product_name = models.CharField(max_length=200)
    sku = models.CharField(max_length=64)
    # The store's id of the line (empty when it sends none): the same SKU may be on two lines.
    external_id = models.CharField(max_length=100, blank=True, default="")
    size = models.CharField(max_length=20, blank=True)
    colour = models.CharField(max_length=40, blank=True)
    quantity = models.PositiveIntegerField()
    quantity_cancelled = models.PositiveIntegerField(default=0)
    quantity_returned = models.PositiveIntegerField(default=0)
    # Units an agent refunded while the customer keeps them (lost parcel, goodwill on a damaged item):
    # gone for every later refund (cancel, return, price adjustment), like returned units.
    quantity_refunded = models.PositiveIntegerField(default=0)
    unit_price = MoneyField(help_text="Price paid per unit before coupons (the sale price if on sale).")
    # The unit price the order was placed at, kept when a change to a cheaper variant moved `unit_price`
    # (empty until then): the order's own figures add up at these prices. Ours, never written by the store.
    unit_price_ordered = MoneyField(
        null=True, blank=True, default=None, help_text="Unit price before a change of variant."
    )
    price_kind = models.CharField(max_length=20, default="regular")
    discount_amount = MoneyField(help_text="This line's share of the order's coupons.")
    tax_amount = MoneyField()
    # The part of the coupon share above the price of the units kept when they moved to a cheaper
    # variant: those units never cost less than nothing, so the units leaving later take their share of
    # it back off their coupon share (`payments.breakdown.LinePart`). Ours, never written by the store.
    coupon_capped = MoneyField(help_text="Coupon share above the kept units' new price, not taken off.")
    coupon_capped_units = models.PositiveIntegerField(default=0)
    # Flags as they were at purchase: what the customer bought under.
    return_flags = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["order_id", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=1), name="line_quantity_positive"),
            models.CheckConstraint(
                condition=Q(quantity_cancelled__lte=F("quantity")), name="line_cancelled_within_quantity"
            ),
            models.CheckConstraint(
                condition=Q(quantity_returned__lte=F("quantity") - F("quantity_cancelled")),
                name="line_returned_within_kept",
            ),
            models.CheckConstraint(
                condition=Q(
                    quantity_refunded__lte=F("quantity") - F("quantity_cancelled") - F("quantity_returned")
                ),
                name="line_refunded_within_kept",
            ),
            models.CheckConstraint(condition=Q(unit_price__gte=0), name="line_price_not_negative"),
            models.UniqueConstraint(
                fields=["order", "external_id"],
                condition=~Q(external_id=""),
                name="line_external_id_once_per_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.product_name}"

    @property
    def quantity_active(self) -> int:
        return self.quantity - self.quantity_cancelled

    @property
    def total(self) -> Decimal:
        return self.unit_price * self.quantity - self.discount_amount + self.tax_amount


class OrderCoupon(models.Model):
    """A code that was applied to the order, with the discount it gave."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="coupons")
    code = models.CharField(max_length=40)
    coupon = models.ForeignKey("promotions.Coupon", null=True, blank=True, on_delete=models.SET_NULL)
    amount = MoneyField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["order", "code"], name="order_coupon_once")]

    def __str__(self) -> str:
        return self.code


class OrderEvent(models.Model):
    """Append-only audit trail: who changed what on an order, with the values before and after."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=40, choices=OrderEventKind.choices)
    actor_kind = models.CharField(max_length=20, choices=ActorKind.choices)
    actor_label = models.CharField(max_length=254, blank=True)
    message = models.CharField(max_length=500, blank=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["order_id", "created_at", "id"]
        indexes = [models.Index(fields=["order", "created_at"])]

    def __str__(self) -> str:
        return f"{self.order_id} {self.kind}"


class OrderActionRecord(models.Model):
    """The answer of a self-service action that moved money, kept so a retry gets the same answer.

    `key` is either the client's Idempotency-Key (scoped to the order and action) or a key derived from
    the request (order + action + what it asked for), so a repeated cancel never refunds twice.
    """

    key = models.CharField(max_length=200, unique=True)
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="action_records")
    action = models.CharField(max_length=40)
    request_hash = models.CharField(
        max_length=64, help_text="SHA-256 of the request body: a reused key must match."
    )
    result = models.JSONField()
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["order_id", "created_at", "id"]

    def __str__(self) -> str:
        return f"{self.action} on {self.order_id}"


class EmailChangeRequest(models.Model):
    """A request to send an order's emails to a new address, waiting for that address to confirm.

    Only the SHA-256 of the token is stored: a leaked database cannot confirm anything.
    """

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="email_change_requests")
    old_email = models.EmailField(max_length=254)
    new_email = models.EmailField(max_length=254)
    token_hash = models.CharField(max_length=64, unique=True)
    requested_by = models.CharField(max_length=254, blank=True)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    confirmed_at = models.DateTimeField(null=True, blank=True)
    superseded_at = models.DateTimeField(
        null=True, blank=True, help_text="A newer request replaced this one."
    )

    class Meta:
        ordering = ["order_id", "created_at", "id"]

    def __str__(self) -> str:
        return f"{self.order_id}: {self.old_email} -> {self.new_email}"
