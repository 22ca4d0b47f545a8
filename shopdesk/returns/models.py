"""Return requests (an RMA), their lines with the inspection outcome, and the audit trail of each return."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from shopdesk.core.actors import ActorKind
from shopdesk.core.fields import MoneyField
from shopdesk.returns.enums import (
    InspectionOutcome,
    ReturnEventKind,
    ReturnMethod,
    ReturnResolution,
    ReturnStatus,
)
from shopdesk.shipping.enums import TrackingStatus


class ReturnRequest(models.Model):
    rma = models.CharField(max_length=16, unique=True, help_text="Shown to the customer, e.g. RMA-7K2M9Q4T.")
    order = models.ForeignKey("orders.Order", on_delete=models.CASCADE, related_name="returns")
    status = models.CharField(max_length=20, choices=ReturnStatus.choices, default=ReturnStatus.REQUESTED)
    method = models.CharField(max_length=20, choices=ReturnMethod.choices)
    origin_warehouse = models.CharField(
        max_length=20, help_text="Where the items go back: the warehouse they shipped from."
    )
    requested_by = models.CharField(max_length=254, blank=True)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField(auto_now=True)
    received_at = models.DateTimeField(null=True, blank=True)
    inspected_at = models.DateTimeField(null=True, blank=True)
    # The answer of the creation, kept so a replay (same Idempotency-Key) gets the same body.
    created_result = models.JSONField(default=dict, blank=True)
    inspection_result = models.JSONField(null=True, blank=True)
    # The parcel's tracking: the customer's own carrier, or the number of the prepaid label.
    tracking_carrier = models.CharField(max_length=20, blank=True)
    tracking_number = models.CharField(max_length=40, blank=True)
    tracking_added_at = models.DateTimeField(null=True, blank=True)
    # Exchanges: what the customer owes for pricier items (paid on the store platform), and the order
    # that ships the new items, created here or reported by the platform.
    exchange_due = MoneyField(help_text="Price difference the customer pays for the exchange (positive).")
    # Indexed: every shipped package asks whether its order is the exchange order of a return.
    exchange_order_number = models.CharField(max_length=32, blank=True, db_index=True)
    exchange_recorded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["order_id", "created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(exchange_due__gte=0), name="return_exchange_due_not_negative")
        ]

    def __str__(self) -> str:
        return self.rma


class ReturnLine(models.Model):
    return_request = models.ForeignKey(ReturnRequest, on_delete=models.CASCADE, related_name="lines")
    order_line = models.ForeignKey("orders.OrderLine", on_delete=models.PROTECT, related_name="return_lines")
    quantity = models.PositiveIntegerField()
    reason = models.CharField(max_length=40, help_text="A reason code of the store policy.")
    resolution = models.CharField(max_length=20, choices=ReturnResolution.choices)
    exchange_sku = models.CharField(max_length=64, blank=True)
    exchange_label = models.CharField(max_length=200, blank=True, help_text="e.g. Linen shirt (Navy / L)")
    exchange_price = MoneyField(help_text="The new item's unit price when the exchange was asked for.")
    exchange_reserved = models.PositiveIntegerField(
        default=0,
        help_text="Units of the exchange item held off the shelf for this line, until the exchange order "
        "takes them or the return lets them go.",
    )
    outcome = models.CharField(max_length=20, choices=InspectionOutcome.choices, blank=True)
    deduction = MoneyField(help_text="Taken off this line's refund at inspection (positive).")
    outcome_reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["return_request_id", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=1), name="return_line_quantity_positive"),
            models.CheckConstraint(condition=Q(deduction__gte=0), name="return_line_deduction_not_negative"),
            models.CheckConstraint(
                condition=Q(resolution="exchange") | Q(exchange_sku=""), name="return_line_sku_only_exchange"
            ),
            models.UniqueConstraint(
                fields=["return_request", "order_line"], name="return_line_once_per_return"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} of line {self.order_line_id}"


class ReturnEvent(models.Model):
    """Append-only: who changed what on a return, with the status before and after."""

    return_request = models.ForeignKey(ReturnRequest, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=ReturnEventKind.choices)
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, blank=True)
    actor_kind = models.CharField(max_length=20, choices=ActorKind.choices)
    actor_label = models.CharField(max_length=254, blank=True)
    message = models.CharField(max_length=500, blank=True)
    data = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["return_request_id", "created_at", "id"]

    def __str__(self) -> str:
        return f"{self.return_request_id} {self.kind}"


def return_photo_path(instance: ReturnPhoto, filename: str) -> str:
    # A random folder and name per photo: the stored path reveals nothing and cannot be guessed.
    return f"returns/photos/{instance.storage_key}/{filename}"


class ReturnPhoto(models.Model):
    """A photo of a damaged, faulty or wrong item: stored through Django's storage, served only after an
    access check (the order's customer or an agent), never from a public URL."""

    return_request = models.ForeignKey(ReturnRequest, on_delete=models.CASCADE, related_name="photos")
    storage_key = models.CharField(max_length=64, unique=True, help_text="Random; names the photo in URLs.")
    file = models.FileField(upload_to=return_photo_path, max_length=300)
    content_type = models.CharField(max_length=30, help_text="Detected from the content, not the sender.")
    size = models.PositiveIntegerField()
    uploaded_by = models.CharField(max_length=254, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["return_request_id", "id"]

    def __str__(self) -> str:
        return f"{self.return_request_id} photo {self.storage_key[:6]}"


class ReturnTrackingScan(models.Model):
    """A carrier scan of the parcel on its way back (the same scan twice is one row)."""

    return_request = models.ForeignKey(ReturnRequest, on_delete=models.CASCADE, related_name="scans")
    occurred_at = models.DateTimeField()
    status = models.CharField(max_length=30, choices=TrackingStatus.choices)
    location = models.CharField(max_length=200, blank=True)
    description = models.CharField(max_length=500, blank=True)
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["return_request_id", "occurred_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["return_request", "occurred_at", "status"], name="return_scan_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.return_request_id} {self.status}"
