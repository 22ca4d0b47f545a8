"""The desk in the demo store: one agent per role (their logins are printed), and tickets from the demo's
customers in every status and channel, written through the desk's own services."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone

from shopdesk.core.actors import Actor
from shopdesk.desk.enums import TicketChannel, TicketPriority, TicketStatus, TicketTopic
from shopdesk.desk.models import Ticket, TicketMessage, TicketSatisfaction
from shopdesk.desk.roles import agent_actor
from shopdesk.desk.services.agents import agent_add
from shopdesk.desk.services.messages import ticket_customer_message, ticket_note, ticket_reply
from shopdesk.desk.services.tickets import ticket_assign, ticket_create, ticket_status_change, ticket_triage
from shopdesk.notifications.enums import OutboxStatus
from shopdesk.notifications.models import OutboxMessage
from shopdesk.orders.models import Order

DEMO_TAG = "demo"
DEMO_AGENTS = (
    ("ada@kwoking.example", "admin", "Ada Admin"),
    ("leo@kwoking.example", "lead", "Leo Lead"),
    ("ana@kwoking.example", "agent", "Ana Agent"),
)
# (topic, channel, subject, first message, agent's reply or "", customer's answer or "")
SCRIPTS = (
    (
        TicketTopic.ORDER_STATUS,
        TicketChannel.CONTACT_FORM,
        "No news about my order",
        "I ordered last week and the tracking page still says the label was created. Is it stuck?",
        "The carrier has not scanned the parcel yet; we asked them to pick it up today.",
        "Thank you, I'll wait.",
    ),
    (
        TicketTopic.RETURNS,
        TicketChannel.EMAIL,
        "Return label for a jacket",
        "The jacket is too tight in the shoulders. How do I send it back?",
        "You can start the return on your order page; the label comes by email within a minute.",
        "",
    ),
    (
        TicketTopic.REFUNDS,
        TicketChannel.EMAIL,
        "Refund smaller than expected",
        "I returned two items but the refund covers only one of them.",
        "",
        "",
    ),
    (
        TicketTopic.CHANGE_ORDER,
        TicketChannel.CONTACT_FORM,
        "Wrong size ordered",
        "Could you change the shirt from L to M before it ships?",
        "Done: the shirt is now size M and the order leaves tomorrow.",
        "",
    ),
    (
        TicketTopic.SHIPPING,
        TicketChannel.CASE,
        "Carrier investigation: parcel not moving",
        "Opened from the order page: the tracking has not changed for nine days.",
        "We opened an investigation with the carrier and will write as soon as they answer.",
        "",
    ),
    (
        TicketTopic.PAYMENTS,
        TicketChannel.CHAT,
        "Card declined twice",
        "Chat handoff: the customer's card was declined twice and they want to pay another way.",
        "",
        "",
    ),
    (
        TicketTopic.PROMOTIONS,
        TicketChannel.EMAIL,
        "Promo code did not apply",
        "The code from your newsletter says it is not valid for my cart.",
        "That code needs a subtotal of $50; your cart was $42. Add one item and it applies.",
        "It worked, thanks!",
    ),
    (
        TicketTopic.POINTS,
        TicketChannel.CONTACT_FORM,
        "Points missing after my purchase",
        "I don't see the points for my last order in my account.",
        "Points become usable 30 days after delivery, so they show up then.",
        "",
    ),
)
# Where each demo ticket ends up, in turn: every status is present.
STATUS_CYCLE = (
    TicketStatus.NEW,
    TicketStatus.OPEN,
    TicketStatus.PENDING,
    TicketStatus.ON_HOLD,
    TicketStatus.SOLVED,
    TicketStatus.CLOSED,
)
PRIORITY_CYCLE = (TicketPriority.NORMAL, TicketPriority.HIGH, TicketPriority.LOW, TicketPriority.URGENT)


@dataclass
class DeskDemo:
    logins: list[tuple[str, str, str]] = field(default_factory=list)  # (email, role, password)
    tickets: int = 0
    history: int = 0  # tickets spread over the last month (shopdesk/demo/desk_history.py)
    macros: int = 0


def _demo_tickets_delete() -> int:
    """The demo's tickets and the emails they wrote (found by the outbox's dedupe keys): those it made,
    and those its orders opened (a return waiting for approval, a payment check, a case)."""
    tickets = Ticket.objects.filter(Q(tags__name=DEMO_TAG) | Q(order__demo__isnull=False)).distinct()
    ticket_ids = list(tickets.values_list("pk", flat=True))
    message_ids = TicketMessage.objects.filter(ticket_id__in=ticket_ids).values_list("pk", flat=True)
    survey_ids = TicketSatisfaction.objects.filter(ticket_id__in=ticket_ids).values_list("pk", flat=True)
    keys = (
        [f"desk-ack:{pk}" for pk in ticket_ids]
        + [f"desk-reply:{pk}" for pk in message_ids]
        + [f"desk-csat:{pk}" for pk in survey_ids]
    )
    OutboxMessage.objects.filter(dedupe_key__in=keys).delete()
    deleted, _ = Ticket.objects.filter(pk__in=ticket_ids).delete()
    return deleted


def demo_desk_delete() -> int:
    """Remove the tickets an earlier demo load made (they carry the demo tag) and the demo agents."""
    from django.contrib.auth import get_user_model

    from shopdesk.demo.desk_history import demo_desk_extras_delete

    deleted = _demo_tickets_delete()
    demo_desk_extras_delete()
    get_user_model().objects.filter(username__in=[email for email, _, _ in DEMO_AGENTS]).delete()
    return deleted


def load_demo_desk(*, tickets: int = 24) -> DeskDemo:
    """Agents with fresh passwords, and `tickets` tickets on the first demo orders, worked through the desk."""
    _demo_tickets_delete()
    result = DeskDemo()
    agents = []
    for email, role, name in DEMO_AGENTS:
        added = agent_add(email=email, role=role, name=name)
        result.logins.append((email, role, added.password))
        agents.append(added.user)
    orders = list(
        Order.objects.filter(demo__isnull=False)
        .select_related("shipping_address")
        .order_by("number")[:tickets]
    )
    for index, order in enumerate(orders):
        topic, channel, subject, body, reply, answer = SCRIPTS[index % len(SCRIPTS)]
        agent = agents[index % len(agents)]
        actor = agent_actor(agent)
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
            ticket=ticket, actor=actor, priority=PRIORITY_CYCLE[index % len(PRIORITY_CYCLE)], tags=[DEMO_TAG]
        )
        target = STATUS_CYCLE[index % len(STATUS_CYCLE)]
        if target == TicketStatus.NEW:
            result.tickets += 1
            continue
        ticket_assign(ticket=ticket, assignee=agent, actor=actor)
        if index % 3 == 0:
            ticket_note(
                ticket=ticket,
                author=agent,
                body="Checked the order page: the situation matches what the customer says.",
            )
        if reply:
            ticket_reply(ticket=ticket, author=agent, body=reply, status_after=TicketStatus.PENDING)
            if answer:
                ticket_customer_message(ticket=ticket, body=answer, channel=channel)
        ticket.refresh_from_db()
        if ticket.status != target:
            if target == TicketStatus.CLOSED and ticket.status != TicketStatus.SOLVED:
                ticket_status_change(ticket=ticket, status=TicketStatus.SOLVED, actor=actor)
            ticket_status_change(ticket=ticket, status=target, actor=actor)
        result.tickets += 1
    from shopdesk.demo.desk_history import demo_helpcenter_signals_load, demo_history_load, demo_macros_load

    past_orders = (
        list(
            Order.objects.filter(demo__isnull=False)
            .select_related("shipping_address")
            .order_by("number")[tickets : tickets + 48]
        )
        or orders
    )
    result.history = demo_history_load(agents=agents, orders=past_orders, scripts=SCRIPTS, tag=DEMO_TAG)
    result.macros = demo_macros_load(admin=agents[0])
    demo_helpcenter_signals_load()
    # The demo's replies are history, like the store's emails the demo records: mark them sent, so the
    # worker never mails the made-up customers.
    OutboxMessage.objects.filter(
        template__in=("desk_reply", "desk_acknowledgement", "desk_csat"),
        status=OutboxStatus.QUEUED,
        to__in=[o.email for o in orders] + [o.email for o in past_orders],
    ).update(status=OutboxStatus.SENT, sent_at=timezone.now())
    return result
