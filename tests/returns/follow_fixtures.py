"""Fixtures of the return's follow-up tests: photo bytes of each kind, a started return, media in tmp."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.test import override_settings

from shopdesk.core.actors import Actor
from shopdesk.orders.models import Order
from shopdesk.returns.models import ReturnRequest
from shopdesk.returns.services import ReturnLineRequest, return_create
from tests.orders.test_services_states import scarf_line, shirt_line

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01" + b"\x00" * 200 + b"\xff\xd9"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 200
HEIC = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 200
GIF = b"GIF89a" + b"\x00" * 200
SCRIPT = b"<svg onload=alert(1)></svg>"


@pytest.fixture(autouse=True)
def _media_in_tmp(tmp_path) -> Iterator[None]:  # type: ignore[no-untyped-def]
    with override_settings(MEDIA_ROOT=str(tmp_path / "media")):
        yield


def return_of(order: Order, *, reason: str = "damaged_in_transit", method: str = "label") -> ReturnRequest:
    """A return of one shirt (approved at once) for `reason`."""
    done = return_create(
        order=order,
        actor=Actor.customer(order.email),
        lines=[ReturnLineRequest(line_id=shirt_line(order).pk, quantity=1, reason=reason)],
        method=method,
    )
    return done.return_request


def return_of_both(order: Order, *, method: str = "label") -> ReturnRequest:
    """A return of a shirt (too small) and the scarf (arrived damaged)."""
    done = return_create(
        order=order,
        actor=Actor.customer(order.email),
        lines=[
            ReturnLineRequest(line_id=shirt_line(order).pk, quantity=1, reason="too_small"),
            ReturnLineRequest(line_id=scarf_line(order).pk, quantity=1, reason="damaged_in_transit"),
        ],
        method=method,
    )
    return done.return_request
