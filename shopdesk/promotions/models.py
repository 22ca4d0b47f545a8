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

    class Meta:
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(condition=Q(value__gte=0), name="coupon_value_not_negative"),
            models.CheckConstraint(
                condition=Q(usage_limit__isnull=True) | Q(times_used__lte=F("usage_limit")),
                name="coupon_used_within_limit",
            ),
        ]

    def __str__(self) -> str:
        return self.code
