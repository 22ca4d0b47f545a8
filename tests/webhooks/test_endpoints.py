"""Endpoint management through the store API and the CLI: the secret shown once, the SSRF guard,
rotation, the delivery log, replay input, and a request without the token."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from shopdesk.api.auth import token_create
from shopdesk.core.errors import InvalidInput
from shopdesk.webhooks.models import WebhookEndpoint, WebhookSecret
from shopdesk.webhooks.ssrf import url_check
from tests.integration.payloads import StoreClient

pytestmark = pytest.mark.django_db
BASE = "/webhook-endpoints"


@pytest.fixture
def store(db: None) -> StoreClient:
    return StoreClient(token_create(name="test-store").secret)


def _delete(store: StoreClient, path: str):  # type: ignore[no-untyped-def]
    return store.client.delete(f"/api/v1/store{path}", headers=store.headers)


def _get(store: StoreClient, path: str):  # type: ignore[no-untyped-def]
    return store.client.get(f"/api/v1/store{path}", headers=store.headers)


def test_add_returns_id_and_a_whsec_secret_once_then_list_never_shows_it(store, allow_private) -> None:
    response = store.post(BASE, {"url": "http://127.0.0.1:8999/hooks", "events": ["order.cancelled"]})
    assert response.status_code == 201, response.content
    body = response.json()
    assert set(body) == {"id", "secret"} and body["secret"].startswith("whsec_")
    listed = _get(store, BASE)
    assert listed.status_code == 200
    assert body["secret"] not in listed.content.decode()
    assert listed.json()[0]["events"] == ["order.cancelled"] and listed.json()[0]["enabled"] is True


def test_unknown_event_types_are_refused_and_nothing_is_written(store, allow_private) -> None:
    response = store.post(BASE, {"url": "http://127.0.0.1:8999/hooks", "events": ["order.exploded"]})
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "webhook_events_invalid"
    assert WebhookEndpoint.objects.count() == 0


@pytest.mark.parametrize(
    "url",
    [
        "https://127.0.0.1/hooks",
        "https://10.0.0.8/hooks",
        "https://192.168.1.1/hooks",
        "https://169.254.169.254/latest/meta-data",
        "https://[::1]/hooks",
        "https://[::ffff:10.0.0.1]/hooks",
        "https://localhost/hooks",
        "http://shop.example.com/hooks",  # plain http to the internet
        "ftp://shop.example.com/hooks",
        "https://user:pw@shop.example.com/hooks",
    ],
)
def test_the_ssrf_guard_refuses_private_loopback_and_odd_urls(store, url: str, monkeypatch) -> None:
    monkeypatch.delenv("SHOPDESK_WEBHOOKS_ALLOW_PRIVATE", raising=False)
    response = store.post(BASE, {"url": url, "events": ["*"]})
    assert response.status_code == 422, response.content
    assert response.json()["error"]["code"].startswith("webhook_url_")
    assert WebhookEndpoint.objects.count() == 0


def test_a_public_address_passes_the_guard(monkeypatch) -> None:
    monkeypatch.delenv("SHOPDESK_WEBHOOKS_ALLOW_PRIVATE", raising=False)
    assert url_check("https://93.184.215.14/hooks") == "https://93.184.215.14/hooks"
    with pytest.raises(InvalidInput):
        url_check("https://100.64.0.1/hooks")  # carrier-grade NAT is not the internet either


def test_rotate_gives_a_new_secret_and_keeps_the_old_one_for_the_overlap(store, allow_private) -> None:
    created = store.post(BASE, {"url": "http://127.0.0.1:8999/hooks", "events": ["*"]}).json()
    rotated = store.post(f"{BASE}/{created['id']}/rotate-secret", {"overlap_hours": 2})
    assert rotated.status_code == 200, rotated.content
    assert rotated.json()["secret"] != created["secret"]
    secrets = WebhookSecret.objects.filter(endpoint_id=created["id"])
    assert secrets.count() == 2
    assert secrets.get(secret=created["secret"]).expires_at is not None
    assert secrets.get(secret=rotated.json()["secret"]).expires_at is None


def test_delete_removes_the_endpoint_and_a_second_delete_is_404(store, allow_private) -> None:
    created = store.post(BASE, {"url": "http://127.0.0.1:8999/hooks", "events": ["*"]}).json()
    assert _delete(store, f"{BASE}/{created['id']}").status_code == 204
    missing = _delete(store, f"{BASE}/{created['id']}")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "webhook_endpoint_not_found"


def test_replay_needs_an_event_id_or_a_range(store, allow_private) -> None:
    created = store.post(BASE, {"url": "http://127.0.0.1:8999/hooks", "events": ["*"]}).json()
    empty = store.post(f"{BASE}/{created['id']}/replay", {})
    assert empty.status_code == 422 and empty.json()["error"]["code"] == "replay_invalid"
    backwards = store.post(
        f"{BASE}/{created['id']}/replay", {"since": "2026-11-02T00:00:00Z", "until": "2026-11-01T00:00:00Z"}
    )
    assert backwards.status_code == 422
    unknown = store.post(f"{BASE}/{created['id']}/replay", {"event_id": "evt_nope"})
    assert unknown.status_code == 404


def test_disable_and_enable_through_the_store_api(store, allow_private) -> None:
    created = store.post(BASE, {"url": "http://127.0.0.1:8999/hooks", "events": ["*"]}).json()

    disabled = store.post(f"{BASE}/{created['id']}/disable", {"reason": "Maintenance window"})
    assert disabled.status_code == 200, disabled.content
    assert disabled.json()["enabled"] is False and disabled.json()["disabled_reason"] == "Maintenance window"
    assert WebhookEndpoint.objects.get(pk=created["id"]).enabled is False

    enabled = store.post(f"{BASE}/{created['id']}/enable", {})
    assert enabled.status_code == 200
    assert enabled.json()["enabled"] is True and enabled.json()["disabled_reason"] == ""
    assert store.post(f"{BASE}/999999/disable", {}).status_code == 404
    assert StoreClient(None).post(f"{BASE}/{created['id']}/disable", {}).status_code == 401
    assert WebhookEndpoint.objects.get(pk=created["id"]).enabled is True


def test_without_the_store_token_every_operation_is_401(allow_private, db) -> None:
    anonymous = StoreClient(None)
    assert anonymous.post(BASE, {"url": "http://127.0.0.1:1/x", "events": ["*"]}).status_code == 401
    assert _get(anonymous, BASE).status_code == 401
    assert _get(anonymous, f"{BASE}/1/deliveries").status_code == 401
    assert anonymous.post("/refunds/1/events", {"event_id": "e", "kind": "succeeded"}).status_code == 401
    assert WebhookEndpoint.objects.count() == 0


def test_the_cli_adds_an_endpoint_and_prints_its_id_and_secret(allow_private, db) -> None:
    out = StringIO()
    call_command(
        "webhooks",
        "add",
        "http://127.0.0.1:8999/hooks",
        "--events",
        "order.cancelled,return.created",
        stdout=out,
    )
    text = out.getvalue()
    endpoint = WebhookEndpoint.objects.get()
    assert f"id: {endpoint.pk}" in text
    secret = WebhookSecret.objects.get(endpoint=endpoint).secret
    assert f"secret: {secret}" in text and secret.startswith("whsec_")
    assert endpoint.events == ["order.cancelled", "return.created"]
    listed = StringIO()
    call_command("webhooks", "list", stdout=listed)
    assert secret not in listed.getvalue() and "127.0.0.1:8999" in listed.getvalue()


def test_the_cli_disables_and_enables_an_endpoint(allow_private, db) -> None:
    call_command("webhooks", "add", "http://127.0.0.1:8999/hooks", "--events", "*", stdout=StringIO())
    endpoint = WebhookEndpoint.objects.get()
    call_command("webhooks", "disable", str(endpoint.pk), stdout=StringIO())
    endpoint.refresh_from_db()
    assert not endpoint.enabled and endpoint.disabled_reason == "Disabled by an operator."
    call_command("webhooks", "enable", str(endpoint.pk), stdout=StringIO())
    endpoint.refresh_from_db()
    assert endpoint.enabled and endpoint.disabled_reason == ""
    with pytest.raises(CommandError, match="No webhook endpoint"):
        call_command("webhooks", "disable", "999", stdout=StringIO())


def test_the_cli_refuses_a_private_url_without_the_switch(db, monkeypatch) -> None:
    monkeypatch.delenv("SHOPDESK_WEBHOOKS_ALLOW_PRIVATE", raising=False)
    with pytest.raises(CommandError, match="private"):
        call_command("webhooks", "add", "https://127.0.0.1/hooks", "--events", "*", stdout=StringIO())
    assert WebhookEndpoint.objects.count() == 0


def test_the_delivery_log_lists_attempts(store, allow_private, receiver) -> None:
    from shopdesk.core.actors import Actor
    from shopdesk.orders import events as order_events
    from shopdesk.webhooks.delivery import webhooks_deliver
    from tests.orders.test_services_states import paid_order_of_shirt_and_scarf

    created = store.post(BASE, {"url": receiver.url, "events": ["*"]}).json()
    receiver.secrets.append(created["secret"])
    order = paid_order_of_shirt_and_scarf()
    order_events.order_email_changed(
        order=order, actor=Actor.agent("sam"), old_email="a@x.io", new_email="b@x.io"
    )
    webhooks_deliver(batch=5)
    log = _get(store, f"{BASE}/{created['id']}/deliveries")
    assert log.status_code == 200, log.content
    (delivery,) = log.json()
    assert delivery["event_type"] == "order.email_changed" and delivery["status"] == "delivered"
    assert delivery["log"][0]["status_code"] == 200 and delivery["log"][0]["response_body"] == "thanks"
    assert json.loads(receiver.received[0].body)["data"]["after"] == {"email": "b@x.io"}
    assert receiver.received[0].verified
