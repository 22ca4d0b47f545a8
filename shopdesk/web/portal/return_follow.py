"""After a return is started: add photos of a damaged, faulty or wrong item, add the own carrier's tracking
number, and open a photo (the order's customer, or a desk agent signed in).

Plain POST forms (multipart for the photos); the rules live in shopdesk/returns (photos.py, tracking.py).
"""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from shopdesk.access.web import customer_required, portal_access, portal_order_or_404
from shopdesk.core.actors import Actor
from shopdesk.core.errors import DomainError, NotFound
from shopdesk.desk.roles import agent_role
from shopdesk.orders.models import Order
from shopdesk.orders.selectors import order_number_normalise
from shopdesk.returns.errors import ReturnLinesRefused
from shopdesk.returns.models import ReturnRequest
from shopdesk.returns.photos import (
    MAX_PHOTO_BYTES,
    MAX_PHOTOS,
    IncomingPhoto,
    return_photo_get,
    return_photos_add,
)
from shopdesk.returns.selectors import return_of_order
from shopdesk.returns.tracking import return_tracking_set


def _actor(request: HttpRequest) -> Actor:
    access = portal_access(request)
    return Actor.customer(access.email if access else "unknown")


def _detail(number: str, rma: str) -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse("portal:return_detail", args=[number, rma]))


def _customer_return(request: HttpRequest, number: str, rma: str) -> tuple[Order, ReturnRequest]:
    order = portal_order_or_404(request, number)
    try:
        return order, return_of_order(order=order, rma=rma[:20])
    except NotFound:
        raise Http404("Return not found") from None


@customer_required
@require_POST
def return_photos_upload(request: HttpRequest, number: str, rma: str) -> HttpResponse:
    order, found = _customer_return(request, number, rma)
    uploads = request.FILES.getlist("photos")
    try:
        if len(uploads) > MAX_PHOTOS:
            raise DomainError(f"Add at most {MAX_PHOTOS} photos to a return.", code="photos_too_many")
        files = [IncomingPhoto(u.name or "photo", u.read(MAX_PHOTO_BYTES + 1)) for u in uploads]
        saved = return_photos_add(return_request=found, actor=_actor(request), files=files)
    except ReturnLinesRefused as refused:
        messages.error(request, " ".join(problem["message"] for problem in refused.problems))
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"{len(saved)} photo{'s' if len(saved) != 1 else ''} added to {found.rma}.")
    return _detail(order.number, found.rma)


@customer_required
@require_POST
def return_tracking_add(request: HttpRequest, number: str, rma: str) -> HttpResponse:
    order, found = _customer_return(request, number, rma)
    try:
        return_tracking_set(
            return_request=found,
            actor=_actor(request),
            number=request.POST.get("tracking_number", "")[:80],
            carrier=(request.POST.get("carrier") or "")[:20] or None,
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Tracking number saved: you can follow the parcel here.")
    return _detail(order.number, found.rma)


def _order_for_viewer(request: HttpRequest, number: str) -> Order:
    """An agent signed in to the desk sees any order's photos; a customer only their own order's."""
    if agent_role(request.user) is not None:
        normalised = order_number_normalise(number)
        order = Order.objects.filter(number=normalised).first() if normalised else None
        if order is None:
            raise Http404("Order not found")
        return order
    return portal_order_or_404(request, number)


@require_GET
def return_photo(request: HttpRequest, number: str, rma: str, key: str) -> FileResponse:
    order = _order_for_viewer(request, number)
    found = ReturnRequest.objects.filter(order=order, rma=rma[:20].strip().upper()).first()
    if found is None:
        raise Http404("Return not found")
    try:
        photo = return_photo_get(return_request=found, key=key)
    except NotFound:
        raise Http404("Photo not found") from None
    response = FileResponse(photo.file.open("rb"), content_type=photo.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
