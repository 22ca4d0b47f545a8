"""Points: an append-only ledger, and beside it one balance row per customer kept in step with it.

The ledger is the history; the balance row is what a spend checks and locks. Every entry is written in the
same transaction as the change it makes to the balance row, and the row's CHECK constraints keep both
buckets (available, pending) at zero or above, whatever races.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q


class PointsEntryKind(models.TextChoices):
    EARNED = "earned", "Earned on an order"  # pending until the policy's days after delivery
    SPENT = "spent", "Spent on an order"
    RETURNED = "returned", "Given back (cancellation or return)"
    REVOKED = "revoked", "Taken back (order cancelled or returned)"
    EXPIRED = "expired", "Expired"
    ADJUSTED = "adjusted", "Adjusted by an agent"
    # Orders imported from before the ledger existed spent points the ledger never saw earned: the
    # opening entry covers exactly that shortfall, so history never dips below zero.
    OPENING = "opening", "Opening balance (earlier history)"


class PointsEntry(models.Model):
    customer = models.ForeignKey("orders.Customer", on_delete=models.CASCADE, related_name="points_entries")
    order = models.ForeignKey(
        "orders.Order", null=True, blank=True, on_delete=models.SET_NULL, related_name="points_entries"
    )
    kind = models.CharField(max_length=20, choices=PointsEntryKind.choices)
    points = models.IntegerField(help_text="Positive adds, negative removes.")
    available_at = models.DateTimeField(help_text="When these points can be spent.")
    expires_at = models.DateTimeField(
        null=True, blank=True, help_text="When what is left of these points expires (added points only)."
    )
    settled_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the entry was counted in the available balance; empty while it is pending.",
    )
    note = models.CharField(max_length=200, blank=True)
    idempotency_key = models.CharField(max_length=120, null=True, blank=True, unique=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["customer_id", "created_at", "id"]
        verbose_name_plural = "points entries"
        indexes = [
            models.Index(fields=["customer", "available_at"]),
            models.Index(
                fields=["available_at"], condition=Q(settled_at__isnull=True), name="points_pending_due"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.points:+d} {self.kind}"

    @property
    def is_pending(self) -> bool:
        return self.settled_at is None


class PointsBalance(models.Model):
    """Σ settled entries (available) and Σ pending entries (pending) of one customer."""

    customer = models.OneToOneField(
        "orders.Customer", on_delete=models.CASCADE, primary_key=True, related_name="points_balance"
    )
    available = models.IntegerField(default=0)
    pending = models.IntegerField(default=0)
    updated_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(available__gte=0), name="points_available_not_negative"),
            models.CheckConstraint(condition=Q(pending__gte=0), name="points_pending_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.available} available, {self.pending} pending"
