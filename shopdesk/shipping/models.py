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
    status = models.CharField(max_length=30, choices=TrackingStatus.choices, default=TrackingStatus.LABEL_CREATED)
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
    order_line = models.ForeignKey("orders.OrderLine", on_delete=models.CASCADE, related_name="shipment_lines")
    quantity = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["shipment", "order_line"], name="shipment_line_once"),
            models.CheckConstraint(condition=Q(quantity__gte=1), name="shipment_line_quantity_positive"),
        ]


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
