"""Return pages of the portal: choose items and reasons, follow the return, print its slip.

No JavaScript: the form is a plain POST. The eligibility of each line, the reasons and the refund come
from shopdesk/returns through the registry's `return_start` action, so the page says what the API says.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from shopdesk.access.web import customer_required, portal_access, portal_order_or_404
from shopdesk.core.actors import Actor
from shopdesk.core.errors import DomainError, NotFound
from shopdesk.policy import get_policy
from shopdesk.returns.eligibility import order_returnability, return_start_eligibility
from shopdesk.returns.errors import ReturnLinesRefused
from shopdesk.returns.refund_explanations import refunds_of_return
from shopdesk.returns.selectors import return_as_dict, return_of_order
from shopdesk.returns.services import return_cancel
from shopdesk.returns.slip import return_slip
from shopdesk.selfservice.registry import action_get
from shopdesk.web.portal.return_resolutions import resolution_choices, resolution_from_form, resolution_notes

TEMPLATES = "web/portal/returns"


def _actor(request: HttpRequest) -> Actor:
    access = portal_access(request)
    return Actor.customer(access.email if access else "unknown")


def _int(value: str | None) -> int:
    try:
        return int(value or 0)
    except ValueError:
        return 0


@customer_required
@require_http_methods(["GET", "POST"])
def return_start(request: HttpRequest, number: str) -> HttpResponse:
    order = portal_order_or_404(request, number)
    answers = order_returnability(order=order)
    policy = get_policy().returns
    errors: dict[int, str] = {}
    message = ""
    if request.method == "POST":
        chosen = [
            a
            for a in answers
            if (a.eligibility.allowed or a.faulty_only) and _int(request.POST.get(f"qty_{a.line.pk}")) > 0
        ]
        lines = [
            {
                "line_id": a.line.pk,
                "quantity": _int(request.POST.get(f"qty_{a.line.pk}")),
                "reason": request.POST.get(f"reason_{a.line.pk}", "")[:40],
                **resolution_from_form(request.POST.get(f"resolution_{a.line.pk}", "")),
            }
            for a in chosen
        ]
        key = request.POST.get("key", "")
        try:
            if not lines:
                raise DomainError("Choose at least one item and how many to return.", code="no_lines")
            done = action_get("return_start").perform(
                order=order,
                actor=_actor(request),
                params={
                    "lines": lines,
                    "method": request.POST.get("method", "label"),
                    # Only with the own carrier: the prepaid label carries its own number.
                    "tracking_number": request.POST.get("tracking_number", "").strip()[:80] or None
                    if request.POST.get("method") == "own_carrier"
                    else None,
                },
                idempotency_key=key if 0 < len(key) <= 64 else None,
            )
        except ReturnLinesRefused as refused:
            for problem in refused.problems:
                index = problem["field"].removeprefix("lines[").split("]")[0]
                if index.isdigit() and int(index) < len(chosen):
                    errors[chosen[int(index)].line.pk] = problem["message"]
            message = refused.message
        except DomainError as error:
            message = error.message
        else:
            return HttpResponseRedirect(
                reverse("portal:return_detail", args=[order.number, done.data["rma"]])
            )
    context: dict[str, Any] = {
        "order": order,
        "order_url": reverse("portal:order", args=[order.number]),
        "title": "Return items",
        "eligibility": return_start_eligibility(order=order, answers=answers),
        "rows": [
            {
                "answer": a,
                "units": range(a.units + 1),
                "error": errors.get(a.line.pk, ""),
                "resolutions": resolution_choices(a.line) if a.eligibility.allowed or a.faulty_only else [],
            }
            for a in answers
        ],
        "resolution_notes": resolution_notes(),
        "reasons": policy.reasons,
        "label_fee": policy.label_fee,
        "free_reasons": [r.label for r in policy.reasons if r.code in policy.free_return_reasons],
        "key": request.POST.get("key") or uuid.uuid4().hex,
        "error_message": message,
        "method": request.POST.get("method", "label"),
        "tracking_number": request.POST.get("tracking_number", "")[:80],
    }
    return render(request, f"{TEMPLATES}/start.html", context, status=422 if message else 200)


def _return_or_404(request: HttpRequest, number: str, rma: str) -> tuple[Any, Any]:
    order = portal_order_or_404(request, number)
    try:
        return order, return_of_order(order=order, rma=rma[:20])
    except NotFound:
        from django.http import Http404

        raise Http404("Return not found") from None


@customer_required
@require_GET
def return_detail(request: HttpRequest, number: str, rma: str) -> HttpResponse:
    order, found = _return_or_404(request, number, rma)
    context = {
        "order": order,
        "order_url": reverse("portal:order", args=[order.number]),
        "title": f"Return {found.rma}",
        "ret": {
            **return_as_dict(found),
            "exchange_due": str(found.exchange_due),
            "exchange_order_number": found.exchange_order_number,
        },
        "refunds": refunds_of_return(found),
        "slip_url": reverse("portal:return_slip", args=[order.number, found.rma]),
    }
    return render(request, f"{TEMPLATES}/detail.html", context)


@customer_required
@require_POST
def refund_dispute(request: HttpRequest, number: str, rma: str, refund_id: int) -> HttpResponse:
    """ "Report a problem with this refund": the registry's `refund_dispute` opens the case."""
    order, found = _return_or_404(request, number, rma)
    try:
        done = action_get("refund_dispute").perform(
            order=order,
            actor=_actor(request),
            params={
                "refund_id": refund_id,
                "lines": [_int(value) for value in request.POST.getlist("line")[:100]],
                "message": request.POST.get("message", "")[:2000],
            },
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, done.message)
    return HttpResponseRedirect(reverse("portal:return_detail", args=[order.number, found.rma]))


@customer_required
@require_GET
def return_slip_page(request: HttpRequest, number: str, rma: str) -> HttpResponse:
    order, found = _return_or_404(request, number, rma)
    context = {
        "order": order,
        "order_url": reverse("portal:order", args=[order.number]),
        "title": f"Return slip {found.rma}",
        "slip": return_slip(found),
        "ret": return_as_dict(found),
    }
    return render(request, f"{TEMPLATES}/slip.html", context)


@customer_required
@require_POST
def return_withdraw(request: HttpRequest, number: str, rma: str) -> HttpResponse:
    order, found = _return_or_404(request, number, rma)
    try:
        return_cancel(return_request=found, actor=_actor(request))
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Return {found.rma} is cancelled.")
    return HttpResponseRedirect(reverse("portal:return_detail", args=[order.number, found.rma]))
