"""A return after it was started (customer bearer token; a photo also opens for an agent token):

    POST /orders/{number}/returns/{rma}/photos          multipart/form-data `photos`: up to 5 JPEG/PNG/HEIC
    GET  /orders/{number}/returns/{rma}/photos/{key}    one photo, to the order's customer or an agent
    POST /orders/{number}/returns/{rma}/tracking        {tracking_number, carrier?}: the own carrier's number

The rules live in shopdesk/returns (photos.py, tracking.py).
"""

from __future__ import annotations

from typing import Any

from django.http import FileResponse, HttpRequest
from django.urls import reverse
from ninja import Field, File, Router
from ninja.files import UploadedFile
from ninja.responses import Status

from shopdesk.access.auth import customer_bearer
from shopdesk.access.types import CustomerAccess
from shopdesk.api.customer_actions import StrictIn, _actor, _order
from shopdesk.api.customer_returns import slip_url
from shopdesk.core.errors import InvalidInput, NotFound
from shopdesk.desk.api import AgentBearer
from shopdesk.orders.models import Order
from shopdesk.orders.selectors import order_number_normalise
from shopdesk.returns.models import ReturnPhoto, ReturnRequest
from shopdesk.returns.photos import (
    MAX_PHOTO_BYTES,
    MAX_PHOTOS,
    IncomingPhoto,
    return_photo_get,
    return_photos_add,
)
from shopdesk.returns.selectors import return_as_dict, return_of_order
from shopdesk.returns.tracking import return_tracking_set

router = Router(tags=["customer returns"], auth=customer_bearer)
PhotoFiles = File(
    None, description=f"Up to {MAX_PHOTOS} JPEG, PNG or HEIC files, {MAX_PHOTO_BYTES // 2**20} MB each."
)


class TrackingIn(StrictIn):
    tracking_number: str = Field(min_length=1, max_length=80, examples=["1Z999AA10123456784"])
    carrier: str | None = Field(None, max_length=20, description="The carrier's code; found from the number.")


def photo_api_url(number: str, rma: str, key: str) -> str:
    return reverse("api:return_photo", args=[number, rma, key])


def _photo_out(number: str, photo: ReturnPhoto) -> dict[str, Any]:
    return {
        "key": photo.storage_key,
        "content_type": photo.content_type,
        "size": photo.size,
        "url": photo_api_url(number, photo.return_request.rma, photo.storage_key),
    }


@router.post(
    "/orders/{number}/returns/{rma}/photos",
    response={201: dict},
    summary="Add photos of a damaged, faulty or wrong item (multipart/form-data, field `photos`)",
)
def return_photos_upload(
    request: HttpRequest, number: str, rma: str, photos: list[UploadedFile] | None = PhotoFiles
) -> Any:
    order = _order(request, number)
    found = return_of_order(order=order, rma=rma[:20])
    photos = photos or []  # none at all: the service's own 422 (`no_photos`)
    if len(photos) > MAX_PHOTOS:
        raise InvalidInput(f"Add at most {MAX_PHOTOS} photos to a return.", code="photos_too_many")
    files = []
    for upload in photos:
        # Read one byte past the cap: a larger file is refused without holding it all in memory.
        files.append(IncomingPhoto(upload.name or "photo", upload.read(MAX_PHOTO_BYTES + 1)))
    saved = return_photos_add(return_request=found, actor=_actor(request), files=files)
    return Status(201, {"rma": found.rma, "photos": [_photo_out(order.number, photo) for photo in saved]})


def _order_for_photo(request: HttpRequest, number: str) -> Order:
    """The customer's own order, or for an agent any order (agents see every return's photos)."""
    if isinstance(request.auth, CustomerAccess):  # type: ignore[attr-defined]
        return _order(request, number)
    normalised = order_number_normalise(number)
    order = Order.objects.filter(number=normalised).first() if normalised else None
    if order is None:
        raise NotFound("We could not find that order.")
    return order


@router.get(
    "/orders/{number}/returns/{rma}/photos/{key}",
    auth=[customer_bearer, AgentBearer()],
    url_name="return_photo",
    summary="One photo of a return (the order's customer, or an agent token)",
)
def return_photo_file(request: HttpRequest, number: str, rma: str, key: str) -> FileResponse:
    order = _order_for_photo(request, number)
    found = ReturnRequest.objects.filter(order=order, rma=rma[:20].strip().upper()).first()
    if found is None:
        raise NotFound("We could not find that return on this order.", code="unknown_return")
    photo = return_photo_get(return_request=found, key=key)
    response = FileResponse(photo.file.open("rb"), content_type=photo.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@router.post("/orders/{number}/returns/{rma}/tracking", summary="Add the tracking number of your own carrier")
def return_tracking(request: HttpRequest, number: str, rma: str, payload: TrackingIn) -> dict[str, Any]:
    order = _order(request, number)
    found = return_of_order(order=order, rma=rma[:20])
    return_tracking_set(
        return_request=found, actor=_actor(request), number=payload.tracking_number, carrier=payload.carrier
    )
    fresh = return_of_order(order=order, rma=found.rma)
    return {**return_as_dict(fresh), "slip_url": slip_url(order.number, fresh.rma)}
