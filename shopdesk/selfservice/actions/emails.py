"""`resend_confirmation`, `resend_shipping` and `change_email`: the order's emails and its address."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, ClassVar

from pydantic import Field

from shopdesk.core.actors import Actor
from shopdesk.core.eligibility import Eligibility
from shopdesk.core.errors import InvalidInput
from shopdesk.orders.models import Order
from shopdesk.policy import get_policy
from shopdesk.selfservice.actions.params import StrictParams, params_parse
from shopdesk.selfservice.eligibility import OrderFacts, email_change_eligibility, resend_email_eligibility
from shopdesk.selfservice.registry import ActionPreview, ActionResult, OrderAction, action_get, register
from shopdesk.selfservice.services.emails import (
    email_normalise,
    order_email_change_request,
    order_email_resend,
)


class NoParams(StrictParams):
    pass


class _ResendAction(OrderAction):
    """One action per email, so each has its own eligibility (the shipping email needs a package)."""

    template: ClassVar[str]
    what: ClassVar[str]
    api_path = "resend"
    params_model = NoParams

    def rule(
        self, *, order: Order, now: dt.datetime | None = None, facts: OrderFacts | None = None
    ) -> Eligibility:
        answer = resend_email_eligibility(order=order, template=self.template, now=now, facts=facts)
        return answer

    def preview(self, *, order: Order, actor: Actor, params: Mapping[str, Any]) -> ActionPreview:
        params_parse(NoParams, params)
        self.eligibility(order=order, actor=actor).require()
        return ActionPreview(message=f"We'll send the {self.what} again to {order.email}.")

    def perform(
        self,
        *,
        order: Order,
        actor: Actor,
        params: Mapping[str, Any],
        idempotency_key: str | None = None,
    ) -> ActionResult:
        # Not keyed: each resend is a new email, limited per hour by the eligibility rule.
        params_parse(NoParams, params)
        message = order_email_resend(order=order, template=self.template, actor=actor)
        return ActionResult(
            message=f"We're sending it again to {message.to}. It can take a few minutes; "
            "please check your spam folder too.",
            data={"template": message.template, "to": message.to, "status": "queued"},
        )


@register
class ResendConfirmationAction(_ResendAction):
    id = "resend_confirmation"
    label = "Send the confirmation again"
    template = "confirmation"
    what = "order confirmation"


@register
class ResendShippingAction(_ResendAction):
    id = "resend_shipping"
    label = "Send the shipping email again"
    template = "shipped"
    what = "shipping email"


def resend_action_for(template: str) -> OrderAction:
    """The resend action of an email template (the API's `…/resend` names the email in its body)."""
    for action in (ResendConfirmationAction, ResendShippingAction):
        if action.template == template:
            return action_get(action.id)
    raise InvalidInput(
        "Only the order confirmation and the shipping email can be resent.", code="unknown_email"
    )


class EmailChangeParams(StrictParams):
    new_email: str = Field(min_length=3, max_length=254)


@register
class ChangeEmailAction(OrderAction):
    id = "change_email"
    label = "Fix my email address"
    api_path = "email"
    params_model = EmailChangeParams
    title = "Correct the email address"
    confirm_label = "Send the link"

    def rule(
        self, *, order: Order, now: dt.datetime | None = None, facts: OrderFacts | None = None
    ) -> Eligibility:
        return email_change_eligibility(order=order, now=now)

    def preview(self, *, order: Order, actor: Actor, params: Mapping[str, Any]) -> ActionPreview:
        parsed = params_parse(EmailChangeParams, params)
        self.eligibility(order=order, actor=actor).require()
        email = email_normalise(parsed.new_email)
        if email == order.email:
            raise InvalidInput("This is already the email address of the order.", code="same_email")
        if get_policy().orders.email_change_needs_confirmation:
            message = f"We'll send a link to {email}. The order's emails go there once you open it."
        else:
            message = f"We'll change the email of this order to {email}."
        return ActionPreview(message=message, data={"new_email": email})

    def perform(
        self,
        *,
        order: Order,
        actor: Actor,
        params: Mapping[str, Any],
        idempotency_key: str | None = None,
    ) -> ActionResult:
        # Not keyed: a repeated request replaces the pending link (the newest one is the one that works).
        parsed = params_parse(EmailChangeParams, params)
        pending = order_email_change_request(order=order, new_email=parsed.new_email, actor=actor)
        if pending is None:
            return ActionResult(message="The email of this order is changed.", data={"status": "changed"})
        return ActionResult(
            message=f"We've sent a link to {pending.new_email}. The change happens once you open it.",
            data={
                "status": "confirmation_sent",
                "new_email": pending.new_email,
                "expires_at": pending.expires_at.isoformat(),
                "expires_hours": get_policy().orders.email_change_link_hours,
            },
        )
