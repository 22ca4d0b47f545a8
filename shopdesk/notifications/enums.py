"""Statuses of an outbox message, with the transitions the worker may make."""

from django.db import models


class OutboxStatus(models.TextChoices):
    QUEUED = "queued", "Queued"  # waiting for its first attempt, or for next_attempt_at after a failure
    SENDING = "sending", "Sending"  # claimed by a worker until claimed_until
    SENT = "sent", "Sent"  # the mail server accepted it
    DEAD = "dead", "Failed"  # gave up after the maximum number of attempts


class OutboxChannel(models.TextChoices):
    EMAIL = "email", "Email"


# The worker is the only writer of these transitions; services only ever create QUEUED or SENT rows.
TRANSITIONS: dict[str, frozenset[str]] = {
    OutboxStatus.QUEUED: frozenset({OutboxStatus.SENDING}),
    OutboxStatus.SENDING: frozenset({OutboxStatus.SENT, OutboxStatus.QUEUED, OutboxStatus.DEAD}),
    OutboxStatus.SENT: frozenset(),
    OutboxStatus.DEAD: frozenset({OutboxStatus.QUEUED}),  # an operator may retry a dead message
}

# Emails whose body carries a secret link: the body is wiped once delivered, so the database
# never keeps a usable token longer than needed.
SENSITIVE_TEMPLATES = frozenset({"magic_link", "email_change_confirm"})
