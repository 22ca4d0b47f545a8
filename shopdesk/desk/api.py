"""The desk's REST endpoints, mounted by shopdesk/api/api.py:

    POST /api/v1/contact                       the contact form (public, rate limited) → 201 {reference}
    POST /api/v1/inbound/email                 one raw message/rfc822 (Bearer SHOPDESK_INBOUND_TOKEN)
    /api/v1/desk/…                             agents (Bearer agent token from `shopdesk desk token EMAIL`)

Errors use the API's envelope: {"error": {"code", "message", …}}.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hmac
from typing import TYPE_CHECKING, Any, Literal, cast

from django.conf import settings
from django.contrib.auth import get_user_model
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.responses import Status
from ninja.security import HttpBearer
from pydantic import ConfigDict

from shopdesk.access.errors import RateLimited
from shopdesk.access.selectors import access_for_token
from shopdesk.api.schemas.results import ErrorOut
from shopdesk.core.actors import AgentRole
from shopdesk.core.errors import DomainError, InvalidInput, NotFound
from shopdesk.core.text import CleanText
from shopdesk.desk.attachments import IncomingFile
from shopdesk.desk.enums import TicketPriority, TicketStatus, TicketTopic
from shopdesk.desk.models import ActionApproval, Macro, Ticket, TicketMessage
from shopdesk.desk.order_sidebar import order_actions_for_agent
from shopdesk.desk.roles import agent_actor, require_role
from shopdesk.desk.selectors import ticket_conversation, ticket_get, tickets_count_capped, tickets_inbox
from shopdesk.desk.services.agents import agent_token_authenticate
from shopdesk.desk.services.approvals import approval_approve, approval_get, approval_reject
from shopdesk.desk.services.case_decisions import ticket_case, ticket_case_decide
from shopdesk.desk.services.contact import contact_submit
from shopdesk.desk.services.inbound import inbound_email_receive
from shopdesk.desk.services.macros import macro_apply, macro_get, macro_preview
from shopdesk.desk.services.messages import ticket_note, ticket_reply
from shopdesk.desk.services.order_actions import order_action_perform, order_action_preview, order_for_desk
from shopdesk.desk.services.tickets import (
    ticket_assign,
    ticket_assign_round_robin,
    ticket_merge,
    ticket_status_change,
    ticket_triage,
)
from shopdesk.desk.sla import SlaClock, ticket_sla

if TYPE_CHECKING:
    from django.contrib.auth.models import User

PAGE_SIZE_MAX = 100


class Unauthorized(DomainError):
    code = "unauthorized"
    http_status = 401


class StrictIn(Schema, CleanText):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


def _client_ip(request: HttpRequest) -> str:
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def _agent(request: HttpRequest) -> User:
    """The agent behind the bearer token of a desk endpoint (set by AgentBearer)."""
    return cast("User", request.auth)  # type: ignore[attr-defined]


def _bearer(request: HttpRequest) -> str:
    scheme, _, secret = request.headers.get("Authorization", "").partition(" ")
    return secret.strip() if scheme.lower() == "bearer" else ""


# --- contact -----------------------------------------------------------------------------------
contact_router = Router(tags=["contact"])


class AttachmentIn(StrictIn):
    filename: str = Field(min_length=1, max_length=200)
    content_base64: str = Field(min_length=1, max_length=14_000_000)


class ContactIn(StrictIn):
    email: str = Field(min_length=3, max_length=254, examples=["ada@example.com"])
    name: str = Field(default="", max_length=200)
    topic: TicketTopic = Field(examples=["order_status"])
    message: str = Field(min_length=2, max_length=10_000)
    order_number: str | None = Field(default=None, max_length=40, examples=["KW10000001"])
    attachments: list[AttachmentIn] = Field(default_factory=list, max_length=5)


class ContactOut(Schema):
    reference: str


@contact_router.post("", response={201: ContactOut}, summary="Write to customer care (opens a ticket)")
def contact(request: HttpRequest, payload: ContactIn) -> Any:
    """Opens a ticket and emails an acknowledgement. An order is linked only when its number and the
    email match, or the customer's session (optional `Authorization: Bearer`) covers it."""
    files = []
    for item in payload.attachments:
        try:
            files.append(IncomingFile(item.filename, base64.b64decode(item.content_base64, validate=True)))
        except (binascii.Error, ValueError):
            raise InvalidInput(
                f"{item.filename}: the content is not valid base64.", code="attachment_invalid"
            ) from None
    token = _bearer(request)
    try:
        ticket = contact_submit(
            email=payload.email,
            name=payload.name,
            topic=payload.topic,
            message=payload.message,
            order_number=payload.order_number or "",
            access=access_for_token(token=token) if token else None,
            client_ip=_client_ip(request),
            files=files,
        )
    except RateLimited as exc:
        return JsonResponse(
            {"error": exc.as_dict()}, status=429, headers={"Retry-After": str(exc.retry_after)}
        )
    return Status(201, {"reference": ticket.reference})


# --- inbound email -----------------------------------------------------------------------------
inbound_router = Router(tags=["inbound email"])


class InboundOut(Schema):
    reference: str | None
    created: bool
    ignored: str = ""


@inbound_router.post(
    "/email",
    # 401: a missing or wrong SHOPDESK_INBOUND_TOKEN (the view checks it, so no `security` entry says so).
    response={200: InboundOut, 201: InboundOut, 401: ErrorOut},
    summary="Receive one email (raw message/rfc822)",
    openapi_extra={
        "requestBody": {"required": True, "content": {"message/rfc822": {"schema": {"type": "string"}}}}
    },
)
def inbound_email(request: HttpRequest) -> Any:
    """As mail providers post it: the raw message as the body, `Authorization: Bearer` with the
    installation's SHOPDESK_INBOUND_TOKEN. 201 for a new ticket, 200 for a reply or an ignored robot mail."""
    expected = settings.SHOPDESK_INBOUND_TOKEN
    given = _bearer(request)
    if not expected:
        raise Unauthorized(
            "Inbound email is not configured (SHOPDESK_INBOUND_TOKEN).", code="inbound_disabled"
        )
    if not given or not hmac.compare_digest(given.encode(), expected.encode()):
        raise Unauthorized("The inbound token is not valid.", code="token_invalid")
    outcome = inbound_email_receive(raw=request.body)
    body = {
        "reference": outcome.ticket.reference if outcome.ticket else None,
        "created": outcome.created,
        "ignored": outcome.ignored,
    }
    return Status(201 if outcome.created else 200, body)


# --- the desk API --------------------------------------------------------------------------------
class AgentBearer(HttpBearer):
    """`Authorization: Bearer sdk_…` from `shopdesk desk token EMAIL`; every failure is a 401 envelope."""

    openapi_description = "An agent token from `shopdesk desk token EMAIL`."

    def __call__(self, request: HttpRequest) -> Any:
        token = _bearer(request)
        if not token:
            raise Unauthorized("Send an agent token: Authorization: Bearer <token>.", code="token_missing")
        return self.authenticate(request, token)

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = agent_token_authenticate(token)
        if user is None:
            raise Unauthorized("The agent token is not valid or was revoked.", code="token_invalid")
        return user


desk_router = Router(tags=["desk"], auth=AgentBearer())


class SlaClockOut(Schema):
    status: Literal["ok", "at_risk", "breached", "met", "paused", "none"]
    due_at: dt.datetime | None
    done_at: dt.datetime | None
    business_seconds_left: int | None = Field(description="Negative once overdue; null once done.")


class SlaOut(Schema):
    status: Literal["ok", "at_risk", "breached", "met", "paused", "none"] = Field(
        description="The worse of the two."
    )
    first_response: SlaClockOut
    resolution: SlaClockOut


def _sla_clock(clock: SlaClock) -> dict[str, Any]:
    return {
        "status": clock.status,
        "due_at": clock.due_at,
        "done_at": clock.done_at,
        "business_seconds_left": int(clock.left.total_seconds()) if clock.left is not None else None,
    }


def _sla(ticket: Ticket, now: dt.datetime) -> dict[str, Any]:
    state = ticket_sla(ticket, now=now)
    return {
        "status": state.worst,
        "first_response": _sla_clock(state.first_response),
        "resolution": _sla_clock(state.resolution),
    }


class TicketSummaryOut(Schema):
    reference: str
    subject: str
    status: str
    priority: str
    topic: str
    channel: str
    customer_email: str
    customer_name: str
    order_number: str | None
    assignee: str | None
    updated_at: dt.datetime
    sla: SlaOut


class AttachmentOut(Schema):
    filename: str
    content_type: str
    size: int


class TicketMessageOut(Schema):
    id: int
    kind: str
    author: str
    body: str
    automated: bool
    created_at: dt.datetime
    attachments: list[AttachmentOut]


class TicketOut(TicketSummaryOut):
    tags: list[str]
    team: str
    order_number_given: str
    created_at: dt.datetime
    merged_into: str | None
    messages: list[TicketMessageOut]


class TicketPageOut(Schema):
    count: int
    count_capped: bool = Field(description="true when there are more than `count` tickets")
    page: int
    pages: int
    results: list[TicketSummaryOut]


def _summary(ticket: Ticket, now: dt.datetime | None = None) -> dict[str, Any]:
    return {
        "sla": _sla(ticket, now or timezone.now()),
        "reference": ticket.reference,
        "subject": ticket.subject,
        "status": ticket.status,
        "priority": ticket.priority,
        "topic": ticket.topic,
        "channel": ticket.channel,
        "customer_email": ticket.customer_email,
        "customer_name": ticket.customer_name,
        "order_number": ticket.order.number if ticket.order_id and ticket.order else None,
        "assignee": ticket.assignee.get_username() if ticket.assignee else None,
        "updated_at": ticket.updated_at,
    }


def _message(message: TicketMessage) -> dict[str, Any]:
    return {
        "id": message.pk,
        "kind": message.kind,
        "author": message.author_label,
        "body": message.body,
        "automated": message.automated,
        "created_at": message.created_at,
        "attachments": [
            {"filename": a.filename, "content_type": a.content_type, "size": a.size}
            for a in message.attachments.all()
        ],
    }


def _ticket_out(reference: str) -> dict[str, Any]:
    ticket = ticket_get(reference=reference)
    return {
        **_summary(ticket),
        "tags": list(ticket.tags.values_list("name", flat=True)),
        "team": ticket.team,
        "order_number_given": ticket.order_number_given,
        "created_at": ticket.created_at,
        "merged_into": ticket.merged_into.reference if ticket.merged_into else None,
        "messages": [_message(message) for message in ticket_conversation(ticket=ticket)],
    }


class TicketFilters(Schema):
    view: Literal["mine", "unassigned", "open", "breaching", "topic", "tag", "all"] = "all"
    q: str = Field(default="", max_length=200)
    topic: str = ""
    tag: str = ""
    page: int = Field(default=1, ge=1)
    page_size: int = Field(default=25, ge=1, le=PAGE_SIZE_MAX)


@desk_router.get("/tickets", response=TicketPageOut, summary="List and search tickets")
def tickets_list(request: HttpRequest, filters: Query[TicketFilters]) -> Any:
    tickets = tickets_inbox(
        view=filters.view, user=_agent(request), topic=filters.topic, tag=filters.tag, q=filters.q
    )
    count, capped = tickets_count_capped(tickets)
    pages = max(1, -(-count // filters.page_size))
    start = (filters.page - 1) * filters.page_size
    rows = list(tickets[start : start + filters.page_size])
    now = timezone.now()
    return {
        "count": count,
        "count_capped": capped,
        "page": filters.page,
        "pages": pages,
        "results": [_summary(t, now) for t in rows],
    }


@desk_router.get(
    "/tickets/{reference}", response=TicketOut, summary="A ticket with its conversation and notes"
)
def ticket_read(request: HttpRequest, reference: str) -> Any:
    return _ticket_out(reference)


class ReplyIn(StrictIn):
    body: str = Field(min_length=1, max_length=20_000)
    status: TicketStatus = TicketStatus.PENDING


class NoteIn(StrictIn):
    body: str = Field(min_length=1, max_length=20_000)


@desk_router.post(
    "/tickets/{reference}/replies",
    response={201: TicketMessageOut},
    summary="Reply to the customer (by email)",
)
def reply(request: HttpRequest, reference: str, payload: ReplyIn) -> Any:
    ticket = ticket_get(reference=reference)
    message = ticket_reply(
        ticket=ticket, author=_agent(request), body=payload.body, status_after=payload.status
    )
    return Status(201, _message(message))


@desk_router.post(
    "/tickets/{reference}/notes", response={201: TicketMessageOut}, summary="Add an internal note"
)
def note(request: HttpRequest, reference: str, payload: NoteIn) -> Any:
    ticket = ticket_get(reference=reference)
    message = ticket_note(ticket=ticket, author=_agent(request), body=payload.body)
    return Status(201, _message(message))


class TicketPatchIn(StrictIn):
    status: TicketStatus | None = None
    # An agent's email or username, "me", "round-robin", or "" to unassign.
    assignee: str | None = Field(default=None, max_length=254)
    priority: TicketPriority | None = None
    topic: TicketTopic | None = None
    tags: list[str] | None = Field(default=None, max_length=20)


@desk_router.patch(
    "/tickets/{reference}", response=TicketOut, summary="Change status, assignee, priority, topic or tags"
)
def ticket_update(request: HttpRequest, reference: str, payload: TicketPatchIn) -> Any:
    user = _agent(request)
    actor = agent_actor(user)
    ticket = ticket_get(reference=reference)
    if payload.priority is not None or payload.topic is not None or payload.tags is not None:
        ticket_triage(
            ticket=ticket, actor=actor, priority=payload.priority, topic=payload.topic, tags=payload.tags
        )
    if payload.assignee is not None:
        if payload.assignee == "round-robin":
            ticket_assign_round_robin(ticket=ticket, actor=actor)
        else:
            ticket_assign(ticket=ticket, assignee=_assignee(payload.assignee, user), actor=actor)
    if payload.status is not None:
        ticket_status_change(ticket=ticket, status=payload.status, actor=actor)
    return _ticket_out(reference)


def _assignee(value: str, me: Any) -> Any:
    if value == "":
        return None
    if value == "me":
        return me
    user = (
        get_user_model().objects.filter(username=value.lower()).first()
        or get_user_model().objects.filter(email=value.lower()).first()
    )
    if user is None:
        raise InvalidInput("No agent with that email.", code="assignee_not_agent")
    return user


class MergeIn(StrictIn):
    into: str = Field(min_length=3, max_length=16, description="The reference of the ticket that stays.")


@desk_router.post(
    "/tickets/{reference}/merge",
    response=TicketOut,
    summary="Merge this ticket into another of the same customer (leads)",
)
def merge(request: HttpRequest, reference: str, payload: MergeIn) -> Any:
    actor = agent_actor(_agent(request))
    target = ticket_merge(
        source=ticket_get(reference=reference), target=ticket_get(reference=payload.into), actor=actor
    )
    return _ticket_out(target.reference)


class CaseDecisionIn(StrictIn):
    decision: Literal["approve", "reject"]
    note: str = Field(default="", max_length=200, description="Required to reject: the customer is told.")


class CaseDecisionOut(Schema):
    message: str
    case: str
    status: str
    approval_pending: bool = Field(
        default=False,
        description="True when an agent's rejection refunds more than an agent may refund alone: nothing "
        "was decided, a lead approves the request on the approvals page.",
    )


@desk_router.post(
    "/tickets/{reference}/case-decision",
    response=CaseDecisionOut,
    summary="Approve or reject the return or payment check behind a case ticket",
)
def case_decision(request: HttpRequest, reference: str, payload: CaseDecisionIn) -> Any:
    user = _agent(request)
    ticket = ticket_get(reference=reference)
    done = ticket_case_decide(
        ticket=ticket, user=user, approve=payload.decision == "approve", note=payload.note
    )
    case = ticket_case(ticket)
    return {
        "message": done.message,
        "case": case.label if case else "",
        "status": case.status if case else "",
        "approval_pending": done.approval_pending,
    }


class ActionOut(Schema):
    id: str
    label: str
    allowed: bool
    code: str
    message: str
    needs_approval: bool = False
    can_override: bool = False


@desk_router.get(
    "/orders/{number}/actions",
    response=list[ActionOut],
    summary="Every order action with its eligibility for you",
)
def order_actions(request: HttpRequest, number: str) -> Any:
    actor = agent_actor(_agent(request))
    order = order_for_desk(number=number)
    return [
        {"id": a.id, "label": a.label, **a.eligibility.as_dict(), "can_override": a.can_override}
        for a in order_actions_for_agent(order=order, actor=actor)
    ]


class OverrideIn(StrictIn):
    reason: str = Field(
        min_length=1,
        max_length=500,
        pattern=r"\S",
        description="Why the rule is set aside: kept on the order's and the ticket's history.",
    )


class ActionIn(StrictIn):
    params: dict[str, Any] = Field(default_factory=dict)
    ticket: str | None = Field(default=None, max_length=16, description="The ticket this action answers.")
    preview: bool = False
    override: OverrideIn | None = Field(
        default=None,
        description="Set aside the rules of the action an agent of your role may override "
        "(the action's `can_override`); every other rule and the money limits still apply.",
    )


class ActionResultOut(Schema):
    message: str
    data: dict[str, Any]
    replayed: bool = False
    preview: bool = False


@desk_router.post(
    "/orders/{number}/actions/{action_id}",
    response=ActionResultOut,
    summary="Preview or perform an order action as the agent",
)
def order_action(request: HttpRequest, number: str, action_id: str, payload: ActionIn) -> Any:
    """The action's own eligibility, preview and audit apply, with the agent (and role) as actor.
    Send an `Idempotency-Key` header so a retried request never acts twice."""
    actor = agent_actor(_agent(request))
    order = order_for_desk(number=number)
    override_reason = payload.override.reason if payload.override is not None else None
    if payload.preview:
        shown = order_action_preview(
            order=order,
            action_id=action_id,
            actor=actor,
            params=payload.params,
            override_reason=override_reason,
        )
        return {"message": shown.message, "data": shown.data, "preview": True}
    ticket = ticket_get(reference=payload.ticket) if payload.ticket else None
    if (
        ticket is not None
        and ticket.order_id not in (None, order.pk)
        and ticket.customer_email != order.email
    ):
        raise NotFound("That ticket is not about this order.", code="ticket_not_found")
    key = request.headers.get("Idempotency-Key") or None
    result = order_action_perform(
        order=order,
        action_id=action_id,
        actor=actor,
        params=payload.params,
        idempotency_key=key,
        ticket=ticket,
        override_reason=override_reason,
    )
    return {"message": result.message, "data": result.data, "replayed": result.replayed}


class MacroOut(Schema):
    id: int
    name: str
    body: str
    action_id: str
    action_params: dict[str, Any]
    status_after: str
    article_slug: str


@desk_router.get("/macros", response=list[MacroOut], summary="The active macros")
def macros_list(request: HttpRequest) -> Any:
    return [
        {
            "id": m.pk,
            "name": m.name,
            "body": m.body,
            "action_id": m.action_id,
            "action_params": m.action_params,
            "status_after": m.status_after,
            "article_slug": m.article_slug,
        }
        for m in Macro.objects.filter(active=True).order_by("name")
    ]


class MacroApplyIn(StrictIn):
    preview: bool = False
    body: str | None = Field(default=None, max_length=20_000, description="The edited text from the preview.")


class MacroApplyOut(Schema):
    body: str
    preview: bool
    action: ActionResultOut | None = None
    message: TicketMessageOut | None = Field(
        default=None, description="The reply sent (null on a preview or a replay)."
    )


@desk_router.post(
    "/tickets/{reference}/macros/{macro_id}",
    response=MacroApplyOut,
    summary="Preview or apply a macro (its action first, as you; nothing is sent if the action is refused)",
)
def macro_use(request: HttpRequest, reference: str, macro_id: int, payload: MacroApplyIn) -> Any:
    user = _agent(request)
    ticket = ticket_get(reference=reference)
    macro = macro_get(pk=macro_id)
    if payload.preview:
        shown = macro_preview(macro=macro, ticket=ticket, author=user)
        action = (
            {"message": shown.action_preview.message, "data": shown.action_preview.data, "preview": True}
            if shown.action_preview
            else None
        )
        return {"body": shown.body, "preview": True, "action": action}
    applied = macro_apply(
        macro=macro,
        ticket=ticket,
        author=user,
        body=payload.body,
        idempotency_key=request.headers.get("Idempotency-Key") or None,
    )
    return {
        "body": applied.message.body if applied.message else "",
        "preview": False,
        "action": (
            {
                "message": applied.action.message,
                "data": applied.action.data,
                "replayed": applied.action.replayed,
            }
            if applied.action
            else None
        ),
        "message": _message(applied.message) if applied.message else None,
    }


class ApprovalOut(Schema):
    id: int
    order_number: str
    ticket: str | None
    action_id: str
    params: dict[str, Any]
    why_needed: str
    preview: str
    status: Literal["pending", "approved", "rejected", "failed"]
    requested_by: str
    requested_at: dt.datetime
    decided_by: str
    decided_at: dt.datetime | None
    decision_note: str
    result_message: str


def _approval(approval: ActionApproval) -> dict[str, Any]:
    return {
        "id": approval.pk,
        "order_number": approval.order.number,
        "ticket": approval.ticket.reference if approval.ticket else None,
        "action_id": approval.action_id,
        "params": approval.params,
        "why_needed": approval.why_needed,
        "preview": approval.preview,
        "status": approval.status,
        "requested_by": approval.requested_by,
        "requested_at": approval.requested_at,
        "decided_by": approval.decided_by,
        "decided_at": approval.decided_at,
        "decision_note": approval.decision_note,
        "result_message": approval.result_message,
    }


@desk_router.get(
    "/approvals", response=list[ApprovalOut], summary="Order actions waiting for (or decided by) a lead"
)
def approvals_list(request: HttpRequest, status: str = "pending") -> Any:
    rows = ActionApproval.objects.select_related("order", "ticket").order_by("-requested_at")
    if status != "all":
        rows = rows.filter(status=status)
    return [_approval(row) for row in rows[:100]]


class ApprovalDecisionIn(StrictIn):
    decision: Literal["approve", "reject"]
    note: str = Field(default="", max_length=500, description="Needed to reject.")


@desk_router.post(
    "/approvals/{approval_id}",
    response=ApprovalOut,
    summary="Approve (the action runs with you as actor) or reject a request (leads and admins)",
)
def approval_decide(request: HttpRequest, approval_id: int, payload: ApprovalDecisionIn) -> Any:
    user = _agent(request)
    require_role(user, AgentRole.LEAD)
    approval = approval_get(pk=approval_id)
    if payload.decision == "approve":
        decided = approval_approve(approval=approval, lead=user, note=payload.note)
    else:
        decided = approval_reject(approval=approval, lead=user, note=payload.note)
    return _approval(decided)
