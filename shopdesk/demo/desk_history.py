"""A month of desk history for the demo, so the reports have shape: tickets over the last 30 days,
answered quickly or late, mostly solved, with CSAT answers; macros the agents can use; and a few help
searches that found nothing and "not helpful" votes.

Tickets are written through the desk's services, then moved back in time (their rows are history, like
the order events the demo store records), with their service-level due moments worked out again from
the moved opening time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.utils import timezone

from shopdesk.core.actors import Actor
from shopdesk.desk.enums import TicketPriority, TicketStatus
from shopdesk.desk.models import Macro, Ticket, TicketEvent, TicketMessage, TicketSatisfaction
from shopdesk.desk.roles import agent_actor
from shopdesk.desk.services.macros import macro_body_from_article, macro_save
from shopdesk.desk.services.messages import ticket_reply
from shopdesk.desk.services.tickets import ticket_assign, ticket_create, ticket_status_change, ticket_triage
from shopdesk.desk.sla import sla_due
from shopdesk.helpcenter.models import Article, ArticleVote, UnansweredSearch
from shopdesk.helpcenter.services import voter_id
from shopdesk.orders.models import Order

if TYPE_CHECKING:
    from django.contrib.auth.models import User

HISTORY_TICKETS = 48
HISTORY_DAYS = 30
PRIORITIES = (
    TicketPriority.NORMAL,
    TicketPriority.NORMAL,
    TicketPriority.HIGH,
    TicketPriority.LOW,
    TicketPriority.URGENT,
)
# Minutes until the first answer, in turn: most in time, some late enough to breach their target.
FIRST_ANSWER_MINUTES = (35, 90, 240, 20, 60 * 26, 15, 180, 60 * 50)
CSAT_COMMENTS = ("Quick and clear, thank you.", "", "Took too long to hear back.", "Great help!")
UNANSWERED = (("gift wrapping", 6), ("student discount", 4), ("klarna", 3), ("size chart kids", 2))
DEMO_MACROS = ("Where is my parcel", "Cancel and confirm", "How to return an item", "Refund timing")


def demo_macros_load(*, admin: User) -> int:
    """Macros an agent can try at once: tracking, cancel-and-reply, and two drafted from articles."""
    Macro.objects.filter(name__in=DEMO_MACROS).delete()
    macro_save(
        author=admin,
        name="Where is my parcel",
        body=(
            "Hi {{ customer.first_name }},\n\nYour order {{ order.number }} is on its way with "
            "{{ package.carrier }}. You can follow it here: {{ package.tracking_url }}\n\n"
            "Best wishes,\n{{ agent.first_name }}"
        ),
        article_slug="where-is-my-order",
    )
    macro_save(
        author=admin,
        name="Cancel and confirm",
        body=(
            "Hi {{ customer.first_name }},\n\nWe've cancelled order {{ order.number }} as you asked. "
            "The refund goes back to your original payment method.\n\nBest wishes,\n{{ agent.first_name }}"
        ),
        action_id="cancel",
        action_params={"reason": "customer asked"},
        status_after=TicketStatus.SOLVED,
    )
    for name, slug in (
        ("How to return an item", "return-an-item"),
        ("Refund timing", "when-will-i-get-my-refund"),
    ):
        if Article.objects.filter(slug=slug).exists():
            macro_save(author=admin, name=name, body=macro_body_from_article(slug=slug), article_slug=slug)
    return Macro.objects.filter(name__in=DEMO_MACROS).count()


def _move_back(
    ticket: Ticket, *, opened: dt.datetime, answered: dt.datetime | None, solved: dt.datetime | None
) -> None:
    first_due, resolution_due = sla_due(opened_at=opened, priority=ticket.priority)
    last = solved or answered or opened
    Ticket.objects.filter(pk=ticket.pk).update(
        created_at=opened,
        updated_at=last,
        last_customer_message_at=opened,
        first_response_at=answered,
        solved_at=solved,
        first_response_due_at=first_due,
        resolution_due_at=resolution_due,
    )
    messages = list(ticket.messages.order_by("id").values_list("pk", "kind"))
    for pk, kind in messages:
        TicketMessage.objects.filter(pk=pk).update(
            created_at=opened if kind == "customer" else (answered or opened)
        )
    TicketEvent.objects.filter(ticket=ticket).update(created_at=opened)
    if solved is not None:
        TicketEvent.objects.filter(ticket=ticket, after__in=("solved", "closed")).update(created_at=solved)
        TicketSatisfaction.objects.filter(ticket=ticket).update(created_at=solved)


def demo_history_load(
    *, agents: Sequence[User], orders: Sequence[Order], scripts: Sequence[tuple], tag: str
) -> int:
    """HISTORY_TICKETS tickets spread over the last HISTORY_DAYS days; returns how many."""
    if not orders or not agents:
        return 0
    now = timezone.now()
    made = 0
    for index in range(HISTORY_TICKETS):
        topic, channel, subject, body, reply, _answer = scripts[index % len(scripts)]
        order = orders[index % len(orders)]
        agent = agents[index % len(agents)]
        actor = agent_actor(agent)
        opened = now - dt.timedelta(days=HISTORY_DAYS * (index + 1) / (HISTORY_TICKETS + 1), hours=index % 5)
        ticket = ticket_create(
            subject=subject,
            customer_email=order.email,
            customer_name=order.shipping_address.name,
            channel=channel,
            body=body,
            topic=topic,
            order=order,
            actor=Actor.customer(order.email),
        )
        ticket_triage(
            ticket=ticket, actor=actor, priority=PRIORITIES[index % len(PRIORITIES)], tags=[tag, "history"]
        )
        ticket_assign(ticket=ticket, assignee=agent, actor=actor)
        answered = solved = None
        # One in six is still waiting for an answer: those breach their targets now.
        if index % 6 != 5:
            ticket_reply(
                ticket=ticket,
                author=agent,
                body=reply or "Thanks for writing: we've looked into it and everything is sorted now.",
                status_after=TicketStatus.PENDING,
            )
            answered = opened + dt.timedelta(minutes=FIRST_ANSWER_MINUTES[index % len(FIRST_ANSWER_MINUTES)])
            if index % 6 != 4:
                ticket_status_change(ticket=ticket, status=TicketStatus.SOLVED, actor=actor)
                solved = answered + dt.timedelta(hours=2 + (index % 4) * 20)
        answered = min(answered, now) if answered else None
        solved = min(solved, now) if solved else None
        _move_back(ticket, opened=opened, answered=answered, solved=solved)
        if solved is not None and index % 3 != 2:
            rating = "bad" if index % 7 == 3 else "good"
            TicketSatisfaction.objects.filter(ticket=ticket).update(
                rating=rating,
                comment=CSAT_COMMENTS[index % len(CSAT_COMMENTS)],
                answered_at=min(solved + dt.timedelta(hours=3), now),
            )
        made += 1
    return made


def demo_helpcenter_signals_load() -> None:
    """Searches that found nothing and "not helpful" votes over the month (what the articles miss)."""
    today = timezone.localdate()
    UnansweredSearch.objects.filter(query__in=[query for query, _ in UNANSWERED]).delete()
    UnansweredSearch.objects.bulk_create(
        [
            UnansweredSearch(
                query=query, day=today - dt.timedelta(days=(times * 5) % HISTORY_DAYS), times=times
            )
            for query, times in UNANSWERED
        ]
    )
    for index, slug in enumerate(("refund-is-wrong", "refund-is-wrong", "partial-refund")):
        article = Article.objects.filter(slug=slug).first()
        if article is not None:
            ArticleVote.objects.get_or_create(
                article=article, voter=voter_id(f"demo-vote-{index}"), defaults={"helpful": False}
            )


def demo_desk_extras_delete() -> None:
    """Remove the demo's macros, searches with no result and "not helpful" votes (a reset leaves none)."""
    Macro.objects.filter(name__in=DEMO_MACROS).delete()
    UnansweredSearch.objects.filter(query__in=[query for query, _ in UNANSWERED]).delete()
    ArticleVote.objects.filter(voter__in=[voter_id(f"demo-vote-{index}") for index in range(3)]).delete()
