"""The agents' pages: the inbox (views, search, pages), a ticket with the order beside it, attachments."""

from __future__ import annotations

from typing import cast

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils import timezone
from django.utils.functional import cached_property
from django.views.decorators.http import require_GET, require_POST

from shopdesk.core.errors import InvalidInput, NotFound
from shopdesk.desk.enums import TicketPriority, TicketStatus, TicketTopic
from shopdesk.desk.models import Macro, Ticket, TicketAttachment, TicketTag
from shopdesk.desk.order_sidebar import order_sidebar
from shopdesk.desk.presence import presence_mark, presence_others
from shopdesk.desk.roles import agent_actor, agent_display_name, agent_role
from shopdesk.desk.selectors import (
    INBOX_VIEWS,
    ticket_conversation,
    ticket_events,
    ticket_get,
    ticket_next,
    tickets_count_capped,
    tickets_inbox,
    tickets_of_customer,
)
from shopdesk.desk.services.case_decisions import ticket_case
from shopdesk.desk.services.tickets import agents_active
from shopdesk.desk.sla import ticket_sla
from shopdesk.desk.views.access import desk_agent_required, request_agent

PAGE_SIZE = 25


class CappedPaginator(Paginator):
    """Counts at most COUNT_CAP tickets (the last pages of a huge inbox are reached by searching)."""

    capped = False

    @cached_property
    def count(self) -> int:
        count, self.capped = tickets_count_capped(cast("QuerySet[Ticket]", self.object_list))
        return count


@require_GET
@desk_agent_required
def inbox(request: HttpRequest) -> HttpResponse:
    view = request.GET.get("view", "open")
    topic = request.GET.get("topic", "")
    tag = request.GET.get("tag", "")
    q = request.GET.get("q", "").strip()[:200]
    try:
        tickets = tickets_inbox(view=view, user=request_agent(request), topic=topic, tag=tag, q=q)
    except InvalidInput:
        view, tickets = "open", tickets_inbox(view="open", user=request_agent(request), q=q)
    paginator = CappedPaginator(tickets, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    now = timezone.now()
    rows = [(ticket, ticket_sla(ticket, now=now)) for ticket in page.object_list]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "desk/inbox.html",
        {
            "page": page,
            "rows": rows,
            "count_capped": paginator.capped,
            "view": view,
            "view_label": INBOX_VIEWS.get(view, ""),
            "views": INBOX_VIEWS,
            "topic": topic,
            "tag": tag,
            "q": q,
            "topics": TicketTopic.choices,
            "tags": TicketTag.objects.values_list("name", flat=True).distinct().order_by("name")[:50],
            "query": query.urlencode(),
            "role": agent_role(request_agent(request)),
        },
    )


@require_GET
@desk_agent_required
def ticket_page(request: HttpRequest, reference: str) -> HttpResponse:
    try:
        ticket = ticket_get(reference=reference)
    except NotFound:
        raise Http404("No such ticket") from None
    actor = agent_actor(request_agent(request))
    presence_mark(ticket_id=ticket.pk, user=request_agent(request), mode="viewing")
    sidebar = order_sidebar(ticket=ticket, actor=actor, order_number=request.GET.get("order"))
    return render(
        request,
        "desk/ticket.html",
        {
            "ticket": ticket,
            "sla": ticket_sla(ticket, now=timezone.now()),
            "messages_": ticket_conversation(ticket=ticket),
            "events": ticket_events(ticket=ticket),
            "other_tickets": tickets_of_customer(email=ticket.customer_email, exclude_id=ticket.pk),
            "sidebar": sidebar,
            "case": ticket_case(ticket),
            "agents": agents_active(),
            "statuses": TicketStatus.choices,
            "priorities": TicketPriority.choices,
            "topics": TicketTopic.choices,
            "tags": " ".join(ticket.tags.values_list("name", flat=True)),
            "role": actor.role,
            "macros": Macro.objects.filter(active=True).order_by("name"),
            "may_merge": actor.has_role("lead"),
            "me": agent_display_name(request_agent(request)),
        },
    )


@require_GET
@desk_agent_required
def ticket_next_page(request: HttpRequest, reference: str) -> HttpResponse:
    try:
        current = ticket_get(reference=reference)
    except NotFound:
        raise Http404("No such ticket") from None
    found = ticket_next(user=request_agent(request), after=current)
    return HttpResponseRedirect(f"/desk/tickets/{found.reference}/" if found else "/desk/")


@require_POST
@desk_agent_required
def presence(request: HttpRequest, reference: str) -> JsonResponse:
    """Mark me on this ticket (viewing or replying) and say who else is."""
    try:
        ticket = ticket_get(reference=reference)
    except NotFound:
        return JsonResponse(
            {"error": {"code": "ticket_not_found", "message": "There is no such ticket."}}, status=404
        )
    presence_mark(ticket_id=ticket.pk, user=request_agent(request), mode=request.POST.get("mode", "viewing"))
    others = presence_others(
        ticket_id=ticket.pk,
        user=request_agent(request),
        agent_ids=[int(agent.pk) for agent in agents_active()],
    )
    return JsonResponse({"others": [{"name": p.name, "mode": p.mode} for p in others]})


@require_GET
@desk_agent_required
def attachment(request: HttpRequest, pk: int) -> HttpResponseBase:
    """Agents only, always as a download: a customer's file never renders in the desk's origin."""
    found = TicketAttachment.objects.filter(pk=pk).first()
    if found is None:
        raise Http404("No such file")
    response = FileResponse(
        found.file.open("rb"), as_attachment=True, filename=found.filename, content_type=found.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
