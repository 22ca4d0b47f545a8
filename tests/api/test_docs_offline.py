"""/api/v1/docs works with no network beyond loopback: Swagger UI comes from the installed package."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest
from django.test import Client
from playwright.sync_api import expect


@pytest.mark.django_db
def test_docs_page_loads_only_local_scripts_and_no_inline_script_is_allowed(client: Client) -> None:
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "cdn" not in html.lower() and "https://" not in html
    policy = response["Content-Security-Policy"]
    script_src = next(part for part in policy.split(";") if part.strip().startswith("script-src"))
    assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_docs_render_their_operations_offline(page) -> None:  # type: ignore[no-untyped-def]
    outside: list[str] = []
    blocked_by_csp: list[str] = []

    def only_loopback(route) -> None:  # type: ignore[no-untyped-def]
        host = urlparse(route.request.url).hostname or ""
        if host in ("localhost", "127.0.0.1") or route.request.url.startswith("data:"):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    page.route("**/*", only_loopback)
    page.on(
        "console",
        lambda message: (
            blocked_by_csp.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    page.goto("/api/v1/docs")
    # Swagger UI builds the page from the whole OpenAPI document in the browser: on a loaded machine that
    # takes longer than the default wait, which is not what this test is about.
    page.locator(".opblock").first.wait_for(timeout=45_000)
    assert page.locator(".opblock").count() > 10
    expect(page.get_by_text("/api/v1/customer/session").first).to_be_visible()
    assert outside == [], outside
    assert blocked_by_csp == [], blocked_by_csp
