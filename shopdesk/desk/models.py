"""Tickets, their messages and attachments, the audit trail, tags, and agents' API tokens.

Agents are Django users in one of the desk groups (see roles.py); a ticket's customer is an email
address, matched to a Customer row when one exists, so a stranger's message never needs an account.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models

from shopdesk.core.actors import ActorKind
from shopdesk.desk.enums import (
    SLA_RUNNING_STATUSES,
    MessageKind,
    SatisfactionRating,
    TicketChannel,
    TicketEventKind,
    TicketPriority,
    TicketStatus,
    TicketTopic,
)

_RUNNING = models.Q(status__in=SLA_RUNNING_STATUSES)


class Ticket(models.Model):
    reference = models.CharField(
        max_length=16, unique=True, help_text="Shown to the customer, e.g. T-7KQ2MX."
    )
    subject = models.CharField(max_length=200)
    customer_email = models.EmailField(max_length=254, db_index=True, help_text="Stored lower-case.")
    customer_name = models.CharField(max_length=200, blank=True)
    customer = models.ForeignKey(
        "orders.Customer", null=True, blank=True, on_delete=models.SET_NULL, related_name="tickets"
    )
    # Linked only when the customer proved it (number + email, or a signed-in session).
    order = models.ForeignKey(
        "orders.Order", null=True, blank=True, on_delete=models.SET_NULL, related_name="tickets"
    )
    # What the customer typed when it could not be verified: agents see it, nothing trusts it.
    order_number_given = models.CharField(max_length=40, blank=True)
    channel = models.CharField(max_length=20, choices=TicketChannel.choices)
    topic = models.CharField(max_length=30, choices=TicketTopic.choices, default=TicketTopic.OTHER)
    priority = models.CharField(max_length=10, choices=TicketPriority.choices, default=TicketPriority.NORMAL)
    status = models.CharField(max_length=20, choices=TicketStatus.choices, default=TicketStatus.NEW)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="desk_tickets",
    )
    team = models.CharField(max_length=60, blank=True)
    # What opened it when it came from self-service: a case reference (CS-…), so one case is one ticket.
    source_reference = models.CharField(max_length=40, blank=True)
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The secret part of the reply-to address (care+T-7KQ2MX.<token>@…): only someone who received
    # our email can post into this ticket by mail.
    reply_token = models.CharField(max_length=32)
    # Subject, customer, order number and message bodies, kept by the services for search.
    search_text = models.TextField(blank=True)
    # PostgreSQL only: the search text as a tsvector, kept by the services, under a GIN index.
    search_vector = SearchVectorField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(db_index=True)
    updated_at = models.DateTimeField()
    last_customer_message_at = models.DateTimeField(null=True, blank=True)
    first_response_at = models.DateTimeField(null=True, blank=True)
    solved_at = models.DateTimeField(null=True, blank=True)
    # Service-level due moments (business hours from the policy), set on opening and on a priority change.
    first_response_due_at = models.DateTimeField(null=True, blank=True)
    resolution_due_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-updated_at", "-id"]
        # Inboxes list by (-updated_at, -id): walking these indexes in order finds a page without
        # sorting every open ticket, once the database has statistics (PostgreSQL's autovacuum, or
        # ANALYZE on SQLite; see docs/desk.md and bench/bench_desk_inbox.py).
        indexes = [
            models.Index(fields=["-updated_at", "-id"], name="desk_ticket_recent"),
            models.Index(fields=["status"], name="desk_ticket_status"),
            # Mine, unassigned and by topic: walked in recency order for a page; the status at the end lets
            # the page skip solved tickets and the count read only the index (SQLite can't use a partial
            # index for these, since Django binds the statuses as parameters).
            models.Index(
                fields=["assignee", "-updated_at", "-id", "status"], name="desk_ticket_assignee_active"
            ),
            models.Index(fields=["topic", "-updated_at", "-id", "status"], name="desk_ticket_topic_active"),
            # The reports: due moments in the past.
            models.Index(fields=["first_response_due_at"], name="desk_ticket_first_due"),
            models.Index(fields=["resolution_due_at"], name="desk_ticket_resolution_due"),
            # The "breaching SLA" inbox on PostgreSQL: running clocks past a due moment (one per side of its OR).
            models.Index(
                fields=["first_response_due_at"],
                condition=_RUNNING & models.Q(first_response_at__isnull=True),
                name="desk_ticket_running_first_due",
            ),
            models.Index(
                fields=["resolution_due_at"], condition=_RUNNING, name="desk_ticket_running_resolve"
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["source_reference"],
                condition=~models.Q(source_reference=""),
                name="desk_ticket_one_per_source",
            )
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.subject}"


class TicketTag(models.Model):
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="tags")
    name = models.SlugField(max_length=40)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["ticket", "name"], name="desk_tag_once_per_ticket")]
        indexes = [models.Index(fields=["name"])]

    def __str__(self) -> str:
        return self.name


class TicketMessage(models.Model):
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="messages")
    kind = models.CharField(max_length=20, choices=MessageKind.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    author_label = models.CharField(max_length=254, help_text="The customer's email or the agent's name.")
    body = models.TextField()
    channel = models.CharField(max_length=20, choices=TicketChannel.choices)
    # RFC 5322 Message-ID of the email that carried it (ours for replies, theirs for inbound mail).
    message_id = models.CharField(max_length=300, blank=True, db_index=True)
    # An auto-reply or a bounce: kept for the record, never reopens the ticket.
    automated = models.BooleanField(default=False)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.ticket_id}"

    @property
    def is_public(self) -> bool:
        return self.kind != MessageKind.INTERNAL_NOTE


def attachment_path(instance: TicketAttachment, filename: str) -> str:
    # A random folder per file: the stored name reveals nothing and cannot be guessed.
    return f"desk/attachments/{instance.storage_key}/{filename}"


class TicketAttachment(models.Model):
    message = models.ForeignKey(TicketMessage, on_delete=models.CASCADE, related_name="attachments")
    storage_key = models.CharField(max_length=64, unique=True)
    file = models.FileField(upload_to=attachment_path, max_length=300)
    filename = models.CharField(max_length=200, help_text="The name the sender gave it (sanitised).")
    content_type = models.CharField(
        max_length=100, help_text="Detected from the content, not trusted from the sender."
    )
    size = models.PositiveIntegerField()
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.filename


class TicketEvent(models.Model):
    """Append-only audit trail: who changed what on a ticket, with the values before and after."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=30, choices=TicketEventKind.choices)
    actor_kind = models.CharField(max_length=20, choices=ActorKind.choices)
    actor_label = models.CharField(max_length=254, blank=True)
    before = models.CharField(max_length=200, blank=True)
    after = models.CharField(max_length=200, blank=True)
    message = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["ticket", "created_at"]),
            models.Index(fields=["kind", "-created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.kind} on {self.ticket_id}"


class TicketSatisfaction(models.Model):
    """The CSAT question sent when a ticket is solved, and the customer's answer (the link's token hashed)."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="satisfaction")
    token_hash = models.CharField(max_length=64, unique=True)
    rating = models.CharField(max_length=10, choices=SatisfactionRating.choices, blank=True)
    comment = models.TextField(blank=True)
    created_at = models.DateTimeField()
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"CSAT {self.rating or 'unanswered'} on {self.ticket_id}"


class AgentToken(models.Model):
    """An agent's API token for /api/v1/desk/: only its SHA-256 hash and a short prefix are stored."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="desk_tokens")
    prefix = models.CharField(max_length=12)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.user} ({self.prefix}…)"


class Macro(models.Model):
    """A prepared reply: text with placeholders (see macro_text.py), optionally built from a help article,
    optionally running one registered order action first ("cancel and reply"). Leads and admins keep them."""

    name = models.CharField(max_length=80, unique=True)
    body = models.TextField()
    # The help article it was built from (its slug), for the "built from" link; the text is a copy.
    article_slug = models.SlugField(max_length=120, blank=True)
    # A registered action id (selfservice registry) performed with the agent as actor before replying.
    action_id = models.CharField(max_length=40, blank=True)
    action_params = models.JSONField(default=dict, blank=True)
    status_after = models.CharField(max_length=20, choices=TicketStatus.choices, default=TicketStatus.PENDING)
    active = models.BooleanField(default=True)
    created_by = models.CharField(max_length=254, blank=True)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ApprovalStatus(models.TextChoices):
    PENDING = "pending", "Waiting for a lead"
    APPROVED = "approved", "Approved and done"
    REJECTED = "rejected", "Rejected"
    FAILED = "failed", "Approved, but the action was refused"  # the order changed while it waited


class ActionApproval(models.Model):
    """An order action an agent asked for that a lead must approve (a refund above the policy's limit,
    or an action whose eligibility says a person decides). Approving performs it with the lead as actor."""

    order = models.ForeignKey("orders.Order", on_delete=models.CASCADE, related_name="desk_approvals")
    ticket = models.ForeignKey(
        Ticket, null=True, blank=True, on_delete=models.SET_NULL, related_name="approvals"
    )
    action_id = models.CharField(max_length=40)
    params = models.JSONField(default=dict, blank=True)
    why_needed = models.CharField(max_length=300)
    preview = models.TextField(blank=True, help_text="The action's preview when it was requested.")
    status = models.CharField(max_length=10, choices=ApprovalStatus.choices, default=ApprovalStatus.PENDING)
    requested_by = models.CharField(max_length=254)
    requested_at = models.DateTimeField()
    decided_by = models.CharField(max_length=254, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(max_length=500, blank=True)
    result_message = models.TextField(blank=True)
    # The agent's reason for setting a rule of the action aside; approving performs it with that override.
    override_reason = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            # A double click asks once: one pending request per order and action.
            models.UniqueConstraint(
                fields=["order", "action_id"],
                condition=models.Q(status="pending"),
                name="desk_approval_one_pending",
            )
        ]

    def __str__(self) -> str:
        return f"{self.action_id} on {self.order_id} ({self.status})"
