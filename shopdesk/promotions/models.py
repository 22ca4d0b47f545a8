"""Coupons (promo codes) with the rules that decide whether they apply and what they combine with."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q

from shopdesk.core.fields import MoneyField


class CouponKind(models.TextChoices):
    PERCENT = "percent", "Percent off"
    FIXED = "fixed", "Amount off"
    FREE_SHIPPING = "free_shipping", "Free shipping"


class Coupon(models.Model):
    code = models.CharField(
        max_length=40, unique=True, help_text="Stored upper-case; matched case-insensitively."
    )
    description = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=CouponKind.choices)
    value = models.DecimalField(max_digits=10, decimal_places=2, default=0)
    min_subtotal = MoneyField()
    min_quantity = models.PositiveIntegerField(
        default=0, help_text="Items the code can apply to that the cart must hold; 0: no minimum."
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField(null=True, blank=True)
    exclusive = models.BooleanField(default=False, help_text="Cannot be combined with any other code.")
    first_order_only = models.BooleanField(default=False)
    countries = models.JSONField(default=list, blank=True, help_text="Empty: every country.")
    excluded_categories = models.ManyToManyField("catalog.Category", blank=True, related_name="+")
    usage_limit = models.PositiveIntegerField(null=True, blank=True)
    per_customer_limit = models.PositiveIntegerField(null=True, blank=True)
    times_used = models.PositiveIntegerField(default=0)
    active = models.BooleanField(default=True)
    public = models.BooleanField(
        default=True,
        help_text=(
            "Public codes are advertised: a mistyped one may be suggested. Private codes (single-use, "
            "sent to one customer) are never suggested, and their refusals read as not found to a "
            "shopper who is not signed in."
        ),
    )

    class Meta:
        ordering = ["code"]
        # The newest public code (and the public codes) without reading private ones: the check's
        # typo index (promotions/public_codes.py) asks it on every code not found.
        indexes = [models.Index(fields=["public", "id"], name="coupon_public_newest")]
        constraints = [
            models.CheckConstraint(condition=Q(value__gte=0), name="coupon_value_not_negative"),
            models.CheckConstraint(
                condition=Q(usage_limit__isnull=True) | Q(times_used__lte=F("usage_limit")),
                name="coupon_used_within_limit",
            ),
        ]

    def __str__(self) -> str:
        return self.code


class CouponRedemption(models.Model):
    """One use of a code: append-only, written by `coupon_redeem` beside the compare-and-set on the count."""

    coupon = models.ForeignKey(Coupon, on_delete=models.PROTECT, related_name="redemptions")
    email = models.EmailField(max_length=254, db_index=True, help_text="Stored lower-case.")
    order = models.ForeignKey(
        "orders.Order", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    idempotency_key = models.CharField(max_length=100, unique=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["coupon", "email"])]

    def __str__(self) -> str:
        return f"{self.coupon_id} by {self.email}"


class PriceAdjustment(models.Model):
    """The price difference paid back on one order line because the same item became cheaper.

    One per line at most (the unique `order_line`): the database backs the policy's "once per line" even
    if two requests slipped past the order lock. The money goes back through the refund breakdown; this
    row records what was compared and what came back."""

    order = models.ForeignKey("orders.Order", on_delete=models.CASCADE, related_name="price_adjustments")
    order_line = models.OneToOneField(
        "orders.OrderLine", on_delete=models.CASCADE, related_name="price_adjustment"
    )
    unit_price_paid = MoneyField()
    unit_price_now = MoneyField()
    price_kind_now = models.CharField(max_length=20)
    quantity = models.PositiveIntegerField()
    amount = MoneyField(help_text="The difference × the units kept: what the adjustment is worth.")
    refunded = MoneyField(help_text="Money sent back to the payment methods (the points share as points).")
    points = models.PositiveIntegerField(default=0, help_text="Points given back with it.")
    paid_as = models.CharField(max_length=20)
    actor_label = models.CharField(max_length=254, blank=True)
    created_at = models.DateTimeField()
    settled_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the line moved to another variant and its price difference took this off: later "
        "refunds of the line take nothing more off.",
    )

    class Meta:
        ordering = ["order_id", "created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(unit_price_now__lt=F("unit_price_paid")), name="price_adjustment_price_dropped"
            ),
            models.CheckConstraint(condition=Q(quantity__gte=1), name="price_adjustment_units_positive"),
            models.CheckConstraint(
                condition=Q(refunded__gte=0) & Q(refunded__lte=F("amount")),
                name="price_adjustment_refund_within_amount",
            ),
        ]

    def __str__(self) -> str:
        return f"price adjustment {self.amount} on line {self.order_line_id}"
