"""Macros: kept by leads and admins, previewed and applied by any agent.

Applying a macro with an action ("cancel and reply") checks the action's eligibility for the agent
first, performs it with the agent as actor, and only then sends the reply: a refused action sends
nothing. A repeated request with the same idempotency key replays the action and sends no second reply.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from shopdesk.core.actors import AgentRole
from shopdesk.core.errors import Conflict, InvalidInput, NotFound
from shopdesk.desk import events
from shopdesk.desk.enums import TicketStatus
from shopdesk.desk.macro_text import absolute_url, macro_text_check, macro_text_render, macro_values
from shopdesk.desk.models import Macro, Ticket, TicketMessage
from shopdesk.desk.roles import agent_actor, require_role
from shopdesk.desk.services.messages import BODY_LIMIT, ticket_reply
from shopdesk.desk.services.order_actions import order_action_perform
from shopdesk.helpcenter.rendering import render_article
from shopdesk.helpcenter.selectors import article_get
from shopdesk.selfservice.registry import ActionPreview, ActionResult, action_get, is_registered

if TYPE_CHECKING:
    from django.contrib.auth.models import User

NAME_LIMIT = 80


@dataclass(frozen=True, slots=True)
class MacroPreview:
    body: str
    action_id: str = ""
    action_label: str = ""
    action_preview: ActionPreview | None = None


@dataclass(frozen=True, slots=True)
class MacroApplied:
    message: TicketMessage | None  # None when a replayed action already sent the reply
    action: ActionResult | None


def _clean(
    *, name: str, body: str, action_id: str, action_params: Mapping[str, Any], status_after: str
) -> tuple[str, str]:
    clean_name = " ".join(name.split())[:NAME_LIMIT]
    if not clean_name:
        raise InvalidInput("Give the macro a name.", code="macro_name_empty")
    text = body.strip()
    if not text:
        raise InvalidInput("Write the macro's reply.", code="body_empty")
    if len(text) > BODY_LIMIT:
        raise InvalidInput(f"A macro is at most {BODY_LIMIT} characters.", code="body_too_long")
    macro_text_check(text)
    if action_id and not is_registered(action_id):
        raise InvalidInput(f"There is no order action {action_id!r}.", code="unknown_action")
    if not isinstance(action_params, Mapping):
        raise InvalidInput("Action parameters are a JSON object.", code="macro_params_invalid")
    if status_after not in TicketStatus.values or status_after in (TicketStatus.NEW, TicketStatus.CLOSED):
        raise InvalidInput("A reply leaves a ticket open, pending, on hold or solved.", code="status_invalid")
    return clean_name, text


def macro_save(
    *,
    author: User,
    name: str,
    body: str,
    macro: Macro | None = None,
    article_slug: str = "",
    action_id: str = "",
    action_params: Mapping[str, Any] | None = None,
    status_after: str = TicketStatus.PENDING,
    active: bool = True,
) -> Macro:
    """Create or update a macro (leads and admins). Placeholders are checked now, not when it is used."""
    require_role(author, AgentRole.LEAD)
    params = dict(action_params or {})
    clean_name, text = _clean(
        name=name, body=body, action_id=action_id, action_params=params, status_after=status_after
    )
    now = timezone.now()
    target = macro or Macro(created_at=now, created_by=author.get_username())
    target.name, target.body, target.article_slug = clean_name, text, article_slug[:120]
    target.action_id, target.action_params, target.status_after = action_id, params, status_after
    target.active, target.updated_at = active, now
    try:
        with transaction.atomic():
            target.save()
    except IntegrityError:
        raise InvalidInput("A macro with that name exists already.", code="macro_name_taken") from None
    return target


def macro_delete(*, author: User, macro: Macro) -> None:
    require_role(author, AgentRole.LEAD)
    macro.delete()


def macro_body_from_article(*, slug: str) -> str:
    """A reply drafted from a help article: a greeting, the article as text, its link and a signature."""
    article = article_get(slug=slug)
    text = render_article(article).text
    return (
        "Hi {{ customer.first_name }},\n\n"
        f"{text}\n\n"
        f"More in our help center: {absolute_url(f'/help/articles/{article.slug}/')}\n\n"
        "Best wishes,\n{{ agent.first_name }}"
    )


def macro_get(*, pk: int, active_only: bool = True) -> Macro:
    macros = Macro.objects.filter(pk=pk)
    if active_only:
        macros = macros.filter(active=True)
    macro = macros.first()
    if macro is None:
        raise NotFound("There is no such macro.", code="macro_not_found")
    return macro


def macro_render_for(*, macro: Macro, ticket: Ticket, author: User, body: str | None = None) -> str:
    """The macro's text (or the agent's edited text) filled in for this ticket."""
    return macro_text_render(
        macro.body if body is None else body,
        macro_values(ticket=ticket, order=ticket.order, agent=author),
    )


def macro_preview(*, macro: Macro, ticket: Ticket, author: User) -> MacroPreview:
    """What applying would send and do. Raises NotEligible or InvalidInput as applying would."""
    actor = agent_actor(author)
    body = macro_render_for(macro=macro, ticket=ticket, author=author)
    if not macro.action_id:
        return MacroPreview(body=body)
    order = _order_of(ticket)
    action = action_get(macro.action_id)
    action.eligibility(order=order, actor=actor).require()
    shown = action.preview(order=order, actor=actor, params=macro.action_params)
    return MacroPreview(body=body, action_id=action.id, action_label=action.label, action_preview=shown)


def _order_of(ticket: Ticket) -> Any:
    if ticket.order is None:
        raise InvalidInput("This macro acts on an order, and the ticket has no order.", code="order_missing")
    return ticket.order


def macro_apply(
    *,
    macro: Macro,
    ticket: Ticket,
    author: User,
    body: str | None = None,
    idempotency_key: str | None = None,
) -> MacroApplied:
    """Run the macro's action (if any) as the agent, then send the reply. Nothing is sent if the action
    is refused; `body` is the agent's edited text from the preview (placeholders are filled again)."""
    actor = agent_actor(author)
    text = macro_render_for(macro=macro, ticket=ticket, author=author, body=body)
    if ticket.status == TicketStatus.CLOSED:
        raise Conflict(
            "This ticket is closed; the customer's next message opens a new one.", code="ticket_closed"
        )
    result = None
    if macro.action_id:
        result = order_action_perform(
            order=_order_of(ticket),
            action_id=macro.action_id,
            actor=actor,
            params=macro.action_params,
            idempotency_key=f"macro:{idempotency_key}" if idempotency_key else None,
            ticket=ticket,
        )
        # A replay was answered by the first request; a request waiting for a lead has done nothing yet:
        # either way the reply (which says it is done) is not sent now.
        if result.replayed or result.data.get("approval_pending"):
            return MacroApplied(message=None, action=result)
    message = ticket_reply(ticket=ticket, author=author, body=text, status_after=macro.status_after)
    with transaction.atomic():
        events.event_macro_applied(
            ticket=ticket, actor=actor, macro_name=macro.name, action_id=macro.action_id
        )
    return MacroApplied(message=message, action=result)
