"""CSAT: when a ticket is solved the customer gets one question by email (good or bad, and a comment);
the answer is recorded against the token in the link, which is stored only as a hash."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from shopdesk.access.tokens import token_hash, token_new
from shopdesk.core.actors import Actor
from shopdesk.core.errors import InvalidInput, NotFound
from shopdesk.desk import events
from shopdesk.desk.enums import SatisfactionRating, TicketEventKind
from shopdesk.desk.models import Ticket, TicketSatisfaction
from shopdesk.notifications.services import email_enqueue

COMMENT_LIMIT = 2_000


def satisfaction_request(*, ticket: Ticket) -> TicketSatisfaction:
    """Ask the customer how we did (call in the transaction that solves the ticket)."""
    token = token_new()
    survey = TicketSatisfaction.objects.create(
        ticket=ticket, token_hash=token_hash(token), created_at=timezone.now()
    )
    base = f"{settings.SHOPDESK_BASE_URL.rstrip('/')}/csat/{token}/"
    email_enqueue(
        to=ticket.customer_email,
        template="desk_csat",
        context={"ticket": ticket, "good_link": f"{base}?rating=good", "bad_link": f"{base}?rating=bad"},
        order=ticket.order,
        dedupe_key=f"desk-csat:{survey.pk}",
        headers={"Auto-Submitted": "auto-generated", "X-Shopdesk-Ticket": ticket.reference},
    )
    return survey


def satisfaction_for_token(*, token: str) -> TicketSatisfaction:
    survey = (
        TicketSatisfaction.objects.select_related("ticket").filter(token_hash=token_hash(token or "")).first()
        if token and len(token) <= 200
        else None
    )
    if survey is None:
        raise NotFound("This link is not valid.", code="csat_link_invalid")
    return survey


def satisfaction_answer(*, token: str, rating: str, comment: str = "") -> TicketSatisfaction:
    """Record (or change) the customer's answer; the ticket's trail shows it."""
    if rating not in SatisfactionRating.values:
        raise InvalidInput("Choose good or bad.", code="rating_invalid")
    text = (comment or "").strip()[:COMMENT_LIMIT]
    with transaction.atomic():
        survey = satisfaction_for_token(token=token)
        before = survey.rating
        survey.rating, survey.comment, survey.answered_at = rating, text, timezone.now()
        survey.save(update_fields=["rating", "comment", "answered_at"])
        events.event_field_changed(
            ticket=survey.ticket,
            actor=Actor.customer(survey.ticket.customer_email),
            kind=TicketEventKind.SATISFACTION,
            before=before,
            after=rating,
        )
    return survey
