"""The self-service action pages: a small form, a confirmation step, then the service does the work.

No JavaScript: every step is a plain POST. Views parse, call one service, and render; the rules and the
messages come from the services and eligibility functions, so the page says what the API says.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_http_methods, require_POST

from shopdesk.access.web import customer_required, portal_access, portal_order_or_404
from shopdesk.core.actors import Actor
from shopdesk.core.errors import DomainError, InvalidInput
from shopdesk.orders.models import Order
from shopdesk.selfservice.actions.addresses import AddressAction
from shopdesk.selfservice.actions.cancel import CancelAction
from shopdesk.selfservice.actions.change import ChangeItemsAction
from shopdesk.selfservice.actions.emails import ChangeEmailAction
from shopdesk.selfservice.eligibility import order_facts
from shopdesk.selfservice.registry import ActionPreview, OrderAction, action_get, order_actions
from shopdesk.selfservice.services.emails import order_email_change_confirm
from shopdesk.selfservice.services.price_adjustment import order_price_adjustments
from shopdesk.web.portal.actions_forms import (
    AddressForm,
    EmailChangeForm,
    LineChangeForm,
    ReasonForm,
    ResendForm,
)

TEMPLATES = "web/portal/actions"


def order_url(order: Order) -> str:
    try:
        return reverse("portal:order", args=[order.number])
    except NoReverseMatch:  # the order page is the portal's; fall back to its documented path
        return f"/orders/{order.number}/"


def _actor(request: HttpRequest) -> Actor:
    access = portal_access(request)
    return Actor.customer(access.email if access else "unknown")


def _action(action_id: str, kind: type[OrderAction]) -> Any:
    """The registered action, typed as its class (its choice lists and sentences are methods of it)."""
    action = action_get(action_id)
    assert isinstance(action, kind)
    return action


def _key(request: HttpRequest) -> str | None:
    """The idempotency key minted on the confirmation page: a double-clicked Confirm acts once."""
    key = request.POST.get("key", "")
    return key if 0 < len(key) <= 64 else None


def _page(request: HttpRequest, template: str, order: Order, title: str, **context: Any) -> HttpResponse:
    context.update(order=order, title=title, order_url=order_url(order))
    return render(request, f"{TEMPLATES}/{template}", context)


def _confirm(
    request: HttpRequest,
    order: Order,
    *,
    title: str,
    preview: ActionPreview,
    hidden: dict[str, Any],
    confirm_label: str,
    danger: bool = False,
) -> HttpResponse:
    fields = [
        (name, value)
        for name, values in hidden.items()
        for value in (values if isinstance(values, list) else [values])
        if value not in (None, "")
    ]
    fields.append(("key", uuid.uuid4().hex))
    return _page(
        request,
        "confirm.html",
        order,
        title,
        sentence=preview.message,
        hidden=fields,
        confirm_label=confirm_label,
        danger=danger,
        details=preview.data.get("details", []),
    )


def _done(request: HttpRequest, order: Order, message: str) -> HttpResponse:
    messages.success(request, message)
    return HttpResponseRedirect(order_url(order))


@customer_required
@require_http_methods(["GET", "POST"])
def cancel(request: HttpRequest, number: str) -> HttpResponse:
    order = portal_order_or_404(request, number)
    action: CancelAction = _action("cancel", CancelAction)
    actor = _actor(request)
    eligibility = action.eligibility(order=order, actor=actor)
    title = action.title(eligibility)
    if not eligibility.allowed:
        return _page(request, "cancel.html", order, title, eligibility=eligibility, form=None)
    partial = action.is_partial(eligibility)
    choices = action.line_choices(order=order) if partial else []
    form = ReasonForm(request.POST if request.method == "POST" else None, line_choices=choices)
    if request.method == "POST" and form.is_valid():
        params = {"line_ids": form.cleaned_data["lines"] or None if partial else None}
        params["reason"] = form.cleaned_data["reason"]
        if partial and not params["line_ids"]:
            form.add_error("lines", "Choose at least one item to cancel.")
        else:
            try:
                if "confirm" in request.POST:
                    done = action.perform(
                        order=order, actor=actor, params=params, idempotency_key=_key(request)
                    )
                    return _done(request, order, done.message)
                preview = action.preview(order=order, actor=actor, params=params)
                return _confirm(
                    request,
                    order,
                    title=title,
                    preview=preview,
                    hidden={"lines": params["line_ids"] or [], "reason": params["reason"]},
                    danger=True,
                    confirm_label=action.confirm_label(eligibility),
                )
            except DomainError as error:
                form.add_error(None, error.message)
    return _page(request, "cancel.html", order, title, eligibility=eligibility, form=form, partial=partial)


@customer_required
@require_http_methods(["GET", "POST"])
def change_line(request: HttpRequest, number: str, line_id: int) -> HttpResponse:
    order = portal_order_or_404(request, number)
    action: ChangeItemsAction = _action("change_items", ChangeItemsAction)
    actor = _actor(request)
    title = action.label
    line = order.lines.filter(pk=line_id).select_related("variant").first()
    if line is None:
        return _page(request, "change_line.html", order, title, line=None, form=None, eligibility=None)
    eligibility = action.line_eligibility(order=order, line=line, actor=actor, facts=order_facts(order))
    if not eligibility.allowed:
        return _page(request, "change_line.html", order, title, line=line, form=None, eligibility=eligibility)
    options = action.line_options(line=line)
    form = LineChangeForm(
        request.POST if request.method == "POST" else None,
        initial={"size": line.size, "colour": line.colour, "quantity": line.quantity_active},
        sizes=options.sizes,
        colours=options.colours,
        quantities=options.quantities,
    )
    if request.method == "POST" and form.is_valid():
        wanted = {
            "size": form.cleaned_data["size"] or None,
            "colour": form.cleaned_data["colour"] or None,
            "quantity": form.cleaned_data["quantity"],
        }
        params = {"line_id": line.pk, **wanted}
        try:
            if "confirm" in request.POST:
                done = action.perform(order=order, actor=actor, params=params, idempotency_key=_key(request))
                return _done(request, order, done.message)
            preview = action.preview(order=order, actor=actor, params=params)
            return _confirm(
                request, order, title=title, preview=preview, hidden=wanted, confirm_label="Yes, change it"
            )
        except DomainError as error:
            form.add_error(None, error.message)
    return _page(request, "change_line.html", order, title, line=line, form=form, eligibility=eligibility)


def _address_view(request: HttpRequest, number: str, action_id: str) -> HttpResponse:
    order = portal_order_or_404(request, number)
    action: AddressAction = _action(action_id, AddressAction)
    actor = _actor(request)
    kind, title = action.kind, action.title
    eligibility = action.eligibility(order=order, actor=actor)
    if not eligibility.allowed:
        return _page(request, "address.html", order, title, eligibility=eligibility, form=None, kind=kind)
    form = AddressForm(request.POST if request.method == "POST" else None, initial=action.current(order))
    if request.method == "POST" and form.is_valid():
        try:
            if "confirm" in request.POST:
                done = action.perform(order=order, actor=actor, params=form.cleaned_data)
                return _done(request, order, done.message)
            preview = action.preview(order=order, actor=actor, params=form.cleaned_data)
            return _confirm(
                request,
                order,
                title=title,
                preview=preview,
                hidden=preview.data["address"],
                confirm_label=action.confirm_label,
            )
        except InvalidInput as error:
            form.add_service_errors(error)
        except DomainError as error:
            form.add_error(None, error.message)
    return _page(request, "address.html", order, title, eligibility=eligibility, form=form, kind=kind)


@customer_required
@require_http_methods(["GET", "POST"])
def shipping_address(request: HttpRequest, number: str) -> HttpResponse:
    return _address_view(request, number, "shipping_address")


@customer_required
@require_http_methods(["GET", "POST"])
def billing_address(request: HttpRequest, number: str) -> HttpResponse:
    return _address_view(request, number, "billing_address")


RESEND_ACTIONS = ("resend_confirmation", "resend_shipping")


@customer_required
@require_http_methods(["GET", "POST"])
def resend(request: HttpRequest, number: str) -> HttpResponse:
    """One page for both emails: each is its own action, with its own eligibility."""
    order = portal_order_or_404(request, number)
    actor = _actor(request)
    actions = [action_get(action_id) for action_id in RESEND_ACTIONS]
    answers = order_actions(order, actor)
    options = [(action.id, action.label, answers[action.id]) for action in actions]
    form = ResendForm(request.POST if request.method == "POST" else None, actions=RESEND_ACTIONS)
    if request.method == "POST" and form.is_valid():
        try:
            action = action_get(form.cleaned_data["action"])
            done = action.perform(order=order, actor=actor, params={})
            return _done(request, order, done.message)
        except DomainError as error:
            form.add_error(None, error.message)
    return _page(request, "resend.html", order, "Send an email again", options=options, form=form)


@customer_required
@require_http_methods(["GET", "POST"])
def email_change(request: HttpRequest, number: str) -> HttpResponse:
    order = portal_order_or_404(request, number)
    action: ChangeEmailAction = _action("change_email", ChangeEmailAction)
    actor = _actor(request)
    eligibility = action.eligibility(order=order, actor=actor)
    form = EmailChangeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        params = {"new_email": form.cleaned_data["new_email"]}
        try:
            if "confirm" in request.POST:
                done = action.perform(order=order, actor=actor, params=params)
                if done.data.get("status") != "confirmation_sent":
                    return _done(request, order, done.message)
                return _page(
                    request,
                    "email_sent.html",
                    order,
                    "Check your inbox",
                    new_email=done.data["new_email"],
                    hours=done.data["expires_hours"],
                )
            preview = action.preview(order=order, actor=actor, params=params)
            return _confirm(
                request,
                order,
                title=action.title,
                preview=preview,
                hidden=params,
                confirm_label=action.confirm_label,
            )
        except InvalidInput as error:
            form.add_error("new_email" if error.code == "same_email" else None, error.message)
        except DomainError as error:
            form.add_error(None, error.message)
    return _page(request, "email.html", order, action.title, eligibility=eligibility, form=form)


@require_POST
@customer_required
def case_open(request: HttpRequest, number: str) -> HttpResponse:
    """The button of a diagnosis: no form page, since the diagnosis already said what happens."""
    order = portal_order_or_404(request, number)
    params = {"kind": request.POST.get("kind", "")[:30], "shipment": request.POST.get("shipment", "")[:12]}
    try:
        done = action_get("open_case").perform(order=order, actor=_actor(request), params=params)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done.message)
    return HttpResponseRedirect(order_url(order))


@require_http_methods(["GET", "POST"])
def email_change_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """No sign-in needed: the link itself proves the mailbox. GET only shows a button, because mail
    scanners open links, and a GET that changed the order would let them confirm for the customer."""
    context: dict[str, Any] = {"title": "Confirm your email address", "done": None, "error": None}
    if request.method == "POST":
        try:
            order = order_email_change_confirm(token=token)
            context.update(done=order, order_url=order_url(order))
        except DomainError as error:
            context["error"] = error.message
    response = render(request, f"{TEMPLATES}/email_confirm.html", context)
    # The token is in the URL: never hand it to another site, but do send it home ("no-referrer" made
    # Chromium post Origin: null, which the CSRF check refuses).
    response["Referrer-Policy"] = "same-origin"
    return response


@customer_required
@require_http_methods(["GET", "POST"])
def price_adjustment(request: HttpRequest, number: str, line_id: int) -> HttpResponse:
    """One item: its price then and now, and the difference back after a confirmation step."""
    order = portal_order_or_404(request, number)
    action = action_get("price_adjustment")
    actor = _actor(request)
    title = action.label
    line = order.lines.filter(pk=line_id).first()
    if line is None:
        return _page(request, "price_adjustment.html", order, title, line=None, eligibility=None)
    answer = order_price_adjustments(order=order, lines=[line])[0]
    eligibility = action.for_actor(answer.eligibility, actor=actor)
    error = ""
    # A confirmation with its key goes to the service even once the line is adjusted: a double-clicked
    # Confirm then gets the first answer (a replay), not a refusal.
    confirming = "confirm" in request.POST and _key(request) is not None
    if request.method == "POST" and (eligibility.allowed or confirming):
        params = {"line_id": line.pk}
        try:
            if "confirm" in request.POST:
                done = action.perform(order=order, actor=actor, params=params, idempotency_key=_key(request))
                return _done(request, order, done.message)
            preview = action.preview(order=order, actor=actor, params=params)
            return _confirm(
                request,
                order,
                title=title,
                preview=preview,
                hidden={},
                confirm_label="Yes, refund the difference",
            )
        except DomainError as failure:
            error = failure.message
    return _page(
        request, "price_adjustment.html", order, title, line=line, eligibility=eligibility, error=error
    )
