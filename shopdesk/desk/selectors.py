"""Reads of the desk: inbox views, search, a ticket with its conversation, agents to assign to."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import connection
from django.db.models import DateTimeField, ExpressionWrapper, F, Prefetch, Q, QuerySet, Value
from django.utils import timezone

from shopdesk.core.errors import InvalidInput, NotFound
from shopdesk.desk.enums import ACTIVE_STATUSES, TicketTopic
from shopdesk.desk.models import Ticket, TicketAttachment, TicketEvent, TicketMessage
from shopdesk.desk.sla import breaching_q
from shopdesk.orders.selectors import order_number_normalise

if TYPE_CHECKING:
    from django.contrib.auth.models import User

# The inbox views an agent can pick; "topic" and "tag" take a value.
INBOX_VIEWS = {
    "mine": "Mine",
    "unassigned": "Unassigned",
    "open": "All open",
    "breaching": "Breaching SLA",
    "topic": "By topic",
    "tag": "By tag",
    "all": "All tickets",
}
SEARCH_QUERY_LIMIT = 200
# Inboxes count at most this many tickets: counting every open ticket of a big store costs more than
# the page itself, and "10,000+" says enough.
COUNT_CAP = 10_000


def tickets_count_capped(tickets: QuerySet[Ticket]) -> tuple[int, bool]:
    """(count, capped): the exact count up to COUNT_CAP, else (COUNT_CAP, True)."""
    count = tickets.order_by()[: COUNT_CAP + 1].count()
    return (COUNT_CAP, True) if count > COUNT_CAP else (count, False)


def tickets_inbox(*, view: str, user: User, topic: str = "", tag: str = "", q: str = "") -> QuerySet[Ticket]:
    """The tickets of one inbox view, most recently updated first, optionally narrowed by a search."""
    tickets = Ticket.objects.select_related("assignee", "order")
    if view == "mine":
        tickets = tickets.filter(assignee=user, status__in=ACTIVE_STATUSES)
    elif view == "unassigned":
        tickets = tickets.filter(assignee__isnull=True, status__in=ACTIVE_STATUSES)
    elif view == "open":
        tickets = tickets.filter(status__in=ACTIVE_STATUSES)
    elif view == "breaching":
        tickets = tickets.filter(breaching_q(now=timezone.now()))
    elif view == "topic":
        if topic not in TicketTopic.values:
            raise InvalidInput("Choose a topic.", code="topic_invalid")
        tickets = tickets.filter(topic=topic, status__in=ACTIVE_STATUSES)
    elif view == "tag":
        tickets = tickets.filter(tags__name=tag, status__in=ACTIVE_STATUSES)
    elif view != "all":
        raise InvalidInput("Unknown inbox view.", code="view_invalid")
    if q.strip():
        tickets = tickets_search(tickets=tickets, q=q)
        if connection.vendor == "postgresql" and not _matches_many(tickets):
            # Few matches: sort them instead of walking the recency index. Otherwise PostgreSQL, guessing
            # that many tickets match, may check every ticket's vector in date order to fill a page.
            recency = ExpressionWrapper(
                F("updated_at") + Value(dt.timedelta(0)), output_field=DateTimeField()
            )
            return tickets.order_by(recency.desc(), "-id")
    return tickets.order_by("-updated_at", "-id")


# A search matching at least this many tickets fills a page at once by walking the recency index;
# sorting all of its matches would read every one of them.
DENSE_MATCHES = 500


def _matches_many(tickets: QuerySet[Ticket]) -> bool:
    """Whether the search matches DENSE_MATCHES tickets or more (reads at most that many index entries)."""
    return tickets.order_by().values("pk")[:DENSE_MATCHES].count() >= DENSE_MATCHES


def tickets_search(*, tickets: QuerySet[Ticket], q: str) -> QuerySet[Ticket]:
    """Match subject, message bodies, customer and order number.

    PostgreSQL: full-text search (English stemming, websearch syntax) over the kept search text, served
    by a GIN index. SQLite: every word must appear in it (case-insensitive). An order number matches
    its tickets on both, whatever their text says.
    """
    text = q.strip()[:SEARCH_QUERY_LIMIT]
    number = order_number_normalise(text)
    by_number = Q(order__number=number) | Q(order_number_given__iexact=number) if number else Q(pk__in=[])
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery

        query = SearchQuery(text, config="english", search_type="websearch")
        return tickets.filter(Q(search_vector=query) | by_number)
    words = Q()
    for word in text.split()[:12]:
        words &= Q(search_text__icontains=word)
    return tickets.filter(words | by_number)


def ticket_get(*, reference: str) -> Ticket:
    ticket = (
        Ticket.objects.select_related("assignee", "order", "merged_into")
        .filter(reference=reference.upper())
        .first()
    )
    if ticket is None:
        raise NotFound("There is no such ticket.", code="ticket_not_found")
    return ticket


def ticket_conversation(*, ticket: Ticket, public_only: bool = False) -> list[TicketMessage]:
    """The messages with their attachments and authors (three queries however long the thread)."""
    messages = ticket.messages.select_related("author").prefetch_related(
        Prefetch("attachments", queryset=TicketAttachment.objects.order_by("id"))
    )
    if public_only:
        messages = messages.exclude(kind="note")
    return list(messages.order_by("created_at", "id"))


def ticket_events(*, ticket: Ticket) -> list[TicketEvent]:
    return list(ticket.events.order_by("created_at", "id"))


def tickets_of_customer(*, email: str, exclude_id: int | None = None, limit: int = 10) -> list[Ticket]:
    tickets = Ticket.objects.filter(customer_email=email).order_by("-created_at")
    if exclude_id is not None:
        tickets = tickets.exclude(pk=exclude_id)
    return list(tickets[:limit])


def ticket_next(*, user: User, after: Ticket) -> Ticket | None:
    """The next ticket to work on: the agent's own active ones first, then unassigned, oldest update first."""
    for mine in (True, False):
        pool = Ticket.objects.filter(status__in=ACTIVE_STATUSES).exclude(pk=after.pk)
        pool = pool.filter(assignee=user) if mine else pool.filter(assignee__isnull=True)
        found = pool.order_by("updated_at", "id").first()
        if found is not None:
            return found
    return None
