"""Attachments: the type is detected from the first bytes (never trusted from the sender), the size capped,
the file stored through Django's storage under a random folder and served only to agents (views/files.py).
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.utils import timezone

from shopdesk.core.errors import InvalidInput
from shopdesk.desk.models import TicketAttachment, TicketMessage

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
MAX_ATTACHMENTS = 5

# (signature, offset, content type): photos of a damaged item, a PDF invoice, a plain text log.
_SIGNATURES: tuple[tuple[bytes, int, str], ...] = (
    (b"\xff\xd8\xff", 0, "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", 0, "image/png"),
    (b"GIF87a", 0, "image/gif"),
    (b"GIF89a", 0, "image/gif"),
    (b"WEBP", 8, "image/webp"),
    (b"%PDF-", 0, "application/pdf"),
)
ALLOWED_DESCRIPTION = "JPEG, PNG, GIF or WebP photos, PDF files and plain text"


@dataclass(frozen=True, slots=True)
class IncomingFile:
    filename: str
    content: bytes


def content_type_detect(content: bytes) -> str | None:
    """The content type of an allowed file, from its bytes; None for anything else."""
    for signature, offset, content_type in _SIGNATURES:
        if content[offset : offset + len(signature)] == signature:
            if content_type == "image/webp" and not content.startswith(b"RIFF"):
                continue
            return content_type
    head = content[:4096]
    if b"\x00" not in head:
        try:
            head.decode("utf-8")
        except UnicodeDecodeError as exc:
            # A multi-byte character cut at the 4 KiB boundary is still text.
            if exc.start < len(head) - 4:
                return None
        return "text/plain"
    return None


def filename_clean(name: str) -> str:
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = re.sub(r"[^A-Za-z0-9._ -]+", "_", base).strip(" .")
    return (base or "attachment")[:120]


def attachments_validate(files: list[IncomingFile]) -> list[tuple[IncomingFile, str]]:
    """Each file with its detected type; InvalidInput (naming the file) for a wrong type or size."""
    if len(files) > MAX_ATTACHMENTS:
        raise InvalidInput(f"Attach at most {MAX_ATTACHMENTS} files.", code="attachment_too_many")
    checked = []
    for incoming in files:
        name = filename_clean(incoming.filename)
        if len(incoming.content) > MAX_ATTACHMENT_BYTES:
            raise InvalidInput(
                f"{name} is larger than {MAX_ATTACHMENT_BYTES // (1024 * 1024)} MB.",
                code="attachment_too_large",
            )
        if not incoming.content:
            raise InvalidInput(f"{name} is empty.", code="attachment_empty")
        content_type = content_type_detect(incoming.content)
        if content_type is None:
            raise InvalidInput(
                f"{name}: we accept {ALLOWED_DESCRIPTION}.", code="attachment_type_not_allowed"
            )
        checked.append((IncomingFile(name, incoming.content), content_type))
    return checked


def attachments_store(
    *, message: TicketMessage, files: list[tuple[IncomingFile, str]]
) -> list[TicketAttachment]:
    stored = []
    for incoming, content_type in files:
        attachment = TicketAttachment(
            message=message,
            storage_key=secrets.token_urlsafe(24),
            filename=incoming.filename,
            content_type=content_type,
            size=len(incoming.content),
            created_at=timezone.now(),
        )
        attachment.file.save(incoming.filename, ContentFile(incoming.content), save=False)
        attachment.save()
        stored.append(attachment)
    return stored
