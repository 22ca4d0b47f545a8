"""Payment pages of an order: "pay again" after a decline, and the payment-check form.

Both go through the registry's actions (`pay_again`, `verify_payment`), so the page says what the API says.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from shopdesk.access.web import customer_required, portal_order_or_404
from shopdesk.core.errors import DomainError, InvalidInput
from shopdesk.orderview.builder import order_page
from shopdesk.policy import get_policy
from shopdesk.selfservice.registry import action_get
from shopdesk.web.portal.actions import _actor, order_url

TEMPLATES = "web/portal/actions"


@customer_required
@require_http_methods(["GET"])
def pay_again(request: HttpRequest, number: str) -> HttpResponse:
    """To the store's payment page, if this order may still be paid (the same rule as the API)."""
    order = portal_order_or_404(request, number)
    try:
        done = action_get("pay_again").perform(order=order, actor=_actor(request), params={})
    except DomainError as refusal:
        messages.error(request, refusal.message)
        return HttpResponseRedirect(order_url(order))
    response = HttpResponseRedirect(str(done.data["payment_url"]))
    response["Referrer-Policy"] = "no-referrer"  # the store's page never learns our order URL
    return response


class VerificationForm(forms.Form):
    card_last4 = forms.CharField(
        label="Last four digits of your card",
        required=False,
        max_length=4,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "pattern": "[0-9]{4}"}),
    )
    billing_postcode = forms.CharField(
        label="Billing postcode",
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "postal-code"}),
    )
    document = forms.FileField(label="Or upload a document (PDF, JPEG or PNG)", required=False)


def _params(form: VerificationForm) -> dict[str, Any]:
    upload = form.cleaned_data.get("document")
    if upload is None:
        return {
            "card_last4": form.cleaned_data.get("card_last4", ""),
            "billing_postcode": form.cleaned_data.get("billing_postcode", ""),
        }
    limit = get_policy().payments.verification_document_max_kb * 1024
    return {"document": upload.read(limit + 1), "document_name": (upload.name or "")[:200]}


@customer_required
@require_http_methods(["GET", "POST"])
def verify_payment(request: HttpRequest, number: str) -> HttpResponse:
    order = portal_order_or_404(request, number)
    action, actor = action_get("verify_payment"), _actor(request)
    eligibility = action.eligibility(order=order, actor=actor)
    form = VerificationForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST" and eligibility.allowed and form.is_valid():
        try:
            done = action.perform(order=order, actor=actor, params=_params(form))
        except InvalidInput as error:
            fields = error.details.get("fields", {})
            targets = [name for name in fields if name in form.fields] or [None]
            for name in targets:
                form.add_error(name, error.message)
            status = 400
        except DomainError as refusal:
            messages.error(request, refusal.message)
            return HttpResponseRedirect(order_url(order))
        else:
            messages.success(request, done.message)
            return HttpResponseRedirect(order_url(order))
    elif request.method == "POST":
        status = 400 if eligibility.allowed else 409
    page = order_page(order=order, with_actions=False)
    context = {
        "order": order,
        "title": "Verify your payment",
        "order_url": order_url(order),
        "eligibility": eligibility,
        "form": form,
        "check": page.verification,
        "max_mb": round(get_policy().payments.verification_document_max_kb / 1024, 1),
    }
    return render(request, f"{TEMPLATES}/verify_payment.html", context, status=status)
