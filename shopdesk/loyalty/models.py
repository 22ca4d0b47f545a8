"""Points: an append-only ledger. A balance is a sum of entries, never a stored counter."""

from __future__ import annotations

from django.db import models


class PointsEntryKind(models.TextChoices):
    EARNED = "earned", "Earned on an order"  # usable from available_at (after the return window)
    SPENT = "spent", "Spent on an order"
    RETURNED = "returned", "Given back (cancellation or return)"
    REVOKED = "revoked", "Taken back (order cancelled or returned)"
    EXPIRED = "expired", "Expired"
    ADJUSTED = "adjusted", "Adjusted by an agent"


class PointsEntry(models.Model):
    customer = models.ForeignKey("orders.Customer", on_delete=models.CASCADE, related_name="points_entries")
    order = models.ForeignKey(
        "orders.Order", null=True, blank=True, on_delete=models.SET_NULL, related_name="points_entries"
    )
    kind = models.CharField(max_length=20, choices=PointsEntryKind.choices)
    points = models.IntegerField(help_text="Positive adds, negative removes.")
    available_at = models.DateTimeField(help_text="When these points can be spent.")
    note = models.CharField(max_length=200, blank=True)
    idempotency_key = models.CharField(max_length=120, null=True, blank=True, unique=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["customer_id", "created_at", "id"]
        verbose_name_plural = "points entries"
        indexes = [models.Index(fields=["customer", "available_at"])]

    def __str__(self) -> str:
        return f"{self.points:+d} {self.kind}"
