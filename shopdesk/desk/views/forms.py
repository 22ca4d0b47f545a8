"""The ticket page's forms (POST, then back to the ticket): reply, note, status, assign, triage, merge,
and an order action from the sidebar (preview first, then perform)."""

from __future__ import annotations

import json
import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.views.decorators.http import require_POST

from shopdesk.core.errors import DomainError, NotFound
from shopdesk.desk.attachments import IncomingFile
from shopdesk.desk.enums import TicketStatus
from shopdesk.desk.models import Ticket
from shopdesk.desk.roles import agent_actor
from shopdesk.desk.selectors import ticket_get
from shopdesk.desk.services.case_decisions import ticket_case_decide
from shopdesk.desk.services.messages import ticket_note, ticket_reply
from shopdesk.desk.services.order_actions import order_action_perform, order_action_preview, order_for_desk
from shopdesk.desk.services.tickets import (
    ticket_assign,
    ticket_assign_round_robin,
    ticket_merge,
    ticket_status_change,
    ticket_triage,
)
from shopdesk.desk.views.access import desk_agent_required, request_agent


def _ticket(reference: str) -> Ticket:
    try:
        return ticket_get(reference=reference)
    except NotFound:
        raise Http404("No such ticket") from None


def _back(ticket: Ticket, anchor: str = "") -> HttpResponseRedirect:
    return HttpResponseRedirect(f"/desk/tickets/{ticket.reference}/{anchor}")


def _files(request: HttpRequest) -> list[IncomingFile]:
    return [IncomingFile(f.name or "attachment", f.read()) for f in request.FILES.getlist("attachments")[:6]]


def _run(request: HttpRequest, ticket: Ticket, done: str, work: Any) -> HttpResponseRedirect:
    try:
        work()
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    return _back(ticket)


@require_POST
@desk_agent_required
def reply(request: HttpRequest, reference: str) -> HttpResponse:
    ticket = _ticket(reference)
    status = request.POST.get("status") or TicketStatus.PENDING
    return _run(
        request,
        ticket,
        "Reply sent.",
        lambda: ticket_reply(
            ticket=ticket,
            author=request_agent(request),
            body=request.POST.get("body", ""),
            status_after=status,
            files=_files(request),
        ),
    )


@require_POST
@desk_agent_required
def note(request: HttpRequest, reference: str) -> HttpResponse:
    ticket = _ticket(reference)
    return _run(
        request,
        ticket,
        "Note added.",
        lambda: ticket_note(
            ticket=ticket,
            author=request_agent(request),
            body=request.POST.get("body", ""),
            files=_files(request),
        ),
    )


@require_POST
@desk_agent_required
def status(request: HttpRequest, reference: str) -> HttpResponse:
    ticket = _ticket(reference)
    actor = agent_actor(request_agent(request))
    new = request.POST.get("status", "")
    return _run(
        request,
        ticket,
        "Status changed.",
        lambda: ticket_status_change(ticket=ticket, status=new, actor=actor),
    )


@require_POST
@desk_agent_required
def assign(request: HttpRequest, reference: str) -> HttpResponse:
    ticket = _ticket(reference)
    actor = agent_actor(request_agent(request))
    choice = request.POST.get("assignee", "")

    def work() -> None:
        if choice == "round-robin":
            ticket_assign_round_robin(ticket=ticket, actor=actor)
            return
        if choice == "me":
            user: Any = request_agent(request)
        elif choice == "":
            user = None
        else:
            user = get_user_model().objects.filter(pk=int(choice) if choice.isdigit() else -1).first()
            if user is None:
                raise NotFound("There is no such agent.")
        ticket_assign(ticket=ticket, assignee=user, actor=actor)

    return _run(request, ticket, "Assignment saved.", work)


@require_POST
@desk_agent_required
def triage(request: HttpRequest, reference: str) -> HttpResponse:
    ticket = _ticket(reference)
    actor = agent_actor(request_agent(request))
    tags = request.POST.get("tags", "").replace(",", " ").split()
    return _run(
        request,
        ticket,
        "Saved.",
        lambda: ticket_triage(
            ticket=ticket,
            actor=actor,
            priority=request.POST.get("priority") or None,
            topic=request.POST.get("topic") or None,
            tags=tags,
        ),
    )


@require_POST
@desk_agent_required
def merge(request: HttpRequest, reference: str) -> HttpResponse:
    source = _ticket(reference)
    actor = agent_actor(request_agent(request))
    try:
        target = ticket_get(reference=request.POST.get("into", "").strip())
        ticket_merge(source=source, target=target, actor=actor)
    except DomainError as exc:
        messages.error(request, exc.message)
        return _back(source)
    messages.success(request, f"{source.reference} was merged into {target.reference}.")
    return _back(target)


@require_POST
@desk_agent_required
def case_decision(request: HttpRequest, reference: str) -> HttpResponse:
    """Approve or reject the return or payment check behind a case ticket."""
    ticket = _ticket(reference)
    decision = request.POST.get("decision", "")
    if decision not in ("approve", "reject"):
        messages.error(request, "Choose approve or reject.")
        return _back(ticket)
    try:
        done = ticket_case_decide(
            ticket=ticket,
            user=request_agent(request),
            approve=decision == "approve",
            note=request.POST.get("note", ""),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done.message)
    return _back(ticket)


@require_POST
@desk_agent_required
def order_action(request: HttpRequest, number: str, action_id: str) -> HttpResponse:
    """Preview (the first press), then perform with the idempotency key the preview page carries."""
    ticket = _ticket(request.POST.get("ticket", ""))
    actor = agent_actor(request_agent(request))
    try:
        order = order_for_desk(number=number)
        raw_params = request.POST.get("params", "").strip() or "{}"
        try:
            params = json.loads(raw_params)
        except json.JSONDecodeError:
            params = None
        if not isinstance(params, dict):
            messages.error(request, 'The parameters must be a JSON object, e.g. {"reason": "…"}.')
            return _back(ticket)
        # The checkbox asks for the override; its reason is required (an empty one is refused).
        override_reason = (
            request.POST.get("override_reason", "") if request.POST.get("override") == "1" else None
        )
        if request.POST.get("confirm") != "1":
            preview = order_action_preview(
                order=order, action_id=action_id, actor=actor, params=params, override_reason=override_reason
            )
            return render(
                request,
                "desk/action_preview.html",
                {
                    "ticket": ticket,
                    "order": order,
                    "action_id": action_id,
                    "preview": preview,
                    "params": json.dumps(params),
                    "key": uuid.uuid4().hex,
                    "override_reason": " ".join((override_reason or "").split()),
                },
            )
        result = order_action_perform(
            order=order,
            action_id=action_id,
            actor=actor,
            params=params,
            idempotency_key=f"desk:{request.POST.get('key', '')[:64]}" if request.POST.get("key") else None,
            ticket=ticket,
            override_reason=override_reason,
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return _back(ticket)
    messages.success(request, result.message)
    return _back(ticket)
