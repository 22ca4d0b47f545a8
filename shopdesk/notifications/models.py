"""The outbox: emails written in the same transaction as the change that caused them, delivered by a worker."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from shopdesk.notifications.enums import OutboxChannel, OutboxStatus


class OutboxMessage(models.Model):
    channel = models.CharField(max_length=20, choices=OutboxChannel.choices, default=OutboxChannel.EMAIL)
    order = models.ForeignKey(
        "orders.Order", null=True, blank=True, on_delete=models.SET_NULL, related_name="outbox_messages"
    )
    template = models.CharField(max_length=60)
    to = models.EmailField(max_length=254)
    subject = models.CharField(max_length=300)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    # Extra headers for this email (threading: Message-ID, In-Reply-To, References, Reply-To).
    headers = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=20, choices=OutboxStatus.choices, default=OutboxStatus.QUEUED)
    # A retried action finds the message it already wrote instead of mailing twice.
    dedupe_key = models.CharField(max_length=200, null=True, blank=True, unique=True)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(db_index=True)
    claimed_until = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"]),
            models.Index(fields=["order", "created_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status=OutboxStatus.SENT, sent_at__isnull=False) | ~Q(status=OutboxStatus.SENT),
                name="outbox_sent_has_sent_at",
            )
        ]

    def __str__(self) -> str:
        return f"{self.template} to {self.to} ({self.status})"
