"""Help search survives a broken article; the bad-Host page and the slash redirect carry the security
headers; the access log cannot be forged with a line feed in the URL."""

from __future__ import annotations

import logging

import pytest
from django.test import Client
from django.utils import timezone

from shopdesk.helpcenter.models import Article
from shopdesk.helpcenter.sync import content_sync

SECURITY_HEADERS = ("Content-Security-Policy", "X-Content-Type-Options", "X-Frame-Options", "Referrer-Policy")


@pytest.mark.django_db
def test_one_article_that_fails_to_render_leaves_search_working(
    client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    if not Article.objects.exists():
        content_sync()
    broken = Article.objects.filter(is_published=True).first()
    assert broken is not None
    # A new updated_at gives the index a new version, so the index built here is not reused after the test.
    Article.objects.filter(pk=broken.pk).update(
        body="{% if %}broken", revision=broken.revision + 1, updated_at=timezone.now()
    )

    with caplog.at_level(logging.ERROR, logger="shopdesk.helpcenter"):
        response = client.get("/api/v1/help/search", {"q": "refund"})

    assert response.status_code == 200
    slugs = [hit["slug"] for hit in response.json()["results"]]
    assert slugs and broken.slug not in slugs
    assert any(broken.slug in record.getMessage() for record in caplog.records)


@pytest.mark.django_db
def test_the_bad_host_page_carries_the_security_headers(client: Client) -> None:
    response = client.get("/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    for header in SECURITY_HEADERS:
        assert header in response, header


@pytest.mark.django_db
def test_the_slash_redirect_carries_the_security_headers(client: Client) -> None:
    response = client.get("/orders/mine")
    assert response.status_code == 301
    for header in SECURITY_HEADERS:
        assert header in response, header


@pytest.mark.django_db
def test_a_line_feed_in_the_url_cannot_forge_an_access_log_line(
    client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="shopdesk.access"):
        client.get("/help/x%0aGET%20/admin/%20200")
    lines = [r.getMessage() for r in caplog.records if r.name == "shopdesk.access"]
    assert lines and all("\n" not in line for line in lines)
    assert any("\\n" in line for line in lines)
