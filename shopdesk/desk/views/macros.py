"""Macros on the desk: pick one on a ticket, preview it (text and action), then send; leads and admins
keep the list (new, from a help article, edit, delete)."""

from __future__ import annotations

import json
import uuid

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.views.decorators.http import require_http_methods, require_POST

from shopdesk.core.actors import AgentRole
from shopdesk.core.errors import DomainError, NotFound
from shopdesk.desk.enums import TicketStatus
from shopdesk.desk.macro_text import TICKET_PLACEHOLDERS
from shopdesk.desk.models import Macro
from shopdesk.desk.roles import role_at_least
from shopdesk.desk.selectors import ticket_get
from shopdesk.desk.services.macros import (
    macro_apply,
    macro_body_from_article,
    macro_delete,
    macro_get,
    macro_preview,
    macro_save,
)
from shopdesk.desk.views.access import desk_agent_required, request_agent
from shopdesk.helpcenter.selectors import published_articles
from shopdesk.selfservice.registry import actions_all

REPLY_STATUSES = [
    (value, label)
    for value, label in TicketStatus.choices
    if value not in (TicketStatus.NEW, TicketStatus.CLOSED)
]


@require_POST
@desk_agent_required
def ticket_macro(request: HttpRequest, reference: str) -> HttpResponse:
    """First press: the preview (editable text, the action's own preview). Confirm: act, then reply."""
    try:
        ticket = ticket_get(reference=reference)
    except NotFound:
        raise Http404("No such ticket") from None
    back = HttpResponseRedirect(f"/desk/tickets/{ticket.reference}/")
    agent = request_agent(request)
    try:
        macro = macro_get(pk=int(request.POST.get("macro") or 0))
        if request.POST.get("confirm") != "1":
            preview = macro_preview(macro=macro, ticket=ticket, author=agent)
            return render(
                request,
                "desk/macro_preview.html",
                {"ticket": ticket, "macro": macro, "preview": preview, "key": uuid.uuid4().hex},
            )
        applied = macro_apply(
            macro=macro,
            ticket=ticket,
            author=agent,
            body=request.POST.get("body"),
            idempotency_key=request.POST.get("key", "")[:64] or None,
        )
    except (ValueError, DomainError) as exc:
        messages.error(request, getattr(exc, "message", "Choose a macro."))
        return back
    if applied.action is not None:
        messages.success(request, applied.action.message)
    messages.success(request, "Reply sent." if applied.message else "Already done: nothing sent again.")
    return back


def _lead_required(request: HttpRequest) -> HttpResponse | None:
    if not role_at_least(request_agent(request), AgentRole.LEAD):
        return render(request, "desk/forbidden.html", status=403)
    return None


@require_http_methods(["GET"])
@desk_agent_required
def macro_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "desk/macros.html",
        {
            "macros": Macro.objects.order_by("name"),
            "may_manage": role_at_least(request_agent(request), AgentRole.LEAD),
            "articles": published_articles().order_by("title").values_list("slug", "title"),
        },
    )


@require_http_methods(["GET", "POST"])
@desk_agent_required
def macro_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    if (refused := _lead_required(request)) is not None:
        return refused
    macro = None
    if pk is not None:
        try:
            macro = macro_get(pk=pk, active_only=False)
        except NotFound:
            raise Http404("No such macro") from None
    form = {
        "name": macro.name if macro else "",
        "body": macro.body if macro else "",
        "article_slug": macro.article_slug if macro else request.GET.get("article", ""),
        "action_id": macro.action_id if macro else "",
        "action_params": json.dumps(macro.action_params) if macro and macro.action_params else "",
        "status_after": macro.status_after if macro else TicketStatus.PENDING,
        "active": macro.active if macro else True,
    }
    error = ""
    if request.method == "GET" and macro is None and form["article_slug"]:
        try:
            form["body"] = macro_body_from_article(slug=str(form["article_slug"]))
        except DomainError as exc:
            error = exc.message
    if request.method == "POST":
        form = {key: request.POST.get(key, "") for key in form} | {
            "active": request.POST.get("active") == "on"
        }
        try:
            params = json.loads(str(form["action_params"]).strip() or "{}")
            if not isinstance(params, dict):
                raise ValueError
        except ValueError:
            error = 'The action parameters must be a JSON object, e.g. {"reason": "customer asked"}.'
        else:
            try:
                saved = macro_save(
                    author=request_agent(request),
                    macro=macro,
                    name=str(form["name"]),
                    body=str(form["body"]),
                    article_slug=str(form["article_slug"]),
                    action_id=str(form["action_id"]),
                    action_params=params,
                    status_after=str(form["status_after"]),
                    active=bool(form["active"]),
                )
            except DomainError as exc:
                error = exc.message
            else:
                messages.success(request, f"Macro “{saved.name}” saved.")
                return HttpResponseRedirect("/desk/macros/")
    return render(
        request,
        "desk/macro_form.html",
        {
            "macro": macro,
            "form": form,
            "error": error,
            "actions": [(action.id, action.label) for action in actions_all()],
            "statuses": REPLY_STATUSES,
            "placeholders": sorted(TICKET_PLACEHOLDERS),
        },
        status=422 if error and request.method == "POST" else 200,
    )


@require_POST
@desk_agent_required
def macro_remove(request: HttpRequest, pk: int) -> HttpResponse:
    if (refused := _lead_required(request)) is not None:
        return refused
    try:
        macro = macro_get(pk=pk, active_only=False)
    except NotFound:
        raise Http404("No such macro") from None
    macro_delete(author=request_agent(request), macro=macro)
    messages.success(request, f"Macro “{macro.name}” deleted.")
    return HttpResponseRedirect("/desk/macros/")
