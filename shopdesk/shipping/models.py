"""Shipments (packages): their lines, carrier, tracking number, origin warehouse and tracking events."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from shopdesk.shipping.enums import TrackingStatus


class Shipment(models.Model):
    order = models.ForeignKey("orders.Order", on_delete=models.CASCADE, related_name="shipments")
    external_id = models.CharField(max_length=100, null=True, blank=True, unique=True)
    carrier = models.CharField(max_length=20, help_text="A carrier code of the store policy.")
    service = models.CharField(max_length=40, blank=True)
    tracking_number = models.CharField(max_length=40, blank=True, db_index=True)
    origin_warehouse = models.CharField(max_length=20, help_text="A warehouse code of the store policy.")
    # Latest event's status, kept in step by the service that records events (a read shortcut).
    status = models.CharField(
        max_length=30, choices=TrackingStatus.choices, default=TrackingStatus.LABEL_CREATED
    )
    shipped_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    last_event_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["order_id", "id"]

    def __str__(self) -> str:
        return f"{self.carrier.upper()} {self.tracking_number}".strip()


class ShipmentLine(models.Model):
    shipment = models.ForeignKey(Shipment, on_delete=models.CASCADE, related_name="lines")
    order_line = models.ForeignKey(
        "orders.OrderLine", on_delete=models.CASCADE, related_name="shipment_lines"
    )
    quantity = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["shipment", "order_line"], name="shipment_line_once"),
            models.CheckConstraint(condition=Q(quantity__gte=1), name="shipment_line_quantity_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} of line {self.order_line_id}"


class TrackingEvent(models.Model):
    shipment = models.ForeignKey(Shipment, on_delete=models.CASCADE, related_name="events")
    occurred_at = models.DateTimeField()
    status = models.CharField(max_length=30, choices=TrackingStatus.choices)
    location = models.CharField(max_length=200, blank=True)
    description = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["shipment_id", "occurred_at", "id"]
        constraints = [
            # The same scan sent twice by the store platform is one event.
            models.UniqueConstraint(fields=["shipment", "occurred_at", "status"], name="tracking_event_once"),
        ]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.status}"


# --- cases: carrier inquiries and investigations ----------------------------------------------------
class CaseKind(models.TextChoices):
    CARRIER_INQUIRY = "carrier_inquiry", "Carrier inquiry"  # tracking stopped moving: we ask the carrier
    INVESTIGATION = "investigation", "Investigation"  # lost, late, or delivered but not received
    REFUND_DISPUTE = "refund_dispute", "Question about a refund"  # the customer questions refund lines
    REFUND_FAILED = "refund_failed", "Refund that failed"  # the provider kept refusing it: an agent acts


class CaseStatus(models.TextChoices):
    OPEN = "open", "Open"  # we are waiting for the carrier or checking
    RESOLVED = "resolved", "Resolved"  # found, reshipped or refunded
    CLOSED = "closed", "Closed"  # closed without action (the parcel turned up)


class Case(models.Model):
    """A question we follow up for the customer, with a reference they can quote: to a carrier about one
    package, or about one refund (disputed lines, or a refund the provider refused)."""

    reference = models.CharField(
        max_length=12, unique=True, help_text="Shown to the customer, e.g. CS-7K2M9Q."
    )
    kind = models.CharField(max_length=20, choices=CaseKind.choices)
    order = models.ForeignKey("orders.Order", on_delete=models.CASCADE, related_name="cases")
    shipment = models.ForeignKey(
        Shipment, null=True, blank=True, on_delete=models.CASCADE, related_name="cases"
    )
    refund = models.ForeignKey(
        "payments.Refund", null=True, blank=True, on_delete=models.CASCADE, related_name="cases"
    )
    # What the case is about, for the agent: the refund's lines and the ones the customer questions.
    details = models.JSONField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=CaseStatus.choices, default=CaseStatus.OPEN)
    reason = models.CharField(max_length=60, help_text="The diagnosis code that warranted the case.")
    opened_at = models.DateTimeField()
    opened_by_kind = models.CharField(max_length=20, blank=True)
    opened_by_label = models.CharField(max_length=254, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["order_id", "opened_at", "id"]
        constraints = [
            # Idempotency: pressing the button twice (or two tabs racing) finds the open case.
            models.UniqueConstraint(
                fields=["shipment", "kind"],
                condition=Q(status="open"),
                name="case_one_open_per_kind_shipment",
            ),
            models.UniqueConstraint(
                fields=["refund", "kind"],
                condition=Q(status="open", refund__isnull=False),
                name="case_one_open_per_kind_refund",
            ),
            models.CheckConstraint(
                condition=Q(shipment__isnull=False) | Q(refund__isnull=False), name="case_about_something"
            ),
        ]

    def __str__(self) -> str:
        return self.reference
