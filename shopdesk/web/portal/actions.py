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
from django.views.decorators.http import require_http_methods

from shopdesk.access.web import customer_required, portal_access, portal_order_or_404
from shopdesk.core.actors import Actor
from shopdesk.core.errors import DomainError, InvalidInput
from shopdesk.orders.eligibility import line_change_eligibility, order_actions, order_facts
from shopdesk.orders.models import Order
from shopdesk.orders.services.addresses import (
    address_change_preview,
    order_billing_address_change,
    order_shipping_address_change,
)
from shopdesk.orders.services.cancel import cancel_preview, order_cancel
from shopdesk.orders.services.change import line_change_preview, order_line_change, variant_options
from shopdesk.orders.services.emails import (
    order_email_change_confirm,
    order_email_change_request,
    order_email_resend,
)
from shopdesk.policy import get_policy
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
    sentence: str,
    hidden: dict[str, Any],
    confirm_label: str,
    danger: bool = False,
    details: list[str] | None = None,
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
        sentence=sentence,
        hidden=fields,
        confirm_label=confirm_label,
        danger=danger,
        details=details or [],
    )


def _done(request: HttpRequest, order: Order, message: str) -> HttpResponse:
    messages.success(request, message)
    return HttpResponseRedirect(order_url(order))


@customer_required
@require_http_methods(["GET", "POST"])
def cancel(request: HttpRequest, number: str) -> HttpResponse:
    order = portal_order_or_404(request, number)
    eligibility = order_actions(order)["cancel"]
    title = "Cancel items" if eligibility.code == "partially_dispatched" else "Cancel your order"
    if not eligibility.allowed:
        return _page(request, "cancel.html", order, title, eligibility=eligibility, form=None)
    partial = eligibility.code == "partially_dispatched"
    facts = order_facts(order)
    choices = [
        (line.pk, f"{facts.units_unshipped(line)} × {line.product_name}") for line in facts.unshipped_lines
    ]
    form = ReasonForm(
        request.POST if request.method == "POST" else None, line_choices=choices if partial else []
    )
    if request.method == "POST" and form.is_valid():
        line_ids = form.cleaned_data["lines"] or None if partial else None
        reason = form.cleaned_data["reason"]
        if partial and not line_ids:
            form.add_error("lines", "Choose at least one item to cancel.")
        else:
            try:
                if "confirm" in request.POST:
                    done = order_cancel(
                        order=order,
                        actor=_actor(request),
                        line_ids=line_ids,
                        reason=reason,
                        idempotency_key=_key(request),
                    )
                    return _done(request, order, done.message)
                preview = cancel_preview(order=order, line_ids=line_ids)
                return _confirm(
                    request,
                    order,
                    title=title,
                    sentence=preview.sentence(locale=get_policy().store.locale),
                    hidden={"lines": line_ids or [], "reason": reason},
                    danger=True,
                    confirm_label="Yes, cancel" + (" these items" if partial else " my order"),
                    details=[f"{item['quantity']} × {item['name']}" for item in preview.items],
                )
            except DomainError as error:
                form.add_error(None, error.message)
    return _page(request, "cancel.html", order, title, eligibility=eligibility, form=form, partial=partial)


@customer_required
@require_http_methods(["GET", "POST"])
def change_line(request: HttpRequest, number: str, line_id: int) -> HttpResponse:
    order = portal_order_or_404(request, number)
    line = order.lines.filter(pk=line_id).select_related("variant").first()
    if line is None:
        return _page(
            request, "change_line.html", order, "Change an item", line=None, form=None, eligibility=None
        )
    facts = order_facts(order)
    eligibility = line_change_eligibility(order=order, line=line, facts=facts)
    if not eligibility.allowed:
        return _page(
            request,
            "change_line.html",
            order,
            "Change an item",
            line=line,
            form=None,
            eligibility=eligibility,
        )
    options = variant_options(line)
    sizes = sorted({v.size for v in options if v.colour == line.colour} | {line.size}, key=_size_order)
    colours = sorted({v.colour for v in options if v.size == line.size} | {line.colour})
    initial = {"size": line.size, "colour": line.colour, "quantity": line.quantity_active}
    form = LineChangeForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        sizes=sizes,
        colours=colours,
        max_quantity=line.quantity_active,
    )
    if request.method == "POST" and form.is_valid():
        wanted = {
            "size": form.cleaned_data["size"] or None,
            "colour": form.cleaned_data["colour"] or None,
            "quantity": form.cleaned_data["quantity"],
        }
        try:
            if "confirm" in request.POST:
                done = order_line_change(
                    order=order,
                    line_id=line.pk,
                    actor=_actor(request),
                    idempotency_key=_key(request),
                    **wanted,
                )
                return _done(request, order, done.message)
            plan = line_change_preview(order=order, line_id=line.pk, **wanted)
            if not plan.changed:
                form.add_error(None, plan.sentence(locale=get_policy().store.locale))
            else:
                return _confirm(
                    request,
                    order,
                    title="Change an item",
                    sentence=plan.sentence(locale=get_policy().store.locale),
                    hidden=wanted,
                    confirm_label="Yes, change it",
                )
        except DomainError as error:
            form.add_error(None, error.message)
    return _page(
        request, "change_line.html", order, "Change an item", line=line, form=form, eligibility=eligibility
    )


_SIZES = ["XXS", "XS", "S", "M", "L", "XL", "XXL", "XXXL"]


def _size_order(size: str) -> tuple[int, str]:
    return (_SIZES.index(size.upper()), "") if size.upper() in _SIZES else (len(_SIZES), size)


def _address_view(request: HttpRequest, number: str, kind: str) -> HttpResponse:
    order = portal_order_or_404(request, number)
    action = f"{kind}_address"
    title = "Change the delivery address" if kind == "shipping" else "Correct the billing address"
    eligibility = order_actions(order)[action]
    if not eligibility.allowed:
        return _page(request, "address.html", order, title, eligibility=eligibility, form=None, kind=kind)
    current = getattr(order, action)
    form = AddressForm(request.POST if request.method == "POST" else None, initial=current.as_dict())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if "confirm" in request.POST:
                change = order_shipping_address_change if kind == "shipping" else order_billing_address_change
                change(order=order, actor=_actor(request), address=data)
                what = "delivery" if kind == "shipping" else "billing"
                return _done(request, order, f"The {what} address is changed; we've emailed you the details.")
            clean = address_change_preview(order=order, address=data, kind=kind)  # type: ignore[arg-type]
            lines = [
                clean.name,
                clean.company,
                clean.line1,
                clean.line2,
                " ".join(p for p in (clean.city, clean.region, clean.postcode) if p),
                clean.country,
                clean.phone,
            ]
            where = "deliver your order to" if kind == "shipping" else "use as the billing address"
            return _confirm(
                request,
                order,
                title=title,
                sentence=f"We'll {where}:",
                hidden=clean.as_dict(),
                details=[line for line in lines if line],
                confirm_label="Yes, use this address",
            )
        except InvalidInput as error:
            form.add_service_errors(error)
        except DomainError as error:
            form.add_error(None, error.message)
    return _page(request, "address.html", order, title, eligibility=eligibility, form=form, kind=kind)


@customer_required
@require_http_methods(["GET", "POST"])
def shipping_address(request: HttpRequest, number: str) -> HttpResponse:
    return _address_view(request, number, "shipping")


@customer_required
@require_http_methods(["GET", "POST"])
def billing_address(request: HttpRequest, number: str) -> HttpResponse:
    return _address_view(request, number, "billing")


@customer_required
@require_http_methods(["GET", "POST"])
def resend(request: HttpRequest, number: str) -> HttpResponse:
    order = portal_order_or_404(request, number)
    actions = order_actions(order)
    options = [
        ("confirmation", "Order confirmation", actions["resend_confirmation"]),
        ("shipped", "Shipping email", actions["resend_shipping"]),
    ]
    form = ResendForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            message = order_email_resend(
                order=order, template=form.cleaned_data["template"], actor=_actor(request)
            )
            return _done(
                request,
                order,
                f"We're sending it again to {message.to}. It can take a few minutes; "
                "please check your spam folder too.",
            )
        except DomainError as error:
            form.add_error(None, error.message)
    return _page(request, "resend.html", order, "Send an email again", options=options, form=form)


@customer_required
@require_http_methods(["GET", "POST"])
def email_change(request: HttpRequest, number: str) -> HttpResponse:
    order = portal_order_or_404(request, number)
    eligibility = order_actions(order)["change_email"]
    form = EmailChangeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        new_email = form.cleaned_data["new_email"]
        try:
            if "confirm" in request.POST:
                pending = order_email_change_request(order=order, new_email=new_email, actor=_actor(request))
                if pending is None:
                    return _done(request, order, "The email of this order is changed.")
                return _page(
                    request,
                    "email_sent.html",
                    order,
                    "Check your inbox",
                    new_email=pending.new_email,
                    hours=get_policy().orders.email_change_link_hours,
                )
            if new_email.strip().lower() == order.email:
                form.add_error("new_email", "This is already the email address of the order.")
            else:
                return _confirm(
                    request,
                    order,
                    title="Correct the email address",
                    sentence=f"We'll send a link to {new_email}. The order's emails go there once "
                    "you open it.",
                    hidden={"new_email": new_email},
                    confirm_label="Send the link",
                )
        except DomainError as error:
            form.add_error(None, error.message)
    return _page(
        request, "email.html", order, "Correct the email address", eligibility=eligibility, form=form
    )


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
