"""Store decisions that were constants now come from the policy: change the file, the product follows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.core.cache import cache
from django.test import Client, override_settings
from django.utils import timezone

from shopdesk.access.models import MagicLink
from shopdesk.access.services import magic_link_request
from shopdesk.core.actors import Actor
from shopdesk.core.errors import NotEligible
from shopdesk.orders.models import EmailChangeRequest
from shopdesk.orderview.builder import order_page
from shopdesk.policy.loader import DEFAULT_POLICY_FILE, reload_policy
from shopdesk.selfservice.eligibility import resend_email_eligibility
from shopdesk.selfservice.services.emails import order_email_change_request, order_email_resend
from shopdesk.shipping.enums import TrackingStatus
from shopdesk.shipping.services.notices import shipment_notices_enqueue
from tests.situations import order_with_lines, ship

pytestmark = pytest.mark.django_db


@pytest.fixture
def policy(tmp_path: Path) -> Iterator[Callable[..., None]]:
    overrides = []

    def use(**replacements: str) -> None:
        text = DEFAULT_POLICY_FILE.read_text()
        for old, new in replacements.items():
            assert old in text, old
            text = text.replace(old, new)
        path = tmp_path / "store.toml"
        path.write_text(text)
        override = override_settings(SHOPDESK_POLICY=str(path))
        override.enable()
        overrides.append(override)
        reload_policy()

    yield use
    for override in overrides:
        override.disable()
    reload_policy()
    cache.clear()


def test_resend_limit(policy: Callable[..., None]) -> None:
    policy(**{"resends_per_hour = 3": "resends_per_hour = 1"})
    order = order_with_lines(1)
    order_email_resend(order=order, template="confirmation", actor=Actor.system())
    assert resend_email_eligibility(order=order, template="confirmation").code == "resend_limit"


def test_email_change_window_and_rate(policy: Callable[..., None]) -> None:
    policy(
        **{
            "email_change_link_hours = 24": "email_change_link_hours = 2",
            "email_changes_per_hour = 3": "email_changes_per_hour = 1",
        }
    )
    order = order_with_lines(1)
    now = timezone.now()
    order_email_change_request(order=order, new_email="new@example.com", actor=Actor.system(), now=now)
    request = EmailChangeRequest.objects.get(order=order)
    assert request.expires_at - request.created_at == dt.timedelta(hours=2)
    with pytest.raises(NotEligible):
        order_email_change_request(order=order, new_email="other@example.com", actor=Actor.system(), now=now)


def test_delivered_but_missing_wait(policy: Callable[..., None]) -> None:
    policy(**{"delivered_missing_wait_hours = 48": "delivered_missing_wait_hours = 100"})
    order = order_with_lines(1, placed_days_ago=8)
    ship(order, status=TrackingStatus.DELIVERED, shipped_days_ago=6, last_scan_days_ago=3)
    diagnosis = next(d for d in order_page(order=order).diagnoses if d.code == "delivered_not_received")
    assert "within 100 hours" in diagnosis.message and not diagnosis.actions


def test_notice_freshness(policy: Callable[..., None]) -> None:
    policy(**{"notice_freshness_hours = 48": "notice_freshness_hours = 12"})
    order = order_with_lines(1, placed_days_ago=3)
    shipment = ship(order, shipped_days_ago=1, last_scan_days_ago=1)
    assert shipment_notices_enqueue(order=order, shipment=shipment) == []


def test_magic_link_lifetime_in_the_link_the_page_and_the_api(
    policy: Callable[..., None], client: Client
) -> None:
    policy(**{"magic_link_minutes = 30": "magic_link_minutes = 10"})
    magic_link_request(email="nobody@example.com", client_ip="127.0.0.1")
    link = MagicLink.objects.get()
    assert link.expires_at - link.created_at == dt.timedelta(minutes=10)
    page = client.post("/orders/link/", {"email": "nobody@example.com"}).content.decode()
    assert "for 10 minutes" in page and "30 minutes" not in page
    api = client.post(
        "/api/v1/customer/magic-link", {"email": "someone@example.com"}, content_type="application/json"
    )
    assert "for 10 minutes" in api.json()["message"]


def test_articles_say_the_policys_numbers(policy: Callable[..., None]) -> None:
    from shopdesk.helpcenter.content import load_content
    from shopdesk.helpcenter.rendering import render_source
    from shopdesk.policy import get_policy

    policy(
        **{
            "delivered_missing_wait_hours = 48": "delivered_missing_wait_hours = 72",
            "email_change_link_hours = 24": "email_change_link_hours = 6",
        }
    )
    _, articles = load_content()
    text = {a.slug: render_source(a.body, get_policy()).text for a in articles}
    assert "turn up within 72 hours" in text["package-not-received"]
    assert "works for 6 hours" in text["confirmation-email-missing"]
