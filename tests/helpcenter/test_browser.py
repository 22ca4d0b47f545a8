"""A shopper in a real (headless) browser: help home → search → article → "Was this helpful?" → thanks."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from shopdesk.helpcenter.models import Article


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("help_content")
def test_search_open_an_article_and_vote(page) -> None:  # type: ignore[no-untyped-def]
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if "Content Security Policy" in m.text else None)
    # Every stylesheet, the icon and page loads.
    page.on("response", lambda r: errors.append(r.url) if r.status >= 400 else None)

    page.goto("/help/")
    expect(page.get_by_role("heading", name="Help center", level=1)).to_be_visible()
    icon = page.locator('link[rel="icon"]').get_attribute("href")
    assert icon and page.request.get(icon).ok
    page.get_by_label("Search the help center").fill("send back shoes that don't fit")
    page.get_by_role("button", name="Search").click()

    page.wait_for_url("**/help/search/?q=*")
    results = page.locator(".help-result h2 a")
    assert results.count() > 0
    assert "return" in results.first.inner_text().lower()
    results.first.click()

    page.wait_for_url("**/help/articles/**")
    expect(page.get_by_role("navigation", name="Breadcrumb")).to_be_visible()
    page.get_by_role("button", name="Yes").click()

    expect(page.get_by_role("heading", name="Thanks for your feedback!")).to_be_visible()
    slug = page.url.split("#")[0].rstrip("/").rsplit("/", 1)[-1]
    assert Article.objects.get(slug=slug).helpful_yes == 1
    assert not errors, errors
