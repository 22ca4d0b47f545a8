"""Approval requests: every agent sees them; leads and admins approve (the action runs as them) or reject."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_POST

from shopdesk.core.actors import AgentRole
from shopdesk.core.errors import DomainError, NotFound
from shopdesk.desk.models import ActionApproval, ApprovalStatus
from shopdesk.desk.roles import role_at_least
from shopdesk.desk.services.approvals import approval_approve, approval_get, approval_label, approval_reject
from shopdesk.desk.views.access import desk_agent_required, request_agent


@require_GET
@desk_agent_required
def approvals_page(request: HttpRequest) -> HttpResponse:
    rows = ActionApproval.objects.select_related("order", "ticket")
    pending = list(rows.filter(status=ApprovalStatus.PENDING).order_by("requested_at"))
    decided = list(rows.exclude(status=ApprovalStatus.PENDING).order_by("-decided_at")[:20])
    for item in (*pending, *decided):
        item.action_label = approval_label(item.action_id)  # type: ignore[attr-defined]
    return render(
        request,
        "desk/approvals.html",
        {
            "pending": pending,
            "decided": decided,
            "may_decide": role_at_least(request_agent(request), AgentRole.LEAD),
        },
    )


@require_POST
@desk_agent_required
def approval_decide(request: HttpRequest, pk: int) -> HttpResponse:
    if not role_at_least(request_agent(request), AgentRole.LEAD):
        return render(request, "desk/forbidden.html", status=403)
    try:
        approval = approval_get(pk=pk)
    except NotFound:
        raise Http404("No such request") from None
    note = request.POST.get("note", "")
    try:
        if request.POST.get("decision") == "approve":
            done = approval_approve(approval=approval, lead=request_agent(request), note=note)
            messages.success(request, done.result_message or "Approved.")
        else:
            approval_reject(approval=approval, lead=request_agent(request), note=note)
            messages.success(request, "Rejected.")
    except DomainError as exc:
        messages.error(request, exc.message)
    return HttpResponseRedirect("/desk/approvals/")
