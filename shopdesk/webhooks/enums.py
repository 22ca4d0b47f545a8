"""Statuses of a webhook delivery, with the transitions the worker may make."""

from django.db import models


class DeliveryStatus(models.TextChoices):
    QUEUED = "queued", "Queued"  # waiting for its first attempt, or for next_attempt_at after a failure
    SENDING = "sending", "Sending"  # claimed by a worker until claimed_until
    DELIVERED = "delivered", "Delivered"  # the endpoint answered 2xx
    DEAD = "dead", "Failed"  # every retry of the schedule failed; a replay queues it again


# The worker moves deliveries along these; a replay is the only way back from DELIVERED or DEAD.
TRANSITIONS: dict[str, frozenset[str]] = {
    DeliveryStatus.QUEUED: frozenset({DeliveryStatus.SENDING}),
    DeliveryStatus.SENDING: frozenset({DeliveryStatus.DELIVERED, DeliveryStatus.QUEUED, DeliveryStatus.DEAD}),
    DeliveryStatus.DELIVERED: frozenset({DeliveryStatus.QUEUED}),  # replayed
    DeliveryStatus.DEAD: frozenset({DeliveryStatus.QUEUED}),  # replayed
}


class InboundOutcome(models.TextChoices):
    APPLIED = "applied", "Applied"  # the event moved the refund or the payment
    IGNORED = "ignored", "Ignored"  # out of order or already there: nothing changed
