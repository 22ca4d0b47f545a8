"""Photos of a return: for items that arrived damaged, faulty or wrong (the policy's free-return reasons).

return_photos_add(return_request=..., actor=..., files=...)   up to MAX_PHOTOS per return, JPEG/PNG/HEIC
return_photo_get(return_request=..., key=...)                  one photo by its random key (NotFound else)

The type is read from the first bytes, never from the name or the header the sender gave; the file is
stored through Django's storage under a random folder and name, and is only ever served by a view that
checks who asks (the order's customer or an agent).
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from shopdesk.core.actors import Actor
from shopdesk.core.eligibility import Eligibility
from shopdesk.core.errors import InvalidInput, NotEligible, NotFound
from shopdesk.orders.services.idempotency import order_lock
from shopdesk.policy import get_policy
from shopdesk.returns import events
from shopdesk.returns.enums import OPEN_STATUSES, ReturnEventKind
from shopdesk.returns.errors import ReturnLinesRefused
from shopdesk.returns.models import ReturnPhoto, ReturnRequest

MAX_PHOTOS = 5
MAX_PHOTO_BYTES = 10 * 1024 * 1024
ALLOWED_DESCRIPTION = "JPEG, PNG or HEIC photos"
EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "image/heic": "heic"}
# HEIC/HEIF: an ISO-BMFF file whose `ftyp` box names one of these brands.
_HEIF_BRANDS = frozenset({b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"})


@dataclass(frozen=True, slots=True)
class IncomingPhoto:
    filename: str  # only for messages: the stored name is random
    content: bytes


def photo_type_detect(content: bytes) -> str | None:
    """image/jpeg, image/png or image/heic from the file's first bytes; None for anything else."""
    if content[:3] == b"\xff\xd8\xff":
        return "image/jpeg"
    if content[:8] == b"\x89PNG\r\n\x1a\n":
        return "image/png"
    if content[4:8] == b"ftyp" and content[8:12] in _HEIF_BRANDS:
        return "image/heic"
    return None


def photo_reasons() -> frozenset[str]:
    """The reasons a photo helps with: the item arrived damaged, faulty or wrong (free-return reasons)."""
    return frozenset(get_policy().returns.free_return_reasons)


def return_takes_photos(return_request: ReturnRequest) -> bool:
    reasons = photo_reasons()
    return any(line.reason in reasons for line in return_request.lines.all())


def _display_name(name: str) -> str:
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1].strip()
    return "".join(c for c in base if c.isprintable())[:80] or "photo"


def _validated(files: list[IncomingPhoto]) -> list[tuple[bytes, str]]:
    problems = []
    checked = []
    for index, incoming in enumerate(files):
        field, name = f"photos[{index}]", _display_name(incoming.filename)
        if not incoming.content:
            problems.append({"field": field, "code": "photo_empty", "message": f"{name} is empty."})
        elif len(incoming.content) > MAX_PHOTO_BYTES:
            problems.append(
                {
                    "field": field,
                    "code": "photo_too_large",
                    "message": f"{name} is larger than {MAX_PHOTO_BYTES // (1024 * 1024)} MB.",
                }
            )
        elif (content_type := photo_type_detect(incoming.content)) is None:
            problems.append(
                {
                    "field": field,
                    "code": "photo_type_not_allowed",
                    "message": f"{name}: we accept {ALLOWED_DESCRIPTION}.",
                }
            )
        else:
            checked.append((incoming.content, content_type))
    if problems:
        raise PhotosRefused(problems)
    return checked


class PhotosRefused(ReturnLinesRefused):
    """422 naming each refused file as `photos[i]` with its code."""

    code = "photos_refused"

    def __init__(self, problems: list[dict[str, str]]):
        super().__init__(problems)
        if len(problems) > 1:
            self.message = "Some of the photos can't be added."
            self.args = (self.message,)


def return_photos_add(
    *,
    return_request: ReturnRequest,
    actor: Actor,
    files: list[IncomingPhoto],
    now: dt.datetime | None = None,
) -> list[ReturnPhoto]:
    """Store the photos of a return still open; at most MAX_PHOTOS in all, counted under the order lock."""
    if not files:
        raise InvalidInput("Choose at least one photo.", code="no_photos")
    if len(files) > MAX_PHOTOS:
        raise InvalidInput(f"Add at most {MAX_PHOTOS} photos to a return.", code="photos_too_many")
    checked = _validated(files)
    now = now or timezone.now()
    saved: list[ReturnPhoto] = []
    try:
        with transaction.atomic():
            order_lock(order_id=return_request.order_id)
            locked = ReturnRequest.objects.select_for_update().get(pk=return_request.pk)
            if not return_takes_photos(locked):
                raise NotEligible(
                    Eligibility.no(
                        "photos_not_needed",
                        "Photos are for items that arrived damaged, faulty or wrong; this return has none.",
                    )
                )
            if locked.status not in OPEN_STATUSES:
                raise NotEligible(
                    Eligibility.no(
                        "return_closed_for_photos",
                        "Photos can be added until we have inspected the items; this return is "
                        f"{locked.get_status_display().lower()}.",
                    )
                )
            already = ReturnPhoto.objects.filter(return_request=locked).count()
            if already + len(checked) > MAX_PHOTOS:
                left = MAX_PHOTOS - already
                raise InvalidInput(
                    f"A return holds at most {MAX_PHOTOS} photos; you can add {left} more."
                    if left
                    else f"This return already has {MAX_PHOTOS} photos.",
                    code="photos_too_many",
                )
            for content, content_type in checked:
                photo = ReturnPhoto(
                    return_request=locked,
                    storage_key=secrets.token_urlsafe(24),
                    content_type=content_type,
                    size=len(content),
                    uploaded_by=actor.label[:254],
                    created_at=now,
                )
                name = f"{secrets.token_hex(8)}.{EXTENSIONS[content_type]}"
                photo.file.save(name, ContentFile(content), save=False)
                saved.append(photo)
                photo.save()
            events.return_event_record(
                ReturnEventKind.PHOTOS_ADDED,
                return_request=locked,
                actor=actor,
                at=now,
                photos=[photo.storage_key for photo in saved],
            )
    except BaseException:
        for photo in saved:  # the rows rolled back: leave no file behind
            photo.file.delete(save=False)
        raise
    return saved


def return_photo_get(*, return_request: ReturnRequest, key: str) -> ReturnPhoto:
    found = ReturnPhoto.objects.filter(return_request=return_request, storage_key=key[:64]).first()
    if found is None:
        raise NotFound("There is no such photo on this return.", code="unknown_photo")
    return found
