"""Email addressing of tickets: Message-IDs, the per-ticket reply-to address, and reading it back.

Our reply-to is the support address with a tag: care+T-7KQ2MX.k3J9…@kwoking.example. The reference
says which ticket; the token (random, per ticket) proves the sender got our email. A reference alone
(say, typed in a subject) only threads mail that comes from the ticket's own customer.
"""

from __future__ import annotations

import re
import secrets

from shopdesk.policy import get_policy

REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read out on the phone
REFERENCE_LENGTH = 6
REFERENCE_PATTERN = re.compile(r"\[?\b(T-[A-Z2-9]{6})\b\]?")
_TAGGED_ADDRESS = re.compile(r"\+(T-[A-Z2-9]{6})\.([A-Za-z0-9_-]{16,40})@", re.IGNORECASE)


def reference_new() -> str:
    return "T-" + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_LENGTH))


def reply_token_new() -> str:
    return secrets.token_urlsafe(18)  # 24 characters


def _support_parts() -> tuple[str, str]:
    local, _, domain = get_policy().store.support_email.partition("@")
    return local, domain or "localhost"


def reply_to_address(*, reference: str, reply_token: str) -> str:
    local, domain = _support_parts()
    return f"{local}+{reference}.{reply_token}@{domain}"


def message_id_new(*, reference: str) -> str:
    _, domain = _support_parts()
    return f"<{reference}.{secrets.token_hex(8)}@{domain}>"


def tagged_address_parse(address_text: str) -> tuple[str, str] | None:
    """(reference, token) from a reply-to style address anywhere in `address_text`, or None."""
    found = _TAGGED_ADDRESS.search(address_text or "")
    if not found:
        return None
    return found.group(1).upper(), found.group(2)


def reference_in_subject(subject: str) -> str | None:
    found = REFERENCE_PATTERN.search(subject or "")
    return found.group(1) if found else None
