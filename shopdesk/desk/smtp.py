"""The SMTP side of inbound email (aiosmtpd): accept mail for the support address, hand each message
to the same service as the HTTP endpoint. Runs the database work in a thread, off the event loop."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from django.db import close_old_connections

from shopdesk.core.errors import DomainError
from shopdesk.desk.services.inbound import inbound_email_receive
from shopdesk.policy import get_policy

logger = logging.getLogger(__name__)
MAX_MESSAGE_BYTES = 25 * 1024 * 1024


def recipient_is_ours(address: str) -> bool:
    """The support address, or one of its tagged forms (care+T-….token@domain)."""
    local, _, domain = get_policy().store.support_email.lower().partition("@")
    their_local, _, their_domain = address.lower().partition("@")
    return their_domain == domain and their_local.split("+")[0] == local


def _receive(raw: bytes) -> None:
    close_old_connections()
    try:
        inbound_email_receive(raw=raw)
    finally:
        close_old_connections()


class InboundHandler:
    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: list[str]
    ) -> str:
        if not recipient_is_ours(address):
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        raw = envelope.original_content or envelope.content
        if not isinstance(raw, bytes):
            raw = str(raw).encode()
        try:
            await asyncio.to_thread(_receive, raw)
        except DomainError as exc:
            return f"550 5.6.0 {exc.message}"
        except Exception:  # a database hiccup: the sender's server keeps the mail and retries
            logger.exception("inbound email could not be stored")
            return "451 4.3.0 Try again later"
        return "250 Message accepted"


def inbound_smtp_controller(*, host: str, port: int) -> Any:
    from aiosmtpd.controller import Controller

    return Controller(InboundHandler(), hostname=host, port=port, data_size_limit=MAX_MESSAGE_BYTES)
