"""Order lookup, sessions and magic links: same answer for wrong number and wrong email, rate limits, scope."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from shopdesk.access.models import CustomerSession, MagicLink
from shopdesk.access.selectors import access_for_session_id, access_remember
from shopdesk.access.services import session_open_by_lookup, session_revoke
from shopdesk.orders.models import Order
from tests import factories

SESSION_URL = "/api/v1/customer/session"


@pytest.fixture(autouse=True)
def _clear_rate_limits() -> None:
    cache.clear()


def _lookup(client: Client, number: str, email: str, ip: str = "10.0.0.1"):
    return client.post(
        SESSION_URL, {"order_number": number, "email": email}, content_type="application/json", REMOTE_ADDR=ip
    )


@pytest.mark.parametrize("typed", ["KW{d}", "kw{d}", " kw {d} ", "#{d}", "{d}", "KW-{d}", "#KW{d}"])
def test_lookup_accepts_what_people_type(unfulfilled_order: Order, client: Client, typed: str) -> None:
    digits = unfulfilled_order.number.removeprefix("KW")
    response = _lookup(client, typed.format(d=digits), unfulfilled_order.email.upper())
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["order_number"] == unfulfilled_order.number
    assert len(body["token"]) >= 43  # 256 bits, URL-safe base64


def test_token_is_stored_hashed(unfulfilled_order: Order, client: Client) -> None:
    token = _lookup(client, unfulfilled_order.number, unfulfilled_order.email).json()["token"]
    session = CustomerSession.objects.get()
    assert token not in session.token_hash
    assert re.fullmatch(r"[0-9a-f]{64}", session.token_hash)


def test_wrong_number_and_wrong_email_answer_identically(unfulfilled_order: Order, client: Client) -> None:
    other = factories.OrderFactory()
    wrong_email = _lookup(client, unfulfilled_order.number, "someone@else.example")
    wrong_number = _lookup(client, "KW99999999", unfulfilled_order.email)
    someone_elses = _lookup(client, other.number, unfulfilled_order.email)
    assert wrong_email.status_code == wrong_number.status_code == someone_elses.status_code == 404
    assert wrong_email.content == wrong_number.content == someone_elses.content
    assert wrong_email.json()["error"]["code"] == "lookup_failed"
    headers = {k: v for k, v in wrong_email.items() if k.lower() not in {"date"}}
    assert headers == {k: v for k, v in wrong_number.items() if k.lower() not in {"date"}}


def test_failed_lookups_are_rate_limited_per_order(unfulfilled_order: Order, client: Client) -> None:
    for attempt in range(8):
        assert (
            _lookup(
                client, unfulfilled_order.number, f"guess{attempt}@x.example", ip=f"10.1.0.{attempt}"
            ).status_code
            == 404
        )
    blocked = _lookup(client, unfulfilled_order.number, unfulfilled_order.email, ip="10.9.9.9")
    assert blocked.status_code == 429
    assert int(blocked["Retry-After"]) > 0
    assert blocked.json()["error"]["code"] == "rate_limited"


def test_failures_at_other_orders_never_refuse_the_right_answer(
    unfulfilled_order: Order, client: Client
) -> None:
    for serial in range(20):
        assert _lookup(client, f"KW{20000000 + serial}", "a@b.example").status_code == 404
    assert _lookup(client, unfulfilled_order.number, unfulfilled_order.email).status_code == 200


def test_a_flood_from_one_address_is_stopped(db: None, client: Client) -> None:
    from shopdesk.access.rate_limits import LOOKUP_FAILURES_PER_IP

    for serial in range(LOOKUP_FAILURES_PER_IP.count):
        assert _lookup(client, f"KW{20000000 + serial}", "a@b.example").status_code == 404
    blocked = _lookup(client, "KW30000000", "a@b.example")
    assert blocked.status_code == 429 and "link" in blocked.json()["error"]["message"]
    assert _lookup(client, "KW30000000", "a@b.example", ip="10.0.0.2").status_code == 404


def test_bad_input_is_refused_clearly(db: None, client: Client) -> None:
    too_long = client.post(
        SESSION_URL, {"order_number": "1" * 500, "email": "a@b.example"}, content_type="application/json"
    )
    wrong_type = client.post(
        SESSION_URL, {"order_number": ["KW1"], "email": 5}, content_type="application/json"
    )
    extra = client.post(
        SESSION_URL,
        {"order_number": "KW1", "email": "a@b.example", "admin": True},
        content_type="application/json",
    )
    not_a_number = _lookup(client, "hello there", "a@b.example")
    for response in (too_long, wrong_type, extra, not_a_number):
        assert response.status_code == 422
        assert response.json()["error"]["message"]
    assert CustomerSession.objects.count() == 0


def test_revoked_and_expired_tokens_stop_working(unfulfilled_order: Order, client: Client) -> None:
    token = _lookup(client, unfulfilled_order.number, unfulfilled_order.email).json()["token"]
    url = f"/api/v1/customer/orders/{unfulfilled_order.number}"
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    assert client.get(url, **auth).status_code == 200
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(hours=2, minutes=1)):
        assert client.get(url, **auth).status_code == 401
    assert client.delete(SESSION_URL, **auth).status_code == 204
    assert client.get(url, **auth).status_code == 401


# --- magic links ----------------------------------------------------------------------------------
def _magic_token(mailbox_email: str) -> str:
    from shopdesk.notifications.models import OutboxMessage

    message = OutboxMessage.objects.filter(to=mailbox_email, template="magic_link").latest("created_at")
    return re.search(r"/orders/magic/([A-Za-z0-9_\-]+)", message.body_text).group(1)


def test_magic_link_answer_is_the_same_for_unknown_emails(unfulfilled_order: Order, client: Client) -> None:
    known = client.post(
        "/api/v1/customer/magic-link", {"email": unfulfilled_order.email}, content_type="application/json"
    )
    unknown = client.post(
        "/api/v1/customer/magic-link",
        {"email": "nobody@nowhere.example"},
        content_type="application/json",
        REMOTE_ADDR="10.0.0.5",
    )
    assert known.status_code == unknown.status_code == 202
    assert known.content == unknown.content
    assert MagicLink.objects.count() == 2  # same writes either way


def test_magic_link_is_single_use_and_covers_every_order_of_the_email(
    unfulfilled_order: Order, client: Client
) -> None:
    second = factories.OrderFactory(customer=unfulfilled_order.customer, email=unfulfilled_order.email)
    stranger = factories.OrderFactory()
    client.post(
        "/api/v1/customer/magic-link", {"email": unfulfilled_order.email}, content_type="application/json"
    )
    token = _magic_token(unfulfilled_order.email)
    first_use = client.post(
        "/api/v1/customer/magic-link/session", {"token": token}, content_type="application/json"
    )
    assert first_use.status_code == 200 and first_use.json()["scope"] == "email"
    again = client.post(
        "/api/v1/customer/magic-link/session", {"token": token}, content_type="application/json"
    )
    assert again.status_code == 410
    auth = {"HTTP_AUTHORIZATION": f"Bearer {first_use.json()['token']}"}
    numbers = {o["number"] for o in client.get("/api/v1/customer/orders", **auth).json()}
    assert numbers == {unfulfilled_order.number, second.number}
    assert client.get(f"/api/v1/customer/orders/{stranger.number}", **auth).status_code == 404


def test_magic_link_expires_after_30_minutes(unfulfilled_order: Order, client: Client) -> None:
    client.post(
        "/api/v1/customer/magic-link", {"email": unfulfilled_order.email}, content_type="application/json"
    )
    token = _magic_token(unfulfilled_order.email)
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(minutes=31)):
        late = client.post(
            "/api/v1/customer/magic-link/session", {"token": token}, content_type="application/json"
        )
    assert late.status_code == 410
    assert late.json()["error"]["code"] == "link_invalid"


def test_magic_link_requests_are_rate_limited_per_email(unfulfilled_order: Order, client: Client) -> None:
    for attempt in range(3):
        ok = client.post(
            "/api/v1/customer/magic-link",
            {"email": unfulfilled_order.email},
            content_type="application/json",
            REMOTE_ADDR=f"10.2.0.{attempt}",
        )
        assert ok.status_code == 202
    blocked = client.post(
        "/api/v1/customer/magic-link",
        {"email": unfulfilled_order.email},
        content_type="application/json",
        REMOTE_ADDR="10.2.0.9",
    )
    assert blocked.status_code == 429 and int(blocked["Retry-After"]) > 0


def test_a_session_remembered_on_commit_is_found_by_id_without_a_read(
    unfulfilled_order: Order, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        issued = session_open_by_lookup(
            order_number=unfulfilled_order.number, email=unfulfilled_order.email, client_ip="10.0.0.9"
        )
        access_remember(access=issued.access, expires_at=issued.expires_at)
    with CaptureQueriesContext(connection) as captured:
        found = access_for_session_id(session_id=issued.access.session_id)
    assert captured.captured_queries == []
    assert found == issued.access and found.allows(number=unfulfilled_order.number)
    session_revoke(session_id=issued.access.session_id)
    assert access_for_session_id(session_id=issued.access.session_id) is None  # revoking still forgets it


def test_a_session_rolled_back_is_never_remembered(
    unfulfilled_order: Order, django_capture_on_commit_callbacks: Any
) -> None:
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        issued = session_open_by_lookup(
            order_number=unfulfilled_order.number, email=unfulfilled_order.email, client_ip="10.0.0.9"
        )
        access_remember(access=issued.access, expires_at=issued.expires_at)
        raise RuntimeError("the turn failed after the session was opened")
    assert callbacks == []
    assert access_for_session_id(session_id=issued.access.session_id) is None
