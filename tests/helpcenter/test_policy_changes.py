"""One truth: change a value in the policy file and the articles say the new value."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from django.test import Client

from shopdesk.helpcenter.models import Article
from shopdesk.helpcenter.rendering import render_article
from shopdesk.policy import reload_policy
from shopdesk.policy.loader import DEFAULT_POLICY_FILE

pytestmark = pytest.mark.usefixtures("help_content")


@pytest.fixture
def longer_return_window_policy(settings, tmp_path: Path) -> Iterator[None]:  # type: ignore[no-untyped-def]
    """The demo store, but with a 45-day return window and a $4.50 return label."""
    text = DEFAULT_POLICY_FILE.read_text(encoding="utf-8")
    text = text.replace("window_days = 30", "window_days = 45").replace(
        'label_fee = "6.95"', 'label_fee = "4.50"'
    )
    path = tmp_path / "store.toml"
    path.write_text(text, encoding="utf-8")
    settings.SHOPDESK_POLICY = str(path)
    reload_policy()
    yield
    settings.SHOPDESK_POLICY = ""
    reload_policy()


def test_article_text_follows_the_policy(longer_return_window_policy: None) -> None:
    article = Article.objects.get(slug="return-an-item")
    text = render_article(article).text
    assert "within 45 days" in text and "$4.50" in text
    assert "30 days" not in text and "$6.95" not in text


def test_cached_html_is_not_served_after_the_policy_changes(settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    assert "within 30 days" in client.get("/help/articles/return-policy/").content.decode()
    path = tmp_path / "store.toml"
    path.write_text(DEFAULT_POLICY_FILE.read_text().replace("window_days = 30", "window_days = 60"))
    settings.SHOPDESK_POLICY = str(path)
    try:
        reload_policy()
        page = client.get("/help/articles/return-policy/").content.decode()
        assert "within 60 days" in page
        results = client.get("/api/v1/help/search", {"q": "60 days return"}).json()["results"]
        assert any("60 days" in r["snippet"] for r in results), "the search index is rebuilt too"
    finally:
        settings.SHOPDESK_POLICY = ""
        reload_policy()


def test_money_is_formatted_in_the_store_currency(settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "store.toml"
    text = (
        DEFAULT_POLICY_FILE.read_text()
        .replace('currency = "USD"', 'currency = "EUR"')
        .replace('locale = "en_US"', 'locale = "de_DE"')
    )
    path.write_text(text)
    settings.SHOPDESK_POLICY = str(path)
    try:
        reload_policy()
        text = render_article(Article.objects.get(slug="shipping-info")).text
        assert "5,95\xa0€" in text and "75,00\xa0€" in text
    finally:
        settings.SHOPDESK_POLICY = ""
        reload_policy()
