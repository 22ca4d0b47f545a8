"""Errors of the points ledger (codes are part of the API contract)."""

from __future__ import annotations

from shopdesk.core.errors import DomainError, InvalidInput


class InsufficientPoints(DomainError):
    """A spend larger than the available balance (or a second spend of the same points in a race)."""

    code = "insufficient_points"
    http_status = 409


class PointsInvalid(InvalidInput):
    code = "invalid_points"
