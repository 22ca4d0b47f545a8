"""The action registry: one object per self-service action, shared by every interface.

    action = action_get("cancel")
    action.eligibility(order=order, actor=actor)                    -> Eligibility
    action.preview(order=order, actor=actor, params={...})          -> ActionPreview
    action.perform(order=order, actor=actor, params={...}, idempotency_key=key) -> ActionResult

The portal, the API, the assistant and the desk loop over `actions_all()`: none of them writes an
eligibility rule, a choice list or a success sentence of its own. Action ids are part of the API
contract (the order view's `actions` map is keyed by them) and never change. Articles name actions by
id (`is_registered`), so the help center never promises an action that does not exist.
"""

from __future__ import annotations

import abc
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from pydantic import BaseModel

from shopdesk.core.eligibility import Eligibility
from shopdesk.core.errors import NotFound
from shopdesk.core.overrides import RuleOverride, rule_override

if TYPE_CHECKING:
    from shopdesk.core.actors import Actor
    from shopdesk.orders.models import Order
    from shopdesk.payments.order_facts import OrderFacts


@dataclass(frozen=True, slots=True)
class ActionPreview:
    """What performing would do, shown before the customer confirms (the same sentence everywhere)."""

    message: str
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ActionResult:
    """What happened: the sentence to show, the details for the API, and whether it was a replay."""

    message: str
    data: dict[str, Any] = field(default_factory=dict)
    replayed: bool = False


class OrderAction(abc.ABC):
    """A self-service action on one order. Subclasses set `id` and `label` and register themselves."""

    id: ClassVar[str]
    label: ClassVar[str]
    moves_money: ClassVar[bool] = False
    # The path under /api/v1/customer/orders/{number}/ where the API performs it (kept stable).
    api_path: ClassVar[str] = ""
    # Only the care team (or the store) performs it: the desk lists it, a customer is always refused
    # (`agents_only`) and the portal does not offer it; agents use /api/v1/desk/orders/{number}/actions/{id}.
    for_agents: ClassVar[bool] = False
    # What anyone else is told by such an action (its eligibility, preview and perform).
    agents_only: ClassVar[Eligibility] = Eligibility.no("agents_only", "Only our care team can do this.")
    # The pydantic model of `params` (preview and perform validate with it; bad input → InvalidInput).
    params_model: ClassVar[type[BaseModel]]
    # Refusal codes of `rule` that a desk role may set aside with a reason, and the least role for each
    # (see core/overrides.py). Actions that list some implement `rule_overridden` and take `override=` in
    # preview and perform, so their service re-checks every other rule and records the override.
    overridable: ClassVar[dict[str, str]] = {}

    def override_for(self, *, actor: Actor, reason: str) -> RuleOverride:
        """The override this actor may make here (PermissionDenied for customers and too low a role)."""
        return rule_override(actor=actor, reason=reason, allowed=dict(self.overridable))

    def for_actor(self, answer: Eligibility, *, actor: Actor) -> Eligibility:
        """Where who asks changes the answer. Today every actor gets the customer-facing rules; the desk's
        overrides ("an agent may", "a lead approves above this amount") are decided here, per action."""
        return answer

    def eligibility(
        self,
        *,
        order: Order,
        actor: Actor,
        now: dt.datetime | None = None,
        facts: OrderFacts | None = None,
        override: RuleOverride | None = None,
    ) -> Eligibility:
        """Whether `actor` may do this to `order` now, with the reason: cheap, no writes.

        The store's rule (`rule`) adapted to who asks (`for_actor`), so no action can skip the second
        step. `facts` are the rows already read (the order page passes them), so listing every action
        costs one read of the facts, not one per action. With an `override` (from `override_for`), the
        rule is asked with the overridden codes set aside."""
        if self.for_agents and not actor.is_agent:  # who asks comes first: no query for a customer
            return self.agents_only
        if override is not None:
            answer = self.rule_overridden(order=order, now=now, override=override)
            return self.for_actor(answer, actor=actor)
        return self.for_actor(self.rule(order=order, now=now, facts=facts), actor=actor)

    def agents_gate(self, actor: Actor) -> None:
        """Preview and perform of an agents-only action call this first: NotEligible for anyone else."""
        if self.for_agents and not actor.is_agent:
            self.agents_only.require()

    def rule_overridden(
        self, *, order: Order, now: dt.datetime | None = None, override: RuleOverride
    ) -> Eligibility:
        """The store's rule with `override.codes` set aside; refused ("override_not_needed") when no
        such rule refuses anything, so an override is only recorded where it changed the answer."""
        raise NotImplementedError(f"{type(self).__name__} lists no rule that can be set aside")

    def rule(
        self, *, order: Order, now: dt.datetime | None = None, facts: OrderFacts | None = None
    ) -> Eligibility:
        """The store's rule for this order, the same for every actor. Actions implement it (or, when the
        answer depends on who asks in a way `for_actor` doesn't express, override `eligibility`)."""
        raise NotImplementedError(f"{type(self).__name__} implements neither rule() nor eligibility()")

    @abc.abstractmethod
    def preview(self, *, order: Order, actor: Actor, params: Mapping[str, Any]) -> ActionPreview:
        """What `perform` with these params would do. Raises NotEligible or InvalidInput like perform."""

    @abc.abstractmethod
    def perform(
        self,
        *,
        order: Order,
        actor: Actor,
        params: Mapping[str, Any],
        idempotency_key: str | None = None,
    ) -> ActionResult:
        """Do it in one transaction: lock, re-check eligibility, change, audit, outbox."""


_REGISTRY: dict[str, OrderAction] = {}


def register(action_class: type[OrderAction]) -> type[OrderAction]:
    """Class decorator: add one instance of the action to the registry (ids are unique)."""
    action_id = action_class.id
    if action_id in _REGISTRY and type(_REGISTRY[action_id]) is not action_class:
        raise ValueError(f"two actions claim the id {action_id!r}")
    _REGISTRY[action_id] = action_class()
    return action_class


def action_get(action_id: str) -> OrderAction:
    try:
        return _REGISTRY[action_id]
    except KeyError:
        raise NotFound("There is no such action.", code="unknown_action") from None


def actions_all() -> list[OrderAction]:
    """Every registered action, in registration order (the order interfaces list them in)."""
    return list(_REGISTRY.values())


def is_registered(action_id: str) -> bool:
    return action_id in _REGISTRY


def order_actions(
    order: Order,
    actor: Actor,
    *,
    facts: OrderFacts | None = None,
    now: dt.datetime | None = None,
) -> dict[str, Eligibility]:
    """Every registered action of the order with its eligibility for `actor`, from one read of the facts
    (pass `facts` built from rows already fetched, as the order page does)."""
    from django.utils import timezone

    from shopdesk.payments.order_facts import order_facts

    now = now or timezone.now()
    facts = facts or order_facts(order)
    return {
        action.id: action.eligibility(order=order, actor=actor, now=now, facts=facts)
        for action in actions_all()
    }
