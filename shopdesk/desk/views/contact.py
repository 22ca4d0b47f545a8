"""The contact form on the site: /contact/ opens a ticket and says what happens next."""

from __future__ import annotations

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from shopdesk.access.errors import RateLimited
from shopdesk.access.web import portal_access
from shopdesk.core.errors import InvalidInput
from shopdesk.desk.attachments import MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS, IncomingFile
from shopdesk.desk.enums import TicketTopic
from shopdesk.desk.services.contact import contact_submit


class ContactForm(forms.Form):
    name = forms.CharField(max_length=200, required=False, label="Your name")
    email = forms.EmailField(max_length=254, label="Your email address")
    topic = forms.ChoiceField(
        choices=[("", "Choose a topic"), *TicketTopic.choices], label="What is it about?"
    )
    order_number = forms.CharField(
        max_length=40, required=False, label="Order number (if it's about an order)"
    )
    message = forms.CharField(
        max_length=10_000, min_length=2, widget=forms.Textarea(attrs={"rows": 7}), label="Your message"
    )


def _client_ip(request: HttpRequest) -> str:
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def contact(request: HttpRequest) -> HttpResponse:
    access = portal_access(request)
    if request.method != "POST":
        initial = {"email": access.email} if access else {}
        if number := request.GET.get("order", "").strip()[:40]:
            initial["order_number"] = number
        form = ContactForm(initial=initial)
        return render(request, "desk/contact.html", _context(form))
    form = ContactForm(request.POST)
    uploads = request.FILES.getlist("attachments")
    status = 200
    if form.is_valid():
        try:
            if len(uploads) > MAX_ATTACHMENTS:
                raise InvalidInput(f"Attach at most {MAX_ATTACHMENTS} files.")
            files = []
            for upload in uploads:
                if upload.size and upload.size > MAX_ATTACHMENT_BYTES:
                    raise InvalidInput(
                        f"{upload.name} is larger than {MAX_ATTACHMENT_BYTES // (1024 * 1024)} MB."
                    )
                files.append(IncomingFile(upload.name or "attachment", upload.read()))
            ticket = contact_submit(
                client_ip=_client_ip(request), access=access, files=files, **form.cleaned_data
            )
        except RateLimited as exc:
            form.add_error(None, exc.message)
            status = 429
        except InvalidInput as exc:
            form.add_error(None, exc.message)
            status = 422
        else:
            return render(
                request,
                "desk/contact_sent.html",
                {"reference": ticket.reference, "email": ticket.customer_email},
            )
    else:
        status = 422
    return render(request, "desk/contact.html", _context(form), status=status)


def _context(form: ContactForm) -> dict[str, object]:
    return {"form": form, "max_files": MAX_ATTACHMENTS, "max_mb": MAX_ATTACHMENT_BYTES // (1024 * 1024)}
