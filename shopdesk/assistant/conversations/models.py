"""A conversation, its slots and its transcript.

The id is the only key a client holds: 32 random bytes (256 bits), URL-safe, so it can't be guessed or
enumerated. Slots are columns (what the flows read) plus two JSON fields for the step in progress.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.db import models


def conversation_id_new() -> str:
    return secrets.token_urlsafe(32)


class HandoffReason(models.TextChoices):
    REQUESTED = "requested", "The customer asked for a person"
    NOT_UNDERSTOOD = "not_understood", "Two messages in a row were not understood"
    NEEDS_APPROVAL = "needs_approval", "An agent must decide"
    ANGRY = "angry", "The customer is upset"


class Speaker(models.TextChoices):
    CUSTOMER = "customer", "Customer"
    ASSISTANT = "assistant", "Assistant"
    AGENT = "agent", "Care team"  # a person's reply from the desk, on a handed-over chat


class Conversation(models.Model):
    id = models.CharField(primary_key=True, max_length=64, default=conversation_id_new, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # --- slots ---
    order_number = models.CharField(max_length=32, blank=True)
    email = models.EmailField(max_length=254, blank=True)
    # The portal's customer session opened by the order lookup: verified access is that session, with
    # its expiry and revocation. The token itself is never kept.
    access_session_id = models.BigIntegerField(null=True, blank=True)
    # The flow waiting for an answer: {"intent", "step", "action", "params", "fields", "package", ...}.
    step = models.JSONField(default=dict, blank=True)
    # The change shown to the customer and waiting for a yes: {"action", "params", "preview", "data"}.
    pending_action = models.JSONField(default=dict, blank=True)
    # The buttons offered by the last answer; a button press must be one of them.
    offered = models.JSONField(default=list, blank=True)
    last_intent = models.CharField(max_length=40, blank=True)
    unsure_count = models.PositiveSmallIntegerField(default=0)
    # What the assistant already did or said, for the person who takes over.
    tried = models.JSONField(default=list, blank=True)
    handed_over = models.BooleanField(default=False)
    handoff_reason = models.CharField(max_length=20, choices=HandoffReason.choices, blank=True)
    handoff = models.JSONField(default=dict, blank=True)
    handed_over_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        app_label = "assistant"
        indexes = [models.Index(fields=["handed_over", "handed_over_at"])]

    def __str__(self) -> str:
        return f"conversation {self.id[:8]}…"

    @property
    def is_verified(self) -> bool:
        return self.access_session_id is not None


class Turn(models.Model):
    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="turns")
    position = models.PositiveIntegerField()
    speaker = models.CharField(max_length=10, choices=Speaker.choices)
    text = models.TextField(blank=True)
    button = models.CharField(max_length=100, blank=True)
    intent = models.CharField(max_length=40, blank=True)
    replies = models.JSONField(default=list, blank=True)
    actions = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        app_label = "assistant"
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(
                fields=["conversation", "position"], name="assistant_turn_position_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.speaker} #{self.position}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "position": self.position,
            "speaker": self.speaker,
            "text": self.text,
            "button": self.button or None,
            "intent": self.intent or None,
            "replies": self.replies,
            "actions": self.actions,
            "at": self.created_at.isoformat() if self.created_at else None,
        }
