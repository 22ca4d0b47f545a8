"""Errors of customer access (their codes are part of the API contract)."""

from __future__ import annotations

import math

from shopdesk.core.errors import DomainError, NotFound

LOOKUP_FAILED_MESSAGE = (
    "We could not find an order with that number and email address. "
    "Check both (the number is in your confirmation email) and try again."
)


class LookupFailed(NotFound):
    """The same error, word for word, for a wrong order number and for a wrong email."""

    code = "lookup_failed"

    def __init__(self) -> None:
        super().__init__(LOOKUP_FAILED_MESSAGE)


class RateLimited(DomainError):
    code = "rate_limited"
    http_status = 429

    def __init__(self, *, retry_after: float, message: str | None = None, hint: str = ""):
        self.retry_after = max(1, math.ceil(retry_after))
        minutes = max(1, math.ceil(self.retry_after / 60))
        wait = f"Too many attempts. Please wait {minutes} minute{'s' if minutes > 1 else ''} and try again."
        super().__init__(
            message or " ".join(part for part in (wait, hint) if part),
            details={"retry_after": self.retry_after},
        )


class TokenInvalid(DomainError):
    """A magic link that is unknown, used already or expired: one message for all three."""

    code = "link_invalid"
    http_status = 410

    def __init__(self) -> None:
        super().__init__(
            "This sign-in link has expired or was used already. Ask for a new one: it takes a minute."
        )
