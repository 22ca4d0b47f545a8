"""Webhook endpoints with their signing secrets, the events shopdesk sends, each delivery and its attempts,
and the provider events received (kept by id, so a repeated one changes nothing)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from shopdesk.webhooks.enums import DeliveryStatus, InboundOutcome


class WebhookEndpoint(models.Model):
    url = models.CharField(max_length=500)  # checked by ssrf.url_check, not a form field
    # Event type names, or ["*"] for every type.
    events = models.JSONField(default=list)
    description = models.CharField(max_length=200, blank=True)
    enabled = models.BooleanField(default=True)
    disabled_reason = models.CharField(max_length=300, blank=True)
    disabled_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.url} ({'enabled' if self.enabled else 'disabled'})"

    def wants(self, event_type: str) -> bool:
        return "*" in self.events or event_type in self.events


class WebhookSecret(models.Model):
    """A signing secret. It must be readable to sign, so it is kept as is: see docs/webhooks.md."""

    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="secrets")
    secret = models.CharField(max_length=100)
    prefix = models.CharField(max_length=12)  # "whsec_" and a few characters, to tell secrets apart
    created_at = models.DateTimeField()
    # Set when the secret is rotated out: it still signs (beside the new one) until then.
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["endpoint_id", "-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.prefix}… of endpoint {self.endpoint_id}"


class WebhookEvent(models.Model):
    """One event, written in the transaction of the change; its public id is the `webhook-id`."""

    public_id = models.CharField(max_length=40, unique=True)
    type = models.CharField(max_length=60)
    version = models.PositiveSmallIntegerField(default=1)
    order = models.ForeignKey(
        "orders.Order", null=True, blank=True, on_delete=models.SET_NULL, related_name="webhook_events"
    )
    payload = models.JSONField()
    # Written as history (the demo store's past): its deliveries are recorded as handled, never posted,
    # and a demo reset deletes it.
    history = models.BooleanField(default=False)
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.type} {self.public_id}"


class WebhookDelivery(models.Model):
    event = models.ForeignKey(WebhookEvent, on_delete=models.CASCADE, related_name="deliveries")
    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries")
    status = models.CharField(max_length=20, choices=DeliveryStatus.choices, default=DeliveryStatus.QUEUED)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    claimed_until = models.DateTimeField(null=True, blank=True)
    # When the current run of retries began: the schedule (about 3 days) counts from here.
    first_attempt_at = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]
        constraints = [
            models.UniqueConstraint(fields=["event", "endpoint"], name="webhook_delivery_once_per_endpoint"),
            models.CheckConstraint(
                condition=Q(status=DeliveryStatus.DELIVERED, delivered_at__isnull=False)
                | ~Q(status=DeliveryStatus.DELIVERED),
                name="webhook_delivered_has_delivered_at",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event_id} → {self.endpoint_id} ({self.status})"


class WebhookAttempt(models.Model):
    """The delivery log: one row per HTTP attempt."""

    delivery = models.ForeignKey(WebhookDelivery, on_delete=models.CASCADE, related_name="log")
    at = models.DateTimeField()
    status_code = models.PositiveIntegerField(null=True, blank=True)  # None: no answer (timeout, refused)
    response_ms = models.PositiveIntegerField()
    response_body = models.CharField(max_length=1000, blank=True)  # the first 1,000 characters
    error = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["delivery_id", "at", "id"]

    def __str__(self) -> str:
        return f"attempt on {self.delivery_id}: {self.status_code or self.error}"


class InboundEvent(models.Model):
    """A provider event received through the store API, kept by its id so a repeat changes nothing."""

    source = models.CharField(max_length=40)  # "refund"
    event_id = models.CharField(max_length=120)
    object_id = models.BigIntegerField()
    kind = models.CharField(max_length=40)
    outcome = models.CharField(max_length=20, choices=InboundOutcome.choices)
    status_after = models.CharField(max_length=20)
    received_at = models.DateTimeField()

    class Meta:
        ordering = ["received_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["source", "event_id"], name="inbound_event_once"),
        ]

    def __str__(self) -> str:
        return f"{self.source} {self.event_id} ({self.outcome})"
