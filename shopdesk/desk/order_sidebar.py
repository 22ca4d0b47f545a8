"""The order beside the ticket (read-only): the customer's orders, the linked order's page, and every
registered action with its eligibility for this agent.

The order page comes from the order view's read model; this module is the desk's only import of it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from shopdesk.core.actors import Actor, AgentRole
from shopdesk.core.eligibility import Eligibility
from shopdesk.orders.models import Order, OrderEvent
from shopdesk.orderview.builder import order_page
from shopdesk.selfservice.registry import actions_all

if TYPE_CHECKING:
    from shopdesk.desk.models import Ticket

ORDERS_SHOWN = 10
HISTORY_SHOWN = 15


@dataclass
class SidebarAction:
    id: str
    label: str
    eligibility: Eligibility
    # Refused for a rule this agent may set aside with a reason (the form then offers the override).
    can_override: bool = False


@dataclass
class OrderSidebar:
    orders: list[Order]
    order: Order | None
    page: Any = None  # the order page of `order` (see shopdesk.orders.selectors.OrderPage)
    actions: list[SidebarAction] = field(default_factory=list)
    # The order's audit trail, newest first (changes, emails, overrides with their reasons).
    history: list[OrderEvent] = field(default_factory=list)


def order_page_for_desk(*, order: Order) -> Any:
    return order_page(order=order, with_actions=False)


def order_actions_for_agent(*, order: Order, actor: Actor) -> list[SidebarAction]:
    """Every registered action with its eligibility for this agent: the same check the customer gets."""
    found = []
    for action in actions_all():
        answer = action.eligibility(order=order, actor=actor)
        role = action.overridable.get(answer.code)
        can_override = not answer.allowed and role is not None and actor.has_role(AgentRole(role))
        found.append(SidebarAction(action.id, action.label, answer, can_override))
    return found


def order_sidebar(*, ticket: Ticket, actor: Actor, order_number: str | None = None) -> OrderSidebar:
    orders = list(Order.objects.filter(email=ticket.customer_email).order_by("-placed_at")[:ORDERS_SHOWN])
    chosen: Order | None = ticket.order
    if order_number:
        chosen = next((order for order in orders if order.number == order_number), chosen)
    if chosen is None:
        return OrderSidebar(orders=orders, order=None)
    if chosen not in orders:
        orders.insert(0, chosen)
    return OrderSidebar(
        orders=orders,
        order=chosen,
        page=order_page_for_desk(order=chosen),
        actions=order_actions_for_agent(order=chosen, actor=actor),
        history=list(chosen.events.order_by("-created_at", "-id")[:HISTORY_SHOWN]),
    )
